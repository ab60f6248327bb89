import { METRIC } from '../commons/contracts.js';
import { stepHandler } from '../commons/handler.js';
import { parseOrThrow } from '../commons/validation.js';
import { ActivationRequestSchema, run } from './activation.js';

export const handler = stepHandler({
  parse: (event) => parseOrThrow(ActivationRequestSchema, event, 'activation request'),
  session: (request) => request.peeringConnectionId,
  run: async (request, step) => {
    const activation = await run(request, { ec2For: step.ec2For });
    if (request.action !== 'reject') {
      step.count(request.action === 'accept' ? METRIC.peeringsAccepted : METRIC.activationPolls, 1);
    }
    return activation;
  },
});
