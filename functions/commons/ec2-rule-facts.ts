/**
 * Read side of EC2 for what steers and filters traffic: route tables, security groups (CIDR, group
 * and prefix-list sources), network ACLs and managed prefix lists, translated into the plain facts
 * the planners and the path diagnosis use. One vpc-id filtered, paginated call per account and region;
 * re-exported by ec2-facts.ts.
 */
import {
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  type IpPermission,
  type NetworkAcl,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateGetManagedPrefixListEntries,
  type Route,
  type RouteTable,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  type IngressRuleFacts,
  type RouteTableFacts,
  type RuleRefFacts,
  type SecurityGroupFacts,
  tagsToRecord,
  type VpcSide,
} from '../network/model.js';
import type { NaclFacts } from '../network/path-model.js';
import { printable } from '../network/text.js';
import { type Ec2For, isAwsError, type Place } from './aws-clients.js';
import { describeLive, vpcIdsByPlace } from './ec2-describe.js';

function routeTarget(route: Route): string {
  return (
    route.VpcPeeringConnectionId ??
    route.GatewayId ??
    route.NatGatewayId ??
    route.TransitGatewayId ??
    route.NetworkInterfaceId ??
    route.InstanceId ??
    route.CarrierGatewayId ??
    route.LocalGatewayId ??
    route.EgressOnlyInternetGatewayId ??
    'unknown target'
  );
}

export function routeTableFacts(table: RouteTable): RouteTableFacts {
  const associations = table.Associations ?? [];
  return {
    routeTableId: table.RouteTableId ?? '',
    vpcId: table.VpcId ?? '',
    main: associations.some((a) => a.Main === true),
    subnetIds: associations.map((a) => a.SubnetId).filter((s): s is string => !!s),
    tags: tagsToRecord(table.Tags),
    prefixListRoutes: (table.Routes ?? [])
      .filter((r) => r.DestinationPrefixListId)
      .map((r) => ({
        prefixListId: r.DestinationPrefixListId as string,
        ...(r.VpcPeeringConnectionId ? { peeringConnectionId: r.VpcPeeringConnectionId } : {}),
        target: routeTarget(r),
        ...(r.State ? { state: r.State } : {}),
      })),
    routes: (table.Routes ?? [])
      .filter((r) => r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock)
      .map((r) => ({
        destination: (r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock) as string,
        ...(r.VpcPeeringConnectionId ? { peeringConnectionId: r.VpcPeeringConnectionId } : {}),
        target: routeTarget(r),
        propagated: r.Origin === 'EnableVgwRoutePropagation',
        ...(r.State ? { state: r.State } : {}),
      })),
  };
}

/** Every route table of the given VPCs: one paginated, vpc-id filtered call per account and region. */
export async function describeRouteTables(
  ec2For: Ec2For,
  sides: ReadonlyArray<Pick<VpcSide, 'vpcId' | 'region' | 'ownerId'>>,
): Promise<RouteTableFacts[]> {
  const tables: RouteTableFacts[] = [];
  for (const [place, vpcIds] of vpcIdsByPlace(sides)) {
    const pages = paginateDescribeRouteTables(
      { client: ec2For(place) },
      { Filters: [{ Name: 'vpc-id', Values: vpcIds }] },
    );
    for await (const page of pages) tables.push(...(page.RouteTables ?? []).map(routeTableFacts));
  }
  return tables;
}

/** Route tables by id (those that still exist). */
export function describeRouteTablesById(
  ec2For: Ec2For,
  place: Place,
  ids: readonly string[],
  gone?: (id: string) => void,
): Promise<RouteTableFacts[]> {
  return describeLive(
    ids,
    async (RouteTableIds) =>
      ((await ec2For(place).send(new DescribeRouteTablesCommand({ RouteTableIds }))).RouteTables ?? []).map(
        routeTableFacts,
      ),
    ['InvalidRouteTableID.NotFound', 'InvalidRouteTableId.NotFound'],
    gone,
  );
}

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
  const groups: SecurityGroupFacts[] = [];
  for (const [place, vpcIds] of vpcIdsByPlace(sides)) {
    const pages = paginateDescribeSecurityGroups(
      { client: ec2For(place) },
      {
        Filters: [{ Name: 'vpc-id', Values: vpcIds }],
      },
    );
    for await (const page of pages) groups.push(...(page.SecurityGroups ?? []).map(securityGroupFacts));
  }
  return groups;
}

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
  const out: NaclFacts[] = [];
  for (const [place, vpcIds] of vpcIdsByPlace(sides)) {
    const res = await ec2For(place).send(
      new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: vpcIds }] }),
    );
    out.push(...(res.NetworkAcls ?? []).map(networkAclFacts));
  }
  return out;
}

/**
 * The CIDR entries of the managed prefix lists the path depends on (routes and rules that name
 * them), one GetManagedPrefixListEntries call per list, paginated. A list we may not read counts
 * as empty: the diagnosis then says it cannot see that list's entries.
 */
export async function describePrefixLists(
  ec2For: Ec2For,
  place: Place,
  prefixListIds: readonly string[],
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const id of new Set(prefixListIds)) {
    const cidrs: string[] = [];
    try {
      for await (const page of paginateGetManagedPrefixListEntries(
        { client: ec2For(place) },
        { PrefixListId: id },
      )) {
        cidrs.push(...(page.Entries ?? []).map((e) => e.Cidr).filter((c): c is string => !!c));
      }
    } catch (error) {
      if (!isAwsError(error, 'InvalidPrefixListID.NotFound', 'InvalidPrefixListId.NotFound')) throw error;
    }
    out[id] = cidrs;
  }
  return out;
}

/** Every prefix list named by a route or a group rule in these facts. */
export function prefixListIdsIn(
  tables: readonly RouteTableFacts[],
  groups: readonly SecurityGroupFacts[],
): string[] {
  return [
    ...new Set([
      ...tables.flatMap((t) => (t.prefixListRoutes ?? []).map((r) => r.prefixListId)),
      ...groups.flatMap((g) =>
        [...(g.ingressRefs ?? []), ...(g.egressRefs ?? [])]
          .map((r) => r.prefixListId)
          .filter((id): id is string => !!id),
      ),
    ]),
  ];
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
