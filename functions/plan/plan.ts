/**
 * Plan: describe route tables and opted-in groups of both VPCs (one filtered call per account and
 * region each), then let the pure planner decide every change, quota headroom included, before
 * anything is written. A side that is about to get DNS resolution also has its VPC's DNS attributes
 * read, so the plan can warn when they are off.
 */
import type { Ec2For } from '../commons/aws-clients.js';
import { describeRouteTables } from '../commons/ec2-route-tables.js';
import { describeGroups } from '../commons/ec2-security-groups.js';
import { withDnsAttributes } from '../commons/ec2-vpcs.js';
import type { Changes, Inspection } from '../commons/schemas.js';
import type { DnsResolutionMode, Quotas } from '../network/model.js';
import { planChanges } from '../network/peering-plan.js';
import { routedNow } from '../network/routed.js';

export interface PlanDeps {
  readonly ec2For: Ec2For;
  readonly quotas: Quotas;
  readonly dnsResolution: DnsResolutionMode;
}

export async function run(
  inspection: Inspection,
  { ec2For, quotas, dnsResolution }: PlanDeps,
): Promise<Changes> {
  const { peeringConnectionId } = inspection;
  let { requester, accepter } = inspection;
  const sides = [requester, accepter];
  // Only our own sides are read (and so planned): an outside account's VPC is its owner's.
  const ours = sides.filter((s) => !s.outside);
  const [routeTables, securityGroups] = await Promise.all([
    describeRouteTables(ec2For, ours),
    describeGroups(ec2For, ours),
  ]);
  const refused = inspection.decision === 'refused';
  const facts = { routeTables, securityGroups };
  const plan = () =>
    planChanges(
      { peeringConnectionId, refused, routed: inspection.routed },
      requester,
      accepter,
      facts,
      quotas,
      dnsResolution,
    );
  let planned = plan();
  const enabling = new Set(planned.options.filter((o) => o.action === 'enabled').map((o) => o.side));
  if (enabling.size > 0) {
    if (enabling.has('requester')) requester = await withDnsAttributes(ec2For, requester);
    if (enabling.has('accepter')) accepter = await withDnsAttributes(ec2For, accepter);
    planned = plan();
  }
  const routed = routedNow(peeringConnectionId, sides, routeTables, inspection.routed);
  return { ...planned, routed, facts };
}
