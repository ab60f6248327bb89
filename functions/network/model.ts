/**
 * The facts the workflow reasons about, as plain data. Handlers translate EC2 shapes into
 * these; the planners below never see an SDK type.
 */

export const TAG_PREFIX = 'peering-autopilot:';
export const TAGS = {
  ingress: 'peering-autopilot:ingress',
  routes: 'peering-autopilot:routes',
  accept: 'peering-autopilot:accept',
  probe: 'peering-autopilot:probe',
  status: 'peering-autopilot:status',
  checkedAt: 'peering-autopilot:checked-at',
} as const;

export type Tags = Readonly<Record<string, string>>;

/**
 * A tag's value as the contract compares it: trimmed and lower-case (`FALSE`, ` false` and
 * `Skip ` all count). Undefined when the tag is absent.
 */
export function tagValue(tags: Tags | undefined, key: string): string | undefined {
  const value = tags?.[key];
  return value === undefined ? undefined : value.trim().toLowerCase();
}

/** One VPC of a peering, as described in its own region. */
export interface VpcSide {
  readonly vpcId: string;
  readonly ownerId: string;
  readonly region: string;
  /** Associated IPv4 blocks, primary first. */
  readonly cidrs: readonly string[];
  /** Associated IPv6 blocks (used only when both sides have IPv6). */
  readonly ipv6Cidrs: readonly string[];
  readonly tags: Tags;
  /** Human name from the `Name` tag, for messages in the tutorial's terms. */
  readonly name?: string;
}

export interface RouteFacts {
  readonly destination: string;
  /** Peering id when the route targets a peering connection. */
  readonly peeringConnectionId?: string;
  /** Readable target (igw-…, nat-…, local, pcx-…) for conflict messages. */
  readonly target: string;
  readonly propagated: boolean;
  /** `active` or `blackhole`. */
  readonly state?: string;
}

/** A route whose destination is a managed prefix list (its entries are resolved separately). */
export interface PrefixListRouteFacts {
  readonly prefixListId: string;
  readonly peeringConnectionId?: string;
  readonly target: string;
  readonly state?: string;
}

export interface RouteTableFacts {
  readonly routeTableId: string;
  readonly vpcId: string;
  readonly main: boolean;
  readonly subnetIds: readonly string[];
  readonly tags: Tags;
  /** Routes to CIDR blocks (what the planner counts and writes). */
  readonly routes: readonly RouteFacts[];
  /** Routes to managed prefix lists (read by the path diagnosis only). */
  readonly prefixListRoutes?: readonly PrefixListRouteFacts[];
}

export interface IngressRuleFacts {
  /** `icmp`, `icmpv6`, `tcp`, `udp` or `-1` (all). */
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr: string;
  readonly description?: string;
}

/**
 * A rule whose source (or destination) is another security group — in this VPC, or in a peer VPC
 * over a same-region peering (`account/sg-…` with the peering id) — or a managed prefix list.
 */
export interface RuleRefFacts {
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly groupId?: string;
  readonly userId?: string;
  readonly peeringConnectionId?: string;
  readonly prefixListId?: string;
  readonly description?: string;
}

export interface SecurityGroupFacts {
  readonly groupId: string;
  readonly vpcId: string;
  readonly groupName?: string;
  readonly tags: Tags;
  readonly ingress: readonly IngressRuleFacts[];
  /** Inbound rules whose source is a prefix list or a group: they count against the quota too. */
  readonly otherIngressSources?: number;
  /** Outbound rules (CIDR sources only), for the path diagnosis. */
  readonly egress?: readonly IngressRuleFacts[];
  /** Inbound rules from groups or prefix lists, for the path diagnosis. */
  readonly ingressRefs?: readonly RuleRefFacts[];
  /** Outbound rules to groups or prefix lists, for the path diagnosis. */
  readonly egressRefs?: readonly RuleRefFacts[];
}

/**
 * `removed` appears only in a cleanup after the peering was deleted. `quota-exceeded`: the table
 * has no room for the route (nothing written there; every other table still gets its routes).
 */
export type RouteAction = 'created' | 'exists' | 'conflict' | 'skipped' | 'removed' | 'quota-exceeded';
/**
 * `removed`: one of our rules the group no longer asks for (tag removed or narrowed) was revoked.
 * `quota-exceeded`: the group has no room for the rules (nothing written to it).
 */
export type RuleAction = 'created' | 'exists' | 'invalid-tag' | 'removed' | 'quota-exceeded';

/** One line of the workflow result's `routes`. */
export interface RouteChange {
  readonly routeTableId: string;
  readonly vpcId: string;
  readonly region: string;
  readonly destinationCidr: string;
  readonly action: RouteAction;
  /** Whether the action was carried out (false in a dry run or a plan). */
  readonly applied: boolean;
  /** Set for `conflict`, `skipped` and `quota-exceeded`: what is there instead, or why. */
  readonly detail?: string;
  /** Set when the table's `peering-autopilot:routes` value is not understood (the table is skipped). */
  readonly invalidTag?: string;
}

/** One line of the workflow result's `securityGroupRules`. */
export interface RuleChange {
  readonly groupId: string;
  readonly vpcId: string;
  readonly region: string;
  readonly cidr: string;
  /** `none` only for `invalid-tag` lines, where nothing is opened. */
  readonly protocol: 'icmp' | 'icmpv6' | 'tcp' | 'udp' | 'none';
  readonly fromPort: number;
  readonly toPort: number;
  readonly action: RuleAction;
  readonly applied: boolean;
  /** The rule description that marks it as ours, or the tag error for `invalid-tag`. */
  readonly detail?: string;
}

/** Description written on every rule we create: it names the peering so cleanup finds only ours. */
export function ruleDescription(peeringConnectionId: string): string {
  return `peering-autopilot ${peeringConnectionId}`;
}

export function tagsToRecord(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Tags {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}
