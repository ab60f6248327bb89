/**
 * Route planning: from described route tables to the exact routes to create, keep or remove, in
 * both VPCs. Pure: the apply step only carries out what this decides. (Rules: rule-plan.ts; the
 * whole peering: peering-plan.ts.)
 */

import { TAGS } from '../commons/contracts.js';
import { cidrFamily } from './cidr.js';
import {
  DEFAULT_QUOTAS,
  type Quotas,
  type RouteChange,
  type RouteTableFacts,
  type SidePlanInput,
} from './model.js';
import { exclusions, peerDestinations, tableSkip } from './selection.js';

/** Route tables that carry traffic: the main table and every subnet-associated one. */
export function isInUse(table: RouteTableFacts): boolean {
  return table.main || table.subnetIds.length > 0;
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
