import { METRIC } from '../commons/contracts.js';
import { stepHandler } from '../commons/handler.js';
import { InspectionSchema } from '../commons/schemas.js';
import { parseOrThrow } from '../commons/validation.js';
import { run } from './plan.js';

export const handler = stepHandler({
  parse: (event) => parseOrThrow(InspectionSchema, event, 'plan request'),
  session: (inspection) => inspection.peeringConnectionId,
  run: async (inspection, step) => {
    const { quotas, dnsResolution } = step.settings;
    const changes = await run(inspection, { ec2For: step.ec2For, quotas, dnsResolution });
    step.log('planned changes', {
      peeringConnectionId: inspection.peeringConnectionId,
      writes: changes.writes,
    });
    step.count(METRIC.plannedWrites, changes.writes);
    step.count(METRIC.routeConflicts, changes.routes.filter((r) => r.action === 'conflict').length);
    return changes;
  },
});
