/**
 * `peering-autopilot demo --approval`: a partner outside the organization asks to peer with
 * Finance, and a person decides. The hub runs with `outsideAccounts: 'approve'`: the request waits
 * (nothing accepted, nothing written) and a notice says who asks for what; an approver approves it
 * from the CLI; the workflow accepts it and configures the hub's side only; the partner adds its own
 * route, and PartnerServer pings FinanceServer with real packets.
 */

import { CreateRouteCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { approvalNotice } from '../../functions/commons/approval-notice.js';
import { callerAccount } from '../../functions/commons/aws-clients.js';
import type { WorkflowResult } from '../../functions/commons/schemas.js';
import { starterHarness } from '../../local/local-starter.js';
import {
  accountCredentials,
  buildVpc,
  requestPeering,
  SEED_VPCS,
  type SeedVpcSpec,
} from '../../local/seed.js';
import { ingressSummary, type LocalStage, onLocalAws, pingNow, routeSummary } from './demo.js';
import type { Io } from './io.js';
import { main } from './main.js';
import { printRun } from './report.js';

/** An account outside the hub and its members: a vendor's. */
const PARTNER = '222222222222';
const PARTNER_VPC: SeedVpcSpec = {
  name: 'Partner',
  cidr: '10.30.0.0/16',
  subnetCidr: '10.30.1.0/24',
  publicSubnet: false,
  server: 'PartnerServer',
};

export async function runApprovalDemo(io: Io): Promise<number> {
  io.out('Peering Autopilot demo --approval — a partner outside the organization asks; a person decides.');
  // What the hub deployment's `outsideAccounts: 'approve'` sets on every function (this demo only).
  process.env.PEERING_AUTOPILOT_OUTSIDE_ACCOUNTS = 'approve';
  try {
    return await onLocalAws(io, (stage) => partnerAsks(io, stage));
  } finally {
    delete process.env.PEERING_AUTOPILOT_OUTSIDE_ACCOUNTS;
  }
}

async function partnerAsks(io: Io, { endpoint, packets }: LocalStage): Promise<number> {
  const hubAccount = await callerAccount();
  const hub = new EC2Client({});
  const partnerCredentials = await accountCredentials(PARTNER);
  const partner = new EC2Client({ credentials: partnerCredentials });
  const finance = await buildVpc(hub, SEED_VPCS.find((v) => v.name === 'Finance') as SeedVpcSpec);
  const vendor = await buildVpc(partner, PARTNER_VPC);
  io.out(`\nThe world (local AWS at ${endpoint}):`);
  io.out(
    `  hub account ${hubAccount}: Finance ${finance.vpcId} ${finance.cidr}, the autopilot (outsideAccounts=approve)`,
  );
  io.out(`  partner account ${PARTNER} (outside the organization): Partner ${vendor.vpcId} ${vendor.cidr}`);

  const pcx = await requestPeering(partner, vendor, finance, { ownerId: hubAccount });
  io.out(`\nA person in the partner's account requests Partner <> Finance (${pcx}).`);
  io.out("CloudTrail records that call in the partner's account only; the hub's sweep finds the request:");
  const starter = await starterHarness(endpoint);
  const asked = await starter.deliver({ sweep: true });
  let code = 0;
  for (const run of asked.runs) if (!printRun(io, run)) code = 1;
  const waiting = asked.runs.find(
    (r) => (r.output as WorkflowResult | undefined)?.peeringConnectionId === pcx,
  );
  const notice = waiting && approvalNotice(waiting.output as WorkflowResult, 'awaiting-approval');
  if (!notice) {
    io.err('the request did not wait for a person');
    return 1;
  }
  io.out('\nWhat the on-call person receives (SNS notice from the Report step, once):');
  io.out(`  Subject: Peering Autopilot: ${notice.subject}`);
  for (const line of notice.body.split('\n')) io.out(`  ${line}`);

  io.out('\n$ peering-autopilot approvals');
  await main(['node', 'peering-autopilot', 'approvals'], io);
  const reason = 'vendor link, ticket NET-42';
  io.out(`\n$ peering-autopilot approve ${pcx} --local --reason "${reason}"`);
  const approved = await main(
    ['node', 'peering-autopilot', 'approve', pcx, '--local', '--reason', reason],
    io,
  );
  io.out(`(exit ${approved})`);
  if (approved !== 0) code = 1;

  io.out('\nThe partner, in its own account, adds its route to Finance (the hub never writes there):');
  await partner.send(
    new CreateRouteCommand({
      RouteTableId: vendor.routeTableId,
      DestinationCidrBlock: finance.cidr,
      VpcPeeringConnectionId: pcx,
    }),
  );
  io.out(`  ${await routeSummary(partner, vendor, finance.cidr)}`);
  if (packets.endpoint) {
    const ping = await pingNow(vendor, finance, {
      ssm: new SSMClient({ credentials: partnerCredentials }),
      targetEc2: hub,
    });
    io.out(`  ping PartnerServer -> FinanceServer (sent by the partner): ${ping}`);
    if (!/(\d+) packets transmitted, \1 received/.test(ping)) code = 1;
  } else {
    io.out(`  (no kernel replica on this machine: ${packets.unavailable}; no ping)`);
  }

  io.out('\nEnd state (read back from the local AWS, each account as itself):');
  io.out(`  Finance (hub):      ${await routeSummary(hub, finance, vendor.cidr)}`);
  io.out(`  FinanceServerSecurityGroup allows: ${await ingressSummary(hub, finance.securityGroupId)}`);
  io.out(`  Partner (outside):  ${await routeSummary(partner, vendor, finance.cidr)} (the partner's own)`);
  return code;
}
