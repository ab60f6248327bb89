/**
 * Hub and members against moto (several accounts, several regions): the hub (moto's default
 * account) reaches the member 111111111111 through STS AssumeRole into its PeeringAutopilotMember
 * role, as it would in AWS. Per the VPC Peering guide, AcceptVpcPeeringConnection is called by the
 * accepter VPC's owner in the accepter's region, and each owner adds the routes and rules in its
 * own VPC; tags on a peering are each account's own.
 */
process.env.PEERING_AUTOPILOT_MEMBER_ACCOUNTS = '111111111111';
process.env.PEERING_AUTOPILOT_REGIONS = 'us-east-1,us-west-2';

import {
  AcceptVpcPeeringConnectionCommand,
  CreateRouteCommand,
  DeleteRouteCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { EXIT } from '../../cli/src/io.js';
import { ec2Clients, observeClients } from '../../functions/commons/aws-clients.js';
import { CallRecorder } from '../../local/call-recorder.js';
import { runLocalWorkflow, runningFunction } from '../../local/local-runner.js';
import { cloudTrailEvent, starterHarness, sweepWith } from '../../local/local-starter.js';
import {
  type AccountsScenario,
  buildAccountsScenario,
  buildVpc,
  LOCAL_MEMBER_ACCOUNT,
  requestPeering,
  SEED_VPCS,
} from '../../local/seed.js';
import { cli } from '../support/cli.js';
import { changedModels, motoEndpoint, motoState, reset, tag, useMoto } from '../support/local-aws.js';

const HUB = '123456789012';
const MEMBER = LOCAL_MEMBER_ACCOUNT;
const OUTSIDER = '222222222222';
const { ec2: hub, ec2In } = useMoto();
const member = ec2In('us-east-1', MEMBER);
const outsider = ec2In('us-east-1', OUTSIDER);

const recorder = new CallRecorder(() => runningFunction.getStore());
observeClients((client) => recorder.watch(client));

async function routes(ec2: EC2Client, routeTableId: string): Promise<string[]> {
  const out = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] }));
  return (out.RouteTables?.[0]?.Routes ?? []).map(
    (r) => `${r.DestinationCidrBlock} -> ${r.VpcPeeringConnectionId ?? r.GatewayId}`,
  );
}

async function ingress(ec2: EC2Client, groupId: string): Promise<string[]> {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return (out.SecurityGroups?.[0]?.IpPermissions ?? []).flatMap((p) =>
    (p.IpRanges ?? []).map((r) => `${p.IpProtocol} ${r.CidrIp}`),
  );
}

async function peeringSeenBy(ec2: EC2Client, pcx: string) {
  const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  const p = out.VpcPeeringConnections?.[0];
  return {
    status: p?.Status?.Code,
    tag: p?.Tags?.find((t) => t.Key === 'peering-autopilot:status')?.Value,
  };
}

const spec = (name: string) => SEED_VPCS.find((v) => v.name === name) as (typeof SEED_VPCS)[number];

