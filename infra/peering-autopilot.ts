/**
 * PeeringAutopilot: the reusable construct. Validates props, builds the step functions, the
 * workflow, the CloudTrail trigger with its dead-letter queue, and the alarms; it decides
 * nothing about networks (that is the functions' job).
 */
import { Arn, Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventField, Match, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { PEERING_WORKFLOW_ASL, WORKFLOW_FUNCTIONS } from '../state-machines/peering-workflow.js';
import { WorkflowFunction } from './workflow-function.js';

export type AcceptPolicy = 'same-account' | 'tagged-only';

export interface PeeringAutopilotProps {
  /**
   * Who may be auto-accepted. `same-account`: any same-account, non-overlapping peering whose
   * VPCs are not tagged `peering-autopilot:accept=false`. `tagged-only`: additionally both VPCs
   * must carry `peering-autopilot:accept=true`. Cross-account peerings are never auto-accepted.
   * @default 'same-account'
   */
  readonly acceptPolicy?: AcceptPolicy;
  /**
   * Email address subscribed to the alarm topic.
   * @default - no subscription; subscribe to `alarmTopic` yourself
   */
  readonly alarmEmail?: string;
  /**
   * Regions whose VPCs the autopilot may write to (accept, routes, rules) for cross-region
   * peerings. IAM write permissions are scoped to exactly these regions.
   * @default - the stack's own region only
   */
  readonly regions?: readonly string[];
  /**
   * Retention of the functions' and the workflow's log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Routes-per-route-table quota of this account (checked before any write).
   * @default 50 (the AWS default)
   */
  readonly routesPerTableQuota?: number;
  /**
   * Inbound-rules-per-security-group quota of this account (checked before any write).
   * @default 60 (the AWS default)
   */
  readonly rulesPerSecurityGroupQuota?: number;
}

const CLOUDTRAIL = 'AWS API Call via CloudTrail';

export class PeeringAutopilot extends Construct {
  /** The peering workflow (Standard). */
  public readonly stateMachine: StateMachine;
  /** Inspect, Activation, Plan, Apply — by step id. */
  public readonly functions: Readonly<Record<string, WorkflowFunction>>;
  /** CloudTrail peering events -> workflow. */
  public readonly peeringEventRule: Rule;
  /** Events EventBridge could not deliver to the workflow after its retries. */
  public readonly deadLetterQueue: Queue;
  /** Every alarm notifies this topic. */
  public readonly alarmTopic: Topic;
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: PeeringAutopilotProps = {}) {
    super(scope, id);
    // validate
    const acceptPolicy = props.acceptPolicy ?? 'same-account';
    if (!['same-account', 'tagged-only'].includes(acceptPolicy)) {
      throw new Error(`acceptPolicy must be 'same-account' or 'tagged-only', got '${acceptPolicy}'`);
    }
    for (const [name, value] of [
      ['routesPerTableQuota', props.routesPerTableQuota],
      ['rulesPerSecurityGroupQuota', props.rulesPerSecurityGroupQuota],
    ] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new Error(`${name} must be a positive integer, got ${value}`);
      }
    }
    const stack = Stack.of(this);
    const regions = props.regions && props.regions.length > 0 ? [...props.regions] : [stack.region];
    const ec2Arns = (resource: string) =>
      regions.map((region) => Arn.format({ service: 'ec2', region, resource, resourceName: '*' }, stack));

    // build: one function per workflow step, each with exactly the actions its code calls
    const environment = {
      ACCEPT_POLICY: acceptPolicy,
      ...(props.routesPerTableQuota ? { ROUTES_PER_TABLE_QUOTA: String(props.routesPerTableQuota) } : {}),
      ...(props.rulesPerSecurityGroupQuota
        ? { RULES_PER_SECURITY_GROUP_QUOTA: String(props.rulesPerSecurityGroupQuota) }
        : {}),
    };
    const describe = (...actions: string[]) => new PolicyStatement({ actions, resources: ['*'] });
    const statements: Record<string, PolicyStatement[]> = {
      Inspect: [describe('ec2:DescribeVpcPeeringConnections', 'ec2:DescribeVpcs')],
      Activation: [
        describe('ec2:DescribeVpcPeeringConnections'),
        new PolicyStatement({
          actions: ['ec2:AcceptVpcPeeringConnection'],
          resources: ec2Arns('vpc-peering-connection'),
          // Defence in depth for the accept policy: both VPCs must be in this account.
          conditions: {
            ArnLike: {
              'ec2:RequesterVpc': `arn:${stack.partition}:ec2:*:${stack.account}:vpc/*`,
              'ec2:AccepterVpc': `arn:${stack.partition}:ec2:*:${stack.account}:vpc/*`,
            },
          },
        }),
      ],
      Plan: [describe('ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroups')],
      Apply: [
        describe('ec2:DescribeRouteTables'),
        new PolicyStatement({ actions: ['ec2:CreateRoute'], resources: ec2Arns('route-table') }),
        new PolicyStatement({
          actions: ['ec2:AuthorizeSecurityGroupIngress'],
          resources: ec2Arns('security-group'),
          // Only groups that opted in by tag can ever be opened.
          conditions: { Null: { 'aws:ResourceTag/peering-autopilot:ingress': 'false' } },
        }),
      ],
    };
    const functions: Record<string, WorkflowFunction> = {};
    for (const step of WORKFLOW_FUNCTIONS) {
      functions[step.id] = new WorkflowFunction(this, `${step.id}Function`, {
        entry: step.entry,
        statements: statements[step.id] ?? [],
        environment,
        ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      });
    }
    this.functions = functions;

    const workflowLogs = new LogGroup(this, 'WorkflowLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    this.stateMachine = new StateMachine(this, 'Workflow', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(PEERING_WORKFLOW_ASL),
      definitionSubstitutions: Object.fromEntries(
        WORKFLOW_FUNCTIONS.map((s) => [s.placeholder, (functions[s.id] as WorkflowFunction).functionArn]),
      ),
      tracingEnabled: true,
      logs: { destination: workflowLogs, level: LogLevel.ALL, includeExecutionData: true },
      timeout: Duration.minutes(15),
    });
    for (const fn of Object.values(functions)) fn.grantInvoke(this.stateMachine);

    this.deadLetterQueue = new Queue(this, 'TriggerDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.peeringEventRule = new Rule(this, 'PeeringEventRule', {
      description: 'CloudTrail VPC peering create/accept -> Peering Autopilot workflow',
      eventPattern: {
        source: ['aws.ec2'],
        detailType: [CLOUDTRAIL],
        detail: {
          eventSource: ['ec2.amazonaws.com'],
          eventName: ['CreateVpcPeeringConnection', 'AcceptVpcPeeringConnection'],
          errorCode: Match.doesNotExist(),
        },
      },
    });
    this.peeringEventRule.addTarget(
      new SfnStateMachine(this.stateMachine, {
        input: RuleTargetInput.fromObject({
          peeringConnectionId: EventField.fromPath(
            '$.detail.responseElements.vpcPeeringConnection.vpcPeeringConnectionId',
          ),
          dryRun: false,
        }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
      }),
    );

    // wire: alarms -> one encrypted topic
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Peering Autopilot alarms',
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const alarm = (id: string, description: string, metric: ReturnType<StateMachine['metricFailed']>) => {
      const a = new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new SnsAction(this.alarmTopic));
      return a;
    };
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    this.alarms = [
      alarm(
        'WorkflowFailedAlarm',
        'A peering workflow execution failed (quota, permissions, peering vanished): see the execution in Step Functions.',
        this.stateMachine.metricFailed(fiveMinutes),
      ),
      alarm(
        'WorkflowTimedOutAlarm',
        'A peering workflow execution timed out.',
        this.stateMachine.metricTimedOut(fiveMinutes),
      ),
      alarm(
        'TriggerDeadLetterAlarm',
        'EventBridge could not start the workflow for a peering event: messages wait in the trigger DLQ.',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
      ),
    ];

    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue of the EventBridge target.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(
      this.stateMachine,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Step Functions invokes the step functions by ARN and by ARN:* (versions/aliases), as CDK grantInvoke ' +
            'generates; X-Ray trace delivery has no resource-level permissions.',
        },
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(
      this,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'EC2 route tables, security groups and peerings are created by people at any time, so writes are ' +
            'scoped to the resource type in this account and the configured regions (ARN ending /*); ' +
            'AuthorizeSecurityGroupIngress is further limited to groups tagged peering-autopilot:ingress.',
          appliesTo: [
            {
              regex:
                '/^Resource::arn:<AWS::Partition>:ec2:.*:(route-table|security-group|vpc-peering-connection)\\/\\*$/g',
            },
          ],
        },
      ],
      true,
    );
  }
}
