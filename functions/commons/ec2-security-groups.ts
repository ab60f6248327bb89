/**
 * Read side of EC2 for security groups: inbound and outbound rules flattened to one fact per source
 * (CIDR, group or prefix list: the unit EC2 counts against quotas), and tags.
 */
import {
  DescribeSecurityGroupsCommand,
  type IpPermission,
  paginateDescribeSecurityGroups,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  type IngressRuleFacts,
  type RuleRefFacts,
  type SecurityGroupFacts,
  tagsToRecord,
  type VpcSide,
} from '../network/model.js';
import { printable } from '../network/text.js';
import type { Ec2For, Place } from './aws-clients.js';
import { describeInVpcs, describeLive } from './ec2-describe.js';

const PROTOCOLS: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };

/** Flattens IpPermissions into one fact per source CIDR (the unit EC2 counts against quotas). */
export function ingressFacts(permissions: readonly IpPermission[]): {
  rules: IngressRuleFacts[];
  refs: RuleRefFacts[];
  otherSources: number;
} {
  const rules: IngressRuleFacts[] = [];
  const refs: RuleRefFacts[] = [];
  let otherSources = 0;
  for (const p of permissions) {
    const protocol = PROTOCOLS[p.IpProtocol ?? ''] ?? p.IpProtocol ?? '-1';
    const base = { protocol, fromPort: p.FromPort ?? -1, toPort: p.ToPort ?? -1 };
    for (const r of p.IpRanges ?? []) {
      if (r.CidrIp)
        rules.push({ ...base, cidr: r.CidrIp, ...(r.Description ? { description: r.Description } : {}) });
    }
    for (const r of p.Ipv6Ranges ?? []) {
      if (r.CidrIpv6) {
        rules.push({ ...base, cidr: r.CidrIpv6, ...(r.Description ? { description: r.Description } : {}) });
      }
    }
    for (const g of p.UserIdGroupPairs ?? []) {
      if (!g.GroupId) continue;
      refs.push({
        ...base,
        groupId: g.GroupId,
        ...(g.UserId ? { userId: g.UserId } : {}),
        ...(g.VpcPeeringConnectionId ? { peeringConnectionId: g.VpcPeeringConnectionId } : {}),
        ...(g.Description ? { description: g.Description } : {}),
      });
    }
    for (const pl of p.PrefixListIds ?? []) {
      if (pl.PrefixListId) refs.push({ ...base, prefixListId: pl.PrefixListId });
    }
    otherSources += (p.PrefixListIds?.length ?? 0) + (p.UserIdGroupPairs?.length ?? 0);
  }
  return { rules, refs, otherSources };
}

export function securityGroupFacts(group: SecurityGroup): SecurityGroupFacts {
  const { rules, refs, otherSources } = ingressFacts(group.IpPermissions ?? []);
  const out = ingressFacts(group.IpPermissionsEgress ?? []);
  return {
    groupId: group.GroupId ?? '',
    vpcId: group.VpcId ?? '',
    ...(group.GroupName ? { groupName: printable(group.GroupName) } : {}),
    tags: tagsToRecord(group.Tags),
    ingress: rules,
    otherIngressSources: otherSources,
    egress: out.rules,
    ...(refs.length > 0 ? { ingressRefs: refs } : {}),
    ...(out.refs.length > 0 ? { egressRefs: out.refs } : {}),
  };
}

/**
 * Every security group of the given VPCs, per region: opted-in groups get rules, and groups that
 * opted out are checked for rules we created (one vpc-id filtered call per account and region either way).
 */
export async function describeGroups(
  ec2For: Ec2For,
  sides: ReadonlyArray<Pick<VpcSide, 'vpcId' | 'region' | 'ownerId'>>,
): Promise<SecurityGroupFacts[]> {
  return describeInVpcs(sides, async function* (place, request) {
    for await (const page of paginateDescribeSecurityGroups({ client: ec2For(place) }, request)) {
      yield (page.SecurityGroups ?? []).map(securityGroupFacts);
    }
  });
}

/** Security groups by id (those that still exist). */
export function describeGroupsById(
  ec2For: Ec2For,
  place: Place,
  ids: readonly string[],
  gone?: (id: string) => void,
): Promise<SecurityGroupFacts[]> {
  return describeLive(
    ids,
    async (GroupIds) =>
      ((await ec2For(place).send(new DescribeSecurityGroupsCommand({ GroupIds }))).SecurityGroups ?? []).map(
        securityGroupFacts,
      ),
    ['InvalidGroup.NotFound', 'InvalidGroupId.NotFound', 'InvalidGroupId.Malformed'],
    gone,
  );
}
