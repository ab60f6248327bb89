/**
 * The facts a path diagnosis reads (instances, NACLs, peerings, route tables, security groups,
 * prefix lists) and the verdict it gives, as plain data. Pure.
 */
import type { RouteTableFacts, SecurityGroupFacts, Tags } from './model.js';

/** One network interface (ENI) of an instance: security groups apply per interface, not per instance. */
export interface InterfaceFacts {
  readonly networkInterfaceId: string;
  readonly subnetId: string;
  /** Its private IPv4 addresses, primary first. */
  readonly privateIps: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/**
 * An instance seen at one of its addresses: `subnetId`, `privateIp` and `securityGroupIds` are those of
 * the network interface that holds `privateIp` (as described: the primary interface's primary address;
 * `atAddress` in interfaces.ts gives the view at any other address).
 */
export interface InstanceFacts {
  readonly instanceId: string;
  readonly name?: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly privateIp: string;
  readonly state: string;
  readonly securityGroupIds: readonly string[];
  /** Every network interface, primary (device index 0) first, when described. */
  readonly interfaces?: readonly InterfaceFacts[];
  /** The instance's tags (probe roles), when described. */
  readonly tags?: Tags;
}

export interface NaclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  /** `-1` (all), `1` (icmp), `6`, `17`, `58`. */
  readonly protocol: string;
  readonly action: 'allow' | 'deny';
  readonly cidr: string;
  /** For ICMP entries: the type and code they match (-1 or absent: all). */
  readonly icmpType?: number;
  readonly icmpCode?: number;
}

export interface NaclFacts {
  readonly networkAclId: string;
  readonly vpcId: string;
  readonly isDefault: boolean;
  readonly subnetIds: readonly string[];
  readonly entries: readonly NaclEntry[];
}

export interface PeeringFacts {
  readonly id: string;
  readonly status: string;
  readonly requesterVpcId: string;
  readonly accepterVpcId: string;
  /** Inter-region peerings cannot carry security-group references (Peering Guide). */
  readonly crossRegion?: boolean;
  /** The peering's own tags (status tags, Name), when described. */
  readonly tags?: Tags;
  /** Each side's primary IPv4 block as the peering reports it, for listings. */
  readonly requesterCidr?: string;
  readonly accepterCidr?: string;
}

export interface PathFacts {
  readonly source: InstanceFacts;
  readonly target: InstanceFacts;
  /** VPC id -> name (Marketing, Finance, …) and CIDR blocks, for messages. */
  readonly vpcs: Readonly<Record<string, { readonly name?: string; readonly cidrs: readonly string[] }>>;
  readonly peerings: readonly PeeringFacts[];
  readonly routeTables: readonly RouteTableFacts[];
  readonly securityGroups: readonly SecurityGroupFacts[];
  /** Missing for a VPC means "not described": the AWS default NACL (allow all) is assumed. */
  readonly networkAcls: readonly NaclFacts[];
  /** Which VPC requested the peering under test: its routes are tutorial step 22, the accepter's 27. */
  readonly requesterVpcId?: string;
  /** Entries of the managed prefix lists that routes or rules name (GetManagedPrefixListEntries). */
  readonly prefixLists?: Readonly<Record<string, readonly string[]>>;
}

export type Check =
  | 'instance'
  | 'peering'
  | 'route'
  | 'source-sg'
  | 'source-nacl'
  | 'target-nacl'
  | 'target-sg'
  | 'return-nacl'
  | 'return-route';

export interface Finding {
  readonly check: Check;
  readonly ok: boolean;
  readonly message: string;
  /** True when the autopilot owns the fix (a route to the peer CIDR, a rule in an opted-in group). */
  readonly repairable?: boolean;
}

export interface Diagnosis {
  readonly reachable: boolean;
  readonly findings: Finding[];
  /** The first missing piece, in the tutorial's terms. */
  readonly missing?: string;
}

/** One probe pair's static verdict, as Verify reports it (`diagnosis` in the workflow result). */
export interface PathVerdict {
  readonly source: string;
  readonly target: string;
  /** Static analysis of the described state (not a measurement). */
  readonly reachable: boolean;
  readonly missing?: string;
  readonly repairable: boolean;
  readonly findings: Diagnosis['findings'];
}
