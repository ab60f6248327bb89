/**
 * Apply: carry out exactly the `created` lines of a plan. Idempotent under concurrent runs and
 * duplicate deliveries: a write that finds its route or rule already there re-reads and reports
 * `exists` (or `conflict`), never an error. Writes run at bounded concurrency because EC2
 * refills mutating tokens at ~5/s per account and region.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  DeleteRouteCommand,
} from '@aws-sdk/client-ec2';
import pLimit from 'p-limit';
import { type Ec2For, isAwsError } from '../commons/aws-clients.js';
import { describeRouteTablesById } from '../commons/ec2-route-tables.js';
import { ipPermissions, revokeIngress, routeDestination } from '../commons/ec2-writes.js';
import { PeeringNotActiveError } from '../commons/errors.js';
import type { RoutedRecordStore } from '../commons/routed-record.js';
import type { Changes, Inspection, NetworkFacts } from '../commons/schemas.js';
import { type RouteChange, type RuleChange, type RuleRefFacts, ruleSource } from '../network/model.js';
import { summarize } from '../network/peering-plan.js';
import { routedNow } from '../network/routed.js';
import { confirmAgainstPeering } from './confirm.js';
import { setOptions } from './options.js';

/** Concurrent EC2 writes per run: below the mutating bucket's refill, so a run never throttles itself. */
export const WRITE_CONCURRENCY = 4;

const PEERING_GONE = ['InvalidVpcPeeringConnectionID.NotFound', 'InvalidVpcPeeringConnectionId.NotFound'];

/** The route a table has now for a line's destination, read again from AWS. */
async function currentRoute(ec2For: Ec2For, change: RouteChange) {
  const [table] = await describeRouteTablesById(ec2For, change, [change.routeTableId]);
  return table?.routes.find((r) => r.destination === change.destinationCidr);
}

async function createRoute(ec2For: Ec2For, pcx: string, change: RouteChange): Promise<RouteChange> {
  const ec2 = ec2For(change);
  try {
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: change.routeTableId,
        VpcPeeringConnectionId: pcx,
        ...routeDestination(change.destinationCidr),
      }),
    );
    return { ...change, applied: true };
  } catch (error) {
    if (isAwsError(error, 'RouteAlreadyExists')) {
      // Someone (a concurrent run, a person) wrote this destination since the plan: re-read it.
      const route = await currentRoute(ec2For, change);
      if (route?.peeringConnectionId === pcx) return { ...change, action: 'exists' };
      return {
        ...change,
        action: 'conflict',
        detail: `already routed to ${route?.target ?? 'another target'}`,
      };
    }
    if (isAwsError(error, 'RouteLimitExceeded')) {
      // The table filled up since the plan: this line is not configured, the others go on.
      return {
        ...change,
        action: 'quota-exceeded',
        detail: `route table ${change.routeTableId} is full (RouteLimitExceeded) adding ${change.destinationCidr} (raise "Routes per route table" in Service Quotas)`,
      };
    }
    if (isAwsError(error, ...PEERING_GONE)) {
      throw new PeeringNotActiveError(`peering ${pcx} disappeared while routes were being written`);
    }
    throw error;
  }
}

async function authorize(ec2For: Ec2For, pcx: string, rules: RuleChange[]): Promise<RuleChange[]> {
  const first = rules[0];
  if (!first) return [];
  const ec2 = ec2For(first);
  const send = (subset: RuleChange[]) =>
    ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: first.groupId,
        IpPermissions: ipPermissions(subset, pcx),
      }),
    );
  const full = (rule: RuleChange): RuleChange => ({
    ...rule,
    action: 'quota-exceeded',
    detail: `security group ${first.groupId} is full (RulesPerSecurityGroupLimitExceeded); raise "Inbound or outbound rules per security group" in Service Quotas`,
  });
  try {
    await send(rules);
    return rules.map((r) => ({ ...r, applied: true }));
  } catch (error) {
    // AWS adds all of a call's permissions or none: a full group is reported, not half-written.
    if (isAwsError(error, 'RulesPerSecurityGroupLimitExceeded')) return rules.map(full);
    if (!isAwsError(error, 'InvalidPermission.Duplicate')) throw error;
  }
  // One of them exists already (a concurrent run): fall back to one rule per call.
  const out: RuleChange[] = [];
  for (const rule of rules) {
    try {
      await send([rule]);
      out.push({ ...rule, applied: true });
    } catch (error) {
      if (isAwsError(error, 'RulesPerSecurityGroupLimitExceeded')) out.push(full(rule));
      else if (isAwsError(error, 'InvalidPermission.Duplicate')) out.push({ ...rule, action: 'exists' });
      else throw error;
    }
  }
  return out;
}

