/**
 * Report: the last step of every run, successful or not. Writes the peering's status tags
 * (`peering-autopilot:status`, `peering-autopilot:checked-at`, and after a configuring run the
 * record `peering-autopilot:routed`) in each owner's own view, names the outcome for the
 * metrics, and tells a person (SNS) when the ping verification failed. A dry run writes nothing.
 */
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import { approvalNotice } from '../commons/approval-notice.js';
import { type Ec2For, type Place, placeKey } from '../commons/aws-clients.js';
import { type Outcome, TAGS } from '../commons/contracts.js';
import { outcomeOf } from '../commons/outcome.js';
import type { RoutedRecordStore } from '../commons/routed-record.js';
import { PEERING_ID, WorkflowResultSchema } from '../commons/schemas.js';

import { needsTrustedCopy, routedTags } from '../network/routed.js';
import { printable } from '../network/text.js';

export const ReportRequestSchema = z.object({
  result: z.optional(WorkflowResultSchema),
  error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
  /** The execution input, on the failure path (where no validated result exists). */
  input: z.optional(z.unknown()),
  executionId: z.optional(z.string()),
});
export type ReportRequest = z.output<typeof ReportRequestSchema>;

/**
 * What a person must read about this run (SNS), or undefined when nobody needs to act — or was
 * already told: a peering that stays `failed` or `partial` run after run (the sweep re-runs it every
 * period) is announced when it becomes so, not again each time.
 */
export function noticeOf(
  req: ReportRequest,
  outcome: Outcome,
): { subject: string; body: string } | undefined {
  const r = req.result;
  if (r?.recordedStatus === outcome) return undefined;
  const pcx = r?.peeringConnectionId ?? 'unknown peering';
  if (r) {
    const person = approvalNotice(r, outcome);
    if (person) return person;
  }
  if (r?.verification?.status === 'failed') {
    return {
      subject: `${pcx} verification failed`,
      body: r.verification.message ?? `verification failed for ${pcx}`,
    };
  }
  if (outcome === 'partial' && r) {
    const left = [...r.routes, ...r.securityGroupRules].filter(
      (c) => c.action === 'quota-exceeded' || c.action === 'unsupported-cross-region',
    );
    const quota = left.every((c) => c.action === 'quota-exceeded');
    return {
      subject: `${pcx} partially configured (${quota ? 'quota' : 'see the lines left out'})`,
      body: [
        `Peering Autopilot: ${pcx} is configured except where ${quota ? 'a quota leaves no room' : 'AWS allows nothing or a quota leaves no room'}:`,
        ...[...new Set(left.map((c) => c.detail ?? c.action))].map((d) => `- ${d}`),
      ].join('\n'),
    };
  }
  return undefined;
}

/** Changes a non-manual run made to an already-configured peering: drift it healed. */
export function healsOf(req: ReportRequest): number {
  const r = req.result;
  if (!r || r.trigger === 'manual' || r.trigger === undefined || r.decision !== 'already-active') return 0;
  return [...r.routes, ...r.securityGroupRules].filter((c) => c.applied).length;
}

export interface ReportDeps {
  readonly ec2For: Ec2For;
  /** The hub's account and home region (the notice links there; the failure path tags there). */
  readonly home: Place;
  /** Whether the autopilot acts in an account (hub or member). */
  readonly actsIn: (ownerId: string) => boolean;
  /** Whether it acts at a place (a member only in the configured regions); default: wherever actsIn. */
  readonly actsAt?: (place: Place) => boolean;
  readonly sns?: { readonly client: SNSClient; readonly topicArn: string };
  /** The hub's trusted copy of the routed record, written with the tags. */
  readonly record?: RoutedRecordStore;
  readonly now: () => Date;
  readonly warn: (message: string, extra: Record<string, unknown>) => void;
}

