/**
 * Refusals, conflicts, growth and cross-region, against moto with the real ASL and handlers.
 */
import {
  AssociateRouteTableCommand,
  AssociateVpcCidrBlockCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  DescribeVpcPeeringConnectionsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { runLocalWorkflow } from '../../local/local-runner.js';
import { buildVpc, requestPeering, SEED_VPCS, type SeedVpc, type SeedVpcSpec } from '../../local/seed.js';
import { ingressOf, reset, routesIn, useMoto } from '../support/local-aws.js';

const { ec2, ec2In } = useMoto();
const [MARKETING, , FINANCE] = SEED_VPCS as [SeedVpcSpec, SeedVpcSpec, SeedVpcSpec];

async function statusOf(client: EC2Client, pcx: string) {
  const out = await client.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  return out.VpcPeeringConnections?.[0]?.Status?.Code;
}

async function expectNothingWritten(pcx: string, vpcs: SeedVpc[], client: EC2Client = ec2) {
  expect(await statusOf(client, pcx)).toBe('pending-acceptance');
  for (const v of vpcs) {
    expect((await routesIn(client, v.vpcId)).filter((r) => r.target === pcx)).toEqual([]);
  }
}

describe('refusals change nothing', () => {
  beforeEach(reset);

  it('refuses overlapping CIDRs with the reason', async () => {
    const marketing = await buildVpc(ec2, MARKETING);
    const clash = await buildVpc(ec2, {
      ...FINANCE,
      name: 'Clash',
      cidr: '10.10.128.0/17',
      subnetCidr: '10.10.129.0/24',
    });
    const pcx = await requestPeering(ec2, marketing, clash);

    const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

    expect(out.output).toMatchObject({ decision: 'refused', routes: [], securityGroupRules: [] });
    expect(out.output?.reason).toContain('overlapping CIDRs: 10.10.0.0/16');
    await expectNothingWritten(pcx, [marketing, clash]);
    expect(await ingressOf(ec2, clash.securityGroupId)).toEqual([]);
  });

  it('refuses a protected VPC (peering-autopilot:accept=false)', async () => {
    const marketing = await buildVpc(ec2, MARKETING);
    const finance = await buildVpc(ec2, { ...FINANCE, vpcTags: { 'peering-autopilot:accept': 'false' } });
    const pcx = await requestPeering(ec2, marketing, finance);

    const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

    expect(out.output).toMatchObject({
      decision: 'refused',
      reason: expect.stringContaining('is protected'),
    });
    await expectNothingWritten(pcx, [marketing, finance]);
    expect(await ingressOf(ec2, finance.securityGroupId)).toEqual([]);
  });

  it('refuses a cross-account peering and never accepts it', async () => {
    const marketing = await buildVpc(ec2, MARKETING);
    const other = ec2In('us-east-1', '111111111111');
    const foreign = await buildVpc(other, FINANCE);
    const pcx = await requestPeering(ec2, marketing, foreign, { ownerId: '111111111111' });

    const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

    expect(out.output).toMatchObject({
      decision: 'refused',
      reason: expect.stringContaining('cross-account'),
    });
    expect(out.output?.reason).toContain('111111111111');
    await expectNothingWritten(pcx, [marketing]);
  });

  it('fails with a clear error for an unknown peering id', async () => {
    const out = await runLocalWorkflow({ peeringConnectionId: 'pcx-0123456789abcdef0', dryRun: false });
    expect(out).toMatchObject({ status: 'FAILED', error: 'PeeringNotFoundError' });
    expect(out.cause).toContain('"pcx-0123456789abcdef0" was not found');
  });
});

describe('configuration cases', () => {
  beforeEach(reset);

  it('reports a foreign route to the peer CIDR as conflict and leaves it unchanged', async () => {
    const marketing = await buildVpc(ec2, MARKETING);
    const finance = await buildVpc(ec2, FINANCE);
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway
      ?.InternetGatewayId as string;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: finance.vpcId }));
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: finance.routeTableId,
        DestinationCidrBlock: '10.10.0.0/16',
        GatewayId: igw,
      }),
    );
    const pcx = await requestPeering(ec2, marketing, finance);

    const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

    expect(out.output?.routes).toContainEqual(
      expect.objectContaining({
        routeTableId: finance.routeTableId,
        destinationCidr: '10.10.0.0/16',
        action: 'conflict',
      }),
    );
    const financeRoutes = await routesIn(ec2, finance.vpcId);
    expect(financeRoutes).toContainEqual({ table: finance.routeTableId, dest: '10.10.0.0/16', target: igw });
    // the Finance main table had no foreign route, so it did get one
    expect(financeRoutes.filter((r) => r.target === pcx)).toHaveLength(1);
  });

  it('routes and opens every block of a VPC with a secondary CIDR', async () => {
    const marketing = await buildVpc(ec2, MARKETING);
    await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: marketing.vpcId, CidrBlock: '10.11.0.0/16' }));
    const finance = await buildVpc(ec2, FINANCE);
    const pcx = await requestPeering(ec2, marketing, finance);

    const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

    expect(out.status).toBe('SUCCEEDED');
    const toPeer = (await routesIn(ec2, finance.vpcId)).filter((r) => r.target === pcx);
    expect(
      toPeer
        .filter((r) => r.table === finance.routeTableId)
        .map((r) => r.dest)
        .sort(),
    ).toEqual(['10.10.0.0/16', '10.11.0.0/16']);
    expect((await ingressOf(ec2, finance.securityGroupId)).sort()).toEqual([
      'icmp 10.10.0.0/16',
      'icmp 10.11.0.0/16',
    ]);
  });

  it('exclude-cidrs: a block a VPC keeps out loses our route and rule on the peer side; a bad value changes nothing', async () => {
    const marketing = await buildVpc(ec2, MARKETING);
    await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: marketing.vpcId, CidrBlock: '10.11.0.0/16' }));
    const finance = await buildVpc(ec2, FINANCE);
    const pcx = await requestPeering(ec2, marketing, finance);
    await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
    const financeTable = async () =>
      (await routesIn(ec2, finance.vpcId))
        .filter((r) => r.table === finance.routeTableId && r.target === pcx)
        .map((r) => r.dest)
        .sort();
    expect(await financeTable()).toEqual(['10.10.0.0/16', '10.11.0.0/16']);

    // A value that is not one of Marketing's blocks: invalid-tag, nothing changes.
    const tag = (value: string) =>
      ec2.send(
        new CreateTagsCommand({
          Resources: [marketing.vpcId],
          Tags: [{ Key: 'peering-autopilot:exclude-cidrs', Value: value }],
        }),
      );
    await tag('10.99.0.0/16');
    const refused = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
    expect(
      (refused.output as { routes: Array<{ vpcId: string; action: string }> }).routes
        .filter((r) => r.vpcId === finance.vpcId)
        .map((r) => r.action),
    ).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(await financeTable()).toEqual(['10.10.0.0/16', '10.11.0.0/16']);

    await tag('10.11.0.0/16');
    // The dry run shows the removals it would make, and makes none.
    const planned = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: true });
    const removals = (
      planned.output as { routes: Array<{ action: string; applied: boolean }> }
    ).routes.filter((r) => r.action === 'removed');
    expect(removals.length).toBeGreaterThan(0);
    expect(removals.every((r) => !r.applied)).toBe(true);
    expect(planned.output).toMatchObject({
      securityGroupRules: expect.arrayContaining([
        expect.objectContaining({ cidr: '10.11.0.0/16', action: 'removed', applied: false }),
      ]),
    });
    expect(await financeTable()).toEqual(['10.10.0.0/16', '10.11.0.0/16']);
    const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

    expect(out.status).toBe('SUCCEEDED');
    expect(await financeTable()).toEqual(['10.10.0.0/16']);
    expect(await ingressOf(ec2, finance.securityGroupId)).toEqual(['icmp 10.10.0.0/16']);
    // Marketing still routes to Finance: only the peer side of the excluded block changes.
    expect((await routesIn(ec2, marketing.vpcId)).filter((r) => r.target === pcx)).not.toEqual([]);
  });

  it('in a VPC tagged routes=tagged-only, routes only the tables tagged include (dry run shows it first)', async () => {
    const marketing = await buildVpc(ec2, {
      ...MARKETING,
      vpcTags: { 'peering-autopilot:routes': 'tagged-only' },
    });
    const finance = await buildVpc(ec2, FINANCE);
    const included = (
      await ec2.send(
        new CreateRouteTableCommand({
          VpcId: marketing.vpcId,
          TagSpecifications: [
            { ResourceType: 'route-table', Tags: [{ Key: 'peering-autopilot:routes', Value: 'include' }] },
          ],
        }),
      )
    ).RouteTable?.RouteTableId as string;
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: marketing.vpcId, CidrBlock: '10.10.9.0/24' }),
    );
    await ec2.send(
      new AssociateRouteTableCommand({ RouteTableId: included, SubnetId: subnet.Subnet?.SubnetId }),
    );
    const pcx = await requestPeering(ec2, marketing, finance);

    const planned = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: true });
    const lines = (
      planned.output as { routes: Array<{ routeTableId: string; vpcId: string; action: string }> }
    ).routes;
    expect(lines.filter((l) => l.vpcId === marketing.vpcId).map((l) => [l.routeTableId, l.action])).toEqual(
      expect.arrayContaining([
        [marketing.routeTableId, 'skipped'],
        [included, 'created'],
      ]),
    );
    const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

    expect(out.status).toBe('SUCCEEDED');
    const toPeer = (await routesIn(ec2, marketing.vpcId)).filter((r) => r.target === pcx);
    expect(toPeer.map((r) => r.table)).toEqual([included]);
    expect((await routesIn(ec2, finance.vpcId)).filter((r) => r.target === pcx)).not.toEqual([]);
  });

  it('configures a same-account cross-region peering, each side in its own region', async () => {
    const west = ec2In('us-west-2');
    const marketing = await buildVpc(ec2, MARKETING);
    const finance = await buildVpc(west, FINANCE);
    const pcx = await requestPeering(ec2, marketing, finance, { region: 'us-west-2' });

    const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

    expect(out).toMatchObject({ status: 'SUCCEEDED', output: { decision: 'accepted' } });
    expect(await statusOf(west, pcx)).toBe('active');
    expect(
      (await routesIn(ec2, marketing.vpcId)).filter((r) => r.target === pcx && r.dest === '172.31.0.0/16'),
    ).not.toEqual([]);
    expect(
      (await routesIn(west, finance.vpcId)).filter((r) => r.target === pcx && r.dest === '10.10.0.0/16'),
    ).not.toEqual([]);
    expect(await ingressOf(west, finance.securityGroupId)).toEqual(['icmp 10.10.0.0/16']);
  });
});
