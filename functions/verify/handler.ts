import * as z from 'zod/mini';
import { ssmClients } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { stepHandler } from '../commons/handler.js';
import { InspectionSchema, NetworkFactsSchema } from '../commons/schemas.js';
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

const RequestSchema = z.object({ inspection: InspectionSchema, facts: NetworkFactsSchema });

/** Kept free at the end of the function's time for the static diagnosis and the answer. */
const MARGIN_MS = 10_000;

export const handler = stepHandler({
  parse: (event) => parseOrThrow(RequestSchema, event, 'verify request'),
  session: (request) => request.inspection.peeringConnectionId,
  run: async (request, step) => {
    const remaining = step.context?.getRemainingTimeInMillis?.();
    const result = await run(request, {
      ec2For: step.ec2For,
      ssmFor: ssmClients(step.accounts, step.session),
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
    });
    const peeringConnectionId = request.inspection.peeringConnectionId;
    step.log('verification', { peeringConnectionId, status: result.status, reason: result.reason });
    step.dimension('status', result.status);
    step.count(METRIC.verifications, 1);
    return result;
  },
});
