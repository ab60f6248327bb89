/**
 * Plan: describe route tables and opted-in groups of both VPCs (one filtered call per region
 * each), then let the pure planners decide every change, quota headroom included, before
 * anything is written.
 */
import type { Ec2ForRegion } from '../commons/aws-clients.js';
import { describeGroups, describeRouteTables } from '../commons/ec2-facts.js';
import type { Inspection } from '../inspect/inspect.js';
import type { RouteChange, RouteTableFacts, RuleChange, SecurityGroupFacts } from '../network/model.js';
import { countWrites, isClean, planRoutes, planRules, type Quotas } from '../network/plan.js';

export interface Changes {
  readonly routes: RouteChange[];
  readonly securityGroupRules: RuleChange[];
  /** Number of `created` lines: what a real run writes (0 on a healthy re-run). */
  readonly writes: number;
  /** Every line `exists` (or validly `skipped`): nothing to change and nothing to report. */
  readonly clean: boolean;
  /**
   * The route tables and security groups as described (apply patches in what it wrote), handed
   * to the verification step so it does not describe them again.
   */
  readonly facts: NetworkFacts;
}

export interface NetworkFacts {
  readonly routeTables: RouteTableFacts[];
  readonly securityGroups: SecurityGroupFacts[];
}

export async function planChanges(
  inspection: Inspection,
  ec2For: Ec2ForRegion,
  quotas: Quotas,
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
