/**
 * What the tags select: which route tables get a peering's routes, and which blocks of a VPC its
 * peers get routes and rules for. Pure.
 */

import { TAGS } from '../commons/contracts.js';
import { type RouteTableFacts, tagValue, type VpcSide } from './model.js';

/**
 * Why a table gets none of this peering's routes, or undefined when it gets them. The table's own
 * `peering-autopilot:routes` tag (`skip`, `include`), then the VPC's: `tagged-only` routes only
 * tables tagged `include` (the main table like any other). A value not understood fails safe: the
 * table (or every table of the VPC) is left untouched and reported `invalid-tag`.
 */
export function tableSkip(
  self: VpcSide,
  table: RouteTableFacts,
): { detail: string; invalid: boolean } | undefined {
  const tableTag = tagValue(table.tags, TAGS.routes);
  if (tableTag !== undefined && !['skip', 'include'].includes(tableTag)) {
    const detail = `tag ${TAGS.routes}=${JSON.stringify(table.tags[TAGS.routes])} is not "skip" or "include": table left untouched`;
    return { detail, invalid: true };
  }
  if (tableTag === 'skip') return { detail: `tagged ${TAGS.routes}=skip`, invalid: false };
  const mode = tagValue(self.tags, TAGS.routes);
  if (mode === undefined) return undefined;
  if (mode !== 'tagged-only') {
    const detail = `VPC ${self.vpcId} has ${TAGS.routes}=${JSON.stringify(self.tags[TAGS.routes])}, which is not "tagged-only": its tables are left untouched`;
    return { detail, invalid: true };
  }
  if (tableTag === 'include') return undefined;
  return {
    detail: `VPC ${self.name ?? self.vpcId} is ${TAGS.routes}=tagged-only and this table is not tagged ${TAGS.routes}=include`,
    invalid: false,
  };
}

/**
 * The blocks a VPC keeps out of its peerings (`peering-autopilot:exclude-cidrs`, comma-separated,
 * each one of the VPC's own blocks), or why the value cannot be used: a block that is not the VPC's
 * fails safe — nothing new is written toward the VPC and nothing is removed.
 */
export function exclusions(side: VpcSide): { blocks: string[] } | { invalid: string } {
  const raw = side.tags[TAGS.excludeCidrs];
  if (raw === undefined) return { blocks: [] };
  const blocks = raw
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const own = [...side.cidrs, ...side.ipv6Cidrs];
  const foreign = blocks.filter((b) => !own.includes(b));
  if (foreign.length > 0) {
    return {
      invalid: `VPC ${side.name ?? side.vpcId} has ${TAGS.excludeCidrs}=${JSON.stringify(raw)}: ${foreign.join(', ')} is not one of its blocks (${own.join(', ')}); nothing toward it is changed`,
    };
  }
  return { blocks };
}

/**
 * The CIDRs a side must reach on its peer: all IPv4 blocks, and IPv6 only when both have it, less
 * the blocks the peer keeps out of its peerings (`peering-autopilot:exclude-cidrs`).
 */
export function peerDestinations(self: VpcSide, peer: VpcSide): string[] {
  const ipv6 = self.ipv6Cidrs.length > 0 && peer.ipv6Cidrs.length > 0 ? peer.ipv6Cidrs : [];
  const kept = exclusions(peer);
  const out = 'blocks' in kept ? kept.blocks : [];
  return [...peer.cidrs, ...ipv6].filter((c) => !out.includes(c));
}
