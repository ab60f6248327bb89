import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SNSClient } from '@aws-sdk/client-sns';
import { accountsOf, CLIENT_TIMEOUTS, ec2Clients, homeRegion, hubSsmClient } from '../commons/aws-clients.js';
import { METRIC } from '../commons/contracts.js';
import { lambdaHandler } from '../commons/handler.js';
import { logger } from '../commons/powertools/logger.js';
import { metrics } from '../commons/powertools/metrics.js';
import { ssmRecordStore } from '../commons/routed-record.js';
import { readSettings } from '../commons/settings.js';
import { parseOrThrow } from '../commons/validation.js';
import { actsAt, actsIn } from '../network/decision.js';
import { healsOf, ReportRequestSchema, run } from './report.js';

const settings = readSettings();
const topicArn = process.env.ALARM_TOPIC_ARN;
const sns = topicArn ? { client: new SNSClient({ ...CLIENT_TIMEOUTS }), topicArn } : undefined;

export const handler = lambdaHandler(async (event, context) => {
  const req = parseOrThrow(ReportRequestSchema, event, 'report request');
  const accounts = accountsOf(context.invokedFunctionArn, settings);
  const { outcome, tagged, notified } = await run(req, {
    ec2For: ec2Clients(accounts, req.result?.peeringConnectionId ?? 'report'),
    home: { ownerId: accounts.hub, region: homeRegion() },
    actsIn: (ownerId) => actsIn(accounts, ownerId),
    actsAt: (place) => actsAt(accounts, place),
    ...(sns ? { sns } : {}),
    record: ssmRecordStore(hubSsmClient()),
    now: () => new Date(),
    warn: (message, extra) => logger.warn(message, extra),
  });
  logger.info('run outcome', {
    peeringConnectionId: req.result?.peeringConnectionId,
    outcome,
    tagged,
    notified,
    error: req.error,
  });
  metrics.addDimension('outcome', outcome);
  metrics.addMetric(METRIC.runs, MetricUnit.Count, 1);
  const heals = healsOf(req);
  if (heals > 0) metrics.addMetric(METRIC.heals, MetricUnit.Count, heals);
  return { outcome };
});
