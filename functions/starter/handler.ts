import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { CLIENT_TIMEOUTS } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { InputValidationError } from '../commons/errors.js';
import { stepHandler } from '../commons/handler.js';
import { logger } from '../commons/powertools/logger.js';
import { metrics } from '../commons/powertools/metrics.js';
import { parseOrThrow } from '../commons/validation.js';
import { envInt } from '../commons/zod.js';
import { actsIn } from '../network/decision.js';
import { type Affected, normaliseEvent } from './events.js';
import { startRuns } from './starter.js';

const env = parseOrThrow(
  z.object({
    STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
    DEBOUNCE_SECONDS: envInt(1, 3600, 3),
    SWEEP_SECONDS: envInt(60, 31 * 24 * 3600, 900),
    /** A configured peering is pinged again by the sweep once its last check is this old. */
    REVERIFY_SECONDS: envInt(300, 31 * 24 * 3600, 24 * 3600),
  }),
  process.env,
  'starter settings (environment)',
);
const sfn = new SFNClient({ ...CLIENT_TIMEOUTS });

/** The event's affected peerings, or why it is dropped: a malformed event never gets better. */
function parse(event: unknown): { affected: Affected } | { malformed: string } {
  try {
    return { affected: normaliseEvent(event) };
  } catch (error) {
    if (!(error instanceof InputValidationError)) throw error;
    return { malformed: error.message };
  }
}

export const handler = stepHandler({
  parse,
  session: () => 'starter',
  run: async (event, step) => {
    // Dropped, not thrown: a throw would make EventBridge and Lambda retry it into the DLQ for nothing.
    if ('malformed' in event) {
      logger.warn('dropped a malformed event', { reason: event.malformed });
      step.count(METRIC.malformedEvents, 1);
      return { started: [], duplicates: [], ignored: `malformed event: ${event.malformed}` };
    }
    const { accounts, settings, home } = step;
    const result = await startRuns(event.affected, {
      ec2For: step.ec2For,
      home,
      // Every (account, region) the autopilot acts in: the hub and each member, in each configured region.
      places: [accounts.hub, ...accounts.members].flatMap((ownerId) =>
        (accounts.regions ?? [home.region]).map((region) => ({ ownerId, region })),
      ),
      actsIn: (ownerId) => actsIn(accounts, ownerId),
      judge: {
        members: accounts.members,
        ...(accounts.regions ? { regions: accounts.regions } : {}),
        policy: settings.acceptPolicy,
        outsideAccounts: settings.outsideAccounts,
        quotas: settings.quotas,
        reverifySeconds: env.REVERIFY_SECONDS,
        dnsResolution: settings.dnsResolution,
      },
      sfn,
      stateMachineArn: env.STATE_MACHINE_ARN,
      windowSeconds: env.DEBOUNCE_SECONDS,
      sweepSeconds: env.SWEEP_SECONDS,
      now: () => new Date(),
      log: step.log,
    });
    step.count(METRIC.executionsStarted, result.started.length);
    step.count(METRIC.duplicatesDropped, result.duplicates.length);
    if (result.sweep) {
      step.count(METRIC.sweepPeeringsChecked, result.sweep.checked);
      step.count(METRIC.sweepPeeringsDrifted, result.sweep.drifted);
      step.count(METRIC.sweepExecutionsStarted, result.started.length);
      step.count(METRIC.sweepApiCalls, result.sweep.calls);
      // Every sweep says how many places failed (0 too): the alarm fires when a place keeps failing.
      step.count(METRIC.sweepPlacesFailed, result.sweep.failedPlaces.length);
      // And which: a series per failing place, published only while it fails (a healthy estate of
      // 400 places costs no per-place metric).
      for (const { place } of result.sweep.failedPlaces) {
        const single = metrics.singleMetric();
        single.addDimensions({ account: place.ownerId, region: place.region });
        single.addMetric(METRIC.sweepPlaceFailures, MetricUnit.Count, 1);
      }
    }
    return result;
  },
});
