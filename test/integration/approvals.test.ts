/**
 * A person decides (issue 23), end to end against moto: the real starter, the real ASL and
 * handlers, and the CLI's `approvals`, `approve` and `reject`. A peering into a VPC tagged
 * `peering-autopilot:accept=approval`, or from an account outside the hub and members (this file
 * runs the hub with `PEERING_AUTOPILOT_OUTSIDE_ACCOUNTS=approve`), waits for a person; the decision
 * is kept in an SSM parameter only approvers can write, never in a tag.
 */
process.env.PEERING_AUTOPILOT_OUTSIDE_ACCOUNTS = 'approve';

import {
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { EXIT } from '../../cli/src/io.js';
import { ec2Clients } from '../../functions/commons/aws-clients.js';
import { runLocalWorkflow } from '../../local/local-runner.js';
import { starterHarness, sweepWith } from '../../local/local-starter.js';
import {
  buildSeedScenario,
  buildVpc,
  requestPeering,
  SEED_VPCS,
  type SeedScenario,
} from '../../local/seed.js';
import { cli } from '../support/cli.js';
import { motoEndpoint, reset, tag, useMoto } from '../support/local-aws.js';

const HUB = '123456789012';
const PARTNER = '222222222222';
const { ec2, ec2In } = useMoto();
const ssm = new SSMClient({ region: 'us-east-1', endpoint: motoEndpoint() });

async function routesOf(client: EC2Client, routeTableId: string): Promise<string[]> {
  const out = await client.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] }));
  return (out.RouteTables?.[0]?.Routes ?? []).map(
    (r) => `${r.DestinationCidrBlock} -> ${r.VpcPeeringConnectionId ?? r.GatewayId}`,
  );
}
async function peering(client: EC2Client, pcx: string) {
  const out = await client.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  const p = out.VpcPeeringConnections?.[0];
  return { status: p?.Status?.Code, tag: p?.Tags?.find((t) => t.Key === 'peering-autopilot:status')?.Value };
}
/** One sweep of the hub's own account and home region (no members), through the real starter logic. */
const hubSweep = (harness: Awaited<ReturnType<typeof starterHarness>>) =>
  sweepWith(harness, {
    ec2For: ec2Clients(
      { hub: HUB, members: [], memberRole: 'PeeringAutopilotMember', partition: 'aws' },
      'sweep',
    ),
    home: { ownerId: HUB, region: 'us-east-1' },
    places: [{ ownerId: HUB, region: 'us-east-1' }],
  });
const json = (stdout: string) =>
  JSON.parse(stdout) as Record<string, unknown> & { approval?: Record<string, string> };

