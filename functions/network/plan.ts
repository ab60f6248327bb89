/**
 * Route and security-group planning: from described facts to the exact list of changes.
 * Pure: the apply step only carries out what this decides.
 */
import { cidrFamily } from './cidr.js';
import { parseIngressTag } from './ingress-tag.js';
import {
  type RouteChange,
  type RouteTableFacts,
  type RuleChange,
  ruleDescription,
  type SecurityGroupFacts,
  TAGS,
  type VpcSide,
} from './model.js';
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

/** Ingress from each peer CIDR for the traffic each opted-in group's tag lists. */
export function planRules(
  peeringConnectionId: string,
  sides: ReadonlyArray<SidePlanInput<SecurityGroupFacts>>,
  quotas: Quotas = DEFAULT_QUOTAS,
): RuleChange[] {
  const changes: RuleChange[] = [];
  const description = ruleDescription(peeringConnectionId);
  for (const { self, peer, items } of sides) {
    const sources = peerDestinations(self, peer);
    for (const group of items.filter((g) => g.vpcId === self.vpcId)) {
      const tag = group.tags[TAGS.ingress];
      const base = {
        groupId: group.groupId,
        vpcId: self.vpcId,
        ownerId: self.ownerId,
        region: self.region,
        applied: false,
      };
      if (tag === undefined) {
        // Opted out (or never in): only our own rules for this peering go, nothing else.
        changes.push(...staleRules(group, description, [], base));
        continue;
      }
      const parsed = parseIngressTag(tag);
      const kept = exclusions(peer);
      const unreadable = !parsed.ok ? parsed.error : 'invalid' in kept ? kept.invalid : undefined;
      if (unreadable !== undefined) {
        for (const cidr of [...peer.cidrs, ...(self.ipv6Cidrs.length > 0 ? peer.ipv6Cidrs : [])]) {
          changes.push({
            ...base,
            cidr,
            protocol: 'none',
            fromPort: -1,
            toPort: -1,
            action: 'invalid-tag',
            detail: unreadable,
          });
        }
        continue;
      }
      if (!parsed.ok) continue;
      const groupChanges: RuleChange[] = [];
      for (const cidr of sources) {
        const v6 = cidrFamily(cidr) === 'ipv6';
        for (const t of parsed.traffic) {
          const protocol = t.protocol === 'icmp' && v6 ? 'icmpv6' : t.protocol;
          const exists = group.ingress.some(
            (r) =>
              r.cidr === cidr &&
              r.protocol === protocol &&
              r.fromPort === t.fromPort &&
              r.toPort === t.toPort,
          );
          groupChanges.push({
            ...base,
            cidr,
            protocol,
            fromPort: t.fromPort,
            toPort: t.toPort,
            action: exists ? 'exists' : 'created',
            detail: description,
          });
        }
      }
      changes.push(
        ...withRuleQuota(group, groupChanges, quotas),
        ...staleRules(group, description, groupChanges, base),
      );
    }
  }
  return changes;
}

/** Rules carrying our description for this peering that the group no longer asks for. */
function staleRules(
  group: SecurityGroupFacts,
  description: string,
  desired: readonly RuleChange[],
  base: Pick<RuleChange, 'groupId' | 'vpcId' | 'ownerId' | 'region' | 'applied'>,
): RuleChange[] {
  return group.ingress
    .filter((r) => r.description === description)
    .filter(
      (r) =>
        !desired.some(
          (d) =>
            d.cidr === r.cidr &&
            d.protocol === r.protocol &&
            d.fromPort === r.fromPort &&
            d.toPort === r.toPort,
        ),
    )
    .flatMap((r): RuleChange[] =>
      ['icmp', 'icmpv6', 'tcp', 'udp'].includes(r.protocol)
        ? [
            {
              ...base,
              cidr: r.cidr,
              protocol: r.protocol as RuleChange['protocol'],
              fromPort: r.fromPort,
              toPort: r.toPort,
              action: 'removed',
              detail: description,
            },
          ]
        : [],
    );
}

/** Quota headroom per group, per family: a full group gets `quota-exceeded` lines, the rest go on. */
function withRuleQuota(group: SecurityGroupFacts, planned: RuleChange[], quotas: Quotas): RuleChange[] {
  const count = (family: 'ipv4' | 'ipv6') =>
    group.ingress.filter((r) => cidrFamily(r.cidr) === family).length +
    (family === 'ipv4' ? (group.otherIngressSources ?? 0) : 0);
  const full = new Set<string>();
  for (const family of ['ipv4', 'ipv6'] as const) {
    const adding = planned.filter((c) => c.action === 'created' && cidrFamily(c.cidr) === family).length;
    if (adding > 0 && count(family) + adding > quotas.rulesPerSecurityGroup) full.add(family);
  }
  return planned.map((c) => {
    const family = cidrFamily(c.cidr) as 'ipv4' | 'ipv6';
    if (c.action !== 'created' || !full.has(family)) return c;
    return {
      ...c,
      action: 'quota-exceeded',
      detail:
        `security group ${group.groupId} has ${count(family)} inbound ${family} rules; adding this peering's would ` +
        `pass the quota of ${quotas.rulesPerSecurityGroup} inbound rules per security group (raise "Inbound or ` +
        `outbound rules per security group" in Service Quotas)`,
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
