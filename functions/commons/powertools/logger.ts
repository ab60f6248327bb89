import { Logger } from '@aws-lambda-powertools/logger';

/** One logger for every function; the service name groups them in CloudWatch Logs Insights. */
export const logger = new Logger({ serviceName: 'peering-autopilot' });
