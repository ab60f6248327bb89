/**
 * Verify: prove the connection with a real ping over SSM Run Command, and explain every failure
 * with the static path diagnosis. The diagnosis also gives the verdict where no ping can (moto has
 * no data plane): both are reported, each labelled as what it is.
 */
import pLimit from 'p-limit';
import type { Ec2For, Place } from '../commons/aws-clients.js';
import { TAGS } from '../commons/contracts.js';
import { vpcIdsByPlace } from '../commons/ec2-describe.js';
import { describeInstances } from '../commons/ec2-instances.js';
import { describeNetworkAcls } from '../commons/ec2-network-acls.js';
import { describePeerings } from '../commons/ec2-peerings.js';
import { describePrefixLists, prefixListIdsIn } from '../commons/ec2-prefix-lists.js';
import type { Inspection, NetworkFacts } from '../commons/schemas.js';
import { diagnosePath } from '../network/diagnose.js';
import { tagValue } from '../network/model.js';
import type { PathVerdict, PeeringFacts } from '../network/path-model.js';
import type { Probe } from '../network/ping.js';
import { probeText, verdictText, whoMustAct } from '../network/probe-text.js';
import { effectiveRouteTable, longestPrefixMatch } from '../network/route-priority.js';
import { type ProbeDeps, type ProbeInstance, type ProbeStatus, runProbe } from './probes.js';

export interface Verification {
  readonly status: ProbeStatus;
  readonly reason: string;
  readonly probes: Probe[];
  readonly diagnosis: PathVerdict[];
  /** A failed probe whose diagnosis points at something the autopilot owns (route, opted-in rule). */
  readonly repairable: boolean;
  /** A message for people (SNS): which peering, which probe, the figures, the diagnosis. */
  readonly message: string;
}

export interface VerifyDeps extends ProbeDeps {
  readonly ec2For: Ec2For;
}

async function describeProbeInstances(ec2For: Ec2For, inspection: Inspection): Promise<ProbeInstance[]> {
  const out: ProbeInstance[] = [];
  for (const [place, vpcIds] of vpcIdsByPlace([inspection.requester, inspection.accepter])) {
    for (const i of await describeInstances(ec2For, place, { vpcIds, tagKey: TAGS.probe })) {
      const role = tagValue(i.tags, TAGS.probe);
      out.push({ ...i, ...place, ...(role ? { role } : {}) });
    }
  }
  return out;
}

/**
 * Peerings the probe paths' routes point at, besides ours: needed to explain a transitive or stale
 * route. Only the routes a probe's packets would take are looked at, so a healthy path costs no call.
 */
async function referencedPeerings(
  ec2For: Ec2For,
  place: Place,
  ids: readonly string[],
  ours: PeeringFacts,
): Promise<PeeringFacts[]> {
  // A referenced peering that no longer exists is left out: the diagnosis calls it deleted or unknown.
  return [ours, ...(await describePeerings(ec2For, place, ids))];
}

/** The peering ids of the routes each probe's request and reply would take (other than ours). */
function peeringsOnPaths(
  pairs: ReadonlyArray<{ source: ProbeInstance; target: ProbeInstance }>,
  facts: NetworkFacts,
  prefixLists: Readonly<Record<string, readonly string[]>>,
  ours: string,
): string[] {
  const ids = new Set<string>();
  for (const { source, target } of pairs) {
    for (const [from, to] of [
      [source, target],
      [target, source],
    ] as const) {
      const table = effectiveRouteTable(facts.routeTables, from.vpcId, from.subnetId);
      if (!table) continue;
      const route = longestPrefixMatch(table.routes, to.privateIp, table.prefixListRoutes, prefixLists);
      if (route?.peeringConnectionId && route.peeringConnectionId !== ours)
        ids.add(route.peeringConnectionId);
    }
  }
  return [...ids];
}

const overall = (all: Probe[]): ProbeStatus => {
  const probes = all.filter((p) => p.status !== 'skipped');
  if (probes.length === 0) return 'skipped';
  if (probes.some((p) => p.status === 'failed')) return 'failed';
  if (probes.every((p) => p.status === 'passed')) return 'passed';
  return 'inconclusive';
};

