import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { accountsOf, ec2Clients, hubSsmClient } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { lambdaHandler } from '../commons/handler.js';
import { logger } from '../commons/powertools/logger.js';
import { metrics } from '../commons/powertools/metrics.js';
import { ssmRecordStore } from '../commons/routed-record.js';
import { ApplyRequestSchema } from '../commons/schemas.js';
import { readSettings } from '../commons/settings.js';
import { parseOrThrow } from '../commons/validation.js';
import { run } from './apply.js';

const settings = readSettings();

export const handler = lambdaHandler(async (event, context) => {
  const { inspection, changes } = parseOrThrow(ApplyRequestSchema, event, 'apply request');
  const ec2For = ec2Clients(accountsOf(context.invokedFunctionArn, settings), inspection.peeringConnectionId);
  const result = await run({ inspection, changes }, { ec2For, record: ssmRecordStore(hubSsmClient()) });
  const routesCreated = result.routes.filter((r) => r.applied).length;
  const rulesCreated = result.securityGroupRules.filter((r) => r.applied).length;
  logger.info('applied changes', {
    peeringConnectionId: inspection.peeringConnectionId,
    routesCreated,
    rulesCreated,
  });
  metrics.addMetric(METRIC.routesCreated, MetricUnit.Count, routesCreated);
  metrics.addMetric(METRIC.rulesCreated, MetricUnit.Count, rulesCreated);
  return result;
});
