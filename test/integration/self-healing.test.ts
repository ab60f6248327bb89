/**
 * Self-healing against moto: each event passes through the real starter, then the real
 * workflow (ASL + handlers).
 */
import {
  AssociateRouteTableCommand,
  AssociateVpcCidrBlockCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteRouteCommand,
  DeleteTagsCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  RejectVpcPeeringConnectionCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { runLocalWorkflow } from '../../local/local-runner.js';
import { cloudTrailEvent, type Harness, starterHarness } from '../../local/local-starter.js';
import { buildSeedScenario, type SeedScenario } from '../../local/seed.js';
import { motoEndpoint, reset, tag, useMoto } from '../support/local-aws.js';

const { ec2 } = useMoto();

async function routes(routeTableId: string) {
  const out = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] }));
  return (out.RouteTables?.[0]?.Routes ?? []).map(
    (r) => `${r.DestinationCidrBlock} -> ${r.VpcPeeringConnectionId ?? r.GatewayId}`,
  );
}

async function ingress(groupId: string) {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return (out.SecurityGroups?.[0]?.IpPermissions ?? [])
    .flatMap((p) =>
      (p.IpRanges ?? []).map((r) =>
        `${p.IpProtocol}:${p.FromPort ?? -1} ${r.CidrIp} ${r.Description ?? ''}`.trim(),
      ),
    )
    .sort();
}

async function statusOf(pcx: string): Promise<string | undefined> {
  const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  return out.VpcPeeringConnections?.[0]?.Tags?.find((t) => t.Key === 'peering-autopilot:status')?.Value;
}