describe('one hub, one member account', () => {
  let s: AccountsScenario;

  beforeEach(async () => {
    await reset();
    recorder.reset();
    s = await buildAccountsScenario(hub, member, { hub: HUB, member: MEMBER });
  });

  it('accepts a member-to-hub peering through the member role and configures both accounts', async () => {
    const out = await runLocalWorkflow({ peeringConnectionId: s.peering, dryRun: false });

    expect(out.status).toBe('SUCCEEDED');
    expect(out.output).toMatchObject({ decision: 'accepted' });
    // Each owner's VPC routes to the other's CIDR through the peering.
    expect(await routes(member, s.marketing.routeTableId)).toContain(`172.31.0.0/16 -> ${s.peering}`);
    expect(await routes(hub, s.finance.routeTableId)).toContain(`10.10.0.0/16 -> ${s.peering}`);
    expect(await ingress(hub, s.finance.securityGroupId)).toContain('icmp 10.10.0.0/16');
    // Status tags in each owner's own view.
    expect(await peeringSeenBy(hub, s.peering)).toMatchObject({ status: 'active', tag: 'configured' });
    expect(await peeringSeenBy(member, s.peering)).toMatchObject({ status: 'active', tag: 'configured' });
    // The member's side was written through the member role, by the steps that write there.
    const assumed = recorder.actions.filter((a) => a.action === 'sts:AssumeRole');
    expect(assumed.length).toBeGreaterThan(0);
  });

  it('heals a route deleted in the member account from the event the member forwards to the hub', async () => {
    await runLocalWorkflow({ peeringConnectionId: s.peering, dryRun: false });
    await member.send(
      new DeleteRouteCommand({
        RouteTableId: s.marketing.routeTableId,
        DestinationCidrBlock: '172.31.0.0/16',
      }),
    );
    const harness = await starterHarness(motoEndpoint());

    const { runs } = await harness.deliver(
      cloudTrailEvent(
        'DeleteRoute',
        { routeTableId: s.marketing.routeTableId, destinationCidrBlock: '172.31.0.0/16' },
        null,
        new Date(),
        { account: MEMBER, region: 'us-east-1' },
      ),
    );

    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED']);
    expect(await routes(member, s.marketing.routeTableId)).toContain(`172.31.0.0/16 -> ${s.peering}`);
  });

  it('cleans up both accounts when the member deletes the peering', async () => {
    await runLocalWorkflow({ peeringConnectionId: s.peering, dryRun: false });
    await member.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: s.peering }));
    const harness = await starterHarness(motoEndpoint());

    await harness.deliver(
      cloudTrailEvent('DeleteVpcPeeringConnection', { vpcPeeringConnectionId: s.peering }, null, new Date(), {
        account: MEMBER,
      }),
    );

    expect((await routes(member, s.marketing.routeTableId)).join()).not.toContain(s.peering);
    expect((await routes(hub, s.finance.routeTableId)).join()).not.toContain(s.peering);
    expect(await ingress(hub, s.finance.securityGroupId)).not.toContain('icmp 10.10.0.0/16');
  });

  it('refuses a peering with an account outside the members, names it, and writes nothing anywhere', async () => {
    const stranger = await buildVpc(outsider, { ...spec('Developer'), name: 'Stranger' });
    const pcx = await requestPeering(outsider, stranger, s.finance, { ownerId: HUB });
    const before = await motoState();
    recorder.reset();

    const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

    expect(out.status).toBe('SUCCEEDED');
    expect(out.output).toMatchObject({
      decision: 'refused',
      reason: expect.stringContaining(`owned by ${OUTSIDER}`),
      routes: [],
      securityGroupRules: [],
    });
    // moto materialises an IAM account summary for a newly seen account on its first STS call
    // (the local runner's GetCallerIdentity): bookkeeping, not a resource anyone wrote.
    const changed = changedModels(before, await motoState()).filter((m) => m !== 'iam.AccountSummary');
    expect(changed).toEqual([]);
    // Never as much as an attempt to act in the outsider's account.
    expect(recorder.actions.filter((a) => a.action === 'sts:AssumeRole')).toEqual([]);
    expect(recorder.writes).toEqual([]);
    // The refusal is remembered without a tag: the sweep starts no run for it (issue 19 §3).
    const harness = await starterHarness(motoEndpoint());
    const { starter } = await harness.deliver({ sweep: true });
    expect(JSON.stringify((starter as { started: string[] }).started)).not.toContain(pcx);
  });

  it('a refused peering with an outside account, accepted and routed by a person, loses nothing of theirs when deleted (issue 19 §3)', async () => {
    // Prepare: we refuse it; a person accepts it anyway and routes Finance to the stranger by hand.
    const stranger = await buildVpc(outsider, { ...spec('Developer'), name: 'Stranger' });
    const pcx = await requestPeering(outsider, stranger, s.finance, { ownerId: HUB });
    expect((await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false })).output).toMatchObject({
      decision: 'refused',
    });
    await hub.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    await hub.send(
      new CreateRouteCommand({
        RouteTableId: s.finance.routeTableId,
        DestinationCidrBlock: '10.20.0.0/16',
        VpcPeeringConnectionId: pcx,
      }),
    );
    await hub.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));

    // Act: the deletion's run.
    const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

    // Assess: the person's route stays; nothing was ours.
    expect(out.status).toBe('SUCCEEDED');
    expect(await routes(hub, s.finance.routeTableId)).toContain(`10.20.0.0/16 -> ${pcx}`);
  });

  it("refuses a member's VPC in a region outside the configured ones, naming it, and writes nothing in that member region (issue 19 §2)", async () => {
    const memberEu = ec2In('eu-west-1', MEMBER);
    const far = await buildVpc(memberEu, { ...spec('Developer'), name: 'FarAway' });
    const pcx = await requestPeering(memberEu, far, s.finance, { ownerId: HUB, region: 'us-east-1' });
    recorder.reset();

    const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

    expect(out.status).toBe('SUCCEEDED');
    expect(out.output).toMatchObject({
      decision: 'refused',
      reason: `requester VPC ${far.vpcId} of member ${MEMBER} is in eu-west-1, outside the configured regions (us-east-1, us-west-2); the autopilot never acts there`,
      routes: [],
      securityGroupRules: [],
    });
    // Never as much as an attempt to act as the member (only there could it reach eu-west-1); calls
    // made with the hub's own credentials have no `as`.
    expect(recorder.actions.filter((a) => a.as === MEMBER)).toEqual([]);
    // The refusal is recorded in the hub's own view only (moto does not show tags written on a
    // cross-account, cross-Region peering, so the call itself is checked).
    expect(recorder.actions.filter((a) => a.action === 'ec2:CreateTags').map((a) => [a.by, a.as])).toEqual([
      ['Report', undefined],
    ]);
  });

  it("a routed tag the member edits in its own view never removes a route in the hub's tables (issue 19 §3)", async () => {
    // Prepare: configured; a person in the hub routes 10.0.0.0/8 through the peering in Finance's
    // table; whoever tags the peering in the member's view adds 10.0.0.0/8 to the routed record.
    await runLocalWorkflow({ peeringConnectionId: s.peering, dryRun: false });
    await hub.send(
      new CreateRouteCommand({
        RouteTableId: s.finance.routeTableId,
        DestinationCidrBlock: '10.0.0.0/8',
        VpcPeeringConnectionId: s.peering,
      }),
    );
    await tag(member, s.peering, 'peering-autopilot:routed', '10.0.0.0/8 10.10.0.0/16 172.31.0.0/16');

    // Act: a run that starts in the member's view (as one from a member's event does: input account)
    // after the member's route was deleted, so it heals there and reads the edited tag.
    await member.send(
      new DeleteRouteCommand({
        RouteTableId: s.marketing.routeTableId,
        DestinationCidrBlock: '172.31.0.0/16',
      }),
    );
    const run = await runLocalWorkflow({ peeringConnectionId: s.peering, dryRun: false, account: MEMBER });

    // Assess: the member's route is healed; nothing of the person's in the hub was removed.
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ seenIn: { account: MEMBER } });
    expect(await routes(member, s.marketing.routeTableId)).toContain(`172.31.0.0/16 -> ${s.peering}`);
    expect(await routes(hub, s.finance.routeTableId)).toContain(`10.0.0.0/8 -> ${s.peering}`);
  });

  it('status lists the peering across the hub and its member, or in one --account, and refuses an outsider', async () => {
    await runLocalWorkflow({ peeringConnectionId: s.peering, dryRun: false });
    const all = await cli('status', '--json');
    expect(all.code).toBe(EXIT.ok);
    expect(JSON.parse(all.stdout)).toEqual([
      expect.objectContaining({ peeringConnectionId: s.peering, account: HUB, outcome: 'configured' }),
    ]);
    const inMember = await cli('status', '--account', MEMBER, '--json');
    expect(JSON.parse(inMember.stdout)).toEqual([
      expect.objectContaining({ peeringConnectionId: s.peering, account: MEMBER, outcome: 'configured' }),
    ]);
    const outside = await cli('status', '--account', OUTSIDER);
    expect(outside.code).toBe(EXIT.failed);
    expect(outside.stderr).toMatch(
      /--account 222222222222 is neither this account 123456789012 nor a member/,
    );
  });

  it('plan, run --local and doctor work on the cross-account peering', async () => {
    const plan = await cli('plan', s.peering, '--json');
    expect(plan.code).toBe(EXIT.ok);
    const planned = JSON.parse(plan.stdout) as {
      decision: string;
      routes: Array<{ ownerId: string; action: string }>;
    };
    expect(planned.decision).toBe('accepted');
    expect(new Set(planned.routes.map((r) => r.ownerId))).toEqual(new Set([HUB, MEMBER]));

    const run = await cli('run', s.peering, '--local', '--json');
    expect(run.code).toBe(EXIT.ok);

    const financeIp = (await hub.send(new DescribeInstancesCommand({ InstanceIds: [s.finance.instanceId] })))
      .Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress as string;
    const doctor = await cli('doctor', s.marketing.instanceId, financeIp);
    expect(doctor.stdout).toContain('path complete');
    expect(doctor.code).toBe(EXIT.ok);
  });

  it('run reaches a peering that lives only in a member, in another region too, and refuses an outsider naming it (issue 19 §4)', async () => {
    // Prepare: two VPCs of the member peered with each other (the hub has no view of it), one pair
    // in the home region and one in us-west-2; and a stranger's request to Finance.
    const a = await buildVpc(member, { ...spec('Developer'), name: 'MemberA' });
    const b = await buildVpc(member, { ...spec('Marketing'), name: 'MemberB' });
    const local = await requestPeering(member, a, b);
    const memberWest = ec2In('us-west-2', MEMBER);
    const c = await buildVpc(memberWest, { ...spec('Developer'), name: 'MemberC' });
    const d = await buildVpc(memberWest, { ...spec('Marketing'), name: 'MemberD' });
    const west = await requestPeering(memberWest, c, d);
    const stranger = await buildVpc(outsider, { ...spec('Developer'), name: 'Stranger' });
    const foreign = await requestPeering(outsider, stranger, s.finance, { ownerId: HUB });

    // Act + Assess: found without a hint, and said where.
    const found = await cli('run', local, '--local');
    expect(found.code).toBe(EXIT.ok);
    expect(found.stdout).toContain(`Found in account ${MEMBER}, region us-east-1.`);
    expect(await routes(member, a.routeTableId)).toContain(`10.10.0.0/16 -> ${local}`);
    const searched = JSON.parse((await cli('run', west, '--local', '--json')).stdout);
    expect(searched).toMatchObject({
      decision: 'accepted',
      seenIn: { account: MEMBER, region: 'us-west-2' },
    });
    // Or told where: --account and --region (what a manual execution's input carries).
    const told = await cli('run', west, '--local', '--json', '--account', MEMBER, '--region', 'us-west-2');
    expect(JSON.parse(told.stdout)).toMatchObject({
      decision: 'already-active',
      seenIn: { account: MEMBER },
    });
    // plan reaches it the same ways (read-only).
    const planned = await cli('plan', west, '--json');
    expect(JSON.parse(planned.stdout)).toMatchObject({ seenIn: { account: MEMBER, region: 'us-west-2' } });
    const placed = await cli('plan', west, '--json', '--account', MEMBER, '--region', 'us-west-2');
    expect(placed.code).toBe(EXIT.ok);
    // A peering with an account that is not a member: refused, exit 2, the reason names it.
    const refused = await cli('run', foreign, '--local');
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.stdout).toContain(`owned by ${OUTSIDER}`);
  });

  it('the sweep starts each peering once, however many (account, region) views list it', async () => {
    const harness = await starterHarness(motoEndpoint());
    const { starter } = await harness.deliver({ sweep: true });
    expect(starter).toMatchObject({ started: [expect.stringContaining(s.peering)] });
  });
});

