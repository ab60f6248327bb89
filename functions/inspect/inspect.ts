/**
 * Inspect: validate the workflow input, describe the peering and both VPCs, and decide.
 * Read-only: a refused or invalid peering leaves the account exactly as it was.
 */

import type { Ec2ForRegion } from '../commons/aws-clients.js';
import { describePeering, describeSides, sideFromPeering } from '../commons/ec2-facts.js';
import type { Inspection, WorkflowInput } from '../commons/schemas.js';
import { type AcceptPolicy, CLEANUP_STATUSES, decide, TERMINAL_STATUSES } from '../network/decision.js';
import { TAGS, tagsToRecord, type VpcSide } from '../network/model.js';

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

/** Inspect: validate, describe the peering and both VPCs, decide. */
export async function run(input: WorkflowInput, deps: InspectDeps): Promise<Inspection> {
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
