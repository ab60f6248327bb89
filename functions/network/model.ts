/**
 * The facts the workflow reasons about, as plain data. Handlers translate EC2 shapes into
 * these; the planners below never see an SDK type.
 */
import * as z from 'zod/mini';

export type Tags = Readonly<Record<string, string>>;

/**
 * A tag's value as the contract compares it: trimmed and lower-case (`FALSE`, ` false` and
 * `Skip ` all count). Undefined when the tag is absent.
 */
export function tagValue(tags: Tags | undefined, key: string): string | undefined {
  const value = tags?.[key];
  return value === undefined ? undefined : value.trim().toLowerCase();
}

// The facts below are zod schemas, and their types are derived from them (z.output): the schemas
// are what each step parses its input with, so a type and its check can never drift apart.
const ids = z.array(z.string());
const tags = z.record(z.string(), z.string());

/** One VPC of a peering, as described in its own region. */
export const VpcSideSchema = z.object({
  vpcId: z.string().check(z.startsWith('vpc-')),
  ownerId: z.string().check(z.minLength(1)),
  region: z.string().check(z.minLength(1)),
  /** Associated IPv4 blocks, primary first. */
  cidrs: ids,
  /** Associated IPv6 blocks (used only when both sides have IPv6). */
  ipv6Cidrs: ids,
  tags,
  /** Human name from the `Name` tag, for messages in the tutorial's terms. */
  name: z.optional(z.string()),
  /** This side's AllowDnsResolutionFromRemoteVpc on the peering, as AWS describes it. */
  dnsResolution: z.optional(z.boolean()),
  /** The VPC's enableDnsSupport / enableDnsHostnames (read only when DNS resolution is wanted). */
  dnsAttributes: z.optional(z.object({ support: z.boolean(), hostnames: z.boolean() })),
  /**
   * Owned by an account outside the hub and members (a peering a person approved): never
   * described, written, probed or tagged; its blocks are the ones the peering itself reports.
   */
  outside: z.optional(z.boolean()),
});
export type VpcSide = z.output<typeof VpcSideSchema>;

export const RouteFactsSchema = z.object({
  destination: z.string(),
  /** Peering id when the route targets a peering connection. */
  peeringConnectionId: z.optional(z.string()),
  /** Readable target (igw-…, nat-…, local, pcx-…) for conflict messages. */
  target: z.string(),
  propagated: z.boolean(),
  /** `active` or `blackhole`. */
  state: z.optional(z.string()),
});
export type RouteFacts = z.output<typeof RouteFactsSchema>;

/** A route whose destination is a managed prefix list (its entries are resolved separately). */
export const PrefixListRouteFactsSchema = z.object({
  prefixListId: z.string(),
  peeringConnectionId: z.optional(z.string()),
  target: z.string(),
  state: z.optional(z.string()),
});
export type PrefixListRouteFacts = z.output<typeof PrefixListRouteFactsSchema>;

export const RouteTableFactsSchema = z.object({
  routeTableId: z.string(),
  vpcId: z.string(),
  main: z.boolean(),
  subnetIds: ids,
  tags,
  /** Routes to CIDR blocks (what the planner counts and writes). */
  routes: z.array(RouteFactsSchema),
  /** Routes to managed prefix lists (read by the path diagnosis only). */
  prefixListRoutes: z.optional(z.array(PrefixListRouteFactsSchema)),
});
export type RouteTableFacts = z.output<typeof RouteTableFactsSchema>;

const traffic = {
  /** `icmp`, `icmpv6`, `tcp`, `udp` or `-1` (all). ICMP rules carry the type in fromPort, the code in toPort. */
  protocol: z.string(),
  fromPort: z.number(),
  toPort: z.number(),
  description: z.optional(z.string()),
};
export const IngressRuleFactsSchema = z.object({ ...traffic, cidr: z.string() });
export type IngressRuleFacts = z.output<typeof IngressRuleFactsSchema>;

/**
 * A rule whose source (or destination) is another security group — in this VPC, or in a peer VPC
 * over a same-region peering (`account/sg-…` with the peering id) — or a managed prefix list.
 */
export const RuleRefFactsSchema = z.object({
  ...traffic,
  groupId: z.optional(z.string()),
  userId: z.optional(z.string()),
  peeringConnectionId: z.optional(z.string()),
  prefixListId: z.optional(z.string()),
});
export type RuleRefFacts = z.output<typeof RuleRefFactsSchema>;

export const SecurityGroupFactsSchema = z.object({
  groupId: z.string(),
  vpcId: z.string(),
  groupName: z.optional(z.string()),
  tags,
  ingress: z.array(IngressRuleFactsSchema),
  /** Inbound rules whose source is a prefix list or a group: they count against the quota too. */
  otherIngressSources: z.optional(z.number()),
  /** Outbound rules (CIDR sources only), for the path diagnosis. */
  egress: z.optional(z.array(IngressRuleFactsSchema)),
  /** Inbound rules from groups or prefix lists, for the path diagnosis. */
  ingressRefs: z.optional(z.array(RuleRefFactsSchema)),
  /** Outbound rules to groups or prefix lists, for the path diagnosis. */
  egressRefs: z.optional(z.array(RuleRefFactsSchema)),
});
export type SecurityGroupFacts = z.output<typeof SecurityGroupFactsSchema>;

/**
 * `removed` appears only in a cleanup after the peering was deleted. `quota-exceeded`: the table
 * has no room for the route (nothing written there; every other table still gets its routes).
 */
