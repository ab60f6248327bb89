import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ec2For } from '../commons/aws-clients.js';
import { METRIC } from '../commons/catalog.js';
import { lambdaHandler } from '../commons/handler.js';
import { logger } from '../commons/powertools/logger.js';
import { metrics } from '../commons/powertools/metrics.js';
import { ApplyRequestSchema } from '../commons/schemas.js';
import { parseOrThrow } from '../commons/validation.js';
import { run } from './apply.js';

export const handler = lambdaHandler(async (event) => {
  const { inspection, changes } = parseOrThrow(ApplyRequestSchema, event, 'apply request');
  const result = await run({ inspection, changes }, { ec2For });
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
