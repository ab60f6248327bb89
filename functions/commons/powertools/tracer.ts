import { Tracer } from '@aws-lambda-powertools/tracer';

/** X-Ray tracing; Powertools disables it by itself outside Lambda (local runs, tests). */
export const tracer = new Tracer({ serviceName: 'peering-autopilot' });
