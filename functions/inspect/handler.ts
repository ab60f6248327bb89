import { ssmApprovalStore } from '../commons/approval-record.js';
import { hubSsmClient } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { stepHandler } from '../commons/handler.js';
import { logger } from '../commons/powertools/logger.js';
import { ssmRecordStore } from '../commons/routed-record.js';
import { WorkflowInputSchema } from '../commons/schemas.js';
import { parseOrThrow } from '../commons/validation.js';
import { run } from './inspect.js';

export const handler = stepHandler({
  parse: (event) => parseOrThrow(WorkflowInputSchema, event, 'workflow input'),
  session: (input) => input.peeringConnectionId,
  run: async (input, step) => {
    const { accounts, settings } = step;
    const inspection = await run(input, {
      ec2For: step.ec2For,
      accountId: accounts.hub,
      members: accounts.members,
      region: step.home.region,
      ...(accounts.regions ? { regions: accounts.regions } : {}),
      policy: settings.acceptPolicy,
      outsideAccounts: settings.outsideAccounts,
      approvals: ssmApprovalStore(hubSsmClient()),
      freshSeconds: settings.freshSeconds,
      now: () => new Date(),
      record: ssmRecordStore(hubSsmClient()),
      warn: (message, extra) => logger.warn(message, extra),
    });
    const { peeringConnectionId, status, decision, reason } = inspection;
    step.log('inspected peering', { peeringConnectionId, status, decision, reason });
    step.dimension('decision', decision);
    step.count(METRIC.peeringsInspected, 1);
    return inspection;
  },
});
