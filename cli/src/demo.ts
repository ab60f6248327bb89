/**
 * `peering-autopilot demo`: the tutorial's story, end to end, on a local AWS. Builds the three
 * department VPCs in moto, requests the two peerings as a person would (tutorial steps 13-15),
 * then lets the real workflow do steps 16-35 for each, and shows the end state.
 */
import {
  CreateTagsCommand,
  DeleteRouteCommand,
  DescribeInstancesCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { homeRegion } from '../../functions/commons/aws-clients.js';
import { TAGS } from '../../functions/commons/contracts.js';
import { describeRouteTablesById } from '../../functions/commons/ec2-route-tables.js';
import { describeGroupsById } from '../../functions/commons/ec2-security-groups.js';
import { probeScript } from '../../functions/network/ping.js';
import { type RealPackets, useRealPackets } from '../../local/dataplane/ssm-endpoint.js';
import { runLocalWorkflow } from '../../local/local-runner.js';
import { cloudTrailEvent, starterHarness } from '../../local/local-starter.js';
import { startMoto, useLocalAws } from '../../local/moto.js';
import { buildSeedScenario, type SeedVpc } from '../../local/seed.js';
import type { Io } from './io.js';
import { printRun, type WorkflowResult } from './report.js';

export async function runDemo(io: Io): Promise<number> {
  io.out('Peering Autopilot demo — the "Connecting VPCs" tutorial, automated.');
  return onLocalAws(io, async ({ endpoint, packets }) => {
    const probe = packets.endpoint;
    const ec2 = new EC2Client({});
    const seed = await buildSeedScenario(ec2);
    io.out(`\nStep 1-8: the world as the tutorial finds it (local AWS at ${endpoint}):`);
    for (const v of [seed.marketing, seed.developer, seed.finance]) {
      io.out(
        `  ${v.name.padEnd(10)} ${v.vpcId}  ${v.cidr.padEnd(14)} route table ${v.routeTableId}  server ${v.instanceId}`,
      );
    }
    io.out(
      `  FinanceServerSecurityGroup ${seed.finance.securityGroupId} is tagged peering-autopilot:ingress=icmp`,
    );
    // Finance also asks for DNS resolution: Marketing and Developer resolve its hostnames privately.
    await ec2.send(
      new CreateTagsCommand({ Resources: [seed.finance.vpcId], Tags: [{ Key: TAGS.dns, Value: 'true' }] }),
    );
    await ec2.send(
      new ModifyVpcAttributeCommand({ VpcId: seed.finance.vpcId, EnableDnsHostnames: { Value: true } }),
    );
    io.out(`  Finance VPC ${seed.finance.vpcId} is tagged ${TAGS.dns}=true (DNS resolution from its peers)`);
    io.out(
      `\nStep 9: MarketingServer cannot reach FinanceServer: ${await routeSummary(ec2, seed.marketing, '172.31.0.0/16')}`,
    );
    io.out('\nSteps 13-15: a person creates the peering requests (all they still do by hand):');
    io.out(`  Marketing <> Finance  ${seed.peerings.marketingFinance}  pending-acceptance`);
    io.out(`  Developer <> Finance  ${seed.peerings.developerFinance}  pending-acceptance`);

    let code = 0;
    for (const pcx of [seed.peerings.marketingFinance, seed.peerings.developerFinance]) {
      io.out(
        `\nCloudTrail event CreateVpcPeeringConnection ${pcx} -> peering workflow (real ASL, real handlers):`,
      );
      if (!printRun(io, await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false }))) code = 1;
    }

    io.out('\nRe-run for Marketing <> Finance (an at-least-once duplicate, or a re-verification):');
    const again = await runLocalWorkflow({
      peeringConnectionId: seed.peerings.marketingFinance,
      dryRun: false,
    });
    const result = again.output as unknown as WorkflowResult | undefined;
    const writes = result
      ? [...result.routes, ...result.securityGroupRules].filter((c) => c.applied).length
      : -1;
    io.out(`  ${again.status}: ${writes} changes — everything reported as exists`);

    io.out('\nDrift: someone deletes the Finance route to Marketing (the ping would hang again).');
    await ec2.send(
      new DeleteRouteCommand({
        RouteTableId: seed.finance.routeTableId,
        DestinationCidrBlock: '10.10.0.0/16',
      }),
    );
    io.out(`  ${await routeSummary(ec2, seed.finance, '10.10.0.0/16')}`);
    if (probe)
      io.out(`  ping MarketingServer -> FinanceServer now: ${await pingNow(seed.marketing, seed.finance)}`);
    const starter = await starterHarness(endpoint);
    const healStart = Date.now();
    const healed = await starter.deliver(
      cloudTrailEvent('DeleteRoute', {
        routeTableId: seed.finance.routeTableId,
        destinationCidrBlock: '10.10.0.0/16',
      }),
    );
    io.out(
      `  CloudTrail DeleteRoute -> starter (debounced, deduplicated) -> workflow: ${healed.runs.map((r) => r.status).join(', ')} ` +
        `(one run per peering of the Finance VPC) ` +
        `in ${Date.now() - healStart} ms (including the 3 s debounce window)`,
    );
    io.out(`  ${await routeSummary(ec2, seed.finance, '10.10.0.0/16')}`);
    if (probe)
      io.out(`  ping MarketingServer -> FinanceServer now: ${await pingNow(seed.marketing, seed.finance)}`);

    io.out('\nEnd state (read back from the local AWS):');
    io.out(`  Marketing: ${await routeSummary(ec2, seed.marketing, '172.31.0.0/16')}`);
    io.out(`  Developer: ${await routeSummary(ec2, seed.developer, '172.31.0.0/16')}`);
    io.out(`  Finance:   ${await routeSummary(ec2, seed.finance, '10.10.0.0/16')}`);
    io.out(`  Finance:   ${await routeSummary(ec2, seed.finance, '10.20.0.0/16')}`);
    io.out(`  FinanceServerSecurityGroup allows: ${await ingressSummary(ec2, seed.finance.securityGroupId)}`);
    io.out(
      probe
        ? `\nAbout the ping (tutorial step 35): real packets. Verify's SSM command (the same ping script it sends in ` +
            'AWS) ran in a kernel replica of the local AWS network — a Linux network namespace per server, a router ' +
            'per VPC, the route tables, the peerings while active, security groups and network ACLs as nftables — built ' +
            `from moto's state at that moment inside a private namespace tree, and removed after each ping ` +
            `(${probe.probes.length} pings this run).`
        : `\nAbout the ping (tutorial step 35): no kernel replica here (${packets.unavailable}), so the SSM probe comes back ` +
            'from moto with no output and is reported inconclusive — never passed. The static path diagnosis ' +
            '(routes, security groups, network ACLs, instance state, read from the local AWS) gives the verdict ' +
            'instead, labelled as such. In a real account the same step runs a real ping from MarketingServer.',
    );
    return code;
  });
}

