/**
 * PeeringAutopilotMember: what a member account (or an extra region of the hub account) deploys so
 * one hub serves it. It forwards the same CloudTrail events the hub listens to onto the hub's
 * default event bus, and, in member accounts, creates the role the hub assumes there. It decides
 * nothing: every permission comes from the step table the hub's own functions use.
 */
import { Aws, CfnCondition, CfnParameter, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import {
  AccountPrincipal,
  PolicyDocument,
  type PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { DEFAULT_MEMBER_ROLE } from '../functions/commons/aws-clients.js';
import { STARTER_GRANTS, STEPS } from '../state-machines/steps.js';
import { HUB_ROLE_PATH, statementsFor } from './grants.js';
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
   * Name of the role the hub assumes here (the hub's `memberRoleName`).
   * @default 'PeeringAutopilotMember'
   */
  readonly memberRoleName?: string;
  /**
   * Regions in which the role may write (accept, routes, rules, tags).
   * @default - any region ('*'): the role is global, and the hub's own `regions` bound where it acts
   */
  readonly regions?: readonly string[];
}

export class PeeringAutopilotMember extends Construct {
  /** CloudTrail peering, drift and tag events -> the hub's bus (not made in the hub's own account and region). */
  public readonly forwardingRules: readonly Rule[];
  /** The role the hub assumes (made only in a member account, once: in the hub's region). */
  public readonly memberRole: Role;

  constructor(scope: Construct, id: string, props: PeeringAutopilotMemberProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    // Unset props become template parameters (a StackSet passes them per deployment).
    const parameter = (id: string, allowedPattern: string, description: string) =>
      new CfnParameter(stack, id, { type: 'String', allowedPattern, description }).valueAsString;
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
    const deadLetterQueue = new Queue(forwarding, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
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
          targets: [new EventBusTarget(hubBus, { deadLetterQueue, role })],
        }),
    );
    onlyWhen(
      forwarding,
      new CfnCondition(this, 'ForwardsEvents', {
        expression: Fn.conditionNot(Fn.conditionAnd(inHubAccount, inHubRegion)),
      }),
    );

    // The role: in member accounts only, and once per account (IAM is global): in the hub's region.
    this.memberRole = new Role(this, 'MemberRole', {
      roleName: memberRoleName,
      description: "Assumed by the Peering Autopilot hub to configure this account's side of peerings",
      // Only the hub's function roles (under their path), only for sessions the hub names.
      assumedBy: new AccountPrincipal(hubAccount).withConditions({
        ArnLike: { 'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${hubAccount}:role${HUB_ROLE_PATH}*` },
        StringLike: { 'sts:RoleSessionName': 'peering-autopilot-*' },
      }),
      inlinePolicies: {
        PeeringAutopilotSide: new PolicyDocument({
          statements: memberStatements(stack, props.regions ?? ['*']),
        }),
      },
    });
    onlyWhen(
      this.memberRole,
      new CfnCondition(this, 'MakesMemberRole', {
        expression: Fn.conditionAnd(Fn.conditionNot(inHubAccount), inHubRegion),
      }),
    );
    this.suppressJustifiedFindings();
  }

  private suppressJustifiedFindings(): void {
    NagSuppressions.addResourceSuppressions(
      this,
      [
        {
          id: 'AwsSolutions-SQS3',
          reason: 'This queue is itself the dead-letter queue of the forwarding rules.',
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'The member role does on this side what the hub does in its own account (the step table): writes ' +
            'scoped to the resource type in this account (ARN ending /*) because people create route tables, ' +
            'groups and peerings at any time; accept only with this account as the accepter; ingress only on ' +
            'groups tagged peering-autopilot:ingress; SendCommand only on instances tagged peering-autopilot:probe ' +
            'with AWS-RunShellScript; CreateTags only for the two status keys; prefix-list entries read-only.',
          appliesTo: [
            {
              regex:
                '/^Resource::arn:<AWS::Partition>:ec2:.*:(route-table|security-group|vpc-peering-connection|vpc|instance|prefix-list)\\/\\*$/g',
            },
            // The AWS-owned document, in any region the hub may probe in.
            'Resource::arn:<AWS::Partition>:ssm:*::document/AWS-RunShellScript',
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

/**
 * Every EC2 and SSM statement of every step, for this account: the hub acting here as this
 * account's owner needs exactly what it needs in its own. A peering's other side may be any
 * account (`<Peers>` = *): whether it is a member is the hub's decision and the hub's policy.
 */
function memberStatements(stack: Stack, regions: readonly string[]): PolicyStatement[] {
  const grants = [...STEPS.flatMap((s) => s.grants), ...STARTER_GRANTS];
  const seen = new Set<string>();
  return statementsFor(grants, stack, regions, ['*']).filter((s) => {
    const key = JSON.stringify(stack.resolve(s.toStatementJson()));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
