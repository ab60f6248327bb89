/**
 * Inspect: validate the workflow input, describe the peering and both VPCs, and decide.
 * Read-only: a refused or invalid peering leaves the account exactly as it was.
 */

import type { VpcPeeringConnection } from '@aws-sdk/client-ec2';
import type { ApprovalStore } from '../commons/approval-record.js';
import type { Ec2For, Place } from '../commons/aws-clients.js';
import { TAGS } from '../commons/contracts.js';
import { describePeering, effectiveStatus, sideFromPeering } from '../commons/ec2-peerings.js';
import { describeSides } from '../commons/ec2-vpcs.js';
import { InputValidationError, PeeringNotFoundError } from '../commons/errors.js';
import { type RoutedRecordStore, trustedRouted } from '../commons/routed-record.js';
import type { Inspection, WorkflowInput } from '../commons/schemas.js';
import {
  type AcceptPolicy,
  actsAt,
  actsIn,
  CLEANUP_STATUSES,
  decideFor,
  describable,
  type OutsideAccounts,
} from '../network/decision.js';
import { tagsToRecord, tagValue, type VpcSide } from '../network/model.js';
import { readRouted } from '../network/routed.js';
import { printable } from '../network/text.js';

export interface InspectDeps {
  readonly ec2For: Ec2For;
  /** The hub account (the one the functions run in). */
  readonly accountId: string;
  /** Member accounts the hub configures too (both owners must be the hub or members). */
  readonly members: readonly string[];
  /** The hub's home region. */
  readonly region: string;
  /** The regions members are acted on in: a member's side elsewhere is refused, never described. */
  readonly regions?: readonly string[];
  readonly policy: AcceptPolicy;
  /** Peerings with an outside account: refused, or put to a person. @default 'refuse' */
  readonly outsideAccounts?: OutsideAccounts;
  /** People's decisions (read only when a peering needs one). */
  readonly approvals?: ApprovalStore;
  /** How long a `configured` status tag counts as fresh, seconds (below the sweep period). */
  readonly freshSeconds: number;
  readonly now: () => Date;
  /** The trusted copy of the routed record (read only when the tag names a block no peer has now). */
  readonly record?: RoutedRecordStore;
  readonly warn?: (message: string, extra: Record<string, unknown>) => void;
}

/** True when the status tags record a configured peering checked within `freshSeconds`. */
export function isFresh(tags: Readonly<Record<string, string>>, now: Date, freshSeconds: number): boolean {
  const checkedAt = Date.parse(tags[TAGS.checkedAt] ?? '');
  if (tags[TAGS.status] !== 'configured' || Number.isNaN(checkedAt)) return false;
  const age = now.getTime() - checkedAt;
  return age >= 0 && age < freshSeconds * 1000;
}

/**
 * The peering where the input says (the hub's home region by default); a manual run that names no
 * place also looks in every other (hub or member, configured region), so an operator reaches a
 * peering that lives only in a member or another region. A place that cannot be read is passed over.
 */
async function findPeering(
  input: WorkflowInput,
  where: Place,
  deps: InspectDeps,
): Promise<{ peering: VpcPeeringConnection; where: Place }> {
  let notHere: PeeringNotFoundError;
  try {
    return { peering: await describePeering(deps.ec2For, where, input.peeringConnectionId), where };
  } catch (error) {
    const named = input.account !== undefined || input.region !== undefined;
    if (!(error instanceof PeeringNotFoundError) || named) throw error;
    notHere = error;
  }
  const places = [deps.accountId, ...deps.members].flatMap((ownerId) =>
    (deps.regions ?? [deps.region]).map((region) => ({ ownerId, region })),
  );
  const looked = [where];
  for (const place of places) {
    if (place.ownerId === where.ownerId && place.region === where.region) continue;
    looked.push(place);
    try {
      const peering = await describePeering(deps.ec2For, place, input.peeringConnectionId);
      deps.warn?.('found the peering outside the place the run named', {
        peeringConnectionId: input.peeringConnectionId,
        account: place.ownerId,
        region: place.region,
      });
      return { peering, where: place };
    } catch {
      // Not there, or that place cannot be read now: the next one.
    }
  }
  if (looked.length === 1) throw notHere;
  throw new PeeringNotFoundError(
    `${notHere.message}, nor in any other place the autopilot acts in (${looked
      .slice(1)
      .map((p) => `account ${p.ownerId} ${p.region}`)
      .join(', ')})`,
  );
}

