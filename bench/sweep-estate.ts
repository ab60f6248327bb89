/**
 * An estate of N configured peerings for the sweep benchmark, written straight into moto (no
 * workflow runs): groups of ten spoke VPCs peered with a hub VPC, every VPC with a main route table
 * and one or two subnet-associated ones, routes to the peer on both sides, the hub's group opened
 * to each spoke by the autopilot's own rule, and status tags `configured` checked just now.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  AssociateRouteTableCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteRouteCommand,
  DescribeRouteTablesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import pLimit from 'p-limit';
import { TAGS } from '../functions/commons/contracts.js';
import { ruleDescription } from '../functions/network/model.js';

interface EstateVpc {
  readonly vpcId: string;
  readonly cidr: string;
  readonly tables: string[];
  readonly groupId: string;
}

export interface Estate {
  readonly peerings: Array<{ readonly id: string; readonly spoke: EstateVpc; readonly hub: EstateVpc }>;
  readonly vpcs: number;
  readonly routeTables: number;
  readonly securityGroups: number;
}

const SPOKES_PER_HUB = 10;

/**
 * CreateVpc and CreateSubnet one at a time: moto's CreateSubnet iterates the network ACLs while a
 * concurrent CreateVpc adds one ("dictionary changed size during iteration", HTTP 500), a race of
 * the local emulator only. Everything else still runs concurrently.
 */
const serial = pLimit(1);

async function vpc(
  ec2: EC2Client,
  cidr: string,
  name: string,
  subnets: number,
  optIn: boolean,
): Promise<EstateVpc> {
  const vpcId = (await serial(() => ec2.send(new CreateVpcCommand({ CidrBlock: cidr })))).Vpc
    ?.VpcId as string;
  const base = cidr.split('/')[0]?.split('.').slice(0, 3).join('.') as string;
  const tables: string[] = [];
  for (let i = 0; i < subnets; i++) {
    const subnetId = (
      await serial(() =>
        ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `${base}.${i * 64}/26` })),
      )
    ).Subnet?.SubnetId as string;
    const tableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable
      ?.RouteTableId as string;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: subnetId }));
    tables.push(tableId);
  }
  const main = await ec2.send(
    new DescribeRouteTablesCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'association.main', Values: ['true'] },
      ],
    }),
  );
  tables.push(main.RouteTables?.[0]?.RouteTableId as string);
  const groupId = (
    await ec2.send(
      new CreateSecurityGroupCommand({
        VpcId: vpcId,
        GroupName: `${name}-servers`,
        Description: `${name} servers`,
        ...(optIn
          ? {
              TagSpecifications: [
                { ResourceType: 'security-group', Tags: [{ Key: TAGS.ingress, Value: 'icmp' }] },
              ],
            }
          : {}),
      }),
    )
  ).GroupId as string;
  return { vpcId, cidr, tables, groupId };
}

/** Builds N configured peerings (hub i of each group: 100.64.i.0/24; spoke j: 10.(j/256).(j%256).0/24). */
export async function buildEstate(ec2: EC2Client, n: number): Promise<Estate> {
  const limit = pLimit(8);
  const hubs = await Promise.all(
    Array.from({ length: Math.ceil(n / SPOKES_PER_HUB) }, (_, i) =>
      limit(() => vpc(ec2, `100.${64 + Math.floor(i / 256)}.${i % 256}.0/24`, `hub${i}`, 2, true)),
    ),
  );
  const peerings = await Promise.all(
    Array.from({ length: n }, (_, j) =>
      limit(async () => {
        const hub = hubs[Math.floor(j / SPOKES_PER_HUB)] as EstateVpc;
        const spoke = await vpc(
          ec2,
          `10.${Math.floor(j / 256)}.${j % 256}.0/24`,
          `spoke${j}`,
          1 + (j % 2),
          false,
        );
        const id = (
          await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: spoke.vpcId, PeerVpcId: hub.vpcId }))
        ).VpcPeeringConnection?.VpcPeeringConnectionId as string;
        await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
        for (const [self, peer] of [
          [spoke, hub],
          [hub, spoke],
        ] as const) {
          for (const table of self.tables) {
            await ec2.send(
              new CreateRouteCommand({
                RouteTableId: table,
                DestinationCidrBlock: peer.cidr,
                VpcPeeringConnectionId: id,
              }),
            );
          }
        }
        await ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: hub.groupId,
            IpPermissions: [
              {
                IpProtocol: 'icmp',
                FromPort: -1,
                ToPort: -1,
                IpRanges: [{ CidrIp: spoke.cidr, Description: ruleDescription(id) }],
              },
            ],
          }),
        );
        await ec2.send(
          new CreateTagsCommand({
            Resources: [id],
            Tags: [
              { Key: TAGS.status, Value: 'configured' },
              { Key: TAGS.checkedAt, Value: new Date().toISOString() },
            ],
          }),
        );
        return { id, spoke, hub };
      }),
    ),
  );
  const vpcs = [...hubs, ...peerings.map((p) => p.spoke)];
  return {
    peerings,
    vpcs: vpcs.length,
    routeTables: vpcs.reduce((n, v) => n + v.tables.length, 0),
    securityGroups: vpcs.length,
  };
}

/** Deletes one managed route of each of the first `count` peerings, with no event: lost-event drift. */
export async function driftSome(ec2: EC2Client, estate: Estate, count: number): Promise<string[]> {
  const drifted = estate.peerings.slice(0, count);
  for (const p of drifted) {
    await ec2.send(
      new DeleteRouteCommand({ RouteTableId: p.spoke.tables[0] as string, DestinationCidrBlock: p.hub.cidr }),
    );
  }
  return drifted.map((p) => p.id);
}