describe('self-healing through the starter', () => {
  let seed: SeedScenario;
  let harness: Harness;
  let mf: string;
  let df: string;

  beforeEach(async () => {
    await reset();
    seed = await buildSeedScenario(ec2);
    harness = await starterHarness(motoEndpoint());
    mf = seed.peerings.marketingFinance;
    df = seed.peerings.developerFinance;
    // Configure both peerings first (manual starts); the event under test then goes through the starter.
    for (const pcx of [mf, df]) {
      expect((await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false })).status).toBe('SUCCEEDED');
    }
  });

  it('restores a deleted managed route (and records the heal time)', async () => {
    const table = seed.finance.routeTableId;
    await ec2.send(new DeleteRouteCommand({ RouteTableId: table, DestinationCidrBlock: '10.10.0.0/16' }));
    expect(await routes(table)).not.toContain(`10.10.0.0/16 -> ${mf}`);

    const injected = Date.now();
    const { runs } = await harness.deliver(
      cloudTrailEvent('DeleteRoute', { routeTableId: table, destinationCidrBlock: '10.10.0.0/16' }),
    );
    const healed = Date.now() - injected;

    expect(await routes(table)).toContain(`10.10.0.0/16 -> ${mf}`);
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    process.stdout.write(`heal time (DeleteRoute event -> route restored, debounce 3 s): ${healed} ms\n`);
    expect(healed).toBeLessThan(10_000);
  });

  it('restores a revoked managed rule while the group is still opted in', async () => {
    const group = seed.finance.securityGroupId;
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: group,
        IpPermissions: [
          { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '10.10.0.0/16' }] },
        ],
      }),
    );
    await harness.deliver(cloudTrailEvent('RevokeSecurityGroupIngress', { groupId: group }));
    expect(await ingress(group)).toContain(`icmp:-1 10.10.0.0/16 peering-autopilot ${mf}`);
  });

  it("removing the opt-in tag removes the automation's rules and keeps a person's rule", async () => {
    const group = seed.finance.securityGroupId;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '10.10.0.0/16', Description: 'ssh from marketing' }],
          },
        ],
      }),
    );
    await ec2.send(
      new DeleteTagsCommand({ Resources: [group], Tags: [{ Key: 'peering-autopilot:ingress' }] }),
    );

    await harness.deliver(
      cloudTrailEvent('DeleteTags', {
        resourcesSet: { items: [{ resourceId: group }] },
        tagSet: { items: [{ key: 'peering-autopilot:ingress' }] },
      }),
    );

    expect(await ingress(group)).toEqual(['tcp:22 10.10.0.0/16 ssh from marketing']);
  });

  it("deleting the peering removes its routes and the automation's rules, and nothing a person made", async () => {
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway
      ?.InternetGatewayId as string;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: seed.finance.vpcId }));
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: seed.finance.routeTableId,
        DestinationCidrBlock: '192.168.0.0/16',
        GatewayId: igw,
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: seed.finance.securityGroupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            IpRanges: [{ CidrIp: '10.10.0.0/16', Description: 'https, by hand' }],
          },
        ],
      }),
    );
    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: mf }));

    const { runs } = await harness.deliver(
      cloudTrailEvent('DeleteVpcPeeringConnection', { vpcPeeringConnectionId: mf }, { _return: true }),
    );

    expect(runs[0]?.output).toMatchObject({
      decision: 'refused',
      cleanup: { routesRemoved: expect.any(Array) },
    });
    for (const table of [seed.finance.routeTableId, seed.marketing.routeTableId]) {
      expect((await routes(table)).filter((r) => r.endsWith(mf))).toEqual([]);
    }
    expect(await routes(seed.finance.routeTableId)).toEqual(
      expect.arrayContaining([`192.168.0.0/16 -> ${igw}`, `10.20.0.0/16 -> ${df}`]),
    );
    expect(await ingress(seed.finance.securityGroupId)).toEqual([
      `icmp:-1 10.20.0.0/16 peering-autopilot ${df}`,
      'tcp:443 10.10.0.0/16 https, by hand',
    ]);
  });

  it('removing the opt-in tag removes our rules even when the peering is now refused (VPC tagged accept=false)', async () => {
    const group = seed.finance.securityGroupId;
    await ec2.send(
      new CreateTagsCommand({
        Resources: [seed.finance.vpcId],
        Tags: [{ Key: 'peering-autopilot:accept', Value: ' FALSE ' }],
      }),
    );
    await ec2.send(
      new DeleteTagsCommand({ Resources: [group], Tags: [{ Key: 'peering-autopilot:ingress' }] }),
    );

    const out = await runLocalWorkflow({ peeringConnectionId: mf, dryRun: false });

    expect(out.output).toMatchObject({
      decision: 'refused',
      reason: expect.stringContaining('is protected'),
      routes: [],
    });
    expect(await ingress(group)).toEqual([`icmp:-1 10.20.0.0/16 peering-autopilot ${df}`]); // df was not run
    // Policy blocks additions, never removals of our own objects; routes stay (removed only on delete).
    expect(await routes(seed.finance.routeTableId)).toContain(`10.10.0.0/16 -> ${mf}`);
  });

  it('a person replacing our route on a recently configured peering is recorded as conflict at once', async () => {
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway
      ?.InternetGatewayId as string;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: seed.finance.vpcId }));
    await ec2.send(
      new DeleteRouteCommand({
        RouteTableId: seed.finance.routeTableId,
        DestinationCidrBlock: '10.10.0.0/16',
      }),
    );
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: seed.finance.routeTableId,
        DestinationCidrBlock: '10.10.0.0/16',
        GatewayId: igw,
      }),
    );

    const out = await runLocalWorkflow({ peeringConnectionId: mf, dryRun: false });

    expect((out.output as { unchanged?: boolean }).unchanged).toBeUndefined();
    expect(await statusOf(mf)).toBe('conflict');
  });

  it('cleanup leaves a routes=skip table and a route to another CIDR alone, removing only what served the peering', async () => {
    const table = seed.finance.routeTableId;
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: '192.168.7.0/24',
        VpcPeeringConnectionId: mf,
      }),
    );
    const skipped = seed.marketing.routeTableId;
    await ec2.send(
      new CreateTagsCommand({
        Resources: [skipped],
        Tags: [{ Key: 'peering-autopilot:routes', Value: 'skip' }],
      }),
    );
    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: mf }));

    await harness.deliver(
      cloudTrailEvent('DeleteVpcPeeringConnection', { vpcPeeringConnectionId: mf }, { _return: true }),
    );

    expect(await routes(table)).toContain(`192.168.7.0/24 -> ${mf}`);
    expect(await routes(table)).not.toContain(`10.10.0.0/16 -> ${mf}`);
    expect(await routes(skipped)).toContain(`172.31.0.0/16 -> ${mf}`);
    expect(await statusOf(mf)).toBe('cleaned-up');
  });

  it('cleanup leaves the tables a routes=tagged-only VPC did not include, removing ours from the included one (issue 19 §3)', async () => {
    // Prepare: Finance goes tagged-only after the run; only its main table is included. A person
    // routes the peer's block through the peering in Finance's other table by hand.
    const included = seed.finance.routeTableId;
    const other = await ec2.send(new CreateRouteTableCommand({ VpcId: seed.finance.vpcId }));
    const otherId = other.RouteTable?.RouteTableId as string;
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: otherId,
        DestinationCidrBlock: '10.10.0.0/16',
        VpcPeeringConnectionId: mf,
      }),
    );
    await tag(ec2, seed.finance.vpcId, 'peering-autopilot:routes', 'tagged-only');
    await tag(ec2, included, 'peering-autopilot:routes', 'include');
    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: mf }));

    // Act
    await harness.deliver(
      cloudTrailEvent('DeleteVpcPeeringConnection', { vpcPeeringConnectionId: mf }, { _return: true }),
    );

    // Assess: the person's route in the table we do not manage stays; ours goes.
    expect(await routes(otherId)).toContain(`10.10.0.0/16 -> ${mf}`);
    expect(await routes(included)).not.toContain(`10.10.0.0/16 -> ${mf}`);
    expect(await statusOf(mf)).toBe('cleaned-up');
  });

  it('routes and opens a CIDR newly associated with a peered VPC', async () => {
    await ec2.send(
      new AssociateVpcCidrBlockCommand({ VpcId: seed.marketing.vpcId, CidrBlock: '10.11.0.0/16' }),
    );
    await harness.deliver(
      cloudTrailEvent('AssociateVpcCidrBlock', { vpcId: seed.marketing.vpcId, cidrBlock: '10.11.0.0/16' }),
    );
    expect(await routes(seed.finance.routeTableId)).toContain(`10.11.0.0/16 -> ${mf}`);
    expect(await ingress(seed.finance.securityGroupId)).toContain(
      `icmp:-1 10.11.0.0/16 peering-autopilot ${mf}`,
    );
  });

  it('gives a newly associated route table its routes', async () => {
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: seed.finance.vpcId, CidrBlock: '172.31.9.0/24' }),
    );
    const table = await ec2.send(new CreateRouteTableCommand({ VpcId: seed.finance.vpcId }));
    const tableId = table.RouteTable?.RouteTableId as string;
    await ec2.send(
      new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: subnet.Subnet?.SubnetId }),
    );

    await harness.deliver(
      cloudTrailEvent('AssociateRouteTable', { routeTableId: tableId, subnetId: subnet.Subnet?.SubnetId }),
    );

    expect((await routes(tableId)).sort()).toEqual(
      expect.arrayContaining([`10.10.0.0/16 -> ${mf}`, `10.20.0.0/16 -> ${df}`]),
    );
  });

  it('drops a duplicate delivery and debounces a burst of 10 drift events into one execution', async () => {
    const before = (await harness.executionNames()).length;
    const created = cloudTrailEvent('AcceptVpcPeeringConnection', { vpcPeeringConnectionId: mf });
    await harness.deliver(created);
    await harness.deliver(created);
    expect((await harness.executionNames()).length).toBe(before + 1);

    // Ten DeleteRoute events in one debounce window (same second, as a script deleting routes produces).
    const t0 = new Date(Math.floor(Date.now() / 3000) * 3000 + 3000 + 100);
    for (let i = 0; i < 10; i++) {
      const r = await harness.deliver(
        cloudTrailEvent(
          'DeleteRoute',
          { routeTableId: seed.marketing.routeTableId },
          null,
          new Date(t0.getTime() + i * 50),
        ),
      );
      expect(r.starter).toMatchObject(
        i === 0 ? { started: [expect.any(String)] } : { started: [], duplicates: [expect.any(String)] },
      );
    }
    const names = await harness.executionNames();
    expect(names.filter((n) => n.startsWith(`${mf}-event-`))).toHaveLength(2); // the Accept above + the burst
  });

  it('ignores an event that touches nothing it manages, saying why', async () => {
    const { starter, runs } = await harness.deliver(
      cloudTrailEvent('CreateTags', {
        resourcesSet: { items: [{ resourceId: seed.finance.vpcId }] },
        tagSet: { items: [{ key: 'Owner' }] },
      }),
    );
    expect(runs).toEqual([]);
    expect(starter).toMatchObject({
      started: [],
      ignored: expect.stringContaining('no peering-autopilot: configuration tag'),
    });
  });
});