describe('a member that cannot be reached (issue 19 §1)', () => {
  it('the sweep reports that member by account and region and still heals the hub and the other member', async () => {
    // Prepare: a configured member-to-hub peering whose hub-side route is then deleted with no
    // event (a lost CloudTrail event), and a second member, 333333333333, whose role cannot be
    // assumed — its client answers nothing (a closed port), as a member not deployed yet would.
    await reset();
    const s = await buildAccountsScenario(hub, member, { hub: HUB, member: MEMBER });
    await runLocalWorkflow({ peeringConnectionId: s.peering, dryRun: false });
    await hub.send(
      new DeleteRouteCommand({ RouteTableId: s.finance.routeTableId, DestinationCidrBlock: '10.10.0.0/16' }),
    );
    const BROKEN = '333333333333';
    const accounts = {
      hub: HUB,
      members: [MEMBER, BROKEN],
      memberRole: 'PeeringAutopilotMember',
      partition: 'aws',
    };
    const real = ec2Clients(accounts, 'sweep');
    const unreachable = new EC2Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const harness = await starterHarness(motoEndpoint());
    const places = [HUB, MEMBER, BROKEN].flatMap((ownerId) =>
      ['us-east-1', 'us-west-2'].map((region) => ({ ownerId, region })),
    );

    // Act: one sweep over the six places.
    const out = await sweepWith(harness, {
      ec2For: (p) => (p.ownerId === BROKEN ? unreachable : real(p)),
      home: { ownerId: HUB, region: 'us-east-1' },
      places,
      members: accounts.members,
    });

    // Assess: both of the broken member's places are named; the drifted peering still got its run.
    expect(out.sweep?.failedPlaces.map((f) => `${f.place.ownerId} ${f.place.region}`)).toEqual([
      `${BROKEN} us-east-1`,
      `${BROKEN} us-west-2`,
    ]);
    expect(out.sweep?.failedPlaces[0]?.error).toMatch(/ECONNREFUSED|connect/);
    expect(out.started).toEqual([expect.stringContaining(s.peering)]);
    const healed = await runLocalWorkflow({ peeringConnectionId: s.peering, dryRun: false });
    expect(healed.status).toBe('SUCCEEDED');
    expect(await routes(hub, s.finance.routeTableId)).toContain(`10.10.0.0/16 -> ${s.peering}`);
  });
});

