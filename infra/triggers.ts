/**
 * What starts the workflow: CloudTrail peering, drift and tag events and the scheduled sweep, all
 * through the starter (dedupe, debounce), with a dead-letter queue for what cannot be delivered.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  CfnEventBusPolicy,
  type EventPattern,
  Match,
  Rule,
  RuleTargetInput,
  Schedule,
} from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { DRIFT_EVENTS, PEERING_EVENTS, TAG_PREFIX } from '../functions/commons/contracts.js';

import { STARTER_GRANTS, sharedEnvironment } from '../state-machines/steps.js';
import { memberRoleFor, memberRoleStatements, statementsFor } from './grants.js';
import type { ResolvedProps } from './props.js';
import { WorkflowFunction } from './workflow-function.js';

const CLOUDTRAIL = 'AWS API Call via CloudTrail';

const cloudTrail = (detail: Record<string, unknown>): EventPattern => ({
  source: ['aws.ec2'],
  detailType: [CLOUDTRAIL],
  detail: { eventSource: ['ec2.amazonaws.com'], errorCode: Match.doesNotExist(), ...detail },
});

/**
 * The CloudTrail events the autopilot listens to, by rule id: the hub's rules send them to the
 * starter, a member's rules forward the same events to the hub's bus.
 */
export const WATCHED_EVENT_RULES: ReadonlyArray<{
  readonly id: string;
  readonly description: string;
  readonly pattern: EventPattern;
}> = [
  {
    id: 'PeeringEventRule',
    description: 'Peering created/accepted/rejected/deleted',
    pattern: cloudTrail({ eventName: PEERING_EVENTS }),
  },
  {
    id: 'DriftEventRule',
    description: 'Route, route-table, CIDR and security-group changes (drift repair)',
    pattern: cloudTrail({ eventName: DRIFT_EVENTS.filter((e) => !e.endsWith('Tags')) }),
  },
  {
    id: 'TagEventRule',
    description: `${TAG_PREFIX}* tags added or removed`,
    pattern: cloudTrail({
      eventName: ['CreateTags', 'DeleteTags'],
      requestParameters: { tagSet: { items: { key: Match.prefix(TAG_PREFIX) } } },
    }),
  },
];

export interface Triggers {
  readonly starter: WorkflowFunction;
  readonly eventRules: readonly Rule[];
  readonly sweepRule: Rule;
  readonly deadLetterQueue: Queue;
  /** The default bus's permission for the members' forwarded events (when there are members). */
  readonly memberBusPolicy?: CfnEventBusPolicy;
}

export function buildTriggers(scope: Construct, config: ResolvedProps, stateMachine: StateMachine): Triggers {
  const deadLetterQueue = new Queue(scope, 'TriggerDeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const starter = new WorkflowFunction(scope, 'StarterFunction', {
    step: 'Starter',
    // A sweep reads the (account, region) places a few at a time, each with its own deadline, so a
    // slow or broken member costs one place, never the sweep; 400 places fit (BENCHMARKS.md).
    timeout: Duration.minutes(5),
    statements: [
      ...statementsFor(STARTER_GRANTS, Stack.of(scope), config.regions),
      ...memberRoleStatements(
        Stack.of(scope),
        config.members,
        memberRoleFor(config.memberRoleName, 'Starter'),
      ),
    ],
    environment: {
      STATE_MACHINE_ARN: stateMachine.stateMachineArn,
      // The sweep judges peerings by the workflow's own settings (policy, quotas, DNS, members, regions).
      ...sharedEnvironment({ ...config.steps, memberRole: memberRoleFor(config.memberRoleName, 'Starter') }),
      DEBOUNCE_SECONDS: String(config.debounce.toSeconds()),
      SWEEP_SECONDS: String(config.sweepRate.toSeconds()),
      REVERIFY_SECONDS: String(config.reverifyAfter.toSeconds()),
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
  // Members' forwarded events arrive on this default bus with their own account and region, and
  // match the same rules.
  const eventRules = WATCHED_EVENT_RULES.map(
    (r) =>
      new Rule(scope, r.id, {
        description: `${r.description} -> Peering Autopilot starter`,
        eventPattern: r.pattern,
      }),
  );
  for (const rule of eventRules) rule.addTarget(toStarter());
  const memberBusPolicy = admitMembers(scope, config);
  const sweepRule = new Rule(scope, 'SweepRule', {
    description: 'Scheduled sweep: every peering of the region through the Peering Autopilot starter',
    schedule: Schedule.rate(config.sweepRate),
  });
  sweepRule.addTarget(toStarter(RuleTargetInput.fromObject({ sweep: true })));
  return { starter, eventRules, sweepRule, deadLetterQueue, ...(memberBusPolicy ? { memberBusPolicy } : {}) };
}

/**
 * The hub's default event bus admits PutEvents from the members (by account, or by organization
 * id when one is given); nothing when there are no members.
 */
function admitMembers(scope: Construct, config: ResolvedProps): CfnEventBusPolicy | undefined {
  if (config.members.length === 0 && !config.organizationId) return undefined;
  const stack = Stack.of(scope);
  const bus = `arn:${stack.partition}:events:${stack.region}:${stack.account}:event-bus/default`;
  // Only what members forward: CloudTrail's EC2 API calls (the three rules' source and detail-type).
  // The default bus is kept (not a bus of our own) so a member's events reach the hub exactly as the
  // hub's own do, through the same rules; the condition keeps anything else a member could put out.
  const forwarded = { 'events:source': 'aws.ec2', 'events:detail-type': CLOUDTRAIL };
  const statement = config.organizationId
    ? {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: bus,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': config.organizationId, ...forwarded } },
      }
    : {
        Effect: 'Allow',
        Principal: { AWS: config.members.map((m) => `arn:${stack.partition}:iam::${m}:root`) },
        Action: 'events:PutEvents',
        Resource: bus,
        Condition: { StringEquals: forwarded },
      };
  return new CfnEventBusPolicy(scope, 'MemberEventsPolicy', {
    eventBusName: 'default',
    statementId: 'PeeringAutopilotMembers',
    statement,
  });
}
