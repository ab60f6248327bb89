import { SNSClient } from '@aws-sdk/client-sns';
import { CLIENT_TIMEOUTS, hubSsmClient } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { stepHandler } from '../commons/handler.js';
import { logger } from '../commons/powertools/logger.js';
import { ssmRecordStore } from '../commons/routed-record.js';
import { parseOrThrow } from '../commons/validation.js';
import { actsAt, actsIn } from '../network/decision.js';
import { healsOf, ReportRequestSchema, run } from './report.js';

const topicArn = process.env.ALARM_TOPIC_ARN;
const sns = topicArn ? { client: new SNSClient({ ...CLIENT_TIMEOUTS }), topicArn } : undefined;

export const handler = stepHandler({
  parse: (event) => parseOrThrow(ReportRequestSchema, event, 'report request'),
  session: (req) => req.result?.peeringConnectionId ?? 'report',
  run: async (req, step) => {
    const { outcome, tagged, notified } = await run(req, {
      ec2For: step.ec2For,
      home: step.home,
      actsIn: (ownerId) => actsIn(step.accounts, ownerId),
      actsAt: (place) => actsAt(step.accounts, place),
      ...(sns ? { sns } : {}),
      record: ssmRecordStore(hubSsmClient()),
      now: () => new Date(),
      warn: (message, extra) => logger.warn(message, extra),
    });
    const peeringConnectionId = req.result?.peeringConnectionId;
    step.log('run outcome', { peeringConnectionId, outcome, tagged, notified, error: req.error });
    step.dimension('outcome', outcome);
    step.count(METRIC.runs, 1);
    const heals = healsOf(req);
    if (heals > 0) step.count(METRIC.heals, heals);
    return { outcome };
  },
});