describe('a peering whose requester is in another region', () => {
  it('is started by the event forwarded from that region and configured on both sides', async () => {
    await reset();
    const west = ec2In('us-west-2');
    const finance = await buildVpc(hub, spec('Finance'));
    const marketing = await buildVpc(west, spec('Marketing'));
    const pcx = await requestPeering(west, marketing, finance, { region: 'us-east-1' });
    const harness = await starterHarness(motoEndpoint());

    const { runs } = await harness.deliver(
      cloudTrailEvent(
        'CreateVpcPeeringConnection',
        { vpcId: marketing.vpcId, peerVpcId: finance.vpcId, peerRegion: 'us-east-1' },
        { vpcPeeringConnection: { vpcPeeringConnectionId: pcx } },
        new Date(),
        { region: 'us-west-2' },
      ),
    );

    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED']);
    expect(runs[0]?.output).toMatchObject({ decision: 'accepted' });
    expect(await routes(west, marketing.routeTableId)).toContain(`172.31.0.0/16 -> ${pcx}`);
    expect(await routes(hub, finance.routeTableId)).toContain(`10.10.0.0/16 -> ${pcx}`);
    expect((await peeringSeenBy(west, pcx)).tag).toBe('configured');
    expect((await peeringSeenBy(hub, pcx)).tag).toBe('configured');
  });
});
