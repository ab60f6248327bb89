/**
 * The scale scenario's network on moto: one hub VPC (two security groups opted in for ICMP) and N
 * spoke VPCs with 3 route tables each, every spoke peering requested with the hub.
 */
import {
  AssociateRouteTableCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';

export async function buildHubAndSpokes(ec2: EC2Client, n: number) {
  const vpc = async (cidr: string, name: string) => {
    const v = await ec2.send(
      new CreateVpcCommand({
        CidrBlock: cidr,
        TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: name }] }],
      }),
    );
    const vpcId = v.Vpc?.VpcId as string;
    // 3 route tables: the main one plus two subnet-associated ones
    for (const k of [1, 2]) {
      const subnet = await ec2.send(
        new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr.replace(/\.0\.0\/16$/, `.${k}.0/24`) }),
      );
      const rtb = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
      await ec2.send(
        new AssociateRouteTableCommand({
          RouteTableId: rtb.RouteTable?.RouteTableId,
          SubnetId: subnet.Subnet?.SubnetId,
        }),
      );
    }
    return vpcId;
  };
  const hub = await vpc('10.0.0.0/16', 'Hub');
  for (const k of [1, 2]) {
    await ec2.send(
      new CreateSecurityGroupCommand({
        VpcId: hub,
        GroupName: `hub-${k}`,
        Description: 'opted in',
        TagSpecifications: [
          { ResourceType: 'security-group', Tags: [{ Key: 'peering-autopilot:ingress', Value: 'icmp' }] },
        ],
      }),
    );
  }
  const peerings: string[] = [];
  for (let i = 1; i <= n; i++) {
    const spoke = await vpc(`10.${i}.0.0/16`, `Spoke${i}`);
    const p = await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: hub, PeerVpcId: spoke }));
    peerings.push(p.VpcPeeringConnection?.VpcPeeringConnectionId as string);
  }
  return peerings;
}
