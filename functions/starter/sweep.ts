/**
 * The sweep: one pass per (account, region) — a handful of paginated describe calls — then the same
 * pure planner the workflow uses, in memory, for every peering. Only peerings with a reason get an
 * execution (drift, a pending request, a status other than `configured`, leftovers of a dead
 * peering, a verification older than the re-verification period); a healthy estate costs none.
 */

import type { VpcPeeringConnection } from '@aws-sdk/client-ec2';
import pLimit from 'p-limit';
import { type Ec2For, type Place, placeKey } from '../commons/aws-clients.js';
import { sideFromPeering } from '../commons/ec2-peerings.js';
import { describePlace, type PlaceFacts } from '../commons/ec2-place.js';
import { sideFromVpc } from '../commons/ec2-vpcs.js';
import {
  type AcceptPolicy,
  actsIn,
  decideFor,
  describable,
  type OutsideAccounts,
} from '../network/decision.js';
import type { Quotas } from '../network/model.js';
import { type DnsResolutionMode, tagsToRecord } from '../network/model.js';
import { type SweepReason, sweepVerdict } from '../network/peering-plan.js';

export interface SweepDeps {
  readonly ec2For: Ec2For;
  /** Every (account, region) to look at: the hub and each member, in each configured region. */
  readonly places: readonly Place[];
  readonly accountId: string;
  readonly members: readonly string[];
  /** The regions members are acted on in (a member's side elsewhere is refused). */
  readonly regions?: readonly string[];
  readonly policy: AcceptPolicy;
  /** @default 'refuse' */
  readonly outsideAccounts?: OutsideAccounts;
  readonly quotas: Quotas;
  readonly reverifySeconds: number;
  readonly dnsResolution: DnsResolutionMode;
  readonly now: () => Date;
  /** Places read at once (each place is its own account and region, so its own EC2 bucket). @default 8 */
  readonly concurrency?: number;
  /** A place that has not answered in this long is reported failed; the sweep goes on. @default 60 s */
  readonly placeDeadlineMs?: number;
}

/** A place the sweep could not read (role not assumable, region not enabled, throttled out, slow). */
export interface PlaceFailure {
  readonly place: Place;
  readonly error: string;
}

export interface SweepFinding {
  readonly peeringConnectionId: string;
  /** Where the peering was seen (the run starts looking there). */
  readonly place: Place;
  readonly status: string;
  readonly reason: SweepReason;
  readonly detail: string;
}

export interface SweepReport {
  readonly findings: SweepFinding[];
  /** Peerings looked at (each once, however many views list it). */
  readonly checked: number;
  /** Peerings whose routes or rules differ from their plan. */
  readonly drifted: number;
  /** Describe calls (pages) the pass made. */
  readonly calls: number;
  /** Places read, and those that failed: every other place is judged and run all the same. */
  readonly places: number;
  readonly failedPlaces: PlaceFailure[];
  /** Peerings that could not be judged (described without an owner, say): logged, the rest go on. */
  readonly unjudged: Array<{ readonly peeringConnectionId: string; readonly error: string }>;
  /** What the pages held, all places together (what AWS pages by). */
  readonly items: {
    readonly peerings: number;
    readonly vpcs: number;
    readonly routeTables: number;
    readonly securityGroups: number;
  };
}

/** Default places read at once, and the time one place may take before it is reported failed. */
export const SWEEP_CONCURRENCY = 8;
export const PLACE_DEADLINE_MS = 60_000;

/**
 * Reads every place, each on its own: a place that throws or does not answer within the deadline is
 * a failure of that place alone. Places are read a few at a time (each is its own account and
 * region, so its own EC2 describe bucket; inside one place the types are still read one after
 * another), which keeps 400 places far inside Lambda's limits (BENCHMARKS.md).
 */