/**
 * Removes our route to a block the peer keeps out. DeleteRoute deletes whatever route has that
 * destination, so the table is read again first: a route a person pointed elsewhere meanwhile stays.
 */
async function deleteRoute(ec2For: Ec2For, pcx: string, change: RouteChange): Promise<RouteChange> {
  const route = await currentRoute(ec2For, change);
  if (route?.peeringConnectionId !== pcx)
    return { ...change, detail: 'no longer routed through this peering: left alone' };
  try {
    await ec2For(change).send(
      new DeleteRouteCommand({
        RouteTableId: change.routeTableId,
        ...routeDestination(change.destinationCidr),
      }),
    );
  } catch (error) {
    if (!isAwsError(error, 'InvalidRoute.NotFound')) throw error;
  }
  return { ...change, applied: true };
}

/** Revokes our own rules a group no longer asks for (opt-out); a rule already gone is fine. */
async function revoke(ec2For: Ec2For, pcx: string, rules: RuleChange[]): Promise<RuleChange[]> {
  const first = rules[0];
  if (!first) return [];
  const ec2 = ec2For(first);
  const out: RuleChange[] = [];
  for (const rule of rules) {
    out.push((await revokeIngress(ec2, rule.groupId, rule, pcx)) ? { ...rule, applied: true } : rule);
  }
  return out;
}

/**
 * Runs every write, then reports. If a write fails, the others still finish and the error names
 * what was already written, so the caller (and the cleanup path) know the exact state.
 */
export async function run(
  { inspection, changes: plan }: { inspection: Inspection; changes: Changes },
  { ec2For, record }: { ec2For: Ec2For; record?: RoutedRecordStore },
): Promise<Changes> {
  const pcx = inspection.peeringConnectionId;
  const writes = [...plan.routes, ...plan.securityGroupRules].filter(
    (c) => c.action === 'created' || c.action === 'removed',
  );
  const enabling = plan.options.filter((o) => o.action === 'enabled');
  if (writes.length + enabling.length > 0) await confirmAgainstPeering(inspection, plan, ec2For, record);
  const limit = pLimit(WRITE_CONCURRENCY);
  const routeJobs = plan.routes.map((c) =>
    c.action === 'created'
      ? limit(() => createRoute(ec2For, pcx, c))
      : c.action === 'removed'
        ? limit(() => deleteRoute(ec2For, pcx, c))
        : Promise.resolve(c),
  );
  const byGroup = (action: RuleChange['action']) => {
    const groups = new Map<string, RuleChange[]>();
    for (const r of plan.securityGroupRules.filter((r) => r.action === action)) {
      groups.set(r.groupId, [...(groups.get(r.groupId) ?? []), r]);
    }
    return [...groups.values()];
  };
  const ruleJobs = [
    ...byGroup('created').map((rules) => limit(() => authorize(ec2For, pcx, rules))),
    ...byGroup('removed').map((rules) => limit(() => revoke(ec2For, pcx, rules))),
  ];
  const [routeResults, ruleResults, optionResults] = await Promise.all([
    Promise.allSettled(routeJobs),
    Promise.allSettled(ruleJobs),
    Promise.allSettled([setOptions(ec2For, pcx, plan.options)]),
  ]);

  const failures = [...routeResults, ...ruleResults, ...optionResults].filter((r) => r.status === 'rejected');
  const options = optionResults[0]?.status === 'fulfilled' ? optionResults[0].value : plan.options;
  const routes = routeResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const applied = new Map(
    ruleResults.flatMap((r) => (r.status === 'fulfilled' ? r.value : [])).map((r) => [ruleKey(r), r]),
  );
  const securityGroupRules = plan.securityGroupRules.map((r) => applied.get(ruleKey(r)) ?? r);
  if (failures.length > 0) {
    const first = (failures[0] as PromiseRejectedResult).reason as Error;
    const written = [
      ...routes.filter((r) => r.applied).map((r) => `route ${r.routeTableId} ${r.destinationCidr}`),
      ...securityGroupRules
        .filter((r) => r.applied)
        .map((r) => `rule ${r.groupId} ${r.protocol} ${ruleSource(r)}`),
      ...options.filter((o) => o.applied).map((o) => `DNS resolution on the ${o.side} side`),
    ];
    first.message += `; written before the failure: ${written.length > 0 ? written.join(', ') : 'nothing'}`;
    throw first;
  }
  const facts = patchFacts(plan.facts, pcx, routes, securityGroupRules);
  return {
    routes,
    securityGroupRules,
    options,
    routed: routedNow(pcx, [inspection.requester, inspection.accepter], facts.routeTables, inspection.routed),
    ...summarize(routes, securityGroupRules, options),
    facts,
  };
}

