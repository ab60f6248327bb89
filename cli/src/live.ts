/**
 * The CLI's read-only commands against live AWS (a profile, or AWS_ENDPOINT_URL): `status`,
 * `plan` and `doctor`. They reuse the functions' own logic, so what they say is what the
 * workflow would do.
 */

import { ssmApprovalStore } from '../../functions/commons/approval-record.js';
import {
  type Accounts,
  callerAccount,
  ec2Clients,
  homeRegion,
  hubSsmClient,
  type Place,
} from '../../functions/commons/aws-clients.js';
import { TAGS } from '../../functions/commons/contracts.js';
import { describeInstances } from '../../functions/commons/ec2-instances.js';
import { describeNetworkAcls } from '../../functions/commons/ec2-network-acls.js';
import { describePeerings } from '../../functions/commons/ec2-peerings.js';
import { describePrefixLists, prefixListIdsIn } from '../../functions/commons/ec2-prefix-lists.js';
import { describeRouteTables } from '../../functions/commons/ec2-route-tables.js';
import { describeGroups } from '../../functions/commons/ec2-security-groups.js';
import { describeSides } from '../../functions/commons/ec2-vpcs.js';
import type { Changes } from '../../functions/commons/schemas.js';
import { readSettings } from '../../functions/commons/settings.js';
import { run as inspect } from '../../functions/inspect/inspect.js';
import { actsIn } from '../../functions/network/decision.js';
import { diagnosePath } from '../../functions/network/diagnose.js';
import type { Diagnosis, InstanceFacts, PeeringFacts } from '../../functions/network/path-model.js';
import { printable } from '../../functions/network/text.js';
import { run as plan } from '../../functions/plan/plan.js';

/** A clear, one-line error for an operator (exit code 1). */
export class CliError extends Error {
  override name = 'CliError';
}

/** The hub (the caller's account) and the members from PEERING_AUTOPILOT_MEMBER_ACCOUNTS. */
async function cliAccounts(): Promise<Accounts> {
  const settings = readSettings();
  return {
    hub: await callerAccount(),
    partition: 'aws',
    members: settings.members,
    memberRole: settings.memberRole,
  };
}

/** The EC2 clients the CLI reads with: the caller's own credentials, member roles for members. */
export async function cliClients() {
  const accounts = await cliAccounts();
  const region = homeRegion();
  const places: Place[] = [accounts.hub, ...accounts.members].map((ownerId) => ({ ownerId, region }));
  // One role session per command (CloudTrail in the member shows each command on its own).
  return { accounts, ec2For: ec2Clients(accounts, `cli-${Date.now().toString(36)}`), places };
}

/** One command's clients (one member-role session per command). */
export type CliClients = Awaited<ReturnType<typeof cliClients>>;

export interface PeeringStatus {
  readonly peeringConnectionId: string;
  /** The account whose view this row comes from (the hub's, or a member's). */
  readonly account: string;
  readonly name?: string;
  readonly state: string;
  readonly requester: string;
  readonly accepter: string;
  readonly outcome?: string;
  readonly checkedAt?: string;
}

function row(p: PeeringFacts, account: string): PeeringStatus {
  const tags = p.tags ?? {};
  return {
    peeringConnectionId: p.id,
    account,
    ...(tags.Name ? { name: printable(tags.Name) } : {}),
    state: p.status,
    requester: `${p.requesterVpcId} (${p.requesterCidr ?? '?'})`,
    accepter: `${p.accepterVpcId} (${p.accepterCidr ?? '?'})`,
    ...(tags[TAGS.status] ? { outcome: printable(tags[TAGS.status] as string) } : {}),
    ...(tags[TAGS.checkedAt] ? { checkedAt: printable(tags[TAGS.checkedAt] as string) } : {}),
  };
}

/**
 * Peerings with the autopilot's last outcome (status tags): one, or every peering in the region,
 * across the hub and its members (or in one `account`). A peering both owners see is listed once,
 * from the first view (the hub's first); each owner's status tags are its own.
 */
