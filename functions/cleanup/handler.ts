import { hubSsmClient } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { stepHandler } from '../commons/handler.js';
import { ssmRecordStore } from '../commons/routed-record.js';
import { InspectionSchema } from '../commons/schemas.js';
import { parseOrThrow } from '../commons/validation.js';
import { actsAt } from '../network/decision.js';
import { run } from './cleanup.js';

export const handler = stepHandler({
  parse: (event) => parseOrThrow(InspectionSchema, event, 'cleanup request'),
  session: (inspection) => inspection.peeringConnectionId,
  run: async (inspection, step) => {
    const result = await run(inspection, {
      ec2For: step.ec2For,
      actsAt: (place) => actsAt(step.accounts, place),
      record: ssmRecordStore(hubSsmClient()),
    });
    const { routesRemoved, rulesRemoved } = result;
    step.log('cleaned up deleted peering', {
      peeringConnectionId: inspection.peeringConnectionId,
      routesRemoved: routesRemoved.length,
      rulesRemoved: rulesRemoved.length,
    });
    step.count(METRIC.routesRemoved, routesRemoved.filter((r) => r.applied).length);
    step.count(METRIC.rulesRemoved, rulesRemoved.filter((r) => r.applied).length);
    return result;
  },
});