describe('sweep', () => {
  beforeEach(reset);

  it('finds and configures a peering whose creation event never arrived', async () => {
    const harness = await starterHarness(motoEndpoint());
    const seed = await buildSeedScenario(ec2);
    const { runs } = await harness.deliver({ sweep: true });
    expect(runs.map((r) => r.output?.decision).sort()).toEqual(['accepted', 'accepted']);
    const statuses = await ec2.send(new DescribeVpcPeeringConnectionsCommand({}));
    expect(
      statuses.VpcPeeringConnections?.filter((p) =>
        Object.values(seed.peerings).includes(p.VpcPeeringConnectionId as string),
      ).map((p) => p.Status?.Code),
    ).toEqual(['active', 'active']);
    const tags = statuses.VpcPeeringConnections?.find(
      (p) => p.VpcPeeringConnectionId === seed.peerings.marketingFinance,
    )?.Tags;
    expect(tags).toEqual(expect.arrayContaining([{ Key: 'peering-autopilot:status', Value: 'configured' }]));
    expect(tags?.find((t) => t.Key === 'peering-autopilot:checked-at')?.Value).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('retries a cleanup that never finished on every sweep until it is recorded, then stops', async () => {
    const harness = await starterHarness(motoEndpoint());
    const seed = await buildSeedScenario(ec2);
    const mf = seed.peerings.marketingFinance;
    expect((await runLocalWorkflow({ peeringConnectionId: mf, dryRun: false })).status).toBe('SUCCEEDED');
    // The delete event was lost (or its cleanup failed): our routes are still there.
    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: mf }));

    const first = await harness.deliver({ sweep: true });
    expect(first.runs.find((r) => r.output?.peeringConnectionId === mf)?.output).toMatchObject({
      cleanup: { routesRemoved: expect.arrayContaining([expect.objectContaining({ applied: true })]) },
    });
    const tables = await ec2.send(new DescribeRouteTablesCommand({}));
    expect(
      tables.RouteTables?.flatMap((t) => t.Routes ?? []).some((r) => r.VpcPeeringConnectionId === mf),
    ).toBe(false);

    // Recorded as cleaned-up: the next sweep neither starts nor even names a run for it.
    const second = (await harness.deliver({ sweep: true })).starter as {
      started: string[];
      duplicates: string[];
    };
    expect([...second.started, ...second.duplicates].filter((n) => n.startsWith(mf))).toEqual([]);
  });

  it('a rejected request is recorded as rejected through the starter, and nothing is configured', async () => {
    const harness = await starterHarness(motoEndpoint());
    const seed = await buildSeedScenario(ec2);
    const pcx = seed.peerings.developerFinance;
    await ec2.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));

    const { runs } = await harness.deliver(
      cloudTrailEvent('RejectVpcPeeringConnection', { vpcPeeringConnectionId: pcx }, { _return: true }),
    );

    expect(runs.find((r) => r.output?.peeringConnectionId === pcx)?.output).toMatchObject({
      decision: 'refused',
      status: 'rejected',
      routes: [],
      securityGroupRules: [],
    });
    expect(await statusOf(pcx)).toBe('rejected');
    const tables = await ec2.send(new DescribeRouteTablesCommand({}));
    expect(
      tables.RouteTables?.flatMap((t) => t.Routes ?? []).some((r) => r.VpcPeeringConnectionId === pcx),
    ).toBe(false);
  });

  it('a manual start still works directly on the state machine input', async () => {
    const seed = await buildSeedScenario(ec2);
    const created = await ec2.send(
      new CreateVpcPeeringConnectionCommand({ VpcId: seed.marketing.vpcId, PeerVpcId: seed.developer.vpcId }),
    );
    const out = await runLocalWorkflow({
      peeringConnectionId: created.VpcPeeringConnection?.VpcPeeringConnectionId,
      dryRun: false,
    });
    expect(out.output?.decision).toBe('accepted');
  });
});
