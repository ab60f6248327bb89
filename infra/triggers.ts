/**
 * What starts the workflow: CloudTrail peering, drift and tag events and the scheduled sweep, all
 * through the starter (dedupe, debounce), with a dead-letter queue for what cannot be delivered.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { TAG_PREFIX } from '../functions/network/model.js';
import { DRIFT_EVENTS, PEERING_EVENTS } from '../functions/starter/events.js';
import { statementsFor } from './grants.js';
import type { ResolvedProps } from './props.js';
import { WorkflowFunction } from './workflow-function.js';

const CLOUDTRAIL = 'AWS API Call via CloudTrail';

export interface Triggers {
  readonly starter: WorkflowFunction;
  readonly eventRules: readonly Rule[];
  readonly sweepRule: Rule;
  readonly deadLetterQueue: Queue;
}

export function buildTriggers(scope: Construct, config: ResolvedProps, stateMachine: StateMachine): Triggers {
  const deadLetterQueue = new Queue(scope, 'TriggerDeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const starter = new WorkflowFunction(scope, 'StarterFunction', {
    entry: 'functions/starter/handler.ts',
    statements: [
      ...statementsFor(
        [
          {
            actions: [
              'ec2:DescribeVpcPeeringConnections',
              'ec2:DescribeRouteTables',
              'ec2:DescribeSecurityGroups',
            ],
            resource: '*',
          },
        ],
        Stack.of(scope),
        config.regions,
      ),
    ],
    environment: {
      STATE_MACHINE_ARN: stateMachine.stateMachineArn,
      DEBOUNCE_SECONDS: String(config.debounce.toSeconds()),
      SWEEP_SECONDS: String(config.sweepRate.toSeconds()),
    },
    // Lambda's own async retries exhausted (after EventBridge delivered): the event waits here too.
    deadLetterQueue,
    ...(config.logRetention ? { logRetention: config.logRetention } : {}),
  });
  stateMachine.grantStartExecution(starter);

  const toStarter = (input?: RuleTargetInput) =>
    new LambdaFunction(starter, {
      ...(input ? { event: input } : {}),
      deadLetterQueue,
      retryAttempts: 8,
      maxEventAge: Duration.hours(2),
    });
  const cloudTrail = (detail: Record<string, unknown>) => ({
    source: ['aws.ec2'],
    detailType: [CLOUDTRAIL],
    detail: { eventSource: ['ec2.amazonaws.com'], errorCode: Match.doesNotExist(), ...detail },
  });
  const eventRules = [
    new Rule(scope, 'PeeringEventRule', {
      description: 'Peering created/accepted/rejected/deleted -> Peering Autopilot starter',
      eventPattern: cloudTrail({ eventName: PEERING_EVENTS }),
    }),
    new Rule(scope, 'DriftEventRule', {
      description:
        'Route, route-table, CIDR and security-group changes -> Peering Autopilot starter (drift repair)',
      eventPattern: cloudTrail({ eventName: DRIFT_EVENTS.filter((e) => !e.endsWith('Tags')) }),
    }),
    new Rule(scope, 'TagEventRule', {
      description: `${TAG_PREFIX}* tags added or removed -> Peering Autopilot starter`,
      eventPattern: cloudTrail({
        eventName: ['CreateTags', 'DeleteTags'],
        requestParameters: { tagSet: { items: { key: Match.prefix(TAG_PREFIX) } } },
      }),
    }),
  ];
  for (const rule of eventRules) rule.addTarget(toStarter());
  const sweepRule = new Rule(scope, 'SweepRule', {
    description: 'Scheduled sweep: every peering of the region through the Peering Autopilot starter',
    schedule: Schedule.rate(config.sweepRate),
  });
  sweepRule.addTarget(toStarter(RuleTargetInput.fromObject({ sweep: true })));
  return { starter, eventRules, sweepRule, deadLetterQueue };
}
