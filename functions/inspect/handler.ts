import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { accountsOf, ec2Clients, homeRegion, hubSsmClient } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { lambdaHandler } from '../commons/handler.js';
import { logger } from '../commons/powertools/logger.js';
import { metrics } from '../commons/powertools/metrics.js';
import { ssmRecordStore } from '../commons/routed-record.js';
import { WorkflowInputSchema } from '../commons/schemas.js';
import { readSettings } from '../commons/settings.js';
import { parseOrThrow } from '../commons/validation.js';
import { run } from './inspect.js';

const settings = readSettings();

export const handler = lambdaHandler(async (event, context) => {
  const input = parseOrThrow(WorkflowInputSchema, event, 'workflow input');
  const accounts = accountsOf(context.invokedFunctionArn, settings);
  const inspection = await run(input, {
    ec2For: ec2Clients(accounts, input.peeringConnectionId),
    accountId: accounts.hub,
    members: accounts.members,
    region: homeRegion(),
    ...(accounts.regions ? { regions: accounts.regions } : {}),
    policy: settings.acceptPolicy,
    freshSeconds: settings.freshSeconds,
    now: () => new Date(),
    record: ssmRecordStore(hubSsmClient()),
    warn: (message, extra) => logger.warn(message, extra),
  });
  logger.info('inspected peering', {
    peeringConnectionId: inspection.peeringConnectionId,
    status: inspection.status,
    decision: inspection.decision,
    reason: inspection.reason,
  });
  metrics.addDimension('decision', inspection.decision);
  metrics.addMetric(METRIC.peeringsInspected, MetricUnit.Count, 1);
  return inspection;
});
