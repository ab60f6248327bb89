/**
 * The accept policy: whether a peering may be configured automatically. Pure.
 */

import { ACCEPT_APPROVAL, type DECISIONS, TAGS } from '../commons/contracts.js';
import { overlappingPairs } from './cidr.js';
import { tagValue, type VpcSide } from './model.js';

export type Decision = (typeof DECISIONS)[number];

/**
 * `same-account`: accept any non-overlapping peering between the hub's and its members' VPCs unless a VPC is protected
 * (`peering-autopilot:accept=false`). `tagged-only`: additionally require both VPCs to carry
 * `peering-autopilot:accept=true` (an allow-list for cautious accounts).
 */
export type AcceptPolicy = 'same-account' | 'tagged-only';

/** A peering with an account outside the hub and members: refused (the default) or put to a person. */
export type OutsideAccounts = 'refuse' | 'approve';

/** A person's decision, as the approval record keeps it (functions/commons/approval-record.ts). */
export interface ApprovalRecord {
  readonly decision: 'approved' | 'rejected';
  /** The caller's ARN when the decision was recorded. */
  readonly by: string;
  /** ISO time. */
  readonly at: string;
  readonly reason: string;
  /** The request the person decided about: a record for other VPCs counts for nothing. */
  readonly requesterVpcId: string;
  readonly accepterVpcId: string;
}

/** Where a peering stands with people: none needed, waiting, or decided (who, when, why). */
export interface ApprovalState {
  readonly state: 'not-required' | 'waiting' | 'approved' | 'rejected';
  /** Why a person must decide (an outside account, a VPC tagged accept=approval); empty when not. */
  readonly why: string;
  readonly by: string;
  readonly at: string;
  readonly reason: string;
}

export const NO_APPROVAL_NEEDED: ApprovalState = {
  state: 'not-required',
  why: '',
  by: '',
  at: '',
  reason: '',
};

export interface DecisionInput {
  readonly status: string;
  /** The hub account (where the autopilot runs). */
  readonly accountId: string;
  /** Member accounts whose VPCs the hub may configure too (through the member role). */
  readonly members?: readonly string[];
  /** Where members are acted on: a member's VPC in another region is refused (absent: no bound). */
  readonly regions?: readonly string[];
  readonly requester: Pick<VpcSide, 'vpcId' | 'ownerId' | 'cidrs' | 'ipv6Cidrs'> &
    Partial<Pick<VpcSide, 'tags' | 'region'>>;
  readonly accepter: Pick<VpcSide, 'vpcId' | 'ownerId' | 'cidrs' | 'ipv6Cidrs'> &
    Partial<Pick<VpcSide, 'tags' | 'region'>>;
  readonly policy: AcceptPolicy;
  /** @default 'refuse' */
  readonly outsideAccounts?: OutsideAccounts;
  /** The person's decision about this peering, if one was recorded. */
  readonly approval?: ApprovalRecord;
}

export interface DecisionOutput {
  readonly decision: Decision;
  /** True when the workflow must call AcceptVpcPeeringConnection. */
  readonly needsAccept: boolean;
  readonly reason?: string;
  /** Set when a refusal comes from a tag value that is not understood (reported as `invalid-tag`). */
  readonly invalidTag?: string;
  /** Where the peering stands with people. */
  readonly approval: ApprovalState;
  /** A person rejected a request still pending: the workflow calls RejectVpcPeeringConnection. */
  readonly needsReject: boolean;
}

/** True when the autopilot acts in this account: the hub's own, or a member's. */
export function actsIn(
  accounts: { readonly hub: string; readonly members: readonly string[] },
  ownerId: string,
): boolean {
  return ownerId === accounts.hub || accounts.members.includes(ownerId);
}

/**
 * True when the autopilot acts at a place: the hub's own account anywhere (its roles' IAM is scoped
 * to the configured regions), a member's only in the configured `regions` (absent: no bound).
 */
export function actsAt(
  accounts: {
    readonly hub: string;
    readonly members: readonly string[];
    readonly regions?: readonly string[];
  },
  place: { readonly ownerId: string; readonly region: string },
): boolean {
  if (!actsIn(accounts, place.ownerId)) return false;
  return place.ownerId === accounts.hub || !accounts.regions || accounts.regions.includes(place.region);
}

/** Statuses from which a peering never becomes usable. */
export const TERMINAL_STATUSES = ['failed', 'rejected', 'expired', 'deleted', 'deleting'] as const;

/** Terminal statuses after which nothing of ours may stay behind: the run cleans up. */
export const CLEANUP_STATUSES: readonly string[] = ['deleted', 'deleting', 'rejected', 'expired'];

/** Who decides about a peering: the hub, its members, their regions and the accept policy. */
export interface DecisionSettings {
  readonly accountId: string;
  readonly members: readonly string[];
  readonly regions?: readonly string[];
  readonly policy: AcceptPolicy;
  readonly outsideAccounts?: OutsideAccounts;
}

/**
 * Whether a peering's two VPCs may be described, each as its owner: both are places the autopilot
 * acts at, and the peering is not dead. Otherwise its own view is all that is read (a foreign or
 * dead peering is refused from it). Inspect and the sweep ask exactly this.
 */
export function describable(
  settings: DecisionSettings,
  status: string,
  requester: { readonly ownerId: string; readonly region: string },
  accepter: { readonly ownerId: string; readonly region: string },
): boolean {
  const bounds = { hub: settings.accountId, ...settings };
  return (
    actsAt(bounds, requester) &&
    actsAt(bounds, accepter) &&
    !(TERMINAL_STATUSES as readonly string[]).includes(status)
  );
}

