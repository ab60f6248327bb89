/**
 * Plan: describe route tables and opted-in groups of both VPCs (one filtered call per account and
 * region each), then let the pure planner decide every change, quota headroom included, before
 * anything is written.
 */
import type { Ec2For } from '../commons/aws-clients.js';
import { describeGroups, describeRouteTables } from '../commons/ec2-facts.js';
import type { Changes, Inspection } from '../commons/schemas.js';
import { planChanges } from '../network/peering-plan.js';
import type { Quotas } from '../network/plan.js';

export async function run(
  inspection: Inspection,
  { ec2For, quotas }: { ec2For: Ec2For; quotas: Quotas },
): Promise<Changes> {
  const { requester, accepter, peeringConnectionId } = inspection;
  const sides = [requester, accepter];
  const [routeTables, securityGroups] = await Promise.all([
    describeRouteTables(ec2For, sides),
    describeGroups(ec2For, sides),
  ]);
  const refused = inspection.decision === 'refused';
  const planned = planChanges(
    { peeringConnectionId, refused },
    requester,
    accepter,
    { routeTables, securityGroups },
    quotas,
  );
  return { ...planned, facts: { routeTables, securityGroups } };
}
