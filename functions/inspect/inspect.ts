/**
 * Inspect: validate the workflow input, describe the peering and both VPCs, and decide.
 * Read-only: a refused or invalid peering leaves the account exactly as it was.
 */

import * as z from 'zod/mini';
import type { Ec2ForRegion } from '../commons/aws-clients.js';
import { describePeering, describeSides, sideFromPeering } from '../commons/ec2-facts.js';
import {
  type AcceptPolicy,
  CLEANUP_STATUSES,
  type Decision,
  decide,
  TERMINAL_STATUSES,
} from '../network/decision.js';
import { TAGS, tagsToRecord, type VpcSide } from '../network/model.js';

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

export interface Inspection {
  readonly peeringConnectionId: string;
  readonly dryRun: boolean;
  readonly status: string;
  readonly decision: Decision;
  readonly needsAccept: boolean;
  /** The peering is deleted: remove what we created for it (routes targeting it, our rules). */
  readonly cleanup: boolean;
  /** `manual`, `event`, `sweep` or `delete`: what started this run. */
  readonly trigger: string;
  /**
   * The peering's status tags say it was configured and verified recently: a run that finds
   * nothing to change skips the ping and the tag write (a healthy re-run makes no write at all).
   */
  readonly fresh: boolean;
  /** Why it was refused; empty otherwise (always present so the ASL can select it). */
  readonly reason: string;
  /** The tag value that caused a fail-safe refusal; empty otherwise. */
  readonly invalidTag: string;
  /**
   * Refused, but active and ours to describe: the run plans removals only (our rules in groups
   * that opted out), since policy blocks additions, never removals of our own objects.
   */
  readonly removalsOnly: boolean;
  readonly requester: VpcSide;
  readonly accepter: VpcSide;
}

export interface InspectDeps {
  readonly ec2For: Ec2ForRegion;
  readonly accountId: () => Promise<string>;
  readonly region: string;
  readonly policy: AcceptPolicy;
  /** How long a `configured` status tag counts as fresh, seconds (below the sweep period). */
  readonly freshSeconds: number;
  readonly now: () => Date;
}

/** True when the status tags record a configured peering checked within `freshSeconds`. */
export function isFresh(tags: Readonly<Record<string, string>>, now: Date, freshSeconds: number): boolean {
  const checkedAt = Date.parse(tags[TAGS.checkedAt] ?? '');
  if (tags[TAGS.status] !== 'configured' || Number.isNaN(checkedAt)) return false;
  const age = now.getTime() - checkedAt;
  return age >= 0 && age < freshSeconds * 1000;
}

export async function inspect(input: WorkflowInput, deps: InspectDeps): Promise<Inspection> {
  const [peering, accountId] = await Promise.all([
    describePeering(deps.ec2For, deps.region, input.peeringConnectionId),
    deps.accountId(),
  ]);
  const status = peering.Status?.Code ?? 'unknown';
  let requester = sideFromPeering(peering.RequesterVpcInfo, 'requester', deps.region);
  let accepter = sideFromPeering(peering.AccepterVpcInfo, 'accepter', deps.region);

  // Only describe VPCs we own and that can still be configured; the peering's own view is
  // enough to refuse a cross-account or dead peering (and we may not be allowed to see the VPC).
  const describable =
    requester.ownerId === accountId &&
    accepter.ownerId === accountId &&
    !(TERMINAL_STATUSES as readonly string[]).includes(status);
  if (describable)
    [requester, accepter] = (await describeSides(deps.ec2For, [requester, accepter])) as [VpcSide, VpcSide];

  const verdict = decide({ status, accountId, requester, accepter, policy: deps.policy });
  return {
    peeringConnectionId: input.peeringConnectionId,
    dryRun: input.dryRun,
    status,
    decision: verdict.decision,
    needsAccept: verdict.needsAccept,
    cleanup: CLEANUP_STATUSES.includes(status),
    trigger: input.trigger?.kind ?? 'manual',
    fresh: !input.dryRun && isFresh(tagsToRecord(peering.Tags), deps.now(), deps.freshSeconds),
    reason: verdict.reason ?? '',
    invalidTag: verdict.invalidTag ?? '',
    removalsOnly: verdict.decision === 'refused' && describable && status === 'active',
    requester,
    accepter,
  };
}
