import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { accountsOf, ec2Clients, hubSsmClient } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { lambdaHandler } from '../commons/handler.js';
import { logger } from '../commons/powertools/logger.js';
import { metrics } from '../commons/powertools/metrics.js';
import { ssmRecordStore } from '../commons/routed-record.js';
import { InspectionSchema } from '../commons/schemas.js';
import { readSettings } from '../commons/settings.js';
import { parseOrThrow } from '../commons/validation.js';
import { actsAt } from '../network/decision.js';
import { run } from './cleanup.js';

const settings = readSettings();

export const handler = lambdaHandler(async (event, context) => {
  const inspection = parseOrThrow(InspectionSchema, event, 'cleanup request');
  const accounts = accountsOf(context.invokedFunctionArn, settings);
  const result = await run(inspection, {
    ec2For: ec2Clients(accounts, inspection.peeringConnectionId),
    actsAt: (place) => actsAt(accounts, place),
    record: ssmRecordStore(hubSsmClient()),
  });
  logger.info('cleaned up deleted peering', {
    peeringConnectionId: inspection.peeringConnectionId,
    routesRemoved: result.routesRemoved.length,
    rulesRemoved: result.rulesRemoved.length,
  });
  metrics.addMetric(
    METRIC.routesRemoved,
    MetricUnit.Count,
    result.routesRemoved.filter((r) => r.applied).length,
  );
  metrics.addMetric(
    METRIC.rulesRemoved,
    MetricUnit.Count,
    result.rulesRemoved.filter((r) => r.applied).length,
  );
  return result;
});
