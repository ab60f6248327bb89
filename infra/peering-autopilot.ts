/**
 * PeeringAutopilot: the reusable construct. Validates props, builds the step functions, the
 * workflow, the CloudTrail trigger with its dead-letter queue, and the alarms; it decides
 * nothing about networks (that is the functions' job).
 */
import { Arn, Duration, Stack } from 'aws-cdk-lib';
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
import { Match, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../functions/commons/powertools/metrics.js';
import { TAGS } from '../functions/network/model.js';
import { DRIFT_EVENTS, PEERING_EVENTS } from '../functions/starter/events.js';
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
  /**
   * How often the sweep sends every peering of the region through the starter (catches lost
   * CloudTrail events, unseen pending requests and drift).
   * @default Duration.hours(1)
   */
  readonly sweepRate?: Duration;
  /**
   * Pings per probe (SSM Run Command, `ping -c`).
   * @default 3
   */
  readonly probeCount?: number;
  /**
   * How long a probe may take end to end: the SSM command's execution timeout, and the
   * deadline for polling its result.
   * @default Duration.seconds(30) for the command, 45 s for polling
   */
  readonly probeTimeout?: Duration;
  /**
   * Debounce window: drift events for one peering within it share one execution, which starts
   * when the window closes.
   * @default Duration.seconds(3)
   */
  readonly debounce?: Duration;
}

const CLOUDTRAIL = 'AWS API Call via CloudTrail';
/** The workflow's execution timeout, and what a run needs of it after the debounce wait. */
const WORKFLOW_TIMEOUT = Duration.minutes(15);
const RUN_BUDGET = Duration.minutes(10);
const MAX_DEBOUNCE = Duration.minutes(WORKFLOW_TIMEOUT.toMinutes() - RUN_BUDGET.toMinutes());

