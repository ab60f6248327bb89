/**
 * Schemas for the state the workflow passes between steps. Each function parses its input at
 * the edge, so a hand-started or mis-wired execution fails with a message naming the field.
 */
import * as z from 'zod/mini';
import {
  RouteChangeSchema,
  RouteTableFactsSchema,
  RuleChangeSchema,
  SecurityGroupFactsSchema,
  VpcSideSchema,
} from '../network/model.js';

/** AWS peering ids: `pcx-` and 8 (older) or 17 hex digits. */
export const PEERING_ID = /^pcx-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** The manual workflow input (ARCHITECTURE.md): anything else is rejected before any AWS call. */
export const WorkflowInputSchema = z.strictObject({
  peeringConnectionId: z
    .string()
    .check(z.regex(PEERING_ID, 'expected "pcx-" followed by 8 or 17 lowercase hex digits')),
  dryRun: z._default(z.boolean(), false),
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

/** What Inspect found and decided; every later step starts from it. */
export const InspectionSchema = z.object({
  peeringConnectionId: z.string().check(z.startsWith('pcx-')),
  dryRun: z.boolean(),
  status: z.string(),
  decision: z.enum(['accepted', 'already-active', 'refused']),
  /** True when the workflow must call AcceptVpcPeeringConnection. */
  needsAccept: z.boolean(),
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
  writes: z.int().check(z.nonnegative()),
  clean: z.boolean(),
  facts: NetworkFactsSchema,
});

export type Changes = z.output<typeof ChangesSchema>;

export const ApplyRequestSchema = z.object({ inspection: InspectionSchema, changes: ChangesSchema });