export const ROUTE_ACTIONS = [
  'created',
  'exists',
  'conflict',
  'skipped',
  'removed',
  'quota-exceeded',
] as const;
export type RouteAction = (typeof ROUTE_ACTIONS)[number];
/**
 * `removed`: one of our rules the group no longer asks for (tag removed or narrowed) was revoked.
 * `quota-exceeded`: the group has no room for the rules (nothing written to it).
 * `unsupported-cross-region`: the group asks for peer-group sources over a cross-region peering,
 * which AWS does not allow; nothing is added (never widened to the CIDR).
 */
export const RULE_ACTIONS = [
  'created',
  'exists',
  'invalid-tag',
  'removed',
  'quota-exceeded',
  'unsupported-cross-region',
] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

/** One line of the workflow result's `routes`. */
export const RouteChangeSchema = z.object({
  routeTableId: z.string(),
  vpcId: z.string(),
  /** The account that owns the VPC (the write is made as that owner). */
  ownerId: z.string(),
  region: z.string(),
  destinationCidr: z.string(),
  action: z.enum(ROUTE_ACTIONS),
  /** Whether the action was carried out (false in a dry run or a plan). */
  applied: z.boolean(),
  /** Set for `conflict`, `skipped` and `quota-exceeded`: what is there instead, or why. */
  detail: z.optional(z.string()),
  /** Set when the table's `peering-autopilot:routes` value is not understood (the table is skipped). */
  invalidTag: z.optional(z.string()),
});
export type RouteChange = z.output<typeof RouteChangeSchema>;

/** One line of the workflow result's `securityGroupRules`. */
export const RuleChangeSchema = z.object({
  groupId: z.string(),
  vpcId: z.string(),
  /** The account that owns the group (the write is made as that owner). */
  ownerId: z.string(),
  region: z.string(),
  /** The source CIDR; absent when the source is a peer security group (`sourceGroupId`). */
  cidr: z.optional(z.string()),
  /**
   * The peer VPC's security group the rule admits (`peering-autopilot:ingress-from=sources`), with
   * its owner: AWS's UserIdGroupPair with the peering id (VPC Peering guide, "Update your security
   * groups to reference peer security groups").
   */
  sourceGroupId: z.optional(z.string()),
  sourceOwnerId: z.optional(z.string()),
  /** `none` only for `invalid-tag` and `unsupported-cross-region` lines, where nothing is opened. */
  protocol: z.enum(['icmp', 'icmpv6', 'tcp', 'udp', 'none']),
  fromPort: z.int(),
  toPort: z.int(),
  action: z.enum(RULE_ACTIONS),
  applied: z.boolean(),
  /** The rule description that marks it as ours, or the tag error for `invalid-tag`. */
  detail: z.optional(z.string()),
});
export type RuleChange = z.output<typeof RuleChangeSchema>;

/**
 * Whether a rule may name a security group of the peer VPC: only over an active peering within one
 * Region (VPC Peering guide, "Update your security groups to reference peer security groups").
 * The planner asks before adding such rules; the path diagnosis before crediting them.
 */
export function referencesPeerGroups(peering: {
  readonly status: string;
  readonly crossRegion?: boolean;
}): boolean {
  return peering.status === 'active' && peering.crossRegion !== true;
}

/** A rule line's source as the console writes it: the CIDR, or `account/sg-…` for a peer group. */
export function ruleSource(r: {
  readonly cidr?: string;
  readonly sourceGroupId?: string;
  readonly sourceOwnerId?: string;
}): string {
  if (r.cidr !== undefined) return r.cidr;
  if (r.sourceGroupId !== undefined) return `${r.sourceOwnerId ?? ''}/${r.sourceGroupId}`;
  return 'no source';
}

/** Description written on every rule we create: it names the peering so cleanup finds only ours. */
export function ruleDescription(peeringConnectionId: string): string {
  return `peering-autopilot ${peeringConnectionId}`;
}

/** True for a rule description the autopilot wrote (for any peering). */
export function isOurRule(description: string | undefined): boolean {
  return description?.startsWith(ruleDescription('pcx-')) ?? false;
}

export function tagsToRecord(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Tags {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

export const OPTION_ACTIONS = ['enabled', 'exists', 'invalid-tag'] as const;

/** One line of the workflow result's `options`: DNS resolution on one side of the peering. */
export const OptionChangeSchema = z.object({
  side: z.enum(['requester', 'accepter']),
  vpcId: z.string(),
  ownerId: z.string(),
  region: z.string(),
  allowDnsResolutionFromRemoteVpc: z.boolean(),
  action: z.enum(OPTION_ACTIONS),
  applied: z.boolean(),
  /** A warning (the VPC lacks DNS support or hostnames), or the tag error for `invalid-tag`. */
  detail: z.optional(z.string()),
});
export type OptionChange = z.output<typeof OptionChangeSchema>;

/** Untagged VPCs: `tagged` (only `peering-autopilot:dns=true`), `always`, or `never` (tags ignored). */
export type DnsResolutionMode = 'tagged' | 'always' | 'never';

export interface SidePlanInput<T> {
  readonly self: VpcSide;
  readonly peer: VpcSide;
  readonly items: readonly T[];
}

export interface Quotas {
  readonly routesPerTable: number;
  readonly rulesPerSecurityGroup: number;
}

/** Default EC2 quotas (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html). */
export const DEFAULT_QUOTAS = { routesPerTable: 50, rulesPerSecurityGroup: 60 } as const;
