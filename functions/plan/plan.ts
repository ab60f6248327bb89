/**
 * Plan: describe route tables and opted-in groups of both VPCs (one filtered call per region
 * each), then let the pure planners decide every change, quota headroom included, before
 * anything is written.
 */
import type { Ec2For } from '../commons/aws-clients.js';
import { describeGroups, describeRouteTables } from '../commons/ec2-facts.js';
import type { Changes, Inspection } from '../commons/schemas.js';
import { countWrites, isClean, planRoutes, planRules, type Quotas } from '../network/plan.js';

export async function run(
  inspection: Inspection,
  { ec2For, quotas }: { ec2For: Ec2For; quotas: Quotas },
): Promise<Changes> {
  const { requester, accepter, peeringConnectionId } = inspection;
  const sides = [requester, accepter];
  const [tables, groups] = await Promise.all([
    describeRouteTables(ec2For, sides),
    describeGroups(ec2For, sides),
  ]);
  const pairs = [
    { self: requester, peer: accepter },
    { self: accepter, peer: requester },
  ];
  const planned = {
    routes: planRoutes(
      peeringConnectionId,
      pairs.map((p) => ({ ...p, items: tables })),
      quotas,
    ),
    rules: planRules(
      peeringConnectionId,
      pairs.map((p) => ({ ...p, items: groups })),
      quotas,
    ),
  };
  // A refused peering gets nothing new, but policy never blocks removing our own objects: a group
  // that opted out still loses the autopilot's rules.
  const refused = inspection.decision === 'refused';
  const routes = refused ? [] : planned.routes;
  const securityGroupRules = refused ? planned.rules.filter((r) => r.action === 'removed') : planned.rules;
  return {
    routes,
    securityGroupRules,
    writes: countWrites(routes, securityGroupRules),
    clean: isClean(routes, securityGroupRules),
    facts: { routeTables: tables, securityGroups: groups },
  };
}
