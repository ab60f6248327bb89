/**
 * The starter: every trigger (CloudTrail event or the scheduled sweep) becomes at most one
 * workflow execution per peering and debounce window. Execution names are deterministic, so a
 * duplicate delivery or a burst collides on ExecutionAlreadyExists and is dropped.
 */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import pLimit from 'p-limit';
import { type Ec2For, isAwsError, type Place } from '../commons/aws-clients.js';
import { TAGS } from '../commons/contracts.js';
import { describePeerings } from '../commons/ec2-peerings.js';
import { describeRouteTablesById } from '../commons/ec2-route-tables.js';
import { describeGroupsById } from '../commons/ec2-security-groups.js';
import { actsAt } from '../network/decision.js';
import { isOurRule } from '../network/model.js';
import { type Affected, executionName, windowStart } from './events.js';
import { type SweepDeps, type SweepReport, sweep } from './sweep.js';

export interface StarterDeps {
  readonly ec2For: Ec2For;
  /** The hub's account and home region: events without an account or region are looked up here. */
  readonly home: Place;
  /** Every (account, region) the sweep looks at: the hub and each member, in each configured region. */
  readonly places: readonly Place[];
  /** Whether the autopilot acts in an account (hub or member); events from others are ignored. */
  readonly actsIn: (ownerId: string) => boolean;
  /** What the sweep judges peerings by (the workflow's own settings). */
  readonly judge: Pick<
    SweepDeps,
    'members' | 'regions' | 'policy' | 'outsideAccounts' | 'quotas' | 'reverifySeconds' | 'dnsResolution'
  >;
  /** How many places the sweep reads at once, and how long one may take (defaults in sweep.ts). */
  readonly concurrency?: number;
  readonly placeDeadlineMs?: number;
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  /** Debounce window for drift events, seconds. */
  readonly windowSeconds: number;
  /** The sweep's rate, seconds: one sweep execution per peering per period. */
  readonly sweepSeconds: number;
  readonly now: () => Date;
  readonly log: (message: string, extra?: Record<string, unknown>) => void;
}

export interface StarterResult {
  readonly started: string[];
  readonly duplicates: string[];
  readonly ignored?: string;
  /** For a sweep: what the one pass looked at and found. */
  readonly sweep?: Omit<SweepReport, 'findings'>;
}

/** An event's account and region could not be read (its member role, its region, its endpoint). */
export class PlaceUnreachableError extends Error {
  override name = 'PlaceUnreachableError';
}

/** Peerings worth a run: anything that is or may become active, and deleted ones (cleanup). */
const LIVE = ['pending-acceptance', 'provisioning', 'active'];

/** Resolves route tables and security groups to their VPCs (and drops groups we do not manage). */
async function resolveVpcs(affected: Affected, place: Place, deps: StarterDeps): Promise<string[]> {
  const { ec2For } = deps;
  const gone = (id: string) =>
    deps.log('ignored: the event names a resource that no longer exists', { resourceId: id });
  const vpcIds = new Set(affected.vpcIds);
  for (const t of await describeRouteTablesById(ec2For, place, affected.routeTableIds, gone))
    vpcIds.add(t.vpcId);
  for (const g of await describeGroupsById(ec2For, place, affected.groupIds, gone)) {
    const optedIn = g.tags[TAGS.ingress] !== undefined;
    const ours = g.ingress.some((r) => isOurRule(r.description));
    // A tag event on a group is about opting in or out: always look. A rule event on a group we
    // never managed is someone else's business.
    if (optedIn || ours || affected.eventName === 'CreateTags' || affected.eventName === 'DeleteTags') {
      vpcIds.add(g.vpcId);
    } else {
      deps.log('ignored: security group is not opted in and holds no rule of ours', { groupId: g.groupId });
    }
  }
  return [...vpcIds];
}

interface Run {
  readonly peeringConnectionId: string;
  readonly name: string;
  readonly input: Record<string, unknown>;
}

