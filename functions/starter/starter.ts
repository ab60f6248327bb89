/**
 * The starter: every trigger (CloudTrail event or the scheduled sweep) becomes at most one
 * workflow execution per peering and debounce window. Execution names are deterministic, so a
 * duplicate delivery or a burst collides on ExecutionAlreadyExists and is dropped.
 */
import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  paginateDescribeVpcPeeringConnections,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import pLimit from 'p-limit';
import { isAwsError } from '../commons/aws-clients.js';
import { CLEANUP_STATUSES } from '../network/decision.js';
import { TAGS, tagsToRecord, tagValue } from '../network/model.js';
import { type Affected, executionName, windowStart } from './events.js';

export interface StarterDeps {
  readonly ec2: EC2Client;
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
}

/** Peerings worth a run: anything that is or may become active, and deleted ones (cleanup). */
const LIVE = ['pending-acceptance', 'provisioning', 'active'];

/**
 * Every peering in the region, paginated. Matching to VPCs happens client-side: a peering can
 * name a VPC as requester or accepter, which one server-side filter cannot express (and moto
 * ignores these filters anyway).
 */
async function allPeerings(ec2: EC2Client): Promise<VpcPeeringConnection[]> {
  const out: VpcPeeringConnection[] = [];
  for await (const page of paginateDescribeVpcPeeringConnections({ client: ec2 }, {})) {
    out.push(...(page.VpcPeeringConnections ?? []));
  }
  return out;
}

/** Recorded outcomes after which a dead peering needs no more runs. */
const SETTLED = ['cleaned-up', 'rejected', 'expired'];

/** A dead peering whose cleanup has not been recorded yet (it failed, or never ran). */
function needsCleanup(p: VpcPeeringConnection): boolean {
  const status = tagValue(tagsToRecord(p.Tags), TAGS.status);
  return CLEANUP_STATUSES.includes(p.Status?.Code ?? '') && !SETTLED.includes(status ?? '');
}

const vpcsOf = (p: VpcPeeringConnection) => [p.RequesterVpcInfo?.VpcId, p.AccepterVpcInfo?.VpcId];

/**
 * Describes the named resources, tolerating ones that no longer exist: a drift event may name a
 * route table or group deleted since (InvalidRouteTableID.NotFound, InvalidGroup.NotFound). The
 * batch call is tried first; on NotFound, each id alone, so the live ones are still handled.
 */
async function describeLive<T>(
  ids: readonly string[],
  describe: (ids: string[]) => Promise<T[]>,
  notFound: readonly string[],
  log: StarterDeps['log'],
): Promise<T[]> {
  if (ids.length === 0) return [];
  try {
    return await describe([...ids]);
  } catch (error) {
    if (!isAwsError(error, ...notFound)) throw error;
  }
  const live: T[] = [];
  for (const id of ids) {
    try {
      live.push(...(await describe([id])));
    } catch (error) {
      if (!isAwsError(error, ...notFound)) throw error;
      log('ignored: the event names a resource that no longer exists', { resourceId: id });
    }
  }
  return live;
}

/** Resolves route tables and security groups to their VPCs (and drops groups we do not manage). */
async function resolveVpcs(affected: Affected, ec2: EC2Client, log: StarterDeps['log']): Promise<string[]> {
  const vpcIds = new Set(affected.vpcIds);
  const tables = await describeLive(
    affected.routeTableIds,
    async (RouteTableIds) =>
      (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds }))).RouteTables ?? [],
    ['InvalidRouteTableID.NotFound', 'InvalidRouteTableId.NotFound'],
    log,
  );
  for (const t of tables) if (t.VpcId) vpcIds.add(t.VpcId);
  const groups = await describeLive(
    affected.groupIds,
    async (GroupIds) =>
      (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds }))).SecurityGroups ?? [],
    ['InvalidGroup.NotFound', 'InvalidGroupId.NotFound', 'InvalidGroupId.Malformed'],
    log,
  );
  for (const g of groups) {
    const optedIn = (g.Tags ?? []).some((t) => t.Key === TAGS.ingress);
    const ours = (g.IpPermissions ?? []).some((p) =>
      [...(p.IpRanges ?? []), ...(p.Ipv6Ranges ?? [])].some((r) =>
        r.Description?.startsWith('peering-autopilot pcx-'),
      ),
    );
    // A tag event on a group is about opting in or out: always look. A rule event on a group we
    // never managed is someone else's business.
    if (optedIn || ours || affected.eventName === 'CreateTags' || affected.eventName === 'DeleteTags') {
      if (g.VpcId) vpcIds.add(g.VpcId);
    } else {
      log('ignored: security group is not opted in and holds no rule of ours', { groupId: g.GroupId });
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
export async function plannedRuns(affected: Affected, deps: StarterDeps): Promise<Run[]> {
  const now = deps.now();
  const eventTime = affected.time ?? now.toISOString();
  const runFor = (pcx: string, status?: string): Run => {
    if (affected.trigger === 'sweep' && status !== undefined && CLEANUP_STATUSES.includes(status)) {
      // A cleanup that failed is retried by every sweep (a new name per window) until it is recorded.
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
    if (affected.trigger === 'sweep') {
      const window = windowStart(now.toISOString(), deps.sweepSeconds);
      return {
        peeringConnectionId: pcx,
        name: executionName(pcx, 'sweep', window),
        input: { peeringConnectionId: pcx, dryRun: false, trigger: { kind: 'sweep' } },
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
  };

  if (
    affected.peeringIds.length > 0 &&
    affected.vpcIds.length + affected.routeTableIds.length + affected.groupIds.length === 0
  ) {
    return affected.peeringIds.map((pcx) => runFor(pcx));
  }
  const vpcIds = affected.all ? [] : await resolveVpcs(affected, deps.ec2, deps.log);
  if (!affected.all && vpcIds.length === 0 && affected.peeringIds.length === 0) return [];
  const peerings = await allPeerings(deps.ec2);
  const chosen = peerings.filter((p) => {
    const status = p.Status?.Code ?? '';
    if (affected.peeringIds.includes(p.VpcPeeringConnectionId ?? '')) return true;
    if (affected.all) return LIVE.includes(status) || (affected.trigger === 'sweep' && needsCleanup(p));
    return LIVE.includes(status) && vpcsOf(p).some((v) => v && vpcIds.includes(v));
  });
  return chosen.map((p) => runFor(p.VpcPeeringConnectionId as string, p.Status?.Code));
}

/** Starts the executions; ExecutionAlreadyExists means a duplicate or a debounced burst. */
export async function startRuns(affected: Affected, deps: StarterDeps): Promise<StarterResult> {
  if (affected.ignored) {
    deps.log(`ignored: ${affected.ignored}`, { eventName: affected.eventName });
    return { started: [], duplicates: [], ignored: affected.ignored };
  }
  const runs = await plannedRuns(affected, deps);
  if (runs.length === 0) {
    const why = `${affected.eventName ?? affected.trigger} touches no peering this account manages`;
    deps.log(`ignored: ${why}`);
    return { started: [], duplicates: [], ignored: why };
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
  return { started, duplicates };
}
