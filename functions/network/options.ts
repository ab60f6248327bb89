/**
 * Peering options: DNS resolution across the peering (VPC Peering guide, "Enable DNS resolution for
 * a VPC peering connection"). `AllowDnsResolutionFromRemoteVpc` on a side lets instances in the peer
 * VPC resolve that side's public DNS hostnames to private IPs; it needs the side's VPC to have DNS
 * support and DNS hostnames. Options exist only on an active peering. Pure.
 */

import { TAGS } from '../commons/contracts.js';
import { type DnsResolutionMode, type OptionChange, tagValue, type VpcSide } from './model.js';

/** Whether a side wants DNS resolution, or the tag error that stops it (fail safe: nothing set). */
function wanted(side: VpcSide, mode: DnsResolutionMode): boolean | { invalid: string } {
  if (mode === 'never') return false;
  const tag = tagValue(side.tags, TAGS.dns);
  if (tag === 'true') return true;
  if (tag === 'false') return false;
  if (tag !== undefined) {
    return {
      invalid: `VPC ${side.name ?? side.vpcId} has ${TAGS.dns}=${JSON.stringify(side.tags[TAGS.dns])}, which is not "true" or "false": DNS resolution left as it is`,
    };
  }
  return mode === 'always';
}

/** The DNS options to set: only ever turned on where wanted, never turned off (a person's choice). */
export function planOptions(
  requester: VpcSide,
  accepter: VpcSide,
  mode: DnsResolutionMode = 'tagged',
): OptionChange[] {
  const lines: OptionChange[] = [];
  for (const [role, side] of [
    ['requester', requester],
    ['accepter', accepter],
  ] as const) {
    // An outside account's side is its owner's to set, never ours.
    const want = side.outside ? false : wanted(side, mode);
    if (want === false) continue;
    const base = {
      side: role,
      vpcId: side.vpcId,
      ownerId: side.ownerId,
      region: side.region,
      allowDnsResolutionFromRemoteVpc: true,
      applied: false,
    };
    if (typeof want === 'object') {
      lines.push({
        ...base,
        allowDnsResolutionFromRemoteVpc: side.dnsResolution ?? false,
        action: 'invalid-tag',
        detail: want.invalid,
      });
      continue;
    }
    const missing = [
      side.dnsAttributes?.support === false ? 'enableDnsSupport' : undefined,
      side.dnsAttributes?.hostnames === false ? 'enableDnsHostnames' : undefined,
    ].filter((m) => m !== undefined);
    const warning =
      missing.length > 0
        ? {
            detail: `VPC ${side.name ?? side.vpcId} has ${missing.join(' and ')} off: its hostnames do not resolve to private IPs until it is on`,
          }
        : {};
    lines.push({ ...base, action: side.dnsResolution === true ? 'exists' : 'enabled', ...warning });
  }
  return lines;
}