/** The described facts with what this run wrote: the network as it is now, for verification. */
export function patchFacts(
  facts: NetworkFacts,
  pcx: string,
  routes: RouteChange[],
  rules: RuleChange[],
): NetworkFacts {
  const gone = (t: { routeTableId: string }, destination: string) =>
    routes.some(
      (r) =>
        r.action === 'removed' &&
        r.applied &&
        r.routeTableId === t.routeTableId &&
        r.destinationCidr === destination,
    );
  const routeTables = facts.routeTables.map((t) => ({
    ...t,
    routes: [
      ...t.routes.filter((r) => !gone(t, r.destination)),
      ...routes
        .filter((r) => r.action === 'created' && r.applied && r.routeTableId === t.routeTableId)
        .map((r) => ({
          destination: r.destinationCidr,
          target: pcx,
          peeringConnectionId: pcx,
          propagated: false,
        })),
    ],
  }));
  const securityGroups = facts.securityGroups.map((g) => {
    const mine = rules.filter((r) => r.applied && r.groupId === g.groupId);
    const removed = mine.filter((r) => r.action === 'removed');
    const created = mine.filter((r) => r.action === 'created');
    const same = (a: { protocol: string; fromPort: number; toPort: number }, b: RuleChange) =>
      a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort;
    const sameCidr = (
      a: { cidr: string; protocol: string; fromPort: number; toPort: number },
      b: RuleChange,
    ) => b.cidr === a.cidr && same(a, b);
    const sameRef = (a: RuleRefFacts, b: RuleChange) =>
      b.sourceGroupId !== undefined && a.groupId === b.sourceGroupId && same(a, b);
    const traffic = (r: RuleChange) => ({
      protocol: r.protocol,
      fromPort: r.fromPort,
      toPort: r.toPort,
      ...(r.detail ? { description: r.detail } : {}),
    });
    const ingressRefs = [
      ...(g.ingressRefs ?? []).filter((i) => !removed.some((r) => sameRef(i, r))),
      ...created
        .filter((r) => r.sourceGroupId !== undefined)
        .map((r) => ({
          ...traffic(r),
          groupId: r.sourceGroupId as string,
          ...(r.sourceOwnerId ? { userId: r.sourceOwnerId } : {}),
          peeringConnectionId: pcx,
        })),
    ];
    return {
      ...g,
      ingress: [
        ...g.ingress.filter((i) => !removed.some((r) => sameCidr(i, r))),
        ...created.flatMap((r) => (r.cidr !== undefined ? [{ ...traffic(r), cidr: r.cidr }] : [])),
      ],
      ...(ingressRefs.length > 0 ? { ingressRefs } : {}),
    };
  });
  return { routeTables, securityGroups };
}

function ruleKey(r: RuleChange): string {
  return `${r.groupId}|${ruleSource(r)}|${r.protocol}|${r.fromPort}|${r.toPort}`;
}
