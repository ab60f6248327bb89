/**
 * One peering's whole plan, and the sweep's verdict on whether a peering needs a run: both from the
 * same described facts and the same planners, so the sweep calls clean exactly what the workflow
 * would leave unchanged. Pure.
 */

import { TAGS } from '../commons/contracts.js';
import { CLEANUP_STATUSES, type DecisionOutput, TERMINAL_STATUSES } from './decision.js';
import {
  DEFAULT_QUOTAS,
  type DnsResolutionMode,
  type OptionChange,
  type Quotas,
  type RouteChange,
  type RouteTableFacts,
  type RuleChange,
  ruleDescription,
  type SecurityGroupFacts,
  type Tags,
  tagValue,
  type VpcSide,
} from './model.js';
import { planOptions } from './options.js';
import { planRoutes } from './route-plan.js';
import { readRouted } from './routed.js';
import { planRules, rulesOf } from './rule-plan.js';

export interface PlannedChanges {
  readonly routes: RouteChange[];
  readonly securityGroupRules: RuleChange[];
  /** Peering options (DNS resolution) per side. */
  readonly options: OptionChange[];
  /** Routes and rules to create or remove: what Apply would write. */
  readonly writes: number;
  readonly clean: boolean;
}

/**
 * The whole plan for one peering from described route tables and groups: what the workflow's Plan
 * step writes, and what the sweep compares against to find drift (one planner for both). A refused
 * peering gets nothing new, but policy never blocks removing our own rules: a group that opted out
 * still loses them.
 */
export function planChanges(
  peering: {
    readonly peeringConnectionId: string;
    readonly refused: boolean;
    /** The peering's record of blocks we routed (routed.ts): our routes to former blocks go. */
    readonly routed?: readonly string[];
  },
  requester: VpcSide,
  accepter: VpcSide,
  facts: {
    readonly routeTables: readonly RouteTableFacts[];
    readonly securityGroups: readonly SecurityGroupFacts[];
  },
  quotas: Quotas = DEFAULT_QUOTAS,
  dnsResolution: DnsResolutionMode = 'tagged',
): PlannedChanges {
  const pairs = [
    { self: requester, peer: accepter },
    { self: accepter, peer: requester },
  ];
  const id = peering.peeringConnectionId;
  const routes = planRoutes(
    id,
    pairs.map((p) => ({ ...p, items: facts.routeTables })),
    quotas,
    peering.routed,
  );
  const rules = planRules(
    id,
    pairs.map((p) => ({ ...p, items: facts.securityGroups })),
    quotas,
  );
  const securityGroupRules = peering.refused ? rules.filter((r) => r.action === 'removed') : rules;
  const planned = peering.refused ? [] : routes;
  const options = peering.refused ? [] : planOptions(requester, accepter, dnsResolution);
  return {
    routes: planned,
    securityGroupRules,
    options,
    ...summarize(planned, securityGroupRules, options),
  };
}

/** Recorded outcomes after which a dead peering needs no more runs. */
export const SETTLED_OUTCOMES: readonly string[] = ['cleaned-up', 'rejected', 'expired'];

/** Why the sweep starts a run for a peering (it starts none for a peering with no reason). */
export type SweepReason =
  | 'drift'
  | 'pending'
  | 'in-progress'
  | 'status'
  | 'reverify'
  | 'leftovers'
  | 'record';

export interface SweepInput {
  readonly peeringConnectionId: string;
  readonly status: string;
  /** The peering's tags in the view it was seen from (status tags are each owner's own). */
  readonly tags: Tags;
  readonly requester: VpcSide;
  readonly accepter: VpcSide;
  /** Both sides belong to the hub or its members and were described: the planner can run. */
  readonly described: boolean;
  /**
   * Whether a run could record its outcome on the peering (false when a side's account is neither the
   * hub nor a member: nothing is written for such a peering, not even a status tag). A refusal that
   * cannot be recorded is remembered by the sweep's own judgment instead: it starts no run, since the
   * outcome cannot change until the peering or the member list does. @default true
   */
  readonly recordable?: boolean;
  readonly decision: DecisionOutput;
  readonly facts: {
    readonly routeTables: readonly RouteTableFacts[];
    readonly securityGroups: readonly SecurityGroupFacts[];
  };
  readonly now: Date;
  /** A `configured` peering is verified again (ping) once its last check is this old. */
  readonly reverifySeconds: number;
  readonly quotas?: Quotas;
  readonly dnsResolution?: DnsResolutionMode;
}

export type SweepVerdict =
  | { readonly run: false }
  | { readonly run: true; readonly reason: SweepReason; readonly detail: string };

