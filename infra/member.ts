/**
 * PeeringAutopilotMember: what a member account (or an extra region of the hub account) deploys so
 * one hub serves it. It forwards the same CloudTrail events the hub listens to onto the hub's
 * default event bus, and, in member accounts, creates the roles the hub assumes there: one per step,
 * each trusted by that step's hub role only. It decides nothing: every permission comes from the
 * step table the hub's own functions use.
 */
import { Aws, CfnCondition, CfnParameter, CfnResource, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import {
  AccountPrincipal,
  PolicyDocument,
  type PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_MEMBER_ROLE } from '../functions/commons/contracts.js';
import { type Grant, STARTER_GRANTS, STEPS } from '../state-machines/steps.js';
import { HUB_ROLE_PATH, type MemberRoleUser, memberRoleFor, STEP_TAG, statementsFor } from './grants.js';
import { suppressFindings } from './nag.js';
import { WATCHED_EVENT_RULES } from './triggers.js';

export interface PeeringAutopilotMemberProps {
  /**
   * The hub's account id.
   * @default - a `HubAccount` CloudFormation parameter (StackSets pass it per deployment)
   */
  readonly hubAccount?: string;
  /**
   * The hub's home region (where its event bus and workflow are).
   * @default - a `HubRegion` CloudFormation parameter
   */
  readonly hubRegion?: string;
  /**
   * Base name of the roles the hub assumes here (the hub's `memberRoleName`): one role per step,
   * named `<memberRoleName>-<Step>`.
   * @default 'PeeringAutopilotMember'
   */
  readonly memberRoleName?: string;
  /**
   * The hub's `regions`: the only regions in which the roles act (`aws:RequestedRegion`).
   * @default - a `Regions` CloudFormation parameter (comma-separated; empty: the hub's region)
   */
  readonly regions?: string[];
  /**
   * The hub's member accounts: a peering is accepted here only when its requester VPC is the hub's
   * or one of theirs (as the hub's own accept statement says).
   * @default - a `MemberAccounts` CloudFormation parameter (comma-separated; empty: the hub only)
   */
  readonly members?: string[];
  /**
   * An SNS topic in this account the dead-letter alarm notifies.
   * @default - the alarm has no action (it shows in this account's CloudWatch console)
   */
  readonly alarmTopicArn?: string;
}

export class PeeringAutopilotMember extends Construct {
  /** CloudTrail peering, drift and tag events -> the hub's bus (not made in the hub's own account and region). */
  public readonly forwardingRules: Rule[];
  /** Events the rules could not put on the hub's bus (kept 14 days, as the hub's own). */
  public readonly deadLetterQueue: Queue;
  /** Fires when an event waits in the dead-letter queue (the hub never heard of it). */
  public readonly deadLetterAlarm: Alarm;
  /**
   * The roles the hub assumes, one per step (made only in a member account, once: in the hub's
   * region). Each is trusted by that step's hub role alone and holds that step's statements alone.
   */
  public readonly memberRoles: Record<string, Role>;

  constructor(scope: Construct, id: string, props: PeeringAutopilotMemberProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    // Unset props become template parameters (a StackSet passes them per deployment).
    const parameter = (id: string, allowedPattern: string, description: string, defaultValue?: string) =>
      new CfnParameter(stack, id, {
        type: 'String',
        allowedPattern,
        description,
        ...(defaultValue !== undefined ? { default: defaultValue } : {}),
      }).valueAsString;
    const hubAccount =
      props.hubAccount ?? parameter('HubAccount', '^\\d{12}$', 'Account id of the Peering Autopilot hub');
    const hubRegion =
      props.hubRegion ??
      parameter('HubRegion', '^[a-z]{2}(-[a-z]+)+-\\d$', 'Home region of the Peering Autopilot hub');
    const memberRoleName = props.memberRoleName ?? DEFAULT_MEMBER_ROLE;
    const inHubAccount = Fn.conditionEquals(Aws.ACCOUNT_ID, hubAccount);
    const inHubRegion = Fn.conditionEquals(Aws.REGION, hubRegion);

    // Forwarding: everywhere but the hub's own account and region (its own rules hear those).
    const forwarding = new Construct(this, 'Forwarding');
    const hubBus = EventBus.fromEventBusArn(
      forwarding,
      'HubBus',
      `arn:${Aws.PARTITION}:events:${hubRegion}:${hubAccount}:event-bus/default`,
    );
    this.deadLetterQueue = new Queue(forwarding, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deadLetterAlarm = new Alarm(forwarding, 'DeadLetterAlarm', {
      alarmDescription:
        "An event of this account could not be put on the Peering Autopilot hub's bus (hub bus policy, hub " +
        'region, throttling): it waits in the forwarding dead-letter queue; the hub sweep still finds the peering.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopicArn) {
      this.deadLetterAlarm.addAlarmAction(
        new SnsAction(Topic.fromTopicArn(forwarding, 'AlarmTopic', props.alarmTopicArn)),
      );
    }
    // One role for the three rules: PutEvents on the hub's bus only.
    const role = new Role(forwarding, 'PutEventsRole', {
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      description: "Lets this account's forwarding rules put events on the Peering Autopilot hub's bus",
    });
    this.forwardingRules = WATCHED_EVENT_RULES.map(
      (r) =>
        new Rule(forwarding, r.id, {
          description: `${r.description} -> the Peering Autopilot hub's event bus`,
          eventPattern: r.pattern,
          targets: [new EventBusTarget(hubBus, { deadLetterQueue: this.deadLetterQueue, role })],
        }),
    );
    onlyWhen(
      forwarding,
      new CfnCondition(this, 'ForwardsEvents', {
        expression: Fn.conditionNot(Fn.conditionAnd(inHubAccount, inHubRegion)),
      }),
    );

    // The roles: in member accounts only, and once per account (IAM is global): in the hub's region.
    const bounds = this.bounds(props, hubAccount, hubRegion);
    const roles = new Construct(this, 'MemberRoles');
    const users: ReadonlyArray<{ user: MemberRoleUser; grants: readonly Grant[] }> = [
      // The hub's own resources (its trusted routed record) are never granted in a member.
      ...STEPS.map((s) => ({ user: s.id, grants: s.grants.filter((g) => !g.hubOnly) })),
      { user: 'Starter', grants: STARTER_GRANTS },
    ];
    this.memberRoles = Object.fromEntries(
      users.map(({ user, grants }) => [
        user,
        new Role(roles, `${user}Role`, {
          roleName: memberRoleFor(memberRoleName, user),
          description: `Assumed by the Peering Autopilot hub's ${user} step to act on this account's side of peerings`,
          // Only that step's hub role (under the hub's path, tagged with its step), only for sessions the hub names.
          assumedBy: new AccountPrincipal(hubAccount).withConditions({
            ArnLike: { 'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${hubAccount}:role${HUB_ROLE_PATH}*` },
            StringEquals: { [`aws:PrincipalTag/${STEP_TAG}`]: user },
            StringLike: { 'sts:RoleSessionName': 'peering-autopilot-*' },
          }),
          inlinePolicies: {
            PeeringAutopilotStep: new PolicyDocument({ statements: memberStatements(stack, grants, bounds) }),
          },
        }),
      ]),
    ) as Record<MemberRoleUser, Role>;
    onlyWhen(
      roles,
      new CfnCondition(this, 'MakesMemberRole', {
        expression: Fn.conditionAnd(Fn.conditionNot(inHubAccount), inHubRegion),
      }),
    );
    this.suppressJustifiedFindings();
  }

  /**
   * Where and for whom the roles act: the regions (`aws:RequestedRegion`) and the requester VPCs an
   * accept may name (the hub's and its members'), from props or from the template's parameters.
   */
  private bounds(props: PeeringAutopilotMemberProps, hubAccount: string, hubRegion: string): MemberBounds {
    const stack = Stack.of(this);
    let regions: unknown = props.regions ? [...props.regions] : undefined;
    if (regions === undefined) {
      const param = new CfnParameter(stack, 'Regions', {
        type: 'String',
        default: '',
        allowedPattern: '^([a-z]{2}(-[a-z]+)+-\\d(,[a-z]{2}(-[a-z]+)+-\\d)*)?$',
        description: "The hub's regions, comma-separated (empty: the hub's region): the roles act only there",
      }).valueAsString;
      const none = new CfnCondition(this, 'NoRegions', { expression: Fn.conditionEquals(param, '') });
      regions = Fn.conditionIf(none.logicalId, [hubRegion], Fn.split(',', param));
    }
    if (props.members) {
      const vpcs = [hubAccount, ...props.members].map((a) => `arn:${Aws.PARTITION}:ec2:*:${a}:vpc/*`);
      return { regions, requesterVpcs: vpcs };
    }
    const members = new CfnParameter(stack, 'MemberAccounts', {
      type: 'String',
      default: '',
      allowedPattern: '^(\\d{12}(,\\d{12})*)?$',
      description:
        "The hub's member accounts, comma-separated: an accepted peering's requester is the hub's or theirs",
    }).valueAsString;
    // One ARN pattern per account, built in the template: "arn:*:ec2:*:<a>:vpc/*" for the hub and
    // each member (CloudFormation joins with a literal delimiter only, hence the `*` partition: an
    // account id belongs to one partition, and a peering never crosses partitions).
    const accounts = Fn.split(',', Fn.join(',', [hubAccount, members]));
    const requesterVpcs = Fn.split(
      ',',
      Fn.join('', [VPC_PREFIX, Fn.join(`${VPC_SUFFIX},${VPC_PREFIX}`, accounts), VPC_SUFFIX]),
    );
    return { regions, requesterVpcs };
  }

  private suppressJustifiedFindings(): void {
    suppressFindings(
      this,
      [
        {
          id: 'AwsSolutions-SQS3',
          reason: 'This queue is itself the dead-letter queue of the forwarding rules.',
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "Each member role does on this side what its step's hub role does at home (the step table), in the " +
            "hub's regions only (aws:RequestedRegion): writes " +
            'scoped to the resource type in this account (ARN ending /*) because people create route tables, ' +
            'groups and peerings at any time; accept only with this account as the accepter and the hub or a member ' +
            'as the requester; ingress only on ' +
            'groups tagged peering-autopilot:ingress; SendCommand only on instances tagged peering-autopilot:probe ' +
            'with AWS-RunShellScript; CreateTags only for the two status keys; prefix-list entries read-only.',
          appliesTo: [
            {
              regex:
                '/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):ec2:.*:(route-table|security-group|vpc-peering-connection|vpc|instance|prefix-list)\\/\\*$/g',
            },
            // The AWS-owned document, in any region the hub may probe in.
            {
              regex:
                '/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):ssm:\\*::document\\/AWS-RunShellScript$/g',
            },
            'Resource::*',
          ],
        },
      ],
      true,
    );
  }
}

/** Every CloudFormation resource under `scope` exists only when `condition` holds. */
function onlyWhen(scope: Construct, condition: CfnCondition): void {
  for (const c of scope.node.findAll()) {
    if (c instanceof CfnResource) c.cfnOptions.condition = condition;
  }
}

const VPC_PREFIX = 'arn:*:ec2:*:';
const VPC_SUFFIX = ':vpc/*';

/** Where and for whom a member role acts (values, or template expressions from parameters). */
interface MemberBounds {
  /** `aws:RequestedRegion` values: the hub's regions. */
  readonly regions: unknown;
  /** `ec2:RequesterVpc` patterns an accept may name: the hub's and the members' VPCs. */
  readonly requesterVpcs: unknown;
}

/**
 * One step's statements, for this account: what the step does at home, here. Resources name this
 * account in any region, and every statement holds only in the hub's regions
 * (`aws:RequestedRegion`); an accept names the hub's or a member's VPC as the requester, never any.
 */
function memberStatements(stack: Stack, grants: readonly Grant[], bounds: MemberBounds): PolicyStatement[] {
  return statementsFor(grants, stack, ['*'], ['*']).map((statement) => {
    statement.addCondition('StringEquals', { 'aws:RequestedRegion': bounds.regions });
    if (statement.conditions?.ArnLike?.['ec2:RequesterVpc'] !== undefined) {
      statement.addCondition('ArnLike', {
        ...statement.conditions.ArnLike,
        'ec2:RequesterVpc': bounds.requesterVpcs,
      });
    }
    return statement;
  });
}
