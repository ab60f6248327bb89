import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ec2For } from '../commons/aws-clients.js';
import { METRIC } from '../commons/catalog.js';
import { lambdaHandler } from '../commons/handler.js';
import { metrics } from '../commons/powertools/metrics.js';
import { parseOrThrow } from '../commons/validation.js';
import { ActivationRequestSchema, run } from './activation.js';

export const handler = lambdaHandler(async (event) => {
  const request = parseOrThrow(ActivationRequestSchema, event, 'activation request');
  const activation = await run(request, { ec2For });
  metrics.addMetric(
    request.action === 'accept' ? METRIC.peeringsAccepted : METRIC.activationPolls,
    MetricUnit.Count,
    1,
  );
  return activation;
});
