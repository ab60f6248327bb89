import { hubSsmClient } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { stepHandler } from '../commons/handler.js';
import { ssmRecordStore } from '../commons/routed-record.js';
import { ApplyRequestSchema } from '../commons/schemas.js';
import { parseOrThrow } from '../commons/validation.js';
import { run } from './apply.js';

export const handler = stepHandler({
  parse: (event) => parseOrThrow(ApplyRequestSchema, event, 'apply request'),
  session: (request) => request.inspection.peeringConnectionId,
  run: async (request, step) => {
    const result = await run(request, { ec2For: step.ec2For, record: ssmRecordStore(hubSsmClient()) });
    const routesCreated = result.routes.filter((r) => r.applied).length;
    const rulesCreated = result.securityGroupRules.filter((r) => r.applied).length;
    const peeringConnectionId = request.inspection.peeringConnectionId;
    step.log('applied changes', { peeringConnectionId, routesCreated, rulesCreated });
    step.count(METRIC.routesCreated, routesCreated);
    step.count(METRIC.rulesCreated, rulesCreated);
    return result;
  },
});