describe('a peering into a VPC tagged accept=approval', () => {
  let seed: SeedScenario;
  beforeEach(async () => {
    await reset();
    seed = await buildSeedScenario(ec2);
    await tag(ec2, seed.finance.vpcId, 'peering-autopilot:accept', 'approval');
  });

  it('waits (exit 2, nothing written), is listed, and a forged tag does not approve it', async () => {
    const pcx = seed.peerings.marketingFinance;
    const run = await cli('run', pcx, '--local', '--json');
    expect(run.code).toBe(EXIT.refused);
    expect(json(run.stdout)).toMatchObject({
      decision: 'awaiting-approval',
      approval: {
        state: 'waiting',
        why: `VPC ${seed.finance.vpcId} is protected (peering-autopilot:accept=approval)`,
      },
      routes: [],
    });
    expect(await peering(ec2, pcx)).toEqual({ status: 'pending-acceptance', tag: 'awaiting-approval' });
    expect((await routesOf(ec2, seed.finance.routeTableId)).join()).not.toContain(pcx);

    // Anyone who can tag the peering (or the VPC) tries to approve it: nothing changes.
    await tag(ec2, pcx, 'peering-autopilot:status', 'configured');
    await tag(ec2, pcx, 'peering-autopilot:approval', 'approved');
    const again = await cli('run', pcx, '--local', '--json');
    expect(json(again.stdout).decision).toBe('awaiting-approval');
    expect((await peering(ec2, pcx)).status).toBe('pending-acceptance');

    // Both requests into Finance wait: the one never run yet too (each pending request is inspected).
    const listed = await cli('approvals', '--json');
    expect(listed.code).toBe(EXIT.ok);
    const rows = JSON.parse(listed.stdout) as Array<{
      peeringConnectionId: string;
      why: string;
      checkedAt?: string;
    }>;
    expect(rows.map((r) => r.peeringConnectionId).sort()).toEqual(
      [pcx, seed.peerings.developerFinance].sort(),
    );
    expect(rows.every((r) => r.why.includes('accept=approval'))).toBe(true);
    expect(rows.find((r) => r.peeringConnectionId === pcx)?.checkedAt).toMatch(/^\d{4}-/);
  });

  it('approve: accepts and configures as an automatic accept would, records who, when and why, once', async () => {
    const pcx = seed.peerings.marketingFinance;
    await cli('run', pcx, '--local');
    const approved = await cli('approve', pcx, '--local', '--reason', 'ticket NET-42', '--json');
    expect(approved.code).toBe(EXIT.ok);
    const result = json(approved.stdout);
    expect(result).toMatchObject({
      decision: 'accepted',
      approval: { state: 'approved', by: expect.stringMatching(/^arn:aws:/), reason: 'ticket NET-42' },
      verification: { status: expect.stringMatching(/passed|inconclusive/) },
    });
    expect(await peering(ec2, pcx)).toEqual({ status: 'active', tag: 'configured' });
    expect(await routesOf(ec2, seed.finance.routeTableId)).toContain(`10.10.0.0/16 -> ${pcx}`);
    expect(await routesOf(ec2, seed.marketing.routeTableId)).toContain(`172.31.0.0/16 -> ${pcx}`);
    const record = await ssm.send(new GetParameterCommand({ Name: `/peering-autopilot/approvals/${pcx}` }));
    expect(JSON.parse(record.Parameter?.Value ?? '{}')).toMatchObject({
      decision: 'approved',
      reason: 'ticket NET-42',
      requesterVpcId: seed.marketing.vpcId,
      accepterVpcId: seed.finance.vpcId,
    });
    // Later runs (drift, sweep) read the record: the peering stays ours, configured.
    const rerun = await cli('run', pcx, '--local', '--json');
    expect(json(rerun.stdout)).toMatchObject({ decision: 'already-active', approval: { state: 'approved' } });
    const status = await cli('status', pcx);
    expect(status.stdout).toContain('configured');
    expect(status.stdout).toMatch(/approved by arn:aws:\S+ at \S+: ticket NET-42/);
    const statusJson = JSON.parse((await cli('status', pcx, '--json')).stdout);
    expect(statusJson[0]).toMatchObject({ approval: { decision: 'approved', reason: 'ticket NET-42' } });

    const twice = await cli('approve', pcx, '--local');
    expect(twice.code).toBe(EXIT.refused);
    expect(twice.stderr).toMatch(/already approved by arn:aws:/);
  });

  it('reject: needs a reason, then RejectVpcPeeringConnection and the reason recorded; nothing approves it after', async () => {
    const pcx = seed.peerings.developerFinance;
    await cli('run', pcx, '--local');
    expect((await cli('reject', pcx, '--local')).code).toBe(EXIT.usage);
    const rejected = await cli('reject', pcx, '--local', '--reason', 'not this quarter', '--json');
    expect(rejected.code).toBe(EXIT.ok);
    expect(json(rejected.stdout)).toMatchObject({
      decision: 'refused',
      status: 'rejected',
      approval: { state: 'rejected', reason: 'not this quarter' },
    });
    expect((await peering(ec2, pcx)).status).toBe('rejected');
    const late = await cli('approve', pcx, '--local');
    expect(late.code).toBe(EXIT.refused);
  });

  it('never puts an overlapping request to a person: refused, and approve says why', async () => {
    const overlap = await ec2.send(new CreateVpcCommand({ CidrBlock: '172.31.0.0/16' }));
    const pcx = await requestPeering(
      ec2,
      { ...seed.marketing, vpcId: overlap.Vpc?.VpcId as string, name: 'Overlap' },
      seed.finance,
    );
    const run = await cli('run', pcx, '--local', '--json');
    expect(json(run.stdout)).toMatchObject({
      decision: 'refused',
      reason: expect.stringContaining('overlapping CIDRs'),
    });
    const approve = await cli('approve', pcx, '--local');
    expect(approve.code).toBe(EXIT.refused);
    expect(approve.stderr).toContain('cannot be approved: overlapping CIDRs');
  });

  it('the sweep asks once: a request recorded as waiting gets no new run', async () => {
    const harness = await starterHarness(motoEndpoint());
    const sweep = () => hubSweep(harness);
    const first = await sweep();
    expect(first.started).toEqual(
      expect.arrayContaining([
        expect.stringContaining(seed.peerings.marketingFinance),
        expect.stringContaining(seed.peerings.developerFinance),
      ]),
    );
    for (const pcx of [seed.peerings.marketingFinance, seed.peerings.developerFinance]) {
      const run = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
      expect((run.output as { decision: string }).decision).toBe('awaiting-approval');
    }
    expect((await sweep()).started).toEqual([]);
  });

  it('an event for it starts a run that waits', async () => {
    const harness = await starterHarness(motoEndpoint());
    const { runs } = await harness.deliver({
      version: '0',
      id: 'evt-approval',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ec2',
      account: HUB,
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: {
        eventSource: 'ec2.amazonaws.com',
        eventName: 'CreateVpcPeeringConnection',
        awsRegion: 'us-east-1',
        requestParameters: { vpcId: seed.marketing.vpcId, peerVpcId: seed.finance.vpcId },
        responseElements: {
          vpcPeeringConnection: { vpcPeeringConnectionId: seed.peerings.marketingFinance },
        },
      },
    });
    expect(runs.map((r) => (r.output as { decision?: string } | undefined)?.decision)).toEqual([
      'awaiting-approval',
    ]);
  });
});

