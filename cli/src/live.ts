/**
 * The CLI's read-only commands against live AWS (a profile, or AWS_ENDPOINT_URL): `status`,
 * `plan` and `doctor`. They reuse the functions' own logic, so what they say is what the
 * workflow would do.
 */
import { ec2For, homeRegion } from '../../functions/commons/aws-clients.js';
import {
  describeGroups,
  describeInstances,
  describeNetworkAcls,
  describePeerings,
  describePrefixLists,
  describeRouteTables,
  describeSides,
  prefixListIdsIn,
} from '../../functions/commons/ec2-facts.js';
import type { Changes } from '../../functions/commons/schemas.js';
import { readSettings } from '../../functions/commons/settings.js';
import { run as inspect } from '../../functions/inspect/inspect.js';
import {
  type Diagnosis,
  diagnosePath,
  type InstanceFacts,
  type PeeringFacts,
} from '../../functions/network/diagnose.js';
import { TAGS } from '../../functions/network/model.js';
import { printable } from '../../functions/network/text.js';
import { run as plan } from '../../functions/plan/plan.js';
import { localAccount } from '../../local/local-runner.js';

/** A clear, one-line error for an operator (exit code 1). */
export class CliError extends Error {
  override name = 'CliError';
}

export interface PeeringStatus {
  readonly peeringConnectionId: string;
  readonly name?: string;
  readonly state: string;
  readonly requester: string;
  readonly accepter: string;
  readonly outcome?: string;
  readonly checkedAt?: string;
}

function row(p: PeeringFacts): PeeringStatus {
  const tags = p.tags ?? {};
  return {
    peeringConnectionId: p.id,
    ...(tags.Name ? { name: printable(tags.Name) } : {}),
    state: p.status,
    requester: `${p.requesterVpcId} (${p.requesterCidr ?? '?'})`,
    accepter: `${p.accepterVpcId} (${p.accepterCidr ?? '?'})`,
    ...(tags[TAGS.status] ? { outcome: printable(tags[TAGS.status] as string) } : {}),
    ...(tags[TAGS.checkedAt] ? { checkedAt: printable(tags[TAGS.checkedAt] as string) } : {}),
  };
}

/** Peerings with the autopilot's last outcome (status tags); one, or every peering in the region. */
export async function peeringStatus(pcx?: string): Promise<PeeringStatus[]> {
  const peerings = await describePeerings(ec2For, homeRegion(), pcx ? [pcx] : undefined);
  if (pcx && peerings.length === 0)
    throw new CliError(`peering connection ${pcx} not found in ${homeRegion()}`);
  return peerings.map(row);
}

/** The full plan from live, read-only calls (the workflow's inspect and plan steps, nothing written). */
export async function livePlan(pcx: string) {
  // The same settings the deployed functions read (ACCEPT_POLICY, *_QUOTA), defaults otherwise.
  const settings = readSettings();
  const inspection = await inspect(
    { peeringConnectionId: pcx, dryRun: true },
    {
      ec2For,
      accountId: localAccount,
      region: homeRegion(),
      policy: settings.acceptPolicy,
      freshSeconds: 0,
      now: () => new Date(),
    },
  ).catch((error: Error) => {
    if (error.name === 'PeeringNotFoundError') throw new CliError(error.message);
    throw error;
  });
  const changes: Changes | undefined =
    inspection.decision === 'refused'
      ? undefined
      : await plan(inspection, { ec2For, quotas: settings.quotas });
  return { inspection, changes };
}

/** One instance, by id or private IP, or a clear error naming what was not found. */
async function oneInstance(region: string, idOrIp: string): Promise<InstanceFacts> {
  const byId = idOrIp.startsWith('i-');
  const found = await describeInstances(
    ec2For,
    region,
    byId ? { ids: [idOrIp] } : { privateIp: idOrIp },
  ).catch((error: Error) => {
    if (/InvalidInstanceID/.test(error.name)) return [];
    throw error;
  });
  const [instance] = found;
  if (!instance) {
    throw new CliError(
      byId
        ? `instance ${idOrIp} not found in ${region}`
        : `no instance with private IP ${idOrIp} in ${region}`,
    );
  }
  return instance;
}

/** The static path diagnosis for source -> target, against live state (read-only). */
export async function doctor(
  sourceId: string,
  target: string,
): Promise<{ diagnosis: Diagnosis; source: InstanceFacts; target: InstanceFacts }> {
  const region = homeRegion();
  const source = await oneInstance(region, sourceId);
  const t = await oneInstance(region, target);
  const vpcIds = [...new Set([source.vpcId, t.vpcId])];
  const sides = vpcIds.map((vpcId) => ({ vpcId, region, ownerId: '', cidrs: [], ipv6Cidrs: [], tags: {} }));
  const [described, tables, groups, networkAcls, peerings] = await Promise.all([
    describeSides(ec2For, sides),
    describeRouteTables(ec2For, sides),
    describeGroups(ec2For, sides),
    describeNetworkAcls(ec2For, sides),
    describePeerings(ec2For, region),
  ]);
  const connects = (p: PeeringFacts) =>
    [p.requesterVpcId, p.accepterVpcId].includes(source.vpcId) &&
    [p.requesterVpcId, p.accepterVpcId].includes(t.vpcId);
  // The peering between them (the active one if several): its requester side is tutorial step 22.
  const between = peerings.find((p) => connects(p) && p.status === 'active') ?? peerings.find(connects);
  const diagnosis = diagnosePath({
    source,
    target: t,
    vpcs: Object.fromEntries(
      described.map((v) => [v.vpcId, { ...(v.name ? { name: v.name } : {}), cidrs: v.cidrs }]),
    ),
    peerings,
    routeTables: tables,
    securityGroups: groups,
    networkAcls,
    prefixLists: await describePrefixLists(ec2For, region, prefixListIdsIn(tables, groups)),
    ...(between ? { requesterVpcId: between.requesterVpcId } : {}),
  });
  return { diagnosis, source, target: t };
}
