import { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.js';

/** One fixed namespace; dimensions stay low-cardinality (never a peering or instance id). */
export const METRICS_NAMESPACE = 'PeeringAutopilot';
/**
 * Metrics' own warnings (e.g. "No application metrics to publish") go through the one logger, so
 * they are structured in Lambda and silent in the CLI (POWERTOOLS_LOG_LEVEL=SILENT there).
 */
export const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: 'peering-autopilot',
  logger,
});