describe('a request from an account outside the hub and members (outsideAccounts=approve)', () => {
  it('the sweep finds it and it waits; approve configures only our side and writes nothing in the outside account', async () => {
    await reset();
    const partnerEc2 = ec2In('us-east-1', PARTNER);
    const finance = await buildVpc(
      ec2,
      SEED_VPCS.find((v) => v.name === 'Finance') as (typeof SEED_VPCS)[number],
    );
    const partner = await buildVpc(partnerEc2, {
      name: 'Partner',
      cidr: '10.30.0.0/16',
      subnetCidr: '10.30.1.0/24',
      publicSubnet: false,
      server: 'PartnerServer',
    });
    const pcx = await requestPeering(partnerEc2, partner, finance, { ownerId: HUB });
    const harness = await starterHarness(motoEndpoint());
    const sweep = () => hubSweep(harness);

    // CloudTrail records the request in the partner's account only: the sweep finds it.
    expect((await sweep()).started).toEqual([expect.stringContaining(pcx)]);
    const asked = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
    expect(asked.output).toMatchObject({
      decision: 'awaiting-approval',
      approval: { why: expect.stringContaining(`owned by ${PARTNER}`) },
      requester: { vpcId: partner.vpcId, outside: true },
    });
    // (Report tags the hub's own view; moto keeps a peering's tags with its owner, the requester, so
    // that view cannot be read back here: "asked once" is tested with a same-account peering above.)

    const approved = await cli('approve', pcx, '--local', '--reason', 'vendor link', '--json');
    expect(approved.code).toBe(EXIT.ok);
    expect(json(approved.stdout)).toMatchObject({
      decision: 'accepted',
      verification: { status: 'skipped', reason: expect.stringContaining('outside the hub and members') },
    });
    expect((await peering(ec2, pcx)).status).toBe('active');
    expect(await routesOf(ec2, finance.routeTableId)).toContain(`10.30.0.0/16 -> ${pcx}`);
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [finance.securityGroupId] }));
    expect(JSON.stringify(groups.SecurityGroups?.[0]?.IpPermissions)).toContain('10.30.0.0/16');
    // Nothing in the outside account: its table has no route to us, its view of the peering no tag.
    expect((await routesOf(partnerEc2, partner.routeTableId)).join()).not.toContain(pcx);
    expect((await peering(partnerEc2, pcx)).tag).toBeUndefined();
  });
});
