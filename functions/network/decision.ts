/**
 * The accept policy: whether a peering may be configured automatically. Pure.
 */

import { type DECISIONS, TAGS } from '../commons/contracts.js';
import { overlappingPairs } from './cidr.js';
import { tagValue, type VpcSide } from './model.js';

export type Decision = (typeof DECISIONS)[number];

/**
 * `same-account`: accept any non-overlapping peering between the hub's and its members' VPCs unless a VPC is protected
 * (`peering-autopilot:accept=false`). `tagged-only`: additionally require both VPCs to carry
 * `peering-autopilot:accept=true` (an allow-list for cautious accounts).
 */
export type AcceptPolicy = 'same-account' | 'tagged-only';

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
}

export interface DecisionOutput {
  readonly decision: Decision;
  /** True when the workflow must call AcceptVpcPeeringConnection. */
  readonly needsAccept: boolean;
  readonly reason?: string;
  /** Set when a refusal comes from a tag value that is not understood (reported as `invalid-tag`). */
  readonly invalidTag?: string;
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
): DecisionOutput {
  return decide({ status, ...settings, requester, accepter });
}

/**
 * Decides accept / already-active / refused. Refusals are checked in order of how certain they
 * are to be deliberate: terminal state, foreign account, overlap, protection tags.
 */
export function decide(input: DecisionInput): DecisionOutput {
  const { status, accountId, requester, accepter, policy } = input;
  const members = input.members ?? [];
  const refuse = (reason: string): DecisionOutput => ({ decision: 'refused', needsAccept: false, reason });

  if ((TERMINAL_STATUSES as readonly string[]).includes(status)) {
    return refuse(`peering is ${status}; a ${status} peering cannot be configured`);
  }
  for (const [role, side] of [
    ['requester', requester],
    ['accepter', accepter],
  ] as const) {
    if (!actsIn({ hub: accountId, members }, side.ownerId)) {
      const known = members.length > 0 ? ` or a member (${members.join(', ')})` : '';
      return refuse(
        `cross-account peering: ${role} VPC ${side.vpcId} is owned by ${side.ownerId}, not this account ${accountId}${known}; never auto-accepted`,
      );
    }
  }
  for (const [role, side] of [
    ['requester', requester],
    ['accepter', accepter],
  ] as const) {
    const place = { ownerId: side.ownerId, region: side.region ?? '' };
    if (
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
  for (const side of [requester, accepter]) {
    const flag = tagValue(side.tags, TAGS.accept);
    if (flag === 'false') return refuse(`VPC ${side.vpcId} is protected (${TAGS.accept}=false)`);
    if (flag !== undefined && flag !== 'true') {
      // Fail safe: a value we do not understand protects the VPC, and says so.
      const invalidTag = `VPC ${side.vpcId} has ${TAGS.accept}=${JSON.stringify(side.tags?.[TAGS.accept])}, which is not "true" or "false": treated as protected`;
      return { ...refuse(invalidTag), invalidTag };
    }
  }
  if (policy === 'tagged-only') {
    const missing = [requester, accepter].filter((s) => tagValue(s.tags, TAGS.accept) !== 'true');
    if (missing.length > 0 && status !== 'active') {
      return refuse(
        `accept policy tagged-only: VPC ${missing.map((s) => s.vpcId).join(', ')} lacks ${TAGS.accept}=true`,
      );
    }
  }
  if (status === 'active') return { decision: 'already-active', needsAccept: false };
  if (status === 'pending-acceptance') return { decision: 'accepted', needsAccept: true };
  // initiating-request / provisioning: someone (or AWS) is already moving it towards active.
  return { decision: 'accepted', needsAccept: false };
}