/** Where a person finds the execution (console URL when the id is a real ARN). */
export function executionLink(executionId: string | undefined, region: string): string {
  if (!executionId?.startsWith('arn:')) return `execution ${executionId ?? 'unknown'}`;
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionId}`;
}

/**
 * Where the status tags go: each side's owner sees them in its own view (tags on a peering are
 * per account), so one write per distinct (account, region) of the two sides. A peering with an
 * account outside the hub and members gets none, unless it was put to a person: then our own
 * side's view says it waits (or how it was decided); the outside view is never written.
 */
export function tagPlaces(req: ReportRequest, deps: Pick<ReportDeps, 'home' | 'actsIn' | 'actsAt'>): Place[] {
  const actsAt = deps.actsAt ?? ((p: Place) => deps.actsIn(p.ownerId));
  const sides = [req.result?.requester, req.result?.accepter].filter((s) => s !== undefined);
  if (sides.length === 0) {
    // A run that failed before its result: where its input says the peering was seen (the owner's
    // view the trigger came from), not the hub's home region, where it may not even be visible.
    const input = req.input as { account?: unknown; region?: unknown } | undefined;
    const seen = {
      ownerId: typeof input?.account === 'string' ? input.account : deps.home.ownerId,
      region: typeof input?.region === 'string' ? input.region : deps.home.region,
    };
    return actsAt(seen) ? [seen] : [];
  }
  // A peering with an outside account gets tags only when it was (or had been) put to a person, in
  // our sides' views: so an expiry is recorded once, and told once.
  const putToPerson =
    (req.result?.approval?.state ?? 'not-required') !== 'not-required' ||
    req.result?.recordedStatus === 'awaiting-approval';
  if (sides.some((s) => !deps.actsIn(s.ownerId)) && !putToPerson) return [];
  // A member's view outside the configured regions is never written (its side was refused).
  const places = new Map(
    sides.filter((s) => actsAt(s)).map((s) => [placeKey(s), { ownerId: s.ownerId, region: s.region }]),
  );
  return [...places.values()];
}

/** Tags the peering with the outcome and notifies on a failed ping; never fails the run itself. */
export async function run(
  req: ReportRequest,
  deps: ReportDeps,
): Promise<{ outcome: Outcome; tagged: boolean; notified: boolean }> {
  const outcome = outcomeOf(req.result, req.error !== undefined);
  const fromInput = (req.input as { peeringConnectionId?: unknown } | undefined)?.peeringConnectionId;
  const pcx = req.result?.peeringConnectionId ?? (typeof fromInput === 'string' ? fromInput : undefined);
  let tagged = false;
  let notified = false;
  // A dry run, an unchanged healthy re-run and a rejected input write nothing at all.
  const rejected = req.error?.Error === 'InputValidationError';
  const dryRun = req.result?.dryRun ?? (req.input as { dryRun?: unknown } | undefined)?.dryRun === true;
  if (dryRun || req.result?.unchanged || rejected || !pcx || !PEERING_ID.test(pcx)) {
    return { outcome, tagged, notified };
  }
  const places = tagPlaces(req, deps);
  // The record of what our routes reach rides on the same call (a configured run's result only).
  const record = req.result?.routed && req.result.decision !== 'refused' ? routedTags(req.result.routed) : [];
  const tags = [
    { Key: TAGS.status, Value: outcome },
    { Key: TAGS.checkedAt, Value: deps.now().toISOString() },
    ...record,
  ];
  for (const place of places) {
    try {
      await deps.ec2For(place).send(new CreateTagsCommand({ Resources: [pcx], Tags: tags }));
      tagged = true;
    } catch (error) {
      deps.warn('could not write status tags', {
        peeringConnectionId: pcx,
        account: place.ownerId,
        region: place.region,
        error: String(error),
      });
    }
  }
  // The trusted copy of the record, in the hub (the tags above are only its hint; routed-record.ts).
  const sides = [req.result?.requester, req.result?.accepter].filter((x) => x !== undefined);
  if (
    record.length > 0 &&
    places.length > 0 &&
    deps.record &&
    req.result?.routed &&
    needsTrustedCopy(req.result.routed, sides)
  ) {
    try {
      await deps.record.write(pcx, req.result.routed);
    } catch (error) {
      deps.warn('could not write the routed record', { peeringConnectionId: pcx, error: String(error) });
    }
  }
  const notice = noticeOf(req, outcome);
  if (deps.sns && notice) {
    try {
      await deps.sns.client.send(
        new PublishCommand({
          TopicArn: deps.sns.topicArn,
          Subject: printable(`Peering Autopilot: ${notice.subject}`).slice(0, 100),
          Message: `${printable(notice.body, { keepNewlines: true })}\n\nExecution: ${executionLink(req.executionId, deps.home.region)}`,
        }),
      );
      notified = true;
    } catch (error) {
      deps.warn('could not publish the notice', {
        peeringConnectionId: pcx,
        error: String(error),
      });
    }
  }
  return { outcome, tagged, notified };
}