/** Decides the executions a trigger needs. */
export async function plannedRuns(
  affected: Affected,
  deps: StarterDeps,
  report?: SweepReport,
): Promise<Run[]> {
  const now = deps.now();
  const eventTime = affected.time ?? now.toISOString();
  const eventPlace = {
    ownerId: affected.account ?? deps.home.ownerId,
    region: affected.region ?? deps.home.region,
  };
  if (!deps.actsIn(eventPlace.ownerId)) {
    deps.log('ignored: the event comes from an account that is neither the hub nor a member', {
      account: eventPlace.ownerId,
    });
    return [];
  }
  const bounds = { hub: deps.home.ownerId, members: deps.judge.members, regions: deps.judge.regions };
  if (!actsAt(bounds, eventPlace)) {
    deps.log('ignored: the event comes from a member region outside the configured regions', {
      account: eventPlace.ownerId,
      region: eventPlace.region,
      regions: deps.judge.regions,
    });
    return [];
  }
  const runs: Run[] = [];
  const targets = report
    ? report.findings.map((f) => ({
        place: f.place,
        peerings: [{ id: f.peeringConnectionId, status: f.status }],
      }))
    : await peeringsToRun(affected, eventPlace, deps).catch((error: unknown) => {
        // This event fails alone (EventBridge retries it, then the DLQ keeps it); the message names
        // the place, since an unreachable member is the usual cause.
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new PlaceUnreachableError(
          `${affected.eventName ?? affected.trigger} event: could not read account ${eventPlace.ownerId} in ${eventPlace.region}: ${why}`,
        );
      });
  for (const { place, peerings } of targets) {
    for (const p of peerings) runs.push(runFor(p.id, place, p.status));
  }
  return runs;

  function runFor(pcx: string, place: Place, status?: string): Run {
    // A run starts where its trigger saw the peering; the hub's own view needs no hint.
    const where = {
      ...(place.ownerId !== deps.home.ownerId ? { account: place.ownerId } : {}),
      ...(place.region !== deps.home.region ? { region: place.region } : {}),
    };
    const run = runForName(pcx, status);
    return { ...run, input: { ...run.input, ...where } };
  }

  function runForName(pcx: string, status?: string): Run {
    if (affected.trigger === 'sweep') {
      // One name per peering and sweep window: a cleanup that failed is retried by the next sweep.
      const window = windowStart(now.toISOString(), deps.sweepSeconds);
      return {
        peeringConnectionId: pcx,
        name: executionName(pcx, 'sweep', window),
        input: { peeringConnectionId: pcx, dryRun: false, trigger: { kind: 'sweep' } },
      };
    }
    if (affected.deletion || status === 'deleted') {
      return {
        peeringConnectionId: pcx,
        name: executionName(pcx, 'delete'),
        input: {
          peeringConnectionId: pcx,
          dryRun: false,
          trigger: { kind: 'delete', ...(affected.eventName ? { event: affected.eventName } : {}) },
        },
      };
    }
    const window = windowStart(eventTime, deps.windowSeconds);
    const settleUntil = new Date((window + deps.windowSeconds) * 1000).toISOString();
    return {
      peeringConnectionId: pcx,
      name: executionName(pcx, 'event', window),
      input: {
        peeringConnectionId: pcx,
        dryRun: false,
        trigger: { kind: 'event', event: affected.eventName, settleUntil },
      },
    };
  }
}

/** The peerings an event is about, with the place they were seen: the event's own account and region. */
async function peeringsToRun(
  affected: Affected,
  eventPlace: Place,
  deps: StarterDeps,
): Promise<Array<{ place: Place; peerings: Array<{ id: string; status?: string }> }>> {
  if (
    affected.peeringIds.length > 0 &&
    affected.vpcIds.length + affected.routeTableIds.length + affected.groupIds.length === 0
  ) {
    return [{ place: eventPlace, peerings: affected.peeringIds.map((id) => ({ id })) }];
  }
  const vpcIds = affected.all ? [] : await resolveVpcs(affected, eventPlace, deps);
  if (!affected.all && vpcIds.length === 0 && affected.peeringIds.length === 0) return [];
  const peerings = (await describePeerings(deps.ec2For, eventPlace)).filter((p) => {
    if (affected.peeringIds.includes(p.id)) return true;
    if (affected.all) return LIVE.includes(p.status);
    return LIVE.includes(p.status) && [p.requesterVpcId, p.accepterVpcId].some((v) => vpcIds.includes(v));
  });
  return [{ place: eventPlace, peerings }];
}

/** Starts the executions; ExecutionAlreadyExists means a duplicate or a debounced burst. */
export async function startRuns(affected: Affected, deps: StarterDeps): Promise<StarterResult> {
  if (affected.ignored) {
    deps.log(`ignored: ${affected.ignored}`, { eventName: affected.eventName });
    return { started: [], duplicates: [], ignored: affected.ignored };
  }
  const report =
    affected.trigger === 'sweep'
      ? await sweep({
          ...deps.judge,
          ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
          ...(deps.placeDeadlineMs ? { placeDeadlineMs: deps.placeDeadlineMs } : {}),
          ec2For: deps.ec2For,
          places: deps.places,
          accountId: deps.home.ownerId,
          now: deps.now,
        })
      : undefined;
  const summary = report
    ? {
        sweep: {
          checked: report.checked,
          drifted: report.drifted,
          calls: report.calls,
          items: report.items,
          places: report.places,
          failedPlaces: report.failedPlaces,
          unjudged: report.unjudged,
        },
      }
    : {};
  // One line per place that could not be read, naming it: every other place still gets its runs.
  for (const f of report?.failedPlaces ?? []) {
    deps.log(`sweep: could not read account ${f.place.ownerId} in ${f.place.region}: ${f.error}`, {
      account: f.place.ownerId,
      region: f.place.region,
      error: f.error,
    });
  }
  if (report) deps.log('sweep', { ...summary.sweep, findings: report.findings });
  const runs = await plannedRuns(affected, deps, report);
  if (runs.length === 0) {
    const why = report
      ? `sweep: ${report.checked} peering(s) checked, none needs a run`
      : `${affected.eventName ?? affected.trigger} touches no peering this account manages`;
    deps.log(`ignored: ${why}`);
    return { started: [], duplicates: [], ignored: why, ...summary };
  }
  const started: string[] = [];
  const duplicates: string[] = [];
  const limit = pLimit(5);
  await Promise.all(
    runs.map((run) =>
      limit(async () => {
        const asked = deps.now().getTime();
        try {
          const out = await deps.sfn.send(
            new StartExecutionCommand({
              stateMachineArn: deps.stateMachineArn,
              name: run.name,
              input: JSON.stringify(run.input),
            }),
          );
          // Same name and input while the first still runs: AWS hands back the existing execution.
          const existing = out.startDate !== undefined && out.startDate.getTime() < asked - 1000;
          (existing ? duplicates : started).push(run.name);
        } catch (error) {
          if (!isAwsError(error, 'ExecutionAlreadyExists')) throw error;
          duplicates.push(run.name);
        }
      }),
    ),
  );
  deps.log('started workflow runs', { started, duplicates });
  return { started, duplicates, ...summary };
}
