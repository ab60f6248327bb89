/**
 * PeeringAutopilot: the reusable construct. Reads like its diagram — check the props, build the
 * workflow and its functions, the triggers (CloudTrail rules, sweep, DLQ), then observability
 * (alarms, dashboard). It decides nothing about networks (that is the functions' job); what each
 * step may do comes from the step table (state-machines/steps.ts).
 */
import { Stack } from 'aws-cdk-lib';
import type { Alarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { IRole, ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildApproverPolicy } from './approvers.js';
import { suppressFindings } from './nag.js';
import { buildAlarms, buildDashboard } from './observability.js';
import { checkProps, type PeeringAutopilotProps } from './props.js';
import { buildTriggers } from './triggers.js';
import { buildWorkflow } from './workflow.js';

export class PeeringAutopilot extends Construct {
  /** The peering workflow (Standard). */
  public readonly stateMachine: StateMachine;
  /**
   * The workflow's step functions, by step id: Inspect, Activation, Plan, Apply, Verify, Cleanup,
   * Report.
   */
  public readonly functions: Record<string, LambdaFunction>;
  /** Turns every trigger into deduplicated, debounced executions. */
  public readonly starter: LambdaFunction;
  /** CloudTrail peering, drift and tag events -> starter. */
  public readonly eventRules: Rule[];
  /** The scheduled sweep -> starter. */
  public readonly sweepRule: Rule;
  /** Events EventBridge or the starter could not deliver after their retries. */
  public readonly deadLetterQueue: Queue;
  /** Every alarm notifies this topic (and Report's notices go there too). */
  public readonly alarmTopic: Topic;
  /**
   * Attach to the people (roles, groups) who decide about peerings that wait for one
   * (`outsideAccounts: 'approve'`, VPCs tagged `peering-autopilot:accept=approval`): it lets them
   * record a decision and run the workflow (`peering-autopilot approve` / `reject`), nothing else.
   */
  public readonly approverPolicy: ManagedPolicy;
  /** Failed runs, failed verifications, the dead-letter queue, sweep places that cannot be read, … */
  public readonly alarms: Alarm[];
  /** Executions by outcome, verification results, heals, durations, DLQ depth. */
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PeeringAutopilotProps = {}) {
    super(scope, id);
    const config = checkProps(props, Stack.of(this));

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Peering Autopilot alarms',
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    const workflow = buildWorkflow(this, config, this.alarmTopic);
    this.functions = { ...workflow.functions };
    this.stateMachine = workflow.stateMachine;

    this.approverPolicy = buildApproverPolicy(this, this.stateMachine);

    const triggers = buildTriggers(this, config, this.stateMachine);
    this.starter = triggers.starter;
    this.eventRules = [...triggers.eventRules];
    this.sweepRule = triggers.sweepRule;
    this.deadLetterQueue = triggers.deadLetterQueue;

    const observed = { alarmTopic: this.alarmTopic, sweepRate: config.sweepRate, ...workflow, ...triggers };
    this.alarms = buildAlarms(this, observed);
    this.dashboard = buildDashboard(this, observed, this.alarms);

    this.suppressJustifiedFindings(workflow.functions.Report);
  }

  /** cdk-nag findings that are deliberate, each with its reason. */
  private suppressJustifiedFindings(report: LambdaFunction): void {
    // Under the feature flags `cdk init` writes (@aws-cdk/aws-kms:aliasNameRef and friends), the
    // topic's grantPublish adds KMS data-key use for the key behind alias/aws/sns.
    suppressFindings(
      report.role as IRole,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "CDK's grantPublish on a topic encrypted with the AWS managed alias/aws/sns: kms:GenerateDataKey* and " +
            'Decrypt on key/* of this account and region, limited by condition to the key that alias names ' +
            '(kms:ResourceAliases); the key id of an AWS managed key is not known at synth.',
          appliesTo: [
            'Action::kms:GenerateDataKey*',
            { regex: '/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):kms:.*:key\\/\\*$/g' },
          ],
        },
      ],
      true,
    );
    suppressFindings(this.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue of the EventBridge target.',
      },
    ]);
    suppressFindings(
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
    suppressFindings(
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
            'entries of any prefix list (prefix-list/*, any owner: AWS-managed and shared lists), read-only. The ' +
            "trusted routed record is one SSM parameter per peering under the hub's own " +
            'parameter/peering-autopilot/routed/ path (peerings are created at any time), and so is a ' +
            "person's decision under parameter/peering-autopilot/approvals/ (Inspect only reads it).",
          appliesTo: [
            {
              regex:
                '/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):ec2:.*:(route-table|security-group|vpc-peering-connection|vpc|instance|prefix-list)\\/\\*$/g',
            },
            {
              regex:
                '/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):ssm:.*:parameter\\/peering-autopilot\\/(routed|approvals)\\/\\*$/g',
            },
          ],
        },
      ],
      true,
    );
  }
}
