/**
 * Alarms (all into the one encrypted topic) and the dashboard. Metric names, outcomes and
 * verification statuses come from the functions' catalog, so a graph never names a metric nobody emits.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import {
  METRIC,
  METRICS_NAMESPACE,
  OUTCOMES,
  VERIFICATION_STATUSES,
} from '../functions/commons/contracts.js';

export interface ObservedParts {
  readonly alarmTopic: ITopic;
  readonly stateMachine: StateMachine;
  readonly starter: IFunction;
  readonly deadLetterQueue: IQueue;
  /** The sweep's period: its metrics are graphed per sweep. */
  readonly sweepRate: Duration;
}

/** One of our metrics (service dimension always set), summed over the period. */
function ours(metricName: string, period: Duration, dimensions: Record<string, string> = {}, label?: string) {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: 'peering-autopilot', ...dimensions },
    period,
    statistic: 'Sum',
    ...(label ? { label } : {}),
  });
}

export function buildAlarms(scope: Construct, parts: ObservedParts): Alarm[] {
  const alarm = (id: string, description: string, metric: IMetric, periods = 1) => {
    const a = new Alarm(scope, id, {
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(new SnsAction(parts.alarmTopic));
    return a;
  };
  const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
  return [
    alarm(
      'WorkflowFailedAlarm',
      'A peering workflow execution failed (permissions, peering vanished, cleanup left something): see the execution in Step Functions.',
      parts.stateMachine.metricFailed(fiveMinutes),
    ),
    alarm(
      'WorkflowTimedOutAlarm',
      'A peering workflow execution timed out.',
      parts.stateMachine.metricTimedOut(fiveMinutes),
    ),
    alarm(
      'VerificationFailedAlarm',
      'A ping between probe instances failed after one repair attempt: the SNS message names the missing piece.',
      ours(METRIC.verifications, Duration.minutes(5), { status: 'failed' }),
    ),
    alarm(
      'RouteConflictAlarm',
      'A route to a peer CIDR points somewhere else (a person replaced it, or another peering owns it): ' +
        'the autopilot leaves it alone; decide which target is right.',
      ours(METRIC.routeConflicts, Duration.minutes(5)),
    ),
    alarm(
      'StarterErrorsAlarm',
      'The starter failed on an event (AWS errors past its retries); malformed events are dropped and counted ' +
        'in MalformedEvents instead. See the starter logs; the sweep still picks the peering up.',
      parts.starter.metricErrors(fiveMinutes),
    ),
    alarm(
      'SweepPlaceFailingAlarm',
      'The sweep could not read an (account, region) three sweeps in a row (member role not deployed or not ' +
        'assumable, region not enabled, SCP): the starter log names the account, region and error, and the ' +
        'SweepPlaceFailures metric has a series per failing place. Every other place is still swept.',
      ours(METRIC.sweepPlacesFailed, parts.sweepRate),
      3,
    ),
    alarm(
      'TriggerDeadLetterAlarm',
      'EventBridge could not start the workflow for a peering event: messages wait in the trigger DLQ.',
      parts.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
    ),
  ];
}

export function buildDashboard(scope: Construct, parts: ObservedParts, alarms: readonly Alarm[]): Dashboard {
  const hour = Duration.hours(1);
  const sm = parts.stateMachine;
  const dashboard = new Dashboard(scope, 'Dashboard', {
    dashboardName: `PeeringAutopilot-${Stack.of(scope).stackName}`,
    defaultInterval: Duration.days(7),
  });
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Runs by outcome',
      left: OUTCOMES.map((o) => ours(METRIC.runs, hour, { outcome: o }, o)),
      stacked: true,
      width: 12,
    }),
    new GraphWidget({
      title: 'Verification (ping) results',
      left: VERIFICATION_STATUSES.map((s) => ours(METRIC.verifications, hour, { status: s }, s)),
      stacked: true,
      width: 12,
    }),
    new GraphWidget({
      title: 'Heals (drift repaired), conflicts, writes',
      left: [
        ours(METRIC.heals, hour, { outcome: 'configured' }, 'heals'),
        ours(METRIC.routeConflicts, hour, {}, 'route conflicts'),
        ours(METRIC.routesCreated, hour, {}, 'routes created'),
        ours(METRIC.rulesCreated, hour, {}, 'rules created'),
        ours(METRIC.malformedEvents, hour, {}, 'malformed events dropped'),
      ],
      width: 12,
    }),
    new GraphWidget({
      title:
        'Sweep: peerings checked and drifted, executions started, places not read, describe calls (per sweep)',
      left: [
        ours(METRIC.sweepPeeringsChecked, parts.sweepRate, {}, 'peerings checked'),
        ours(METRIC.sweepPeeringsDrifted, parts.sweepRate, {}, 'drifted'),
        ours(METRIC.sweepExecutionsStarted, parts.sweepRate, {}, 'executions started'),
        ours(METRIC.sweepPlacesFailed, parts.sweepRate, {}, 'places not read'),
      ],
      right: [ours(METRIC.sweepApiCalls, parts.sweepRate, {}, 'describe calls')],
      width: 12,
    }),
    new GraphWidget({
      title: 'Workflow executions and duration',
      left: [
        sm.metricSucceeded({ period: hour, statistic: 'Sum', label: 'succeeded' }),
        sm.metricFailed({ period: hour, statistic: 'Sum', label: 'failed' }),
        sm.metricTimedOut({ period: hour, statistic: 'Sum', label: 'timed out' }),
      ],
      right: [sm.metricTime({ period: hour, statistic: 'p90', label: 'duration p90 (ms)' })],
      width: 12,
    }),
    new SingleValueWidget({
      title: 'Trigger dead-letter queue depth',
      metrics: [
        parts.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
      ],
      width: 8,
    }),
    new AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms], width: 16 }),
  );
  return dashboard;
}
