/**
 * The contracts the layers share, as plain names with no imports: the tags people write and the
 * workflow writes, the CloudTrail events that start runs, the member role's default name, metric
 * names and namespace, run outcomes (the status tag values) and verification statuses. Handlers
 * emit them, the construct's rules, roles, dashboard and alarms read them from here, so a renamed
 * metric or tag cannot leave a dashboard graphing nothing or a rule matching nothing. The
 * published construct package compiles this file too (it must stay free of imports).
 */

/** Every tag key the autopilot reads or writes starts with this. */
export const TAG_PREFIX = 'peering-autopilot:';
/** The tag keys: what people tag VPCs, tables, groups and instances with, and what runs write on peerings. */
export const TAGS = {
  ingress: 'peering-autopilot:ingress',
  routes: 'peering-autopilot:routes',
  accept: 'peering-autopilot:accept',
  probe: 'peering-autopilot:probe',
  status: 'peering-autopilot:status',
  checkedAt: 'peering-autopilot:checked-at',
  dns: 'peering-autopilot:dns',
  excludeCidrs: 'peering-autopilot:exclude-cidrs',
  /** On a group with `ingress`: `sources` admits the peer's source groups instead of its CIDRs. */
  ingressFrom: 'peering-autopilot:ingress-from',
  /** On a group: `true` lets peer groups with `ingress-from=sources` reference it. */
  source: 'peering-autopilot:source',
  /** On the peering: the blocks this autopilot routed through it (see routed.ts). */
  routed: 'peering-autopilot:routed',
} as const;

/** The record `peering-autopilot:routed` spans at most this many keys (routed.ts). */
export const MAX_ROUTED_CHUNKS = 8;

/** The record's tag keys, in reading order: `…:routed`, `…:routed-2` … `…:routed-8`. */
export const ROUTED_TAG_KEYS: readonly string[] = Array.from({ length: MAX_ROUTED_CHUNKS }, (_, i) =>
  i === 0 ? TAGS.routed : `${TAGS.routed}-${i + 1}`,
);

/**
 * Tags only the workflow writes on a peering: Report's IAM allows no other key, and their events
 * start no run (no feedback loop).
 */
export const WORKFLOW_TAG_KEYS: readonly string[] = [TAGS.status, TAGS.checkedAt, ...ROUTED_TAG_KEYS];

/** CloudTrail events about peerings themselves: each starts a run for that peering. */
export const PEERING_EVENTS = [
  'CreateVpcPeeringConnection',
  'AcceptVpcPeeringConnection',
  'DeleteVpcPeeringConnection',
  'RejectVpcPeeringConnection',
  'ModifyVpcPeeringConnectionOptions',
];
/** CloudTrail events that can break (or make) a configured peering's routes or rules: each starts a drift run. */
export const DRIFT_EVENTS = [
  'DeleteRoute',
  'ReplaceRoute',
  'CreateRouteTable',
  'AssociateRouteTable',
  'ReplaceRouteTableAssociation',
  'DisassociateRouteTable',
  'AssociateVpcCidrBlock',
  'DisassociateVpcCidrBlock',
  'RevokeSecurityGroupIngress',
  'ModifySecurityGroupRules',
  'CreateTags',
  'DeleteTags',
];
export const WATCHED_EVENTS = [...PEERING_EVENTS, ...DRIFT_EVENTS];

/** The default name of the role the hub assumes in member accounts (ARCHITECTURE: hub and members). */
export const DEFAULT_MEMBER_ROLE = 'PeeringAutopilotMember';

/** One fixed namespace; dimensions stay low-cardinality (never a peering or instance id). */
export const METRICS_NAMESPACE = 'PeeringAutopilot';

/** Every metric the functions emit (namespace METRICS_NAMESPACE, dimension service=peering-autopilot). */
export const METRIC = {
  runs: 'Runs',
  verifications: 'Verifications',
  heals: 'Heals',
  routeConflicts: 'RouteConflicts',
  routesCreated: 'RoutesCreated',
  rulesCreated: 'RulesCreated',
  routesRemoved: 'RoutesRemoved',
  rulesRemoved: 'RulesRemoved',
  plannedWrites: 'PlannedWrites',
  peeringsInspected: 'PeeringsInspected',
  peeringsAccepted: 'PeeringsAccepted',
  activationPolls: 'ActivationPolls',
  executionsStarted: 'ExecutionsStarted',
  duplicatesDropped: 'DuplicatesDropped',
  malformedEvents: 'MalformedEvents',
  sweepPeeringsChecked: 'SweepPeeringsChecked',
  sweepPeeringsDrifted: 'SweepPeeringsDrifted',
  sweepExecutionsStarted: 'SweepExecutionsStarted',
  sweepApiCalls: 'SweepApiCalls',
  /** Places (account, region) a sweep could not read; the alarm watches this one. */
  sweepPlacesFailed: 'SweepPlacesFailed',
  /** The same, per place (dimensions account, region), published only for a place that failed. */
  sweepPlaceFailures: 'SweepPlaceFailures',
} as const;

/** The workflow result's `decision`: what Inspect decided about the peering. */
export const DECISIONS = ['accepted', 'already-active', 'refused', 'awaiting-approval'] as const;

/** `peering-autopilot:accept` = `approval`: every peering into or from this VPC waits for a person. */
export const ACCEPT_APPROVAL = 'approval';

/**
 * Where a person's decision about a peering is kept: one SSM parameter per peering in the hub's
 * own account and home region, `/peering-autopilot/approvals/<pcx>`, writable only by approvers
 * (the construct's approver policy) and read by the workflow. Never a tag: anyone who can tag a
 * peering could forge one.
 */
export const APPROVAL_RECORD_PATH = '/peering-autopilot/approvals/';

/** A run's outcome: the `peering-autopilot:status` tag value and the `outcome` dimension of Runs. */
export const OUTCOMES = [
  'configured',
  'partial',
  'conflict',
  'invalid-tag',
  'refused',
  'cleaned-up',
  'rejected',
  'expired',
  'failed',
  'awaiting-approval',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A verification's status: the `status` dimension of Verifications. */
export const VERIFICATION_STATUSES = ['passed', 'failed', 'inconclusive', 'skipped'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];
