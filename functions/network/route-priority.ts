/**
 * Which route table a subnet uses and which route a packet takes, by AWS's route priority. Pure.
 * https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html
 */
import { cidrContains, parseCidr } from './cidr.js';
import type { RouteFacts, RouteTableFacts } from './model.js';
import type { PathFacts } from './path-model.js';

export function effectiveRouteTable(tables: readonly RouteTableFacts[], vpcId: string, subnetId: string) {
  return (
    tables.find((t) => t.vpcId === vpcId && t.subnetIds.includes(subnetId)) ??
    tables.find((t) => t.vpcId === vpcId && t.main)
  );
}

/** The route a packet takes, and whether it came from a prefix-list route. */
export interface EffectiveRoute extends RouteFacts {
  readonly prefixListId?: string;
}

/**
 * Route priority (VPC User Guide, "How route priority works"): the longest prefix wins; at equal
 * length a static route beats a prefix-list route, which beats a propagated route.
 */
export function longestPrefixMatch(
  routes: readonly RouteFacts[],
  ip: string,
  prefixListRoutes: RouteTableFacts['prefixListRoutes'] = [],
  prefixLists: PathFacts['prefixLists'] = {},
): EffectiveRoute | undefined {
  const candidates: Array<{ route: EffectiveRoute; rank: number }> = [
    ...routes.map((r) => ({ route: r, rank: r.propagated ? 2 : 0 })),
    ...(prefixListRoutes ?? []).flatMap((r) =>
      (prefixLists?.[r.prefixListId] ?? []).map((cidr) => ({
        route: {
          destination: cidr,
          target: r.target,
          propagated: false,
          prefixListId: r.prefixListId,
          ...(r.peeringConnectionId ? { peeringConnectionId: r.peeringConnectionId } : {}),
          ...(r.state ? { state: r.state } : {}),
        },
        rank: 1,
      })),
    ),
  ];
  let best: { route: EffectiveRoute; rank: number; length: number } | undefined;
  for (const c of candidates) {
    if (!cidrContains(c.route.destination, ip)) continue;
    const length = parseCidr(c.route.destination).prefixLength;
    if (!best || length > best.length || (length === best.length && c.rank < best.rank)) {
      best = { ...c, length };
    }
  }
  return best?.route;
}

/** A ping: ICMP echo request (type 8, code 0) out, echo reply (type 0, code 0) back. */
