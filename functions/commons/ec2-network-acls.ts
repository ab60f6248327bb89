/**
 * Read side of EC2 for network ACLs: entries in rule-number order and subnet associations, as the path
 * diagnosis reads them.
 */
import { DescribeNetworkAclsCommand, type NetworkAcl } from '@aws-sdk/client-ec2';
import type { VpcSide } from '../network/model.js';
import type { NaclFacts } from '../network/path-model.js';
import type { Ec2For } from './aws-clients.js';
import { describeInVpcs } from './ec2-describe.js';

export function networkAclFacts(n: NetworkAcl): NaclFacts {
  return {
    networkAclId: n.NetworkAclId as string,
    vpcId: n.VpcId as string,
    isDefault: n.IsDefault ?? false,
    subnetIds: (n.Associations ?? []).map((a) => a.SubnetId as string),
    entries: (n.Entries ?? [])
      .filter((e) => e.CidrBlock)
      .map((e) => ({
        ruleNumber: e.RuleNumber ?? 32767,
        egress: e.Egress ?? false,
        protocol: e.Protocol ?? '-1',
        action: e.RuleAction === 'allow' ? ('allow' as const) : ('deny' as const),
        cidr: e.CidrBlock as string,
        ...(e.IcmpTypeCode?.Type !== undefined ? { icmpType: e.IcmpTypeCode.Type } : {}),
        ...(e.IcmpTypeCode?.Code !== undefined ? { icmpCode: e.IcmpTypeCode.Code } : {}),
      })),
  };
}

/** Network ACLs of the given VPCs: one vpc-id filtered call per account and region. */
export async function describeNetworkAcls(
  ec2For: Ec2For,
  sides: ReadonlyArray<Pick<VpcSide, 'vpcId' | 'region' | 'ownerId'>>,
): Promise<NaclFacts[]> {
  return describeInVpcs(sides, async function* (place, request) {
    yield ((await ec2For(place).send(new DescribeNetworkAclsCommand(request))).NetworkAcls ?? []).map(
      networkAclFacts,
    );
  });
}