export async function run(
  { inspection, facts }: { inspection: Inspection; facts: NetworkFacts },
  deps: VerifyDeps,
): Promise<Verification> {
  // Prefix lists and other peerings the paths name are looked up as the requester's owner.
  const place = inspection.requester;
  const pcx = inspection.peeringConnectionId;
  const skip = (reason: string): Verification => ({
    status: 'skipped',
    reason,
    probes: [],
    diagnosis: [],
    repairable: false,
    message: `Peering ${pcx}: verification skipped (${reason}).`,
  });
  if (inspection.dryRun) return skip('dry run: no command is sent');
  const outside = [inspection.requester, inspection.accepter].find((s) => s.outside);
  if (outside) {
    return skip(
      `the peer VPC ${outside.vpcId} belongs to account ${outside.ownerId}, outside the hub and members: no probe is sent there (its owner pings from their side)`,
    );
  }

  const instances = await describeProbeInstances(deps.ec2For, inspection);
  const targets = instances.filter((i) => i.role === 'target');
  if (targets.length === 0) return skip(`no instance tagged ${TAGS.probe}=target in either VPC`);

  const peerOf = (vpcId: string) =>
    vpcId === inspection.requester.vpcId ? inspection.accepter : inspection.requester;
  // SSM runs only on instances tagged as probes (and IAM allows nothing else): never a guess.
  const sourceFor = (target: ProbeInstance): ProbeInstance | undefined =>
    instances.find(
      (i) => i.vpcId === peerOf(target.vpcId).vpcId && i.state === 'running' && i.role === 'source',
    );

  const pairs: Array<{ source?: ProbeInstance; target: ProbeInstance }> = [];
  for (const target of targets) {
    const source = sourceFor(target);
    pairs.push(source ? { source, target } : { target });
  }

  const limit = pLimit(4);
  const probes = await Promise.all(
    pairs.map(({ source, target }) =>
      limit(async (): Promise<Probe> => {
        const base = {
          target: target.instanceId,
          ...(target.name ? { targetName: target.name } : {}),
          targetIp: target.privateIp,
        };
        if (target.state !== 'running') {
          return {
            ...base,
            status: 'failed',
            reason: `target ${target.name ?? target.instanceId} is ${target.state}`,
          };
        }
        if (!source) {
          const peer = peerOf(target.vpcId);
          return {
            ...base,
            status: 'skipped',
            reason: `no running instance tagged ${TAGS.probe}=source in ${peer.name ?? peer.vpcId}: add that tag to one (with the SSM agent) to ping ${target.name ?? target.instanceId}`,
          };
        }
        return runProbe(source, target, deps);
      }),
    ),
  );

  // Static diagnosis for every pair that has a source (and, for a stopped target, its instance state).
  const ours: PeeringFacts = {
    id: pcx,
    status: 'active',
    requesterVpcId: inspection.requester.vpcId,
    accepterVpcId: inspection.accepter.vpcId,
    ...(inspection.requester.region !== inspection.accepter.region ? { crossRegion: true } : {}),
  };
  const prefixListIds = prefixListIdsIn(facts.routeTables, facts.securityGroups);
  const withSource = pairs.filter((p): p is { source: ProbeInstance; target: ProbeInstance } => !!p.source);
  const [nacls, { peerings, prefixLists }] = await Promise.all([
    describeNetworkAcls(deps.ec2For, [inspection.requester, inspection.accepter]),
    (async () => {
      const lists =
        prefixListIds.length > 0 ? await describePrefixLists(deps.ec2For, place, prefixListIds) : {};
      const ids = peeringsOnPaths(withSource, facts, lists, pcx);
      return { peerings: await referencedPeerings(deps.ec2For, place, ids, ours), prefixLists: lists };
    })(),
  ]);
  const vpcs = Object.fromEntries(
    [inspection.requester, inspection.accepter].map((s) => [
      s.vpcId,
      { ...(s.name ? { name: s.name } : {}), cidrs: s.cidrs },
    ]),
  );
  const diagnosis: PathVerdict[] = withSource.map(({ source, target }) => {
    const d = diagnosePath({
      source,
      target,
      vpcs,
      peerings,
      routeTables: facts.routeTables,
      securityGroups: facts.securityGroups,
      networkAcls: nacls,
      prefixLists,
      requesterVpcId: inspection.requester.vpcId,
    });
    return {
      source: source.name ?? source.instanceId,
      target: target.name ?? target.instanceId,
      reachable: d.reachable,
      ...(d.missing ? { missing: d.missing } : {}),
      repairable: d.findings.some((f) => !f.ok && f.repairable === true),
      findings: d.findings,
    };
  });

  const status = overall(probes);
  const repairable = status === 'failed' && diagnosis.some((d) => d.repairable);
  const reason =
    status === 'inconclusive' && diagnosis.length > 0 && diagnosis.every((d) => d.reachable)
      ? 'no ping result (no data plane, or no usable source); static diagnosis finds the path complete'
      : (probes.find((p) => p.status !== 'passed')?.reason ?? 'every probe passed');
  return {
    status,
    reason,
    probes,
    diagnosis,
    repairable,
    message: messageFor(inspection, status, probes, diagnosis),
  };
}

/** The SNS text: written for a person on call. */
export function messageFor(
  inspection: Inspection,
  status: ProbeStatus,
  probes: Probe[],
  diagnosis: PathVerdict[],
): string {
  const label = (s: Inspection['requester']) => `${s.name ?? s.vpcId} (${s.cidrs.join(', ')})`;
  const lines = [
    `Peering Autopilot: verification ${status.toUpperCase()} for ${inspection.peeringConnectionId}`,
    `${label(inspection.requester)} <> ${label(inspection.accepter)}`,
    '',
    ...probes.map((p) => `- ${probeText(p)}`),
    ...diagnosis.flatMap((d) => {
      const who = whoMustAct(d);
      return [`- ${verdictText(d)}`, ...(who ? [`  Who must act: ${who}.`] : [])];
    }),
  ];
  return lines.join('\n');
}