export class PeeringAutopilot extends Construct {
  /** The peering workflow (Standard). */
  public readonly stateMachine: StateMachine;
  /** Inspect, Activation, Plan, Apply — by step id. */
  public readonly functions: Readonly<Record<string, WorkflowFunction>>;
  /** Turns every trigger into deduplicated, debounced executions. */
  public readonly starter: WorkflowFunction;
  /** CloudTrail peering, drift and tag events -> starter. */
  public readonly eventRules: readonly Rule[];
  /** The scheduled sweep -> starter. */
  public readonly sweepRule: Rule;
  /** Events EventBridge could not deliver to the workflow after its retries. */
  public readonly deadLetterQueue: Queue;
  /** Every alarm notifies this topic. */
  public readonly alarmTopic: Topic;
  public readonly alarms: readonly Alarm[];
  /** Executions by outcome, verification results, heals, durations, DLQ depth. */
  public readonly dashboard: Dashboard;

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
    const sweepRate = props.sweepRate ?? Duration.hours(1);
    const debounce = props.debounce ?? Duration.seconds(3);
    if (sweepRate.toSeconds() < 60)
      throw new Error(`sweepRate must be at least 1 minute, got ${sweepRate.toHumanString()}`);
    // An event-started execution first waits out the debounce window, then runs: both must fit the
    // workflow's execution timeout, with room for the longest run (accept wait, two verifications).
    if (debounce.toSeconds() < 1 || debounce.toSeconds() > MAX_DEBOUNCE.toSeconds()) {
      throw new Error(
        `debounce must be between 1 second and ${MAX_DEBOUNCE.toHumanString()} (the workflow's ${WORKFLOW_TIMEOUT.toHumanString()} ` +
          `execution timeout keeps ${RUN_BUDGET.toHumanString()} for the run itself), got ${debounce.toHumanString()}`,
      );
    }
    if (
      props.probeCount !== undefined &&
      (!Number.isInteger(props.probeCount) || props.probeCount < 1 || props.probeCount > 20)
    ) {
      throw new Error(`probeCount must be an integer from 1 to 20, got ${props.probeCount}`);
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
        // AcceptVpcPeeringConnection requires the accepter `vpc` resource too (Service Authorization
        // Reference; the VPC Peering Guide's accept policy grants vpc/* in its own statement). The
        // Accepter/RequesterVpc keys exist only on the peering resource, so this one has none.
        new PolicyStatement({
          actions: ['ec2:AcceptVpcPeeringConnection'],
          resources: ec2Arns('vpc'),
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
        // Opt-out: our own rules leave groups whose tag was removed, so no tag condition here.
        new PolicyStatement({
          actions: ['ec2:RevokeSecurityGroupIngress'],
          resources: ec2Arns('security-group'),
        }),
      ],
      Verify: [
        describe('ec2:DescribeInstances', 'ec2:DescribeNetworkAcls', 'ec2:DescribeVpcPeeringConnections'),
        describe('ssm:GetCommandInvocation'),
        // Entries of the prefix lists that routes and rules name, for the path diagnosis. Read-only;
        // any owner, since AWS-managed and RAM-shared lists belong to other accounts.
        new PolicyStatement({
          actions: ['ec2:GetManagedPrefixListEntries'],
          resources: regions.map((region) =>
            Arn.format(
              { service: 'ec2', region, account: '*', resource: 'prefix-list', resourceName: '*' },
              stack,
            ),
          ),
        }),
        // SendCommand runs a shell as root: only the AWS-owned AWS-RunShellScript document (no
        // account in its ARN)...
        new PolicyStatement({
          actions: ['ssm:SendCommand'],
          resources: regions.map((region) =>
            Arn.format(
              {
                service: 'ssm',
                region,
                account: '',
                resource: 'document',
                resourceName: 'AWS-RunShellScript',
              },
              stack,
            ),
          ),
        }),
        // ...and only on instances tagged peering-autopilot:probe (the tag condition must sit in a
        // statement of its own: the document has no such tag, so it would deny the document).
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-rc-setting-up-cmdsec.html
        new PolicyStatement({
          actions: ['ssm:SendCommand'],
          resources: ec2Arns('instance'),
          conditions: { Null: { [`ssm:resourceTag/${TAGS.probe}`]: 'false' } },
        }),
      ],
      Cleanup: [
        describe('ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroups'),
        new PolicyStatement({ actions: ['ec2:DeleteRoute'], resources: ec2Arns('route-table') }),
        new PolicyStatement({
          actions: ['ec2:RevokeSecurityGroupIngress'],
          resources: ec2Arns('security-group'),
        }),
      ],
      Report: [
        new PolicyStatement({
          actions: ['ec2:CreateTags'],
          resources: ec2Arns('vpc-peering-connection'),
          // Only the two status tags, never a configuration tag.
          conditions: {
            'ForAllValues:StringEquals': {
              'aws:TagKeys': ['peering-autopilot:status', 'peering-autopilot:checked-at'],
            },
          },
        }),
      ],
    };
    const probeTimeout = props.probeTimeout ?? Duration.seconds(30);
    const stepEnvironment: Record<string, Record<string, string>> = {
      Verify: {
        PROBE_COUNT: String(props.probeCount ?? 3),
        PROBE_COMMAND_TIMEOUT_SECONDS: String(probeTimeout.toSeconds()),
        PROBE_POLL_DEADLINE_SECONDS: String(probeTimeout.toSeconds() + 15),
      },
    };
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Peering Autopilot alarms',
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    const functions: Record<string, WorkflowFunction> = {};
    for (const step of WORKFLOW_FUNCTIONS) {
      functions[step.id] = new WorkflowFunction(this, `${step.id}Function`, {
        entry: step.entry,
        statements: statements[step.id] ?? [],
        environment: {
          ...environment,
          ...stepEnvironment[step.id],
          ...(step.id === 'Report' ? { ALARM_TOPIC_ARN: this.alarmTopic.topicArn } : {}),
        },
        ...(step.id === 'Verify'
          ? { timeout: Duration.seconds(Math.max(60, probeTimeout.toSeconds() + 45)) }
          : {}),
        ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      });
    }
    this.functions = functions;
    this.alarmTopic.grantPublish(functions.Report as WorkflowFunction);

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
      timeout: WORKFLOW_TIMEOUT,
    });
    for (const fn of Object.values(functions)) fn.grantInvoke(this.stateMachine);

    this.deadLetterQueue = new Queue(this, 'TriggerDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.starter = new WorkflowFunction(this, 'StarterFunction', {
      entry: 'functions/starter/handler.ts',
      statements: [
        describe(
          'ec2:DescribeVpcPeeringConnections',
          'ec2:DescribeRouteTables',
          'ec2:DescribeSecurityGroups',
        ),
        new PolicyStatement({
          actions: ['states:StartExecution'],
          resources: [this.stateMachine.stateMachineArn],
        }),
      ],
      environment: {
        STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
        DEBOUNCE_SECONDS: String(debounce.toSeconds()),
        SWEEP_SECONDS: String(sweepRate.toSeconds()),
      },
      // Lambda's own async retries exhausted (after EventBridge delivered): the event waits here too.
      deadLetterQueue: this.deadLetterQueue,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    const toStarter = (input?: RuleTargetInput) =>
      new LambdaFunction(this.starter, {
        ...(input ? { event: input } : {}),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
      });
    const cloudTrail = (detail: Record<string, unknown>) => ({
      source: ['aws.ec2'],
      detailType: [CLOUDTRAIL],
      detail: { eventSource: ['ec2.amazonaws.com'], errorCode: Match.doesNotExist(), ...detail },
    });
    this.eventRules = [
      new Rule(this, 'PeeringEventRule', {
        description: 'Peering created/accepted/deleted -> Peering Autopilot starter',
        eventPattern: cloudTrail({ eventName: PEERING_EVENTS }),
      }),
      new Rule(this, 'DriftEventRule', {
        description:
          'Route, route-table, CIDR and security-group changes -> Peering Autopilot starter (drift repair)',
        eventPattern: cloudTrail({ eventName: DRIFT_EVENTS.filter((e) => !e.endsWith('Tags')) }),
      }),
      new Rule(this, 'TagEventRule', {
        description: 'peering-autopilot:* tags added or removed -> Peering Autopilot starter',
        eventPattern: cloudTrail({
          eventName: ['CreateTags', 'DeleteTags'],
          requestParameters: { tagSet: { items: { key: Match.prefix('peering-autopilot:') } } },
        }),
      }),
    ];
    for (const rule of this.eventRules) rule.addTarget(toStarter());
    this.sweepRule = new Rule(this, 'SweepRule', {
      description: 'Scheduled sweep: every peering of the region through the Peering Autopilot starter',
      schedule: Schedule.rate(sweepRate),
    });
    this.sweepRule.addTarget(toStarter(RuleTargetInput.fromObject({ sweep: true })));

    // wire: alarms -> one encrypted topic
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const alarm = (id: string, description: string, metric: IMetric) => {
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
        'VerificationFailedAlarm',
        'A ping between probe instances failed after one repair attempt: the SNS message names the missing piece.',
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: 'Verifications',
          dimensionsMap: { service: 'peering-autopilot', status: 'failed' },
          period: Duration.minutes(5),
          statistic: 'Sum',
        }),
      ),
      alarm(
        'RouteConflictAlarm',
        'A route to a peer CIDR points somewhere else (a person replaced it, or another peering owns it): ' +
          'the autopilot leaves it alone; decide which target is right.',
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: 'RouteConflicts',
          dimensionsMap: { service: 'peering-autopilot' },
          period: Duration.minutes(5),
          statistic: 'Sum',
        }),
      ),
      alarm(
        'StarterErrorsAlarm',
        'The starter failed on an event (AWS errors past its retries); malformed events are dropped and counted ' +
          'in MalformedEvents instead. See the starter logs; the sweep still picks the peering up.',
        this.starter.metricErrors(fiveMinutes),
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

    const ours = (metricName: string, dimensionsMap: Record<string, string> = {}, label?: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: 'peering-autopilot', ...dimensionsMap },
        period: Duration.hours(1),
        statistic: 'Sum',
        ...(label ? { label } : {}),
      });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `PeeringAutopilot-${stack.stackName}`,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Runs by outcome',
        left: [
          'configured',
          'partial',
          'conflict',
          'invalid-tag',
          'refused',
          'cleaned-up',
          'rejected',
          'expired',
          'failed',
        ].map((o) => ours('Runs', { outcome: o }, o)),
        stacked: true,
        width: 12,
      }),
      new GraphWidget({
        title: 'Verification (ping) results',
        left: ['passed', 'failed', 'inconclusive', 'skipped'].map((s) =>
          ours('Verifications', { status: s }, s),
        ),
        stacked: true,
        width: 12,
      }),
      new GraphWidget({
        title: 'Heals (drift repaired), conflicts, writes',
        left: [
          ours('Heals', { outcome: 'configured' }, 'heals'),
          ours('RouteConflicts', {}, 'route conflicts'),
          ours('RoutesCreated', {}, 'routes created'),
          ours('RulesCreated', {}, 'rules created'),
          ours('MalformedEvents', {}, 'malformed events dropped'),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Workflow executions and duration',
        left: [
          this.stateMachine.metricSucceeded({
            period: Duration.hours(1),
            statistic: 'Sum',
            label: 'succeeded',
          }),
          this.stateMachine.metricFailed({ period: Duration.hours(1), statistic: 'Sum', label: 'failed' }),
          this.stateMachine.metricTimedOut({
            period: Duration.hours(1),
            statistic: 'Sum',
            label: 'timed out',
          }),
        ],
        right: [
          this.stateMachine.metricTime({
            period: Duration.hours(1),
            statistic: 'p90',
            label: 'duration p90 (ms)',
          }),
        ],
        width: 12,
      }),
      new SingleValueWidget({
        title: 'Trigger dead-letter queue depth',
        metrics: [
          this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: 'Maximum',
          }),
        ],
        width: 8,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 16 }),
    );

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
            'AcceptVpcPeeringConnection needs the accepter vpc/* as well as the peering (both VPCs of this ' +
            'account, by condition); AuthorizeSecurityGroupIngress is further limited to groups tagged ' +
            'peering-autopilot:ingress; ssm:SendCommand runs only on instances tagged peering-autopilot:probe ' +
            '(instance/* with a tag condition), with the AWS-RunShellScript document only; verification reads the ' +
            'entries of any prefix list (prefix-list/*, any owner: AWS-managed and shared lists), read-only.',
          appliesTo: [
            {
              regex:
                '/^Resource::arn:<AWS::Partition>:ec2:.*:(route-table|security-group|vpc-peering-connection|vpc|instance|prefix-list)\\/\\*$/g',
            },
          ],
        },
      ],
      true,
    );
  }
}
