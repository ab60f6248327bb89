/**
 * Schemas for the state the workflow passes between steps. Each function parses its input at
 * the edge, so a hand-started or mis-wired execution fails with a message naming the field.
 */
import * as z from 'zod/mini';
import {
  OptionChangeSchema,
  RouteChangeSchema,
  RouteTableFactsSchema,
  RuleChangeSchema,
  SecurityGroupFactsSchema,
  VpcSideSchema,
} from '../network/model.js';
import { DECISIONS, VERIFICATION_STATUSES } from './contracts.js';

/** AWS peering ids: `pcx-` and 8 (older) or 17 hex digits. */
export const PEERING_ID = /^pcx-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** The manual workflow input (ARCHITECTURE.md): anything else is rejected before any AWS call. */
export const WorkflowInputSchema = z.strictObject({
  peeringConnectionId: z
    .string()
    .check(z.regex(PEERING_ID, 'expected "pcx-" followed by 8 or 17 lowercase hex digits')),
  dryRun: z._default(z.boolean(), false),
  /**
   * Where to describe the peering first: the account and region of the event that started the run
   * (the hub's account and home region when absent). A peering is visible to both owners.
   */
  account: z.optional(z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit AWS account id'))),
  region: z.optional(
    z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region name such as "us-east-1"')),
  ),
  /** Set by the starter, never needed by hand: why this run started and until when to let a burst settle. */
  trigger: z.optional(
    z.strictObject({
      kind: z.enum(['manual', 'event', 'sweep', 'delete']),
      event: z.optional(z.string().check(z.maxLength(64))),
      settleUntil: z.optional(z.iso.datetime()),
    }),
  ),
});
export type WorkflowInput = z.output<typeof WorkflowInputSchema>;

/** Where a peering stands with people (decision.ts ApprovalState): always present, so the ASL can select it. */
export const ApprovalStateSchema = z.object({
  state: z.enum(['not-required', 'waiting', 'approved', 'rejected']),
  why: z.string(),
  by: z.string(),
  at: z.string(),
  reason: z.string(),
});

/** What Inspect found and decided; every later step starts from it. */
export const InspectionSchema = z.object({
  peeringConnectionId: z.string().check(z.startsWith('pcx-')),
  /** Where the peering was described (the input's place, or where a search found it). */
  seenIn: z.optional(z.object({ account: z.string(), region: z.string() })),
  dryRun: z.boolean(),
  status: z.string(),
  decision: z.enum(DECISIONS),
  /** True when the workflow must call AcceptVpcPeeringConnection. */
  needsAccept: z.boolean(),
  /** A person rejected the pending request: the workflow calls RejectVpcPeeringConnection. */
  needsReject: z._default(z.boolean(), false),
  approval: z._default(ApprovalStateSchema, {
    state: 'not-required',
    why: '',
    by: '',
    at: '',
    reason: '',
  }),
  /** The peering is deleted (rejected, expired): remove what we created for it. */
  cleanup: z.boolean(),
  /**
   * The peering's status tags say it was configured and verified recently: a run whose plan is
   * clean skips the ping and the tag write (a healthy re-run makes no write at all).
   */
  fresh: z.boolean(),
  /** `manual`, `event`, `sweep` or `delete`: what started this run. */
  trigger: z.string(),
  /** Why it was refused; empty otherwise (always present so the ASL can select it). */
  reason: z.string(),
  /** The tag value that caused a fail-safe refusal; empty otherwise. */
  invalidTag: z.string(),
  /** Refused, but active and ours to describe: plan removals only (policy never blocks those). */
  removalsOnly: z.boolean(),
  requester: VpcSideSchema,
  accepter: VpcSideSchema,
  /** The peering's record of the blocks we routed through it (routed.ts), as its tags say. */
  routed: z._default(z.array(z.string()), []),
  /** The outcome the last run recorded (`peering-autopilot:status`), empty when none. */
  recordedStatus: z._default(z.string(), ''),
});
export type Inspection = z.output<typeof InspectionSchema>;

/** The route tables and security groups as described (Apply patches in what it wrote). */
export const NetworkFactsSchema = z.object({
  routeTables: z.array(RouteTableFactsSchema),
  securityGroups: z.array(SecurityGroupFactsSchema),
});
export type NetworkFacts = z.output<typeof NetworkFactsSchema>;

export const ChangesSchema = z.object({
  routes: z.array(RouteChangeSchema),
  securityGroupRules: z.array(RuleChangeSchema),
  options: z._default(z.array(OptionChangeSchema), []),
  /** The record after this step: the blocks our routes through the peering reach (routed.ts). */
  routed: z._default(z.array(z.string()), []),
  writes: z.int().check(z.nonnegative()),
  clean: z.boolean(),
  facts: NetworkFactsSchema,
});

export type Changes = z.output<typeof ChangesSchema>;

export const ApplyRequestSchema = z.object({ inspection: InspectionSchema, changes: ChangesSchema });

/**
 * The workflow result (the execution output; ARCHITECTURE.md's contract). The ASL's result states
 * build it from one field list; Report parses it; the CLI prints it.
 */
export const WorkflowResultSchema = z.object({
  peeringConnectionId: z.string(),
  decision: z.enum(DECISIONS),
  /** Where the peering stands with people: who approved or rejected it, when and why. */
  approval: z.optional(ApprovalStateSchema),
  /** Set (non-empty) when refused. */
  reason: z.optional(z.string()),
  /** The unreadable tag value behind a fail-safe refusal. */
  invalidTag: z.optional(z.string()),
  /** The peering's status when the run inspected it. */
  status: z.optional(z.string()),
  /** Where the run described the peering: the account and region (a manual run finds it there). */
  seenIn: z.optional(z.object({ account: z.string(), region: z.string() })),
  /** The outcome the previous run recorded: a person is told of a failure or a partial run once, not every run. */
  recordedStatus: z.optional(z.string()),
  dryRun: z.optional(z.boolean()),
  trigger: z.optional(z.string()),
  requester: z.optional(VpcSideSchema),
  accepter: z.optional(VpcSideSchema),
  routes: z.array(RouteChangeSchema),
  securityGroupRules: z.array(RuleChangeSchema),
  options: z.optional(z.array(OptionChangeSchema)),
  verification: z.object({
    status: z.enum(VERIFICATION_STATUSES),
    reason: z.optional(z.string()),
    message: z.optional(z.string()),
    probes: z.array(z.unknown()),
    diagnosis: z.array(z.unknown()),
  }),
  /** A deleted (rejected, expired) peering's run: what the cleanup removed. */
  cleanup: z.optional(
    z.object({ routesRemoved: z.array(RouteChangeSchema), rulesRemoved: z.array(RuleChangeSchema) }),
  ),
  /** The blocks our routes through the peering reach after the run: Report records them on the peering. */
  routed: z.optional(z.array(z.string())),
  /** Nothing changed on a recently verified peering: no ping, nothing recorded. */
  unchanged: z.optional(z.boolean()),
});
export type WorkflowResult = z.output<typeof WorkflowResultSchema>;
