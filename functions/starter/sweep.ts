/**
 * The sweep: one pass per (account, region) — a handful of paginated describe calls — then the same
 * pure planner the workflow uses, in memory, for every peering. Only peerings with a reason get an
 * execution (drift, a pending request, a status other than `configured`, leftovers of a dead
 * peering, a verification older than the re-verification period); a healthy estate costs none.
 */
import { type Ec2For, type Place, placeKey } from '../commons/aws-clients.js';
import { sideFromPeering, sideFromVpc } from '../commons/ec2-facts.js';
import { describePlace, type PlaceFacts } from '../commons/ec2-place.js';
import { type AcceptPolicy, actsIn, decide, TERMINAL_STATUSES } from '../network/decision.js';
import { type DnsResolutionMode, tagsToRecord } from '../network/model.js';
import { type SweepReason, sweepVerdict } from '../network/peering-plan.js';
import type { Quotas } from '../network/plan.js';

export interface SweepDeps {
  readonly ec2For: Ec2For;
  /** Every (account, region) to look at: the hub and each member, in each configured region. */
  readonly places: readonly Place[];
  readonly accountId: string;
  readonly members: readonly string[];
  readonly policy: AcceptPolicy;
  readonly quotas: Quotas;
  readonly reverifySeconds: number;
  readonly dnsResolution: DnsResolutionMode;
  readonly now: () => Date;
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
  /** What the pages held, all places together (what AWS pages by). */
  readonly items: {
    readonly peerings: number;
    readonly vpcs: number;
    readonly routeTables: number;
    readonly securityGroups: number;
  };
}

export async function sweep(deps: SweepDeps): Promise<SweepReport> {
  // One place after the other: the pass stays a trickle against EC2's describe bucket.
  const views: PlaceFacts[] = [];
  for (const place of deps.places) views.push(await describePlace(deps.ec2For, place));
  const facts = {
    routeTables: views.flatMap((v) => v.routeTables),
    securityGroups: views.flatMap((v) => v.securityGroups),
  };
  const vpcOf = (side: Place & { vpcId: string }) =>
    views.find((v) => placeKey(v.place) === placeKey(side))?.vpcs.get(side.vpcId);
  const known = (account: string) => actsIn({ hub: deps.accountId, members: deps.members }, account);

  const seen = new Set<string>();
  const findings: SweepFinding[] = [];
  let drifted = 0;
  const now = deps.now();
  for (const view of views) {
    for (const p of view.peerings) {
      const id = p.VpcPeeringConnectionId;
      if (!id || seen.has(id)) continue;
      seen.add(id);
      const status = p.Status?.Code ?? 'unknown';
      let requester = sideFromPeering(p.RequesterVpcInfo, 'requester', view.place.region);
      let accepter = sideFromPeering(p.AccepterVpcInfo, 'accepter', view.place.region);
      const live = !(TERMINAL_STATUSES as readonly string[]).includes(status);
      const rv = vpcOf(requester);
      const av = vpcOf(accepter);
      const described = live && known(requester.ownerId) && known(accepter.ownerId) && !!rv && !!av;
      if (described && rv && av)
        [requester, accepter] = [sideFromVpc(rv, requester), sideFromVpc(av, accepter)];
      const decision = decide({
        status,
        accountId: deps.accountId,
        members: deps.members,
        requester,
        accepter,
        policy: deps.policy,
      });
      const verdict = sweepVerdict({
        peeringConnectionId: id,
        status,
        tags: tagsToRecord(p.Tags),
        requester,
        accepter,
        described,
        decision,
        facts,
        now,
        reverifySeconds: deps.reverifySeconds,
        quotas: deps.quotas,
        dnsResolution: deps.dnsResolution,
      });
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
  const sum = (f: (v: PlaceFacts) => number) => views.reduce((n, v) => n + f(v), 0);
  return {
    findings,
    checked: seen.size,
    drifted,
    calls: sum((v) => v.calls),
    items: {
      peerings: sum((v) => v.peerings.length),
      vpcs: sum((v) => v.vpcs.size),
      routeTables: sum((v) => v.routeTables.length),
      securityGroups: sum((v) => v.securityGroups.length),
    },
  };
}
