/**
 * Cleanup against a mocked EC2: faults moto cannot stage (a delete that fails) and payloads that
 * claim a live peering is deleted.
 */
import {
  DeleteRouteCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  type VpcPeeringConnectionStateReasonCode,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { run as cleanup } from '../../functions/cleanup/cleanup.js';
import { inspectionOf } from '../support/facts.js';

const PCX = 'pcx-0123456789abcdef0';
const ec2Mock = mockClient(EC2Client);
const client = new EC2Client({ region: 'us-east-1' });
const ec2For = () => client;
const inspection = inspectionOf(PCX, { status: 'deleted', decision: 'refused', cleanup: true });

const peering = (status: VpcPeeringConnectionStateReasonCode) => ({
  VpcPeeringConnections: [
    {
      VpcPeeringConnectionId: PCX,
      Status: { Code: status },
      RequesterVpcInfo: { VpcId: 'vpc-marketing', OwnerId: '123456789012', CidrBlock: '10.10.0.0/16' },
      AccepterVpcInfo: { VpcId: 'vpc-finance', OwnerId: '123456789012', CidrBlock: '172.31.0.0/16' },
    },
  ],
});
const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves(peering('deleted'));
  ec2Mock.on(DescribeRouteTablesCommand).resolves({
    RouteTables: [
      {
        RouteTableId: 'rtb-a',
        VpcId: 'vpc-finance',
        Routes: [{ DestinationCidrBlock: '10.10.0.0/16', VpcPeeringConnectionId: PCX }],
      },
      {
        RouteTableId: 'rtb-b',
        VpcId: 'vpc-finance',
        Routes: [{ DestinationCidrBlock: '10.10.0.0/16', VpcPeeringConnectionId: PCX }],
      },
    ],
  });
  ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [
      {
        GroupId: 'sg-fin',
        VpcId: 'vpc-finance',
        IpPermissions: [
          {
            IpProtocol: 'icmp',
            FromPort: -1,
            ToPort: -1,
            IpRanges: [{ CidrIp: '10.10.0.0/16', Description: `peering-autopilot ${PCX}` }],
          },
        ],
      },
    ],
  });
  ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
});

it('goes on past a route that fails to delete, removes the rest and the rules, then fails naming what is left', async () => {
  ec2Mock
    .on(DeleteRouteCommand, { RouteTableId: 'rtb-a' })
    .rejects(awsError('UnauthorizedOperation'))
    .on(DeleteRouteCommand, { RouteTableId: 'rtb-b' })
    .resolves({});

  await expect(cleanup(inspection, { ec2For, actsAt: () => true })).rejects.toMatchObject({
    name: 'CleanupIncompleteError',
    message: expect.stringMatching(
      /removed 2 route\(s\)\/rule\(s\) but left 1: route 10\.10\.0\.0\/16 in rtb-a/,
    ),
  });
  expect(ec2Mock.commandCalls(DeleteRouteCommand)).toHaveLength(2);
  expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
});

it.each([['active'], ['pending-acceptance']] as const)(
  'refuses to clean up a peering AWS says is %s, whatever the payload claims, removing nothing',
  async (status) => {
    ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves(peering(status));
    await expect(cleanup(inspection, { ec2For, actsAt: () => true })).rejects.toMatchObject({
      name: 'InputValidationError',
    });
    expect(ec2Mock.commandCalls(DeleteRouteCommand)).toHaveLength(0);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  },
);

// Issue 23: a peering a person approved with an outside account was configured on our side only.
/** A deleted peering the partner's account 222222222222 requested into Finance, with our view's tags. */
const fromPartner = (Tags: Array<{ Key: string; Value: string }> = []) => ({
  VpcPeeringConnections: [
    {
      VpcPeeringConnectionId: PCX,
      Status: { Code: 'deleted' as const },
      RequesterVpcInfo: { VpcId: 'vpc-partner', OwnerId: '222222222222', CidrBlock: '10.10.0.0/16' },
      AccepterVpcInfo: { VpcId: 'vpc-finance', OwnerId: '123456789012', CidrBlock: '172.31.0.0/16' },
      Tags,
    },
  ],
});
it('cleans our side of an approved outside peering: our recorded route and our rule go, a person route through it stays, the outside side is never read', async () => {
  // Report's record in our view: the blocks our routes through the peering reach.
  ec2Mock
    .on(DescribeVpcPeeringConnectionsCommand)
    .resolves(fromPartner([{ Key: 'peering-autopilot:routed', Value: '10.10.0.0/16' }]));
  ec2Mock.on(DescribeRouteTablesCommand).resolves({
    RouteTables: [
      {
        RouteTableId: 'rtb-a',
        VpcId: 'vpc-finance',
        Routes: [
          { DestinationCidrBlock: '10.10.0.0/16', VpcPeeringConnectionId: PCX },
          // A person's own route through the same peering to a block we never routed.
          { DestinationCidrBlock: '10.10.7.0/24', VpcPeeringConnectionId: PCX },
        ],
      },
    ],
  });
  ec2Mock.on(DeleteRouteCommand).resolves({});
  const outside = inspectionOf(PCX, { status: 'deleted', decision: 'refused', cleanup: true });
  const out = await cleanup(outside, { ec2For, actsAt: (p) => p.ownerId === '123456789012' });
  expect(out.routesRemoved.map((r) => `${r.routeTableId} ${r.destinationCidr}`)).toEqual([
    'rtb-a 10.10.0.0/16',
  ]);
  expect(out.rulesRemoved).toHaveLength(1);
  // Only our account was asked for tables and groups.
  for (const call of ec2Mock.commandCalls(DescribeRouteTablesCommand)) {
    expect(JSON.stringify(call.args[0].input)).not.toContain('vpc-partner');
  }
});

it("leaves a person's route to an outside peer's block when no record says we routed it (a refused outside peering)", async () => {
  ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves(fromPartner());
  const outside = inspectionOf(PCX, { status: 'deleted', decision: 'refused', cleanup: true });
  const out = await cleanup(outside, { ec2For, actsAt: (p) => p.ownerId === '123456789012' });
  expect(out.routesRemoved).toEqual([]);
  expect(ec2Mock.commandCalls(DeleteRouteCommand)).toHaveLength(0);
});
