/**
 * The apply step against a mocked EC2 (aws-sdk-client-mock): races and limits moto cannot stage.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  DeleteRouteCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  type VpcPeeringConnectionStateReasonCode,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from '../../functions/apply/apply.js';

/** Apply as the workflow calls it. */
/** The hub's trusted copy of the routed record (routed-record.ts), as a plain fake. */
const trusted: string[] = [];
const record = {
  read: async () => [...trusted],
  write: async () => undefined,
  remove: async () => undefined,
};
const applyChanges = (inspection: Inspection, changes: Changes, ec2For: () => EC2Client) =>
  run({ inspection, changes }, { ec2For, record });

import type { Changes, Inspection } from '../../functions/commons/schemas.js';
import type { RouteChange, RuleChange } from '../../functions/network/model.js';
import { inspectionOf } from '../support/facts.js';

const PCX = 'pcx-0123456789abcdef0';
const ec2Mock = mockClient(EC2Client);
const client = new EC2Client({ region: 'us-east-1' });
const ec2For = () => client;

const inspection = inspectionOf(PCX);
const route = (rtb: string, cidr = '10.10.0.0/16'): RouteChange => ({
  routeTableId: rtb,
  vpcId: 'vpc-finance',
  ownerId: '123456789012',
  region: 'us-east-1',
  destinationCidr: cidr,
  action: 'created',
  applied: false,
});
const rule = (cidr: string, protocol: RuleChange['protocol'] = 'icmp'): RuleChange => ({
  groupId: 'sg-fin',
  vpcId: 'vpc-finance',
  ownerId: '123456789012',
  region: 'us-east-1',
  cidr,
  protocol,
  fromPort: -1,
  toPort: -1,
  action: 'created',
  applied: false,
  detail: `peering-autopilot ${PCX}`,
});
const plan = (routes: RouteChange[], rules: RuleChange[] = []): Changes => ({
  routes,
  securityGroupRules: rules,
  options: [],
  routed: [],
  writes: routes.length + rules.length,
  clean: false,
  facts: { routeTables: [], securityGroups: [] },
});
const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });

/** The peering as AWS describes it right before Apply writes: Marketing (requester) <> Finance. */
const peering = (status: VpcPeeringConnectionStateReasonCode = 'active', ipv6 = false) => ({
  VpcPeeringConnections: [
    {
      VpcPeeringConnectionId: PCX,
      Status: { Code: status },
      RequesterVpcInfo: {
        VpcId: 'vpc-marketing',
        OwnerId: '123456789012',
        Region: 'us-east-1',
        CidrBlockSet: [{ CidrBlock: '10.10.0.0/16' }, { CidrBlock: '10.11.0.0/16' }],
        ...(ipv6 ? { Ipv6CidrBlockSet: [{ Ipv6CidrBlock: '2600:1f18:1::/56' }] } : {}),
      },
      AccepterVpcInfo: {
        VpcId: 'vpc-finance',
        OwnerId: '123456789012',
        Region: 'us-east-1',
        CidrBlockSet: [{ CidrBlock: '172.31.0.0/16' }],
      },
    },
  ],
});

/** The two VPCs as DescribeVpcs says now (the source of truth for their CIDR blocks). */
const vpcs = (ipv6 = false) => ({
  Vpcs: [
    {
      VpcId: 'vpc-marketing',
      OwnerId: '123456789012',
      CidrBlockAssociationSet: [
        { CidrBlock: '10.10.0.0/16', CidrBlockState: { State: 'associated' as const } },
        { CidrBlock: '10.11.0.0/16', CidrBlockState: { State: 'associated' as const } },
      ],
      ...(ipv6
        ? {
            Ipv6CidrBlockAssociationSet: [
              { Ipv6CidrBlock: '2600:1f18:1::/56', Ipv6CidrBlockState: { State: 'associated' as const } },
            ],
          }
        : {}),
    },
    {
      VpcId: 'vpc-finance',
      OwnerId: '123456789012',
      CidrBlockAssociationSet: [
        { CidrBlock: '172.31.0.0/16', CidrBlockState: { State: 'associated' as const } },
      ],
    },
  ],
});

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves(peering());
  ec2Mock.on(DescribeVpcsCommand).resolves(vpcs());
});

