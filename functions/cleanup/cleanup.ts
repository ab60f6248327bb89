/**
 * Cleanup after a peering is deleted (or rejected, or expired): remove the routes that target it
 * from both VPCs' tables and the security-group rules whose description names it. Nothing else is
 * touched — a person's route or rule in the same table or group stays, a table the autopilot does
 * not manage (tagged `peering-autopilot:routes=skip`, or not `include`d by a `tagged-only` VPC)
 * stays as it is, only routes to the peer's own CIDRs (or to blocks the peering's
 * `peering-autopilot:routed` record names) go, and a peering with an account outside the hub and
 * members (never configured) loses nothing.
 * (moto never marks such routes blackhole, and AWS does so only eventually, so we match on the
 * peering id, not on route state.)
 *
 * One failing delete does not stop the rest: every route and rule is tried, and when something is
 * left the step fails naming it, so the execution fails (alarm) and the sweep runs cleanup again
 * until nothing is left.
 */
import { DeleteRouteCommand } from '@aws-sdk/client-ec2';
import { type Ec2For, isAwsError } from '../commons/aws-clients.js';
import { describePeering, effectiveStatus, sideFromPeering } from '../commons/ec2-peerings.js';
import { describeRouteTables } from '../commons/ec2-route-tables.js';
import { describeGroups } from '../commons/ec2-security-groups.js';
import { describeSides } from '../commons/ec2-vpcs.js';
import { revokeIngress, routeDestination } from '../commons/ec2-writes.js';
import { CleanupIncompleteError, InputValidationError } from '../commons/errors.js';
import { type RoutedRecordStore, trustedRouted } from '../commons/routed-record.js';
import type { Inspection } from '../commons/schemas.js';
import { CLEANUP_STATUSES } from '../network/decision.js';
import {
  type RouteChange,
  type RuleChange,
  ruleDescription,
  ruleSource,
  tagsToRecord,
} from '../network/model.js';
import { readRouted } from '../network/routed.js';
import { rulesOf } from '../network/rule-plan.js';
import { tableSkip } from '../network/selection.js';

export interface Cleanup {
  readonly routesRemoved: RouteChange[];
  readonly rulesRemoved: RuleChange[];
}

export interface CleanupDeps {
  readonly ec2For: Ec2For;
  /**
   * Whether the autopilot acts at a side's place (hub, or a member in the configured regions): any
   * other side is never touched.
   */
  readonly actsAt: (place: { readonly ownerId: string; readonly region: string }) => boolean;
  /** The trusted copy of the routed record: read when needed, removed once nothing is left. */
  readonly record?: RoutedRecordStore;
}

