import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { accountsOf, CLIENT_TIMEOUTS, ec2Clients, homeRegion } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { InputValidationError } from '../commons/errors.js';
import { lambdaHandler } from '../commons/handler.js';
import { logger } from '../commons/powertools/logger.js';
import { metrics } from '../commons/powertools/metrics.js';
import { readSettings } from '../commons/settings.js';
import { parseOrThrow } from '../commons/validation.js';
import { envInt } from '../commons/zod.js';
import { actsIn } from '../network/decision.js';
import { normaliseEvent } from './events.js';
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
const settings = readSettings();
const sfn = new SFNClient({ ...CLIENT_TIMEOUTS });

export const handler = lambdaHandler(async (event, context) => {
  let affected: ReturnType<typeof normaliseEvent>;
  try {
    affected = normaliseEvent(event);
  } catch (error) {
    // A malformed event never gets better: log it, count it, drop it (a throw would make
    // EventBridge and Lambda retry it into the DLQ for nothing).
    if (!(error instanceof InputValidationError)) throw error;
    logger.warn('dropped a malformed event', { reason: error.message });
    metrics.addMetric(METRIC.malformedEvents, MetricUnit.Count, 1);
    return { started: [], duplicates: [], ignored: `malformed event: ${error.message}` };
  }
  const accounts = accountsOf(context.invokedFunctionArn, settings);
  const home = { ownerId: accounts.hub, region: homeRegion() };
  const result = await startRuns(affected, {
    ec2For: ec2Clients(accounts, 'starter'),
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
      quotas: settings.quotas,
      reverifySeconds: env.REVERIFY_SECONDS,
      dnsResolution: settings.dnsResolution,
    },
    sfn,
    stateMachineArn: env.STATE_MACHINE_ARN,
    windowSeconds: env.DEBOUNCE_SECONDS,
    sweepSeconds: env.SWEEP_SECONDS,
    now: () => new Date(),
    log: (message, extra) => logger.info(message, { ...extra }),
  });
  metrics.addMetric(METRIC.executionsStarted, MetricUnit.Count, result.started.length);
  metrics.addMetric(METRIC.duplicatesDropped, MetricUnit.Count, result.duplicates.length);
  if (result.sweep) {
    metrics.addMetric(METRIC.sweepPeeringsChecked, MetricUnit.Count, result.sweep.checked);
    metrics.addMetric(METRIC.sweepPeeringsDrifted, MetricUnit.Count, result.sweep.drifted);
    metrics.addMetric(METRIC.sweepExecutionsStarted, MetricUnit.Count, result.started.length);
    metrics.addMetric(METRIC.sweepApiCalls, MetricUnit.Count, result.sweep.calls);
    // Every sweep says how many places failed (0 too): the alarm fires when a place keeps failing.
    metrics.addMetric(METRIC.sweepPlacesFailed, MetricUnit.Count, result.sweep.failedPlaces.length);
    // And which: a series per failing place, published only while it fails (a healthy estate of
    // 400 places costs no per-place metric).
    for (const { place } of result.sweep.failedPlaces) {
      const single = metrics.singleMetric();
      single.addDimensions({ account: place.ownerId, region: place.region });
      single.addMetric(METRIC.sweepPlaceFailures, MetricUnit.Count, 1);
    }
  }
  return result;
});
