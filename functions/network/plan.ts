/**
 * Route planning (rules: rule-plan.ts): from described facts to the exact list of changes.
 * Pure: the apply step only carries out what this decides.
 */

import { TAGS } from '../commons/contracts.js';
import { cidrFamily } from './cidr.js';
import type { RouteChange, RouteTableFacts, RuleChange, VpcSide } from './model.js';
import { exclusions, tableSkip } from './selection.js';

/** Default EC2 quotas (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html). */
export const DEFAULT_QUOTAS = { routesPerTable: 50, rulesPerSecurityGroup: 60 } as const;
export interface Quotas {
  readonly routesPerTable: number;
  readonly rulesPerSecurityGroup: number;
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

/** Route tables that carry traffic: the main table and every subnet-associated one. */
export function isInUse(table: RouteTableFacts): boolean {
  return table.main || table.subnetIds.length > 0;
}

export interface SidePlanInput<T> {
  readonly self: VpcSide;
  readonly peer: VpcSide;
  readonly items: readonly T[];
}

/**
 * One route per peer CIDR in every in-use table of each side; never touches a foreign route. Our
 * routes to a block the peer keeps out, or to a block that is no longer the peer's but is in the
 * peering's record (`routed`, see routed.ts), are removed.
 */
export function planRoutes(
  peeringConnectionId: string,
  sides: ReadonlyArray<SidePlanInput<RouteTableFacts>>,
  quotas: Quotas = DEFAULT_QUOTAS,
  routed: readonly string[] = [],
): RouteChange[] {
  const changes: RouteChange[] = [];
  for (const { self, peer, items } of sides) {
    const destinations = peerDestinations(self, peer);
    const kept = exclusions(peer);
    for (const table of items.filter((t) => t.vpcId === self.vpcId && isInUse(t))) {
      const base = {
        routeTableId: table.routeTableId,
        vpcId: self.vpcId,
        ownerId: self.ownerId,
        region: self.region,
        applied: false,
      };
      const skip =
        tableSkip(self, table) ?? ('invalid' in kept ? { detail: kept.invalid, invalid: true } : undefined);
      const tableChanges: RouteChange[] = destinations.map((destinationCidr) => {
        if (skip) {
          return {
            ...base,
            destinationCidr,
            action: 'skipped',
            detail: skip.detail,
            ...(skip.invalid ? { invalidTag: skip.detail } : {}),
          };
        }
        const existing = table.routes.find((r) => r.destination === destinationCidr);
        if (!existing) return { ...base, destinationCidr, action: 'created' };
        if (existing.peeringConnectionId === peeringConnectionId) {
          return { ...base, destinationCidr, action: 'exists' };
        }
        return {
          ...base,
          destinationCidr,
          action: 'conflict',
          detail: `already routed to ${existing.target}`,
        };
      });
      changes.push(...withRouteQuota(table, tableChanges, quotas));
      // Our routes to a block the peer now keeps out go (only routes through this peering, to
      // exactly that block: the ones this autopilot writes).
      if (!skip && 'blocks' in kept) {
        const current = [...self.cidrs, ...self.ipv6Cidrs, ...peer.cidrs, ...peer.ipv6Cidrs];
        for (const r of table.routes) {
          if (r.peeringConnectionId !== peeringConnectionId) continue;
          // A block the peer keeps out (still its own), or a recorded block that is no one's now.
          const detail = kept.blocks.includes(r.destination)
            ? `${peer.name ?? peer.vpcId} keeps ${r.destination} out (${TAGS.excludeCidrs})`
            : routed.includes(r.destination) && !current.includes(r.destination)
              ? `${r.destination} is no longer a block of ${peer.name ?? peer.vpcId}: our route to it goes (${TAGS.routed})`
              : undefined;
          if (detail) changes.push({ ...base, destinationCidr: r.destination, action: 'removed', detail });
        }
      }
    }
  }
  return changes;
}

/**
 * Quota headroom per table, per address family: a table without room gets `quota-exceeded` lines
 * instead of `created` (nothing is written to it) and every other table is still configured.
 */
function withRouteQuota(table: RouteTableFacts, planned: RouteChange[], quotas: Quotas): RouteChange[] {
  const full = new Set<string>();
  for (const family of ['ipv4', 'ipv6'] as const) {
    const current = table.routes.filter((r) => !r.propagated && cidrFamily(r.destination) === family).length;
    const adding = planned.filter(
      (c) => c.action === 'created' && cidrFamily(c.destinationCidr) === family,
    ).length;
    if (adding > 0 && current + adding > quotas.routesPerTable) full.add(family);
  }
  return planned.map((c) => {
    const family = cidrFamily(c.destinationCidr);
    if (c.action !== 'created' || !full.has(family)) return c;
    const current = table.routes.filter((r) => !r.propagated && cidrFamily(r.destination) === family).length;
    return {
      ...c,
      action: 'quota-exceeded',
      detail:
        `route table ${table.routeTableId} has ${current} ${family} routes; adding this peering's would pass the ` +
        `quota of ${quotas.routesPerTable} routes per route table (raise "Routes per route table" in Service Quotas)`,
    };
  });
}

/**
 * Nothing to report and nothing to change: every route `exists` or is `skipped` by a valid tag, and
 * every rule `exists`. Only then may a recently verified peering skip its ping and status write.
 */
export function isClean(routes: readonly RouteChange[], rules: readonly RuleChange[]): boolean {
  return (
    routes.every((r) => r.action === 'exists' || (r.action === 'skipped' && r.invalidTag === undefined)) &&
    rules.every((r) => r.action === 'exists')
  );
}

/** Summary count the workflow's Choice uses to skip the apply step on a no-op re-run. */
export function countWrites(routes: readonly RouteChange[], rules: readonly RuleChange[]): number {
  return (
    routes.filter((r) => r.action === 'created' || r.action === 'removed').length +
    rules.filter((r) => r.action === 'created' || r.action === 'removed').length
  );
}
