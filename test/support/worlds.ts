/**
 * Builders for the kernel-replica tests' worlds: the tutorial's MarketingServer and FinanceServer,
 * route tables, security groups, network ACLs, as the facts the diagnosis and the replica read.
 */
import type { RouteTableFacts, SecurityGroupFacts } from '../../functions/network/model.js';
import type { NaclFacts } from '../../functions/network/path-model.js';
import type { World } from '../../local/dataplane/render.js';

export const MARKETING = {
  instanceId: 'i-m',
  name: 'MarketingServer',
  vpcId: 'vpc-m',
  subnetId: 'subnet-m',
  privateIp: '10.10.1.10',
  state: 'running',
  securityGroupIds: ['sg-m'],
};
export const FINANCE = {
  instanceId: 'i-f',
  name: 'FinanceServer',
  vpcId: 'vpc-f',
  subnetId: 'subnet-f',
  privateIp: '172.31.1.4',
  state: 'running',
  securityGroupIds: ['sg-f'],
};

/** A route to `destination` through the tutorial's peering pcx-1. */
export const toPeer = (destination: string, extra: Record<string, unknown> = {}) => ({
  destination,
  target: 'pcx-1',
  peeringConnectionId: 'pcx-1',
  propagated: false,
  ...extra,
});

/** A route table with the `local` route for `cidr`, then `routes`. */
export const table = (
  id: string,
  vpcId: string,
  cidr: string,
  routes: RouteTableFacts['routes'] = [],
  main = true,
  subnetIds: string[] = [],
): RouteTableFacts => ({
  routeTableId: id,
  vpcId,
  main,
  subnetIds,
  tags: {},
  routes: [{ destination: cidr, target: 'local', propagated: false }, ...routes],
});

/** A security group; outbound is a new group's default rule (VPC guide, "Default security groups"): all traffic anywhere. */
export const group = (
  groupId: string,
  vpcId: string,
  ingress: SecurityGroupFacts['ingress'] = [],
  extra: Partial<SecurityGroupFacts> = {},
): SecurityGroupFacts => ({
  groupId,
  vpcId,
  tags: {},
  ingress,
  egress: [{ protocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' }],
  ...extra,
});

/** ICMP from `cidr` (type and code -1: all). */
export const icmpFrom = (cidr: string, type = -1, code = -1) => ({
  protocol: 'icmp',
  fromPort: type,
  toPort: code,
  cidr,
});

/** A network ACL of `vpcId` associated with `subnetId`. */
export const acl = (vpcId: string, subnetId: string, entries: NaclFacts['entries']): NaclFacts => ({
  networkAclId: `acl-${subnetId}`,
  vpcId,
  isDefault: false,
  subnetIds: [subnetId],
  entries,
});

/** The tutorial after step 34, as a replica world: both routes, Finance open for ICMP from Marketing. */
export const tutorialWorld = (): World => ({
  instances: [MARKETING, FINANCE],
  peerings: [{ id: 'pcx-1', status: 'active', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' }],
  routeTables: [
    table('rtb-m', 'vpc-m', '10.10.0.0/16', [toPeer('172.31.0.0/16')]),
    table('rtb-f', 'vpc-f', '172.31.0.0/16', [toPeer('10.10.0.0/16')]),
  ],
  securityGroups: [group('sg-m', 'vpc-m'), group('sg-f', 'vpc-f', [icmpFrom('10.10.0.0/16')])],
  networkAcls: [],
});