describe('apply', () => {
  it('creates each planned route with the peering as target and one authorize call per group', async () => {
    ec2Mock.on(CreateRouteCommand).resolves({ Return: true });
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });

    const out = await applyChanges(
      inspection,
      plan([route('rtb-1')], [rule('10.10.0.0/16'), rule('10.11.0.0/16')]),
      ec2For,
    );

    expect(ec2Mock.commandCalls(CreateRouteCommand)[0]?.args[0].input).toEqual({
      RouteTableId: 'rtb-1',
      DestinationCidrBlock: '10.10.0.0/16',
      VpcPeeringConnectionId: PCX,
    });
    const authorize = ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand);
    expect(authorize).toHaveLength(1);
    expect(authorize[0]?.args[0].input).toEqual({
      GroupId: 'sg-fin',
      IpPermissions: [
        {
          IpProtocol: 'icmp',
          FromPort: -1,
          ToPort: -1,
          IpRanges: [
            { CidrIp: '10.10.0.0/16', Description: `peering-autopilot ${PCX}` },
            { CidrIp: '10.11.0.0/16', Description: `peering-autopilot ${PCX}` },
          ],
        },
      ],
    });
    expect(out.routes[0]).toMatchObject({ action: 'created', applied: true });
    expect(out.securityGroupRules.every((r) => r.applied)).toBe(true);
  });

  it('reports a route written concurrently to the same peering as exists, not an error', async () => {
    ec2Mock.on(CreateRouteCommand).rejects(awsError('RouteAlreadyExists'));
    ec2Mock.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          Routes: [{ DestinationCidrBlock: '10.10.0.0/16', VpcPeeringConnectionId: PCX }],
        },
      ],
    });
    const out = await applyChanges(inspection, plan([route('rtb-1')]), ec2For);
    expect(out.routes[0]).toMatchObject({ action: 'exists', applied: false });
    expect(out.writes).toBe(0);
  });

  it('reports a route a person wrote meanwhile to another target as conflict', async () => {
    ec2Mock.on(CreateRouteCommand).rejects(awsError('RouteAlreadyExists'));
    ec2Mock.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        { RouteTableId: 'rtb-1', Routes: [{ DestinationCidrBlock: '10.10.0.0/16', GatewayId: 'igw-9' }] },
      ],
    });
    const out = await applyChanges(inspection, plan([route('rtb-1')]), ec2For);
    expect(out.routes[0]).toMatchObject({ action: 'conflict', detail: 'already routed to igw-9' });
  });

  it('removes our route to a block the peer keeps out, after reading the table again', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          Routes: [{ DestinationCidrBlock: '10.11.0.0/16', VpcPeeringConnectionId: PCX }],
        },
      ],
    });
    const out = await applyChanges(
      inspection,
      plan([{ ...route('rtb-1', '10.11.0.0/16'), action: 'removed' }]),
      ec2For,
    );
    expect(ec2Mock.commandCalls(DeleteRouteCommand)[0]?.args[0].input).toEqual({
      RouteTableId: 'rtb-1',
      DestinationCidrBlock: '10.11.0.0/16',
    });
    expect(out.routes[0]).toMatchObject({ action: 'removed', applied: true });
  });

  it('leaves a route alone that a person pointed elsewhere since the plan (DeleteRoute would delete theirs)', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        { RouteTableId: 'rtb-1', Routes: [{ DestinationCidrBlock: '10.11.0.0/16', GatewayId: 'tgw-1' }] },
      ],
    });
    const out = await applyChanges(
      inspection,
      plan([{ ...route('rtb-1', '10.11.0.0/16'), action: 'removed' }]),
      ec2For,
    );
    expect(ec2Mock.commandCalls(DeleteRouteCommand)).toHaveLength(0);
    expect(out.routes[0]).toMatchObject({
      applied: false,
      detail: 'no longer routed through this peering: left alone',
    });
  });

  it("refuses to remove a route to a CIDR that is not one of the peer's blocks, writing nothing", async () => {
    await expect(
      applyChanges(inspection, plan([{ ...route('rtb-1', '0.0.0.0/0'), action: 'removed' }]), ec2For),
    ).rejects.toMatchObject({ name: 'InputValidationError' });
    expect(ec2Mock.commandCalls(DeleteRouteCommand)).toHaveLength(0);
  });

  it('removes our route to a block the peer disassociated when the peering’s record (its tags, read again, and the hub’s trusted copy) names it', async () => {
    trusted.splice(0, trusted.length, '10.12.0.0/16');
    const described = peering();
    const recorded = {
      VpcPeeringConnections: [
        {
          ...described.VpcPeeringConnections[0],
          Tags: [{ Key: 'peering-autopilot:routed', Value: '10.12.0.0/16' }],
        },
      ],
    };
    ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves(recorded);
    ec2Mock.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          Routes: [{ DestinationCidrBlock: '10.12.0.0/16', VpcPeeringConnectionId: PCX }],
        },
      ],
    });
    const out = await applyChanges(
      inspection,
      plan([{ ...route('rtb-1', '10.12.0.0/16'), action: 'removed' }]),
      ec2For,
    );
    expect(out.routes[0]).toMatchObject({ action: 'removed', applied: true });
    // Without the record the same line is refused: the block is no one's, so the route may be a person's.
    ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves(described);
    ec2Mock.resetHistory();
    await expect(
      applyChanges(inspection, plan([{ ...route('rtb-1', '10.12.0.0/16'), action: 'removed' }]), ec2For),
    ).rejects.toMatchObject({ name: 'InputValidationError' });
    expect(ec2Mock.commandCalls(DeleteRouteCommand)).toHaveLength(0);
  });

  it('refuses to remove a route to 10.0.0.0/8 that an edited routed tag names but the trusted copy does not (issue 19 §3)', async () => {
    trusted.splice(0, trusted.length, '10.12.0.0/16');
    const described = peering();
    ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves({
      VpcPeeringConnections: [
        {
          ...described.VpcPeeringConnections[0],
          Tags: [{ Key: 'peering-autopilot:routed', Value: '10.0.0.0/8 10.12.0.0/16' }],
        },
      ],
    });
    await expect(
      applyChanges(inspection, plan([{ ...route('rtb-1', '10.0.0.0/8'), action: 'removed' }]), ec2For),
    ).rejects.toThrow(/route destination 10\.0\.0\.0\/8 in rtb-1 is not part of peering/);
    expect(ec2Mock.commandCalls(DeleteRouteCommand)).toHaveLength(0);
  });

  describe('a rule whose source is a peer group (ingress-from=sources)', () => {
    const ref = (sourceGroupId: string, sourceOwnerId = '123456789012'): RuleChange => {
      const { cidr: _none, ...line } = rule('10.10.0.0/16', 'tcp');
      return { ...line, fromPort: 5432, toPort: 5432, sourceGroupId, sourceOwnerId };
    };

    it('authorizes it with the peering id once AWS confirms the group is the peer VPC’s', async () => {
      ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
        SecurityGroups: [{ GroupId: 'sg-mkt-app', VpcId: 'vpc-marketing' }],
      });
      ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });
      const planned = {
        ...plan([], [ref('sg-mkt-app')]),
        facts: {
          routeTables: [],
          securityGroups: [{ groupId: 'sg-fin', vpcId: 'vpc-finance', tags: {}, ingress: [] }],
        },
      };
      const out = await applyChanges(inspection, planned, ec2For);
      expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({
        GroupIds: ['sg-mkt-app'],
      });
      expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
        GroupId: 'sg-fin',
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 5432,
            ToPort: 5432,
            UserIdGroupPairs: [
              {
                GroupId: 'sg-mkt-app',
                UserId: '123456789012',
                VpcPeeringConnectionId: PCX,
                Description: `peering-autopilot ${PCX}`,
              },
            ],
          },
        ],
      });
      expect(out.securityGroupRules[0]).toMatchObject({ action: 'created', applied: true });
      // What was written reaches the path diagnosis as a reference through this peering.
      expect(out.facts.securityGroups[0]?.ingressRefs).toEqual([
        {
          protocol: 'tcp',
          fromPort: 5432,
          toPort: 5432,
          description: `peering-autopilot ${PCX}`,
          groupId: 'sg-mkt-app',
          userId: '123456789012',
          peeringConnectionId: PCX,
        },
      ]);
    });

    it('refuses a group that is not in the peer VPC, or another account’s, writing nothing', async () => {
      ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
        SecurityGroups: [{ GroupId: 'sg-elsewhere', VpcId: 'vpc-other' }],
      });
      await expect(applyChanges(inspection, plan([], [ref('sg-elsewhere')]), ec2For)).rejects.toMatchObject({
        name: 'InputValidationError',
        message: expect.stringContaining(
          'source group 123456789012/sg-elsewhere (not a group of VPC vpc-marketing)',
        ),
      });
      await expect(
        applyChanges(inspection, plan([], [ref('sg-mkt-app', '999999999999')]), ec2For),
      ).rejects.toMatchObject({ name: 'InputValidationError' });
      expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
    });
  });

  it('falls back to one rule per call when some rules already exist', async () => {
    ec2Mock
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidPermission.Duplicate'))
      .rejectsOnce(awsError('InvalidPermission.Duplicate'))
      .resolves({ Return: true });
    const out = await applyChanges(
      inspection,
      plan([], [rule('10.10.0.0/16'), rule('10.11.0.0/16')]),
      ec2For,
    );
    expect(out.securityGroupRules.map((r) => [r.cidr, r.action, r.applied])).toEqual([
      ['10.10.0.0/16', 'exists', false],
      ['10.11.0.0/16', 'created', true],
    ]);
  });

  it('a table that fills up meanwhile (RouteLimitExceeded) is reported quota-exceeded; the other tables are configured', async () => {
    ec2Mock
      .on(CreateRouteCommand, { RouteTableId: 'rtb-full' })
      .rejects(awsError('RouteLimitExceeded'))
      .on(CreateRouteCommand, { RouteTableId: 'rtb-ok' })
      .resolves({ Return: true });
    const out = await applyChanges(inspection, plan([route('rtb-ok'), route('rtb-full')]), ec2For);
    expect(out.routes.map((r) => [r.routeTableId, r.action, r.applied])).toEqual([
      ['rtb-ok', 'created', true],
      ['rtb-full', 'quota-exceeded', false],
    ]);
    expect(out.routes[1]?.detail).toContain('rtb-full is full (RouteLimitExceeded)');
  });

  it('a full group (RulesPerSecurityGroupLimitExceeded) is reported quota-exceeded, nothing half-written', async () => {
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('RulesPerSecurityGroupLimitExceeded'));
    ec2Mock.on(CreateRouteCommand).resolves({ Return: true });
    const out = await applyChanges(
      inspection,
      plan([route('rtb-1')], [rule('10.10.0.0/16'), rule('10.11.0.0/16')]),
      ec2For,
    );
    expect(out.routes[0]).toMatchObject({ action: 'created', applied: true });
    expect(out.securityGroupRules.map((r) => [r.action, r.applied])).toEqual([
      ['quota-exceeded', false],
      ['quota-exceeded', false],
    ]);
    expect(out.securityGroupRules[0]?.detail).toContain('sg-fin is full');
  });

  it('writes nothing when the peering was deleted between Plan and Apply', async () => {
    ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves(peering('deleted'));
    await expect(
      applyChanges(inspection, plan([route('rtb-1')], [rule('10.10.0.0/16')]), ec2For),
    ).rejects.toMatchObject({
      name: 'PeeringNotActiveError',
      message: expect.stringContaining('is deleted, no longer active: nothing was written'),
    });
    expect(ec2Mock.commandCalls(CreateRouteCommand)).toHaveLength(0);
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  it.each([
    ['a route to 0.0.0.0/0', plan([route('rtb-1', '0.0.0.0/0')])],
    ['a route to a CIDR of neither peer', plan([route('rtb-1', '192.168.0.0/16')])],
    ['a route in a VPC outside the peering', plan([{ ...route('rtb-x'), vpcId: 'vpc-other' }])],
    ['a rule from 0.0.0.0/0', plan([], [rule('0.0.0.0/0')])],
    ['a rule from a CIDR of neither peer', plan([], [rule('192.168.0.0/16')])],
    [
      'a removal of a rule that is not ours',
      plan([], [{ ...rule('10.10.0.0/16'), action: 'removed', detail: 'ssh' }]),
    ],
  ])('rejects a crafted payload with %s before any write', async (_label, crafted) => {
    await expect(applyChanges(inspection, crafted, ec2For)).rejects.toMatchObject({
      name: 'InputValidationError',
      message: expect.stringContaining('nothing was written'),
    });
    expect(ec2Mock.commandCalls(CreateRouteCommand)).toHaveLength(0);
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  it('fails with PeeringNotActiveError when the peering vanished mid-run', async () => {
    ec2Mock.on(CreateRouteCommand).rejects(awsError('InvalidVpcPeeringConnectionID.NotFound'));
    await expect(applyChanges(inspection, plan([route('rtb-1')]), ec2For)).rejects.toMatchObject({
      name: 'PeeringNotActiveError',
    });
  });

  // Issue 23: we requested a partner's VPC, the partner accepted, a person approved configuring our side.
  it('configures our side of an approved peering whose accepter is an outside account, never acting as that account', async () => {
    const partner = {
      vpcId: 'vpc-partner',
      ownerId: '222222222222',
      region: 'us-east-1',
      cidrs: ['10.30.0.0/16'],
      ipv6Cidrs: [],
      tags: {},
      outside: true,
    };
    const approved = inspectionOf(PCX, { accepter: partner });
    ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves({
      VpcPeeringConnections: [
        {
          VpcPeeringConnectionId: PCX,
          Status: { Code: 'active' },
          RequesterVpcInfo: {
            VpcId: 'vpc-marketing',
            OwnerId: '123456789012',
            Region: 'us-east-1',
            CidrBlockSet: [{ CidrBlock: '10.10.0.0/16' }],
          },
          AccepterVpcInfo: {
            VpcId: 'vpc-partner',
            OwnerId: '222222222222',
            Region: 'us-east-1',
            CidrBlockSet: [{ CidrBlock: '10.30.0.0/16' }],
          },
        },
      ],
    });
    ec2Mock.on(CreateRouteCommand).resolves({ Return: true });
    const places: string[] = [];
    const asOwner = (place: { ownerId: string }) => {
      places.push(place.ownerId);
      if (place.ownerId !== '123456789012') throw new Error(`acted as ${place.ownerId}`);
      return client;
    };
    const marketingRoute = { ...route('rtb-m', '10.30.0.0/16'), vpcId: 'vpc-marketing' };
    const out = await run(
      { inspection: approved, changes: plan([marketingRoute]) },
      { ec2For: asOwner, record },
    );
    expect(out.routes).toEqual([expect.objectContaining({ destinationCidr: '10.30.0.0/16', applied: true })]);
    expect(new Set(places)).toEqual(new Set(['123456789012']));
  });

  it('writes IPv6 destinations as DestinationIpv6CidrBlock', async () => {
    ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves(peering('active', true));
    ec2Mock.on(DescribeVpcsCommand).resolves(vpcs(true));
    ec2Mock.on(CreateRouteCommand).resolves({ Return: true });
    await applyChanges(inspection, plan([route('rtb-1', '2600:1f18:1::/56')]), ec2For);
    expect(ec2Mock.commandCalls(CreateRouteCommand)[0]?.args[0].input).toMatchObject({
      DestinationIpv6CidrBlock: '2600:1f18:1::/56',
    });
  });
});
