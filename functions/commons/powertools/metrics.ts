import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../contracts.js';
import { logger } from './logger.js';

/**
 * Metrics' own warnings (e.g. "No application metrics to publish") go through the one logger, so
 * they are structured in Lambda and silent in the CLI (POWERTOOLS_LOG_LEVEL=SILENT there).
 */
export const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: 'peering-autopilot',
  logger,
});