/** Routes to this peering and rules carrying its description, in the peering's own VPCs. */
function leftovers(input: SweepInput): number {
  const vpcs = [input.requester.vpcId, input.accepter.vpcId];
  const description = ruleDescription(input.peeringConnectionId);
  const routes = input.facts.routeTables
    .filter((t) => vpcs.includes(t.vpcId))
    .flatMap((t) => t.routes)
    .filter((r) => r.peeringConnectionId === input.peeringConnectionId).length;
  // CIDR rules and peer-group references alike (AWS leaves the latter stale, never removes them).
  const rules = input.facts.securityGroups
    .filter((g) => vpcs.includes(g.vpcId))
    .flatMap((g) => rulesOf(g, description)).length;
  return routes + rules;
}

/**
 * Whether a peering needs a workflow run, decided from described facts alone: a dead peering with
 * leftovers (or an outcome not recorded yet), a pending request, one in progress, drift (any
 * planned write or removal), a recorded status other than `configured` (a recorded refusal that
 * still stands excepted), or a last verification older than `reverifySeconds`. Nothing else: a
 * healthy peering costs no execution.
 */
export function sweepVerdict(input: SweepInput): SweepVerdict {
  const recorded = tagValue(input.tags, TAGS.status);
  const run = (reason: SweepReason, detail: string): SweepVerdict => ({ run: true, reason, detail });
  if (CLEANUP_STATUSES.includes(input.status)) {
    if (recorded !== undefined && SETTLED_OUTCOMES.includes(recorded)) return { run: false };
    const left = leftovers(input);
    if (left > 0) return run('leftovers', `${input.status} with ${left} route(s)/rule(s) of ours left`);
    // A rejection or expiry is recorded once; a deleted peering with nothing left needs nothing.
    return input.status === 'deleted' || input.status === 'deleting'
      ? { run: false }
      : run('record', `${input.status}, not recorded yet`);
  }
  // Put to a person and recorded so: asked once. A change arrives as an event (a new run), an expiry
  // as the peering's status (above); the sweep does not ask again every period.
  if (input.decision.decision === 'awaiting-approval' && recorded === 'awaiting-approval')
    return { run: false };
  const refused = input.decision.decision === 'refused';
  // A refusal stands until something changes (a tag, the peering, the members: each an event or a
  // new deployment): recorded, or not recordable at all, it needs no run every sweep.
  const settledRefusal = refused && (recorded === 'refused' || input.recordable === false);
  if (input.status === 'pending-acceptance') {
    return settledRefusal ? { run: false } : run('pending', 'pending acceptance');
  }
  if (input.status !== 'active') {
    return (TERMINAL_STATUSES as readonly string[]).includes(input.status)
      ? { run: false }
      : run('in-progress', input.status);
  }
  if (input.described) {
    const plan = planChanges(
      { peeringConnectionId: input.peeringConnectionId, refused, routed: readRouted(input.tags) },
      input.requester,
      input.accepter,
      input.facts,
      input.quotas,
      input.dnsResolution,
    );
    if (plan.writes > 0) return run('drift', `${plan.writes} route(s)/rule(s) to write or remove`);
  }
  if (refused) return settledRefusal ? { run: false } : run('status', 'refused, not recorded yet');
  if (recorded !== 'configured') return run('status', `status ${recorded ?? 'never recorded'}`);
  const checkedAt = Date.parse(input.tags[TAGS.checkedAt] ?? '');
  const age = (input.now.getTime() - checkedAt) / 1000;
  if (Number.isNaN(checkedAt) || age >= input.reverifySeconds) {
    return run(
      'reverify',
      Number.isNaN(checkedAt) ? 'never verified' : `last verified ${Math.round(age / 3600)} h ago`,
    );
  }
  return { run: false };
}

/**
 * A plan's (or an applied plan's) summary: `writes`, the count the workflow's Choice uses to skip
 * the apply step on a no-op re-run, and `clean`. Plan and Apply both report it.
 */
export function summarize(
  routes: readonly RouteChange[],
  rules: readonly RuleChange[],
  options: readonly OptionChange[],
): { writes: number; clean: boolean } {
  return {
    writes: countWrites(routes, rules) + options.filter((o) => o.action === 'enabled').length,
    clean: isClean(routes, rules) && options.every((o) => o.action === 'exists'),
  };
}

function countWrites(routes: readonly RouteChange[], rules: readonly RuleChange[]): number {
  return (
    routes.filter((r) => r.action === 'created' || r.action === 'removed').length +
    rules.filter((r) => r.action === 'created' || r.action === 'removed').length
  );
}

/**
 * Nothing to report and nothing to change: every route `exists` or is `skipped` by a valid tag, and
 * every rule `exists`. Only then may a recently verified peering skip its ping and status write.
 */
export function isClean(routes: readonly RouteChange[], rules: readonly RuleChange[]): boolean {
  return (
    routes.every((r) => r.action === 'exists' || (r.action === 'skipped' && r.invalidTag === undefined)) &&
    rules.every((r) => r.action === 'exists')
  );
}
