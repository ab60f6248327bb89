import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod/mini';
import { accountsOf, ec2Clients, ssmClients } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { lambdaHandler } from '../commons/handler.js';
import { logger } from '../commons/powertools/logger.js';
import { metrics } from '../commons/powertools/metrics.js';
import { InspectionSchema, NetworkFactsSchema } from '../commons/schemas.js';
import { readSettings } from '../commons/settings.js';
import { parseOrThrow } from '../commons/validation.js';
import { envInt } from '../commons/zod.js';
import { DEFAULT_PROBE_SETTINGS } from './probes.js';
import { run } from './verify.js';

const settings = parseOrThrow(
  z.object({
    PROBE_COUNT: envInt(1, 20, DEFAULT_PROBE_SETTINGS.count),
    PROBE_WAIT_SECONDS: envInt(1, 10, DEFAULT_PROBE_SETTINGS.waitSeconds),
    PROBE_COMMAND_TIMEOUT_SECONDS: envInt(5, 600, DEFAULT_PROBE_SETTINGS.commandTimeoutSeconds),
    PROBE_POLL_DEADLINE_SECONDS: envInt(5, 600, DEFAULT_PROBE_SETTINGS.pollDeadlineMs / 1000),
    /** First GetCommandInvocation after this long; default: time for the pings plus one second. */
    PROBE_FIRST_POLL_MS: z.optional(
      z.pipe(z.coerce.number(), z.int().check(z.minimum(0), z.maximum(60_000))),
    ),
  }),
  process.env,
  'verification settings (environment)',
);

const accountSettings = readSettings();

const RequestSchema = z.object({ inspection: InspectionSchema, facts: NetworkFactsSchema });

/** Kept free at the end of the function's time for the static diagnosis and the answer. */
const MARGIN_MS = 10_000;

export const handler = lambdaHandler(async (event, context) => {
  const { inspection, facts } = parseOrThrow(RequestSchema, event, 'verify request');
  const remaining = context?.getRemainingTimeInMillis?.();
  const accounts = accountsOf(context.invokedFunctionArn, accountSettings);
  const pcx = inspection.peeringConnectionId;
  const result = await run(
    { inspection, facts },
    {
      ec2For: ec2Clients(accounts, pcx),
      ssmFor: ssmClients(accounts, pcx),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: () => Date.now(),
      settings: {
        ...DEFAULT_PROBE_SETTINGS,
        count: settings.PROBE_COUNT,
        waitSeconds: settings.PROBE_WAIT_SECONDS,
        commandTimeoutSeconds: settings.PROBE_COMMAND_TIMEOUT_SECONDS,
        pollDeadlineMs: settings.PROBE_POLL_DEADLINE_SECONDS * 1000,
        firstPollMs: settings.PROBE_FIRST_POLL_MS ?? settings.PROBE_COUNT * 1000 + 1000,
      },
      ...(remaining === undefined ? {} : { deadline: Date.now() + remaining - MARGIN_MS }),
    },
  );
  logger.info('verification', {
    peeringConnectionId: pcx,
    status: result.status,
    reason: result.reason,
  });
  metrics.addDimension('status', result.status);
  metrics.addMetric(METRIC.verifications, MetricUnit.Count, 1);
  return result;
});