async function readPlaces(deps: SweepDeps): Promise<{ views: PlaceFacts[]; failed: PlaceFailure[] }> {
  const limit = pLimit(deps.concurrency ?? SWEEP_CONCURRENCY);
  const deadline = deps.placeDeadlineMs ?? PLACE_DEADLINE_MS;
  const outcomes = await Promise.all(
    deps.places.map((place) =>
      limit(async (): Promise<PlaceFacts | PlaceFailure> => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${deadline / 1000} s`)), deadline);
        });
        try {
          return await Promise.race([describePlace(deps.ec2For, place), late]);
        } catch (error) {
          const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          return { place, error: why };
        } finally {
          clearTimeout(timer);
        }
      }),
    ),
  );
  return {
    views: outcomes.filter((o): o is PlaceFacts => 'peerings' in o),
    failed: outcomes.filter((o): o is PlaceFailure => 'error' in o),
  };
}

export async function sweep(deps: SweepDeps): Promise<SweepReport> {
  const { views, failed } = await readPlaces(deps);
  const facts = {
    routeTables: views.flatMap((v) => v.routeTables),
    securityGroups: views.flatMap((v) => v.securityGroups),
  };
  const vpcOf = (side: Place & { vpcId: string }) =>
    views.find((v) => placeKey(v.place) === placeKey(side))?.vpcs.get(side.vpcId);
  const bounds = { hub: deps.accountId, members: deps.members };
  const settings = {
    accountId: deps.accountId,
    members: deps.members,
    ...(deps.regions ? { regions: deps.regions } : {}),
    policy: deps.policy,
    ...(deps.outsideAccounts ? { outsideAccounts: deps.outsideAccounts } : {}),
  };

  const seen = new Set<string>();
  const findings: SweepFinding[] = [];
  const unjudged: Array<{ peeringConnectionId: string; error: string }> = [];
  let drifted = 0;
  const now = deps.now();
  for (const view of views) {
    for (const p of view.peerings) {
      const id = p.VpcPeeringConnectionId;
      if (!id || seen.has(id)) continue;
      seen.add(id);
      const status = p.Status?.Code ?? 'unknown';
      let verdict: ReturnType<typeof sweepVerdict>;
      try {
        verdict = judge(p, status, view.place);
      } catch (error) {
        // One peering AWS describes oddly is reported, never the end of everyone else's sweep.
        const why = error instanceof Error ? error.message : String(error);
        unjudged.push({ peeringConnectionId: id, error: why });
        continue;
      }
      if (!verdict.run) continue;
      if (verdict.reason === 'drift') drifted += 1;
      findings.push({
        peeringConnectionId: id,
        place: view.place,
        status,
        reason: verdict.reason,
        detail: verdict.detail,
      });
    }
  }

  function judge(p: VpcPeeringConnection, status: string, place: Place) {
    const id = p.VpcPeeringConnectionId as string;
    let requester = sideFromPeering(p.RequesterVpcInfo, 'requester', place.region);
    let accepter = sideFromPeering(p.AccepterVpcInfo, 'accepter', place.region);
    const rv = vpcOf(requester);
    const av = vpcOf(accepter);
    const described = describable(settings, status, requester, accepter) && !!rv && !!av;
    if (described && rv && av)
      [requester, accepter] = [sideFromVpc(rv, requester), sideFromVpc(av, accepter)];
    const decision = decideFor(settings, status, requester, accepter);
    return sweepVerdict({
      peeringConnectionId: id,
      status,
      tags: tagsToRecord(p.Tags),
      requester,
      accepter,
      described,
      recordable: actsIn(bounds, requester.ownerId) && actsIn(bounds, accepter.ownerId),
      decision,
      facts,
      now,
      reverifySeconds: deps.reverifySeconds,
      quotas: deps.quotas,
      dnsResolution: deps.dnsResolution,
    });
  }
  const sum = (f: (v: PlaceFacts) => number) => views.reduce((n, v) => n + f(v), 0);
  return {
    findings,
    checked: seen.size,
    drifted,
    calls: sum((v) => v.calls),
    places: deps.places.length,
    failedPlaces: failed,
    unjudged,
    items: {
      peerings: sum((v) => v.peerings.length),
      vpcs: sum((v) => v.vpcs.size),
      routeTables: sum((v) => v.routeTables.length),
      securityGroups: sum((v) => v.securityGroups.length),
    },
  };
}
