/**
 * `peering-autopilot demo --accounts`: the tutorial across accounts on a local AWS. Marketing lives
 * in a member account (111111111111), Finance in the hub; a person in the member account requests
 * the peering, the member forwards the CloudTrail event to the hub, and the hub does every other
 * step as each side's owner (through the member role for Marketing). Then a drift in the member
 * account is healed through the hub.
 */

import { DeleteRouteCommand, DescribeVpcPeeringConnectionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { callerAccount } from '../../functions/commons/aws-clients.js';
import { TAGS } from '../../functions/commons/contracts.js';
import { cloudTrailEvent, starterHarness } from '../../local/local-starter.js';
import { buildAccountsScenario, LOCAL_MEMBER_ACCOUNT, memberEc2 } from '../../local/seed.js';
import { ingressSummary, onLocalAws, routeSummary } from './demo.js';
import type { Io } from './io.js';
import { printRun } from './report.js';

async function statusSeenBy(ec2: EC2Client, pcx: string): Promise<string> {
  const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  const p = out.VpcPeeringConnections?.[0];
  const tag = p?.Tags?.find((t) => t.Key === TAGS.status)?.Value ?? '(none)';
  return `${p?.Status?.Code ?? 'unknown'}, ${TAGS.status}=${tag}`;
}

export async function runAccountsDemo(io: Io): Promise<number> {
  io.out('Peering Autopilot demo --accounts — the tutorial across two accounts, one hub.');
  return onLocalAws(io, async ({ endpoint }) => {
    // What the hub deployment's `members` prop sets on every function.
    process.env.PEERING_AUTOPILOT_MEMBER_ACCOUNTS = LOCAL_MEMBER_ACCOUNT;
    const hubAccount = await callerAccount();
    const hub = new EC2Client({});
    const member = await memberEc2(LOCAL_MEMBER_ACCOUNT);
    const s = await buildAccountsScenario(hub, member, { hub: hubAccount, member: LOCAL_MEMBER_ACCOUNT });
    io.out(`\nThe world (local AWS at ${endpoint}):`);
    io.out(`  hub account ${hubAccount}: Finance ${s.finance.vpcId} ${s.finance.cidr}, the autopilot`);
    io.out(
      `  member account ${LOCAL_MEMBER_ACCOUNT}: Marketing ${s.marketing.vpcId} ${s.marketing.cidr}, ` +
        `the PeeringAutopilotMember stack (event forwarding, the role the hub assumes)`,
    );
    io.out(
      `\nSteps 13-15 in the member account: a person requests Marketing <> Finance (${s.peering}), ` +
        `pending acceptance by the hub account.`,
    );
    const starter = await starterHarness(endpoint);
    const created = await starter.deliver(
      cloudTrailEvent(
        'CreateVpcPeeringConnection',
        { vpcId: s.marketing.vpcId, peerVpcId: s.finance.vpcId, peerOwnerId: hubAccount },
        { vpcPeeringConnection: { vpcPeeringConnectionId: s.peering } },
        new Date(),
        { account: LOCAL_MEMBER_ACCOUNT },
      ),
    );
    io.out(
      `CloudTrail event in ${LOCAL_MEMBER_ACCOUNT} -> forwarded to the hub's bus -> starter -> workflow ` +
        '(accept as the accepter, routes and rules as each owner):',
    );
    let code = 0;
    for (const run of created.runs) if (!printRun(io, run)) code = 1;
    io.out('\nEach owner sees the peering and its status in its own view:');
    io.out(`  hub    ${hubAccount}: ${await statusSeenBy(hub, s.peering)}`);
    io.out(`  member ${LOCAL_MEMBER_ACCOUNT}: ${await statusSeenBy(member, s.peering)}`);

    io.out(`\nDrift in the member account: someone deletes Marketing's route to Finance.`);
    await member.send(
      new DeleteRouteCommand({
        RouteTableId: s.marketing.routeTableId,
        DestinationCidrBlock: s.finance.cidr,
      }),
    );
    io.out(`  ${await routeSummary(member, s.marketing, s.finance.cidr)}`);
    const healStart = Date.now();
    const healed = await starter.deliver(
      cloudTrailEvent(
        'DeleteRoute',
        { routeTableId: s.marketing.routeTableId, destinationCidrBlock: s.finance.cidr },
        null,
        new Date(),
        { account: LOCAL_MEMBER_ACCOUNT },
      ),
    );
    io.out(
      `  DeleteRoute in ${LOCAL_MEMBER_ACCOUNT} -> forwarded -> hub starter -> workflow (through the member role): ` +
        `${healed.runs.map((r) => r.status).join(', ')} in ${Date.now() - healStart} ms (including the 3 s debounce window)`,
    );
    if (healed.runs.some((r) => r.status === 'FAILED')) code = 1;

    io.out('\nEnd state (read back from the local AWS, each account as itself):');
    io.out(`  Marketing (member): ${await routeSummary(member, s.marketing, s.finance.cidr)}`);
    io.out(`  Finance (hub):      ${await routeSummary(hub, s.finance, s.marketing.cidr)}`);
    io.out(`  FinanceServerSecurityGroup allows: ${await ingressSummary(hub, s.finance.securityGroupId)}`);
    return code;
  });
}
