import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { accountsOf, ec2Clients } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { lambdaHandler } from '../commons/handler.js';
import { logger } from '../commons/powertools/logger.js';
import { metrics } from '../commons/powertools/metrics.js';
import { InspectionSchema } from '../commons/schemas.js';
import { readSettings } from '../commons/settings.js';
import { parseOrThrow } from '../commons/validation.js';
import { run } from './plan.js';

const settings = readSettings();

export const handler = lambdaHandler(async (event, context) => {
  const inspection = parseOrThrow(InspectionSchema, event, 'plan request');
  const ec2For = ec2Clients(accountsOf(context.invokedFunctionArn, settings), inspection.peeringConnectionId);
  const changes = await run(inspection, {
    ec2For,
    quotas: settings.quotas,
    dnsResolution: settings.dnsResolution,
  });
  logger.info('planned changes', {
    peeringConnectionId: inspection.peeringConnectionId,
    writes: changes.writes,
  });
  metrics.addMetric(METRIC.plannedWrites, MetricUnit.Count, changes.writes);
  metrics.addMetric(
    METRIC.routeConflicts,
    MetricUnit.Count,
    changes.routes.filter((r) => r.action === 'conflict').length,
  );
  return changes;
});
