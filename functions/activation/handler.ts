import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { accountsOf, ec2Clients } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { lambdaHandler } from '../commons/handler.js';
import { metrics } from '../commons/powertools/metrics.js';
import { readSettings } from '../commons/settings.js';
import { parseOrThrow } from '../commons/validation.js';
import { ActivationRequestSchema, run } from './activation.js';

const settings = readSettings();

export const handler = lambdaHandler(async (event, context) => {
  const request = parseOrThrow(ActivationRequestSchema, event, 'activation request');
  const ec2For = ec2Clients(accountsOf(context.invokedFunctionArn, settings), request.peeringConnectionId);
  const activation = await run(request, { ec2For });
  metrics.addMetric(
    request.action === 'accept' ? METRIC.peeringsAccepted : METRIC.activationPolls,
    MetricUnit.Count,
    1,
  );
  return activation;
});
