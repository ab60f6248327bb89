import { Metrics } from '@aws-lambda-powertools/metrics';

/** One fixed namespace; dimensions stay low-cardinality (never a peering or instance id). */
export const METRICS_NAMESPACE = 'PeeringAutopilot';
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'peering-autopilot' });
