/**
 * The CLI's read-only commands against live AWS (a profile, or AWS_ENDPOINT_URL): `status`,
 * `plan` and `doctor`. They reuse the functions' own logic, so what they say is what the
 * workflow would do.
 */
import {
  DescribeInstancesCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  paginateDescribeVpcPeeringConnections,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { type Ec2ForRegion, ec2For, homeRegion } from '../../functions/commons/aws-clients.js';
import {
  describeGroups,
  describeNetworkAcls,
  describePrefixLists,
  describeRouteTables,
  peeringFacts,
  prefixListIdsIn,
  instanceFacts as toInstanceFacts,
} from '../../functions/commons/ec2-facts.js';
import type { Changes } from '../../functions/commons/schemas.js';
import { readSettings } from '../../functions/commons/settings.js';
import { inspect } from '../../functions/inspect/inspect.js';
import { type Diagnosis, diagnosePath, type InstanceFacts } from '../../functions/network/diagnose.js';
import { TAGS, tagsToRecord } from '../../functions/network/model.js';
import { printable } from '../../functions/network/text.js';
import { planChanges } from '../../functions/plan/plan.js';
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

function row(p: VpcPeeringConnection): PeeringStatus {
  const tags = tagsToRecord(p.Tags);
  return {
    peeringConnectionId: p.VpcPeeringConnectionId as string,
    ...(tags.Name ? { name: printable(tags.Name) } : {}),
    state: p.Status?.Code ?? 'unknown',
    requester: `${p.RequesterVpcInfo?.VpcId} (${p.RequesterVpcInfo?.CidrBlock ?? '?'})`,
    accepter: `${p.AccepterVpcInfo?.VpcId} (${p.AccepterVpcInfo?.CidrBlock ?? '?'})`,
    ...(tags[TAGS.status] ? { outcome: printable(tags[TAGS.status] as string) } : {}),
    ...(tags[TAGS.checkedAt] ? { checkedAt: printable(tags[TAGS.checkedAt] as string) } : {}),
  };
}

/** Peerings with the autopilot's last outcome (status tags); one, or every peering in the region. */
export async function peeringStatus(pcx?: string): Promise<PeeringStatus[]> {
  const ec2 = ec2For(homeRegion());
  if (pcx) {
    try {
      const out = await ec2.send(
        new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }),
      );
      const found = out.VpcPeeringConnections?.find((p) => p.VpcPeeringConnectionId === pcx);
      if (found) return [row(found)];
    } catch (error) {
      if (!/NotFound/i.test((error as Error).name)) throw error;
    }
    throw new CliError(`peering connection ${pcx} not found in ${homeRegion()}`);
  }
  const all: PeeringStatus[] = [];
  for await (const page of paginateDescribeVpcPeeringConnections({ client: ec2 }, {})) {
    all.push(...(page.VpcPeeringConnections ?? []).map(row));
  }
  return all;
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
    inspection.decision === 'refused' ? undefined : await planChanges(inspection, ec2For, settings.quotas);
  return { inspection, changes };
}

async function instanceFacts(ec2For: Ec2ForRegion, region: string, ids: string[]): Promise<InstanceFacts[]> {
  if (ids.length === 0) return [];
  try {
    const out = await ec2For(region).send(new DescribeInstancesCommand({ InstanceIds: ids }));
    return (out.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map(toInstanceFacts)
      .filter((i): i is InstanceFacts => !!i);
  } catch (error) {
    if (/InvalidInstanceID/.test((error as Error).name))
      throw new CliError(`instance ${ids.join(', ')} not found in ${region}`);
    throw error;
  }
}

/** The static path diagnosis for source -> target, against live state (read-only). */
export async function doctor(
  sourceId: string,
  target: string,
): Promise<{ diagnosis: Diagnosis; source: InstanceFacts; target: InstanceFacts }> {
  const region = homeRegion();
  const ec2 = ec2For(region);
  const [source] = await instanceFacts(ec2For, region, [sourceId]);
  if (!source) throw new CliError(`instance ${sourceId} not found in ${region}`);
  let targetFacts: InstanceFacts | undefined;
  if (target.startsWith('i-')) {
    [targetFacts] = await instanceFacts(ec2For, region, [target]);
    if (!targetFacts) throw new CliError(`instance ${target} not found in ${region}`);
  } else {
    const out = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'private-ip-address', Values: [target] }] }),
    );
    const i = out.Reservations?.flatMap((r) => r.Instances ?? [])[0];
    if (!i?.InstanceId) throw new CliError(`no instance with private IP ${target} in ${region}`);
    [targetFacts] = await instanceFacts(ec2For, region, [i.InstanceId]);
  }
  const t = targetFacts as InstanceFacts;
  const vpcIds = [...new Set([source.vpcId, t.vpcId])];
  const sides = vpcIds.map((vpcId) => ({ vpcId, region }));
  const [vpcs, tables, groups, networkAcls, peerings] = await Promise.all([
    ec2.send(new DescribeVpcsCommand({ VpcIds: vpcIds })),
    describeRouteTables(ec2For, sides),
    describeGroups(ec2For, sides),
    describeNetworkAcls(ec2For, sides),
    peeringStatusRaw(),
  ]);
  const connects = (p: VpcPeeringConnection) =>
    [p.RequesterVpcInfo?.VpcId, p.AccepterVpcInfo?.VpcId].includes(source.vpcId) &&
    [p.RequesterVpcInfo?.VpcId, p.AccepterVpcInfo?.VpcId].includes(t.vpcId);
  // The peering between them (the active one if several): its requester side is tutorial step 22.
  const between = peerings.find((p) => connects(p) && p.Status?.Code === 'active') ?? peerings.find(connects);
  const diagnosis = diagnosePath({
    source,
    target: t,
    vpcs: Object.fromEntries(
      (vpcs.Vpcs ?? []).map((v) => [
        v.VpcId as string,
        {
          ...(tagsToRecord(v.Tags).Name ? { name: printable(tagsToRecord(v.Tags).Name as string) } : {}),
          cidrs: (v.CidrBlockAssociationSet ?? []).map((c) => c.CidrBlock).filter((c): c is string => !!c),
        },
      ]),
    ),
    peerings: peerings.map(peeringFacts),
    routeTables: tables,
    securityGroups: groups,
    networkAcls,
    prefixLists: await describePrefixLists(ec2For, region, prefixListIdsIn(tables, groups)),
    ...(between?.RequesterVpcInfo?.VpcId ? { requesterVpcId: between.RequesterVpcInfo.VpcId } : {}),
  });
  return { diagnosis, source, target: t };
}

async function peeringStatusRaw(): Promise<VpcPeeringConnection[]> {
  const out: VpcPeeringConnection[] = [];
  for await (const page of paginateDescribeVpcPeeringConnections({ client: ec2For(homeRegion()) }, {})) {
    out.push(...(page.VpcPeeringConnections ?? []));
  }
  return out;
}