export async function peeringStatus(
  pcx?: string,
  account?: string,
  clients?: CliClients,
): Promise<PeeringStatus[]> {
  const { accounts, ec2For, places } = clients ?? (await cliClients());
  if (account !== undefined && !actsIn(accounts, account)) {
    throw new CliError(
      `--account ${account} is neither this account ${accounts.hub} nor a member (PEERING_AUTOPILOT_MEMBER_ACCOUNTS=${accounts.members.join(',')})`,
    );
  }
  const rows: PeeringStatus[] = [];
  for (const place of places.filter((p) => account === undefined || p.ownerId === account)) {
    for (const p of await describePeerings(ec2For, place, pcx ? [pcx] : undefined)) {
      if (!rows.some((r) => r.peeringConnectionId === p.id)) rows.push(row(p, place.ownerId));
    }
  }
  if (pcx && rows.length === 0) throw new CliError(`peering connection ${pcx} not found in ${homeRegion()}`);
  return rows;
}

/** The workflow's Inspect step from live, read-only calls, found where a run would find the peering. */
export async function liveInspection(
  pcx: string,
  where: { account?: string; region?: string } = {},
  clients?: CliClients,
) {
  // The same settings the deployed functions read (ACCEPT_POLICY, *_QUOTA), defaults otherwise.
  const settings = readSettings();
  const { accounts, ec2For } = clients ?? (await cliClients());
  const inspection = await inspect(
    {
      peeringConnectionId: pcx,
      dryRun: true,
      ...(where.account ? { account: where.account } : {}),
      ...(where.region ? { region: where.region } : {}),
    },
    {
      ec2For,
      accountId: accounts.hub,
      members: accounts.members,
      region: homeRegion(),
      // Found where a run would find it: the hub and every member, in every configured region.
      ...(settings.regions.length > 0 ? { regions: settings.regions } : {}),
      policy: settings.acceptPolicy,
      outsideAccounts: settings.outsideAccounts,
      approvals: ssmApprovalStore(hubSsmClient()),
      freshSeconds: 0,
      now: () => new Date(),
    },
  ).catch((error: Error) => {
    if (error.name === 'PeeringNotFoundError') throw new CliError(error.message);
    throw error;
  });
  return { inspection, settings, ec2For };
}

/** The full plan from live, read-only calls (the workflow's inspect and plan steps, nothing written). */
export async function livePlan(pcx: string, where: { account?: string; region?: string } = {}) {
  const { inspection, settings, ec2For } = await liveInspection(pcx, where);
  // Refused or waiting for a person: a run plans nothing either.
  const changes: Changes | undefined =
    inspection.decision === 'refused' || inspection.decision === 'awaiting-approval'
      ? undefined
      : await plan(inspection, { ec2For, quotas: settings.quotas, dnsResolution: settings.dnsResolution });
  return { inspection, changes };
}

/** One instance, by id or private IP, in the hub or a member, or a clear error naming what was not found. */
async function oneInstance(
  clients: Awaited<ReturnType<typeof cliClients>>,
  idOrIp: string,
): Promise<InstanceFacts & Place> {
  const byId = idOrIp.startsWith('i-');
  const region = homeRegion();
  for (const place of clients.places) {
    const found = await describeInstances(
      clients.ec2For,
      place,
      byId ? { ids: [idOrIp] } : { address: idOrIp },
    ).catch((error: Error) => {
      if (/InvalidInstanceID/.test(error.name)) return [];
      throw error;
    });
    if (found[0]) return { ...found[0], ...place };
  }
  throw new CliError(
    byId ? `instance ${idOrIp} not found in ${region}` : `no instance with private IP ${idOrIp} in ${region}`,
  );
}

/** The static path diagnosis for source -> target, against live state (read-only). */
export async function doctor(
  sourceId: string,
  target: string,
): Promise<{ diagnosis: Diagnosis; source: InstanceFacts; target: InstanceFacts }> {
  const clients = await cliClients();
  const { ec2For } = clients;
  const source = await oneInstance(clients, sourceId);
  const t = await oneInstance(clients, target);
  const sides = [source, t]
    .filter((i, n, all) => all.findIndex((o) => o.vpcId === i.vpcId) === n)
    .map((i) => ({
      vpcId: i.vpcId,
      region: i.region,
      ownerId: i.ownerId,
      cidrs: [],
      ipv6Cidrs: [],
      tags: {},
    }));
  const [described, tables, groups, networkAcls, peerings] = await Promise.all([
    describeSides(ec2For, sides),
    describeRouteTables(ec2For, sides),
    describeGroups(ec2For, sides),
    describeNetworkAcls(ec2For, sides),
    describePeerings(ec2For, source),
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
    prefixLists: await describePrefixLists(ec2For, source, prefixListIdsIn(tables, groups)),
    ...(between ? { requesterVpcId: between.requesterVpcId } : {}),
  });
  return { diagnosis, source, target: t };
}