export async function run(inspection: Inspection, { ec2For, actsAt, record }: CleanupDeps): Promise<Cleanup> {
  const pcx = inspection.peeringConnectionId;
  // Re-check against AWS, not the payload: a live peering's routes are never removed.
  const where = [inspection.accepter, inspection.requester].find((s) => actsAt(s));
  if (!where) return { routesRemoved: [], rulesRemoved: [] };
  const peering = await describePeering(ec2For, where, pcx);
  const status = effectiveStatus(peering, new Date());
  if (!CLEANUP_STATUSES.includes(status)) {
    throw new InputValidationError(
      `cleanup refused for ${pcx}: it is ${status}; only a ${CLEANUP_STATUSES.join('/')} peering is cleaned up`,
    );
  }
  const both = [
    sideFromPeering(peering.RequesterVpcInfo, 'requester', where.region),
    sideFromPeering(peering.AccepterVpcInfo, 'accepter', where.region),
  ];
  // Only the sides the autopilot acts at are cleaned: an outside account's side (a peering a person
  // approved) is its owner's, and a member region not configured was never written.
  // The VPCs' own tags decide which tables are ours (routes=tagged-only); a VPC already gone has no
  // tables left to clean.
  const sides = await Promise.all(
    both
      .filter((s) => actsAt(s))
      .map((s) =>
        describeSides(ec2For, [s]).then(
          ([v]) => v ?? s,
          () => s,
        ),
      ),
  );
  const sideOf = new Map(sides.map((s) => [s.vpcId, s]));
  // The peer's blocks as the peering lists them, and the blocks its record says we routed (a block
  // disassociated before the peering went away is in the record only).
  // A block named by the tags only (not the peers' now) counts when the hub's trusted copy names it.
  const current = both.flatMap((s) => [...s.cidrs, ...s.ipv6Cidrs]);
  const { routed: recorded } = await trustedRouted(
    record,
    pcx,
    readRouted(tagsToRecord(peering.Tags)),
    current,
  );
  // With an outside side, a route counts as ours only when the record names its block: a refused
  // outside peering was never configured by us, so a route a person made for it stays.
  const outside = both.some((s) => !actsAt(s));
  const peerCidrs = (vpcId: string) => [
    ...(outside ? [] : both.filter((s) => s.vpcId !== vpcId).flatMap((s) => [...s.cidrs, ...s.ipv6Cidrs])),
    ...recorded,
  ];
  const [tables, groups] = await Promise.all([
    describeRouteTables(ec2For, sides),
    describeGroups(ec2For, sides),
  ]);

  const left: string[] = [];
  const attempt = async (what: string, call: () => Promise<unknown>, gone: string): Promise<boolean> => {
    if (inspection.dryRun) return false;
    try {
      await call();
    } catch (error) {
      if (!isAwsError(error, gone)) {
        left.push(`${what} (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)})`);
        return false;
      }
    }
    return true;
  };

  const routesRemoved: RouteChange[] = [];
  for (const table of tables) {
    const self = sideOf.get(table.vpcId);
    // Only tables we manage for this peering: never a skipped table, nor one a tagged-only VPC did
    // not include, nor one whose tag we cannot read (left untouched, as Plan leaves it).
    if (!self || tableSkip(self, table)) continue;
    const place = { ownerId: self.ownerId, region: self.region };
    const ours = table.routes.filter(
      (r) => r.peeringConnectionId === pcx && peerCidrs(table.vpcId).includes(r.destination),
    );
    for (const route of ours) {
      const applied = await attempt(
        `route ${route.destination} in ${table.routeTableId}`,
        () =>
          ec2For(place).send(
            new DeleteRouteCommand({
              RouteTableId: table.routeTableId,
              ...routeDestination(route.destination),
            }),
          ),
        'InvalidRoute.NotFound',
      );
      routesRemoved.push({
        routeTableId: table.routeTableId,
        vpcId: table.vpcId,
        ...place,
        destinationCidr: route.destination,
        action: 'removed',
        applied,
        detail: `route to ${status} peering ${pcx}`,
      });
    }
  }

  const description = ruleDescription(pcx);
  const rulesRemoved: RuleChange[] = [];
  for (const group of groups) {
    const side = sideOf.get(group.vpcId) as { ownerId: string; region: string };
    const place = { ownerId: side.ownerId, region: side.region };
    // Ours: CIDR rules and peer-group references (stale once the peering is gone; AWS never
    // removes those itself) whose description names this peering.
    for (const rule of rulesOf(group, description)) {
      const applied = await attempt(
        `rule ${rule.protocol} ${ruleSource(rule)} in ${group.groupId}`,
        () => revokeIngress(ec2For(place), group.groupId, { ...rule, detail: description }, pcx),
        'InvalidPermission.NotFound',
      );
      rulesRemoved.push({
        groupId: group.groupId,
        vpcId: group.vpcId,
        ...place,
        ...rule,
        protocol: rule.protocol as RuleChange['protocol'],
        action: 'removed',
        applied,
        detail: description,
      });
    }
  }
  if (left.length > 0) {
    const done = [...routesRemoved, ...rulesRemoved].filter((c) => c.applied).length;
    throw new CleanupIncompleteError(
      `cleanup of ${pcx} removed ${done} route(s)/rule(s) but left ${left.length}: ${left.join('; ')}; the sweep retries`,
    );
  }
  // Nothing of ours is left: the peering's record has served its purpose.
  if (!inspection.dryRun) await record?.remove(pcx);
  return { routesRemoved, rulesRemoved };
}