/** A demo's local AWS: moto's endpoint, and the kernel replica's SSM endpoint when it could start. */
export interface LocalStage {
  readonly endpoint: string;
  readonly packets: RealPackets;
}

/**
 * Runs a demo's story on its own local AWS: moto on 127.0.0.1, and real packets (Verify's ping in a
 * kernel replica of the local AWS network, through a local SSM endpoint in front of moto) when this
 * machine can build the replica; without user namespaces or the tools, moto answers as before. Both
 * are stopped afterwards, whatever happens.
 */
export async function onLocalAws(io: Io, story: (stage: LocalStage) => Promise<number>): Promise<number> {
  io.out('Starting a local AWS (moto server on 127.0.0.1) ...');
  const moto = await startMoto();
  const packets = await useRealPackets(moto.endpoint);
  try {
    useLocalAws(moto.endpoint);
    process.env.PROBE_FIRST_POLL_MS ??= '100';
    return await story({ endpoint: moto.endpoint, packets });
  } finally {
    await packets.stop();
    await moto.stop();
    io.out('\nLocal AWS stopped.');
  }
}

/**
 * Verify's ping script, sent now from `source`'s server to `target`'s through SSM (the local
 * endpoint runs it in the kernel replica): the ping's own summary line.
 */
export async function pingNow(
  source: SeedVpc,
  target: SeedVpc,
  /** The source's owner and the target's, when they are not the caller (another account). */
  clients: { readonly ssm?: SSMClient; readonly targetEc2?: EC2Client } = {},
): Promise<string> {
  const ec2 = clients.targetEc2 ?? new EC2Client({});
  const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [target.instanceId] }));
  const targetIp = described.Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress ?? '';
  const ssm = clients.ssm ?? new SSMClient({});
  const sent = await ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [source.instanceId],
      Parameters: { commands: probeScript(targetIp, 3, 1) },
    }),
  );
  for (let i = 0; i < 100; i++) {
    const inv = await ssm
      .send(
        new GetCommandInvocationCommand({
          CommandId: sent.Command?.CommandId,
          InstanceId: source.instanceId,
        }),
      )
      .catch(() => undefined);
    if (inv && inv.Status !== 'InProgress' && inv.Status !== 'Pending') {
      const summary = (inv.StandardOutputContent ?? '')
        .split('\n')
        .find((l) => l.includes('packets transmitted'));
      return `${summary ?? 'no output'} (${inv.Status})`;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return 'no result within 20 s';
}

/** The client's own view (it acts as the VPC's owner; the place only names the region). */
const asOwner = (ec2: EC2Client) => ({
  ec2For: () => ec2,
  place: { ownerId: 'owner', region: homeRegion() },
});

export async function routeSummary(ec2: EC2Client, vpc: SeedVpc, destination: string): Promise<string> {
  const { ec2For, place } = asOwner(ec2);
  const [table] = await describeRouteTablesById(ec2For, place, [vpc.routeTableId]);
  const route = table?.routes.find((r) => r.destination === destination);
  return route
    ? `${vpc.name} route table ${vpc.routeTableId} routes ${destination} via ${route.target}`
    : `${vpc.name} route table ${vpc.routeTableId} has no route to ${destination}`;
}

export async function ingressSummary(ec2: EC2Client, groupId: string): Promise<string> {
  const { ec2For, place } = asOwner(ec2);
  const [group] = await describeGroupsById(ec2For, place, [groupId]);
  return (group?.ingress ?? [])
    .map((r) => `${r.protocol} from ${r.cidr} (${r.description ?? 'no description'})`)
    .join('; ');
}
