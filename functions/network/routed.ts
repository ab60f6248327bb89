/**
 * The record of what this autopilot routed through a peering, kept on the peering's own tags
 * (`peering-autopilot:routed`, in each owner's view, written with the status tags at no extra call).
 *
 * A route carries no marker of who made it, so "ours" has always meant: through this peering, to
 * exactly one of the peer's current blocks. A block the peer has since disassociated
 * (DisassociateVpcCidrBlock) is no longer current; the record is what still tells our route to it
 * from a person's, so it can be removed and a person's route to the same block stays. Pure.
 *
 * A tag value holds at most 256 characters (EC2 tag restrictions), so a long record continues in
 * `peering-autopilot:routed-2` … `-8`: a value ending in ` +` continues in the next key, and reading
 * stops at the first value without it (a longer record left from before is ignored, never read).
 * Blocks are separated by spaces: characters every AWS service allows in tag values.
 */

import { MAX_ROUTED_CHUNKS, ROUTED_TAG_KEYS } from '../commons/contracts.js';
import type { RouteTableFacts, Tags, VpcSide } from './model.js';
import { tableSkip } from './selection.js';

export const TAG_VALUE_MAX = 256;
const MORE = ' +';
const ANYWHERE = ['0.0.0.0/0', '::/0'];

/** The destinations the record names (never 0.0.0.0/0 or ::/0, whatever the tag says). */
export function readRouted(tags: Tags | undefined): string[] {
  const out: string[] = [];
  for (const key of ROUTED_TAG_KEYS) {
    const value = tags?.[key];
    if (value === undefined) break;
    const more = value.endsWith(MORE);
    out.push(...(more ? value.slice(0, -MORE.length) : value).split(/\s+/).filter((b) => b !== ''));
    if (!more) break;
  }
  return [...new Set(out)].filter((b) => !ANYWHERE.includes(b));
}

/**
 * The tags that record `destinations` (first key always written, so an empty record replaces an
 * old one). What does not fit in the last key is left out: a block missing from the record only
 * means its routes are left alone once it is gone — never that a person's route is removed.
 */
export function routedTags(destinations: readonly string[]): Array<{ Key: string; Value: string }> {
  const chunks: string[][] = [[]];
  const room = TAG_VALUE_MAX - MORE.length;
  for (const block of [...new Set(destinations)].sort()) {
    const current = chunks[chunks.length - 1] as string[];
    if ([...current, block].join(' ').length <= room) current.push(block);
    else if (chunks.length < MAX_ROUTED_CHUNKS) chunks.push([block]);
    else break;
  }
  return chunks.map((c, i) => ({
    Key: ROUTED_TAG_KEYS[i] as string,
    Value: c.join(' ') + (i < chunks.length - 1 ? MORE : ''),
  }));
}

/**
 * The record after a run: every destination a table we manage (not skipped) in the peering's two
 * VPCs routes through the peering that is ours — one of the other VPC's current blocks (what we
 * write), or already recorded.
 */
export function routedNow(
  peeringConnectionId: string,
  sides: readonly VpcSide[],
  tables: readonly RouteTableFacts[],
  recorded: readonly string[],
): string[] {
  const out = new Set<string>();
  for (const table of tables) {
    // Only tables the autopilot manages: a skipped table's routes are a person's to keep.
    const self = sides.find((s) => s.vpcId === table.vpcId);
    if (!self || tableSkip(self, table)) continue;
    const peerBlocks = sides
      .filter((s) => s.vpcId !== table.vpcId)
      .flatMap((s) => [...s.cidrs, ...s.ipv6Cidrs]);
    for (const r of table.routes) {
      if (r.peeringConnectionId !== peeringConnectionId) continue;
      if (peerBlocks.includes(r.destination) || recorded.includes(r.destination)) out.add(r.destination);
    }
  }
  return [...out].sort();
}

/**
 * Whether the record needs its trusted copy (routed-record.ts): only a block a VPC can give up can
 * ever be "former". AWS never disassociates a VPC's primary IPv4 block (VPC user guide, "Disassociate
 * a CIDR block": the primary cannot be removed), so a record of primary blocks alone needs no copy
 * and costs no call. Sides list their primary block first.
 */
export function needsTrustedCopy(routed: readonly string[], sides: readonly VpcSide[]): boolean {
  const primaries = sides.map((s) => s.cidrs[0]);
  return routed.some((b) => !primaries.includes(b));
}