/** Inspect: validate, describe the peering and both VPCs, decide. */
export async function run(input: WorkflowInput, deps: InspectDeps): Promise<Inspection> {
  const { accountId, members } = deps;
  const known = (account: string) => actsIn({ hub: accountId, members }, account);
  if (input.account !== undefined && !known(input.account)) {
    throw new InputValidationError(
      `account "${input.account}" is neither this account ${accountId} nor a member (${members.join(', ') || 'none configured'})`,
    );
  }
  const asked: Place = { ownerId: input.account ?? accountId, region: input.region ?? deps.region };
  const bounds = { hub: accountId, members, ...(deps.regions ? { regions: deps.regions } : {}) };
  if (!actsAt(bounds, asked)) {
    throw new InputValidationError(
      `region "${asked.region}" of member ${asked.ownerId} is outside the configured regions (${deps.regions?.join(', ')})`,
    );
  }
  const { peering, where } = await findPeering(input, asked, deps);
  // Past its ExpirationTime a request is expired: nothing is accepted after it, even when approved.
  const status = effectiveStatus(peering, deps.now());
  const tags = tagsToRecord(peering.Tags);
  let requester = sideFromPeering(peering.RequesterVpcInfo, 'requester', where.region);
  let accepter = sideFromPeering(peering.AccepterVpcInfo, 'accepter', where.region);

  // Only describe VPCs of the hub and its members that can still be configured (each as its owner);
  // the peering's own view is enough to refuse a foreign or dead peering, and nothing is read there.
  const settings = {
    accountId,
    members,
    ...(deps.regions ? { regions: deps.regions } : {}),
    policy: deps.policy,
    ...(deps.outsideAccounts ? { outsideAccounts: deps.outsideAccounts } : {}),
  };
  const canDescribe = describable(settings, status, requester, accepter);
  if (canDescribe)
    [requester, accepter] = (await describeSides(deps.ec2For, [requester, accepter])) as [VpcSide, VpcSide];
  // A peering with an outside account is put to a person (outsideAccounts=approve): its own side is
  // described, the outside one keeps what the peering reports and is marked, so no step acts there.
  let verdict = decideFor(settings, status, requester, accepter);
  const outsideOf = (s: VpcSide) => !known(s.ownerId);
  if (verdict.approval.state === 'waiting') {
    // (Never a dead peering: decide refuses those before asking anyone.)
    if (!canDescribe) {
      const described = await describeSides(
        deps.ec2For,
        [requester, accepter].filter((s) => !outsideOf(s)),
      );
      const fill = (s: VpcSide) =>
        outsideOf(s) ? { ...s, outside: true } : (described.find((d) => d.vpcId === s.vpcId) as VpcSide);
      [requester, accepter] = [fill(requester), fill(accepter)];
    }
    // Decided again with our side described (its accept=false still refuses) and the person's record,
    // read only now: a person's decision never changes what policy alone refuses.
    const record = await deps.approvals?.read(input.peeringConnectionId);
    verdict = decideFor(settings, status, requester, accepter, record);
  }
  // The record on the tags is a hint anyone who tags the peering can edit: a block it names that is
  // no peer's now counts only when the hub's trusted copy names it too.
  const current = [requester, accepter].flatMap((s) => [...s.cidrs, ...s.ipv6Cidrs]);
  const record = await trustedRouted(deps.record, input.peeringConnectionId, readRouted(tags), current);
  if (record.ignored.length > 0) {
    deps.warn?.('ignored blocks of the routed tag that the trusted record does not name (an edited tag)', {
      peeringConnectionId: input.peeringConnectionId,
      ignored: record.ignored,
    });
  }
  return {
    peeringConnectionId: input.peeringConnectionId,
    seenIn: { account: where.ownerId, region: where.region },
    dryRun: input.dryRun,
    status,
    decision: verdict.decision,
    needsAccept: verdict.needsAccept,
    needsReject: verdict.needsReject,
    approval: verdict.approval,
    cleanup: CLEANUP_STATUSES.includes(status),
    trigger: input.trigger?.kind ?? 'manual',
    // An edited record is rewritten from the trusted copy: that run is never skipped as fresh.
    fresh: !input.dryRun && record.ignored.length === 0 && isFresh(tags, deps.now(), deps.freshSeconds),
    routed: record.routed,
    recordedStatus: printable(tagValue(tags, TAGS.status) ?? ''),
    reason: verdict.reason ?? '',
    invalidTag: verdict.invalidTag ?? '',
    removalsOnly: verdict.decision === 'refused' && canDescribe && status === 'active',
    requester,
    accepter,
  };
}