/** `decide` under the functions' settings: what Inspect decides and the sweep foresees. */
export function decideFor(
  settings: DecisionSettings,
  status: string,
  requester: DecisionInput['requester'],
  accepter: DecisionInput['accepter'],
  approval?: ApprovalRecord,
): DecisionOutput {
  return decide({ status, ...settings, requester, accepter, ...(approval ? { approval } : {}) });
}

/**
 * Decides accept / already-active / refused / awaiting-approval. Refusals are checked in order of how
 * certain they are to be deliberate: terminal state, foreign account, overlap, protection tags. What
 * no policy may decide alone (an outside account when `outsideAccounts` is `approve`, a VPC tagged
 * `accept=approval`) waits for a person's recorded decision; nothing that is refused is ever put to one.
 */
export function decide(input: DecisionInput): DecisionOutput {
  const { status, accountId, requester, accepter, policy } = input;
  const members = input.members ?? [];
  const refuse = (reason: string, approval = NO_APPROVAL_NEEDED): DecisionOutput => ({
    decision: 'refused',
    needsAccept: false,
    reason,
    approval,
    needsReject: false,
  });
  const sides = [
    ['requester', requester],
    ['accepter', accepter],
  ] as const;
  const ours = (side: { readonly ownerId: string }) => actsIn({ hub: accountId, members }, side.ownerId);

  if ((TERMINAL_STATUSES as readonly string[]).includes(status)) {
    return refuse(`peering is ${status}; a ${status} peering cannot be configured`);
  }
  // Why a person must decide (empty: the policy decides alone).
  const asks: string[] = [];
  const known = members.length > 0 ? ` or a member (${members.join(', ')})` : '';
  for (const [role, side] of sides) {
    if (ours(side)) continue;
    const outside = `${role} VPC ${side.vpcId} is owned by ${side.ownerId}, not this account ${accountId}${known}`;
    if (input.outsideAccounts !== 'approve' || !ours(role === 'requester' ? accepter : requester)) {
      return refuse(`cross-account peering: ${outside}; never auto-accepted`);
    }
    if (role === 'accepter' && status === 'pending-acceptance') {
      return refuse(
        `cross-account peering: ${outside}; only its owner can accept it (once it is active, a person approves configuring this side)`,
      );
    }
    asks.push(outside);
  }
  for (const [role, side] of sides) {
    const place = { ownerId: side.ownerId, region: side.region ?? '' };
    if (
      ours(side) &&
      side.region !== undefined &&
      !actsAt({ hub: accountId, members, ...(input.regions ? { regions: input.regions } : {}) }, place)
    ) {
      return refuse(
        `${role} VPC ${side.vpcId} of member ${side.ownerId} is in ${side.region}, outside the configured regions (${input.regions?.join(', ')}); the autopilot never acts there`,
      );
    }
  }
  const overlaps = [
    ...overlappingPairs(requester.cidrs, accepter.cidrs),
    ...overlappingPairs(requester.ipv6Cidrs, accepter.ipv6Cidrs),
  ];
  if (overlaps.length > 0) {
    const list = overlaps
      .map(([a, b]) => `${a} (${requester.vpcId}) overlaps ${b} (${accepter.vpcId})`)
      .join('; ');
    return refuse(`overlapping CIDRs: ${list}`);
  }
  for (const [, side] of sides) {
    const flag = tagValue(side.tags, TAGS.accept);
    if (flag === 'false') return refuse(`VPC ${side.vpcId} is protected (${TAGS.accept}=false)`);
    if (flag === ACCEPT_APPROVAL) {
      asks.push(`VPC ${side.vpcId} is protected (${TAGS.accept}=${ACCEPT_APPROVAL})`);
      continue;
    }
    if (flag !== undefined && flag !== 'true') {
      // Fail safe: a value we do not understand protects the VPC, and says so.
      const invalidTag = `VPC ${side.vpcId} has ${TAGS.accept}=${JSON.stringify(side.tags?.[TAGS.accept])}, which is not "true", "false" or "${ACCEPT_APPROVAL}": treated as protected`;
      return { ...refuse(invalidTag), invalidTag };
    }
  }
  let approval = NO_APPROVAL_NEEDED;
  if (asks.length > 0) {
    // A person decides instead of the tagged-only allow-list; only a record for these two VPCs counts.
    const why = asks.join('; ');
    const record =
      input.approval?.requesterVpcId === requester.vpcId && input.approval.accepterVpcId === accepter.vpcId
        ? input.approval
        : undefined;
    if (!record) {
      return {
        decision: 'awaiting-approval',
        needsAccept: false,
        reason: `waiting for a person to approve: ${why}`,
        approval: { ...NO_APPROVAL_NEEDED, state: 'waiting', why },
        needsReject: false,
      };
    }
    approval = { state: record.decision, why, by: record.by, at: record.at, reason: record.reason };
    if (record.decision === 'rejected') {
      return {
        ...refuse(`rejected by ${record.by} at ${record.at}: ${record.reason}`, approval),
        needsReject: status === 'pending-acceptance',
      };
    }
  } else if (policy === 'tagged-only') {
    const missing = [requester, accepter].filter((s) => tagValue(s.tags, TAGS.accept) !== 'true');
    if (missing.length > 0 && status !== 'active') {
      return refuse(
        `accept policy tagged-only: VPC ${missing.map((s) => s.vpcId).join(', ')} lacks ${TAGS.accept}=true`,
      );
    }
  }
  const go = (decision: Decision, needsAccept: boolean): DecisionOutput => ({
    decision,
    needsAccept,
    approval,
    needsReject: false,
  });
  if (status === 'active') return go('already-active', false);
  if (status === 'pending-acceptance') return go('accepted', true);
  // initiating-request / provisioning: someone (or AWS) is already moving it towards active.
  return go('accepted', false);
}
