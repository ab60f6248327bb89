import { Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PeeringAutopilot } from '../../infra/peering-autopilot.js';
import { PeeringAutopilotStack } from '../../infra/peering-autopilot-stack.js';
import { AcceptPolicy, DnsResolution, OutsideAccounts } from '../../infra/props.js';
import { placeholdersIn } from '../../state-machines/builder.js';
import { readWorkflowDefinition } from '../../state-machines/peering-workflow.js';
import { STEPS } from '../../state-machines/steps.js';
import { testApp } from '../support/cdk.js';

// Skip esbuild bundling in template tests: they assert intent, not bundle bytes.
const app = () => testApp();
const env = { account: '123456789012', region: 'us-east-1' };

function synth(props: ConstructorParameters<typeof PeeringAutopilot>[2] = {}) {
  const stack = new Stack(app(), 'Test', { env });
  const autopilot = new PeeringAutopilot(stack, 'PeeringAutopilot', props);
  return { stack, autopilot, template: Template.fromStack(stack) };
}

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The EC2/STS actions granted to the role of the function whose handler is `entry`. */
function statementsOf(template: Template, stepId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const match = Object.entries(policies).find(([id]) => id.includes(`${stepId}FunctionRole`));
  if (!match) throw new Error(`no policy for ${stepId}`);
  return (match[1] as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
    .PolicyDocument.Statement;
}

function actionsOf(template: Template, stepId: string): string[] {
  const actions = statementsOf(template, stepId)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    .filter((a) => !a.startsWith('xray:') && !a.startsWith('logs:'));
  return [...new Set(actions)].sort();
}

describe('PeeringAutopilot construct', () => {
  it('has a Standard state machine whose every ASL placeholder is substituted', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const sm = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as {
      Properties: {
        DefinitionSubstitutions: Record<string, unknown>;
        StateMachineType: string;
        TracingConfiguration: unknown;
      };
    };
    expect(sm.Properties.StateMachineType).toBe('STANDARD');
    expect(Object.keys(sm.Properties.DefinitionSubstitutions).sort()).toEqual(
      placeholdersIn(readWorkflowDefinition()),
    );
    expect(placeholdersIn(readWorkflowDefinition())).toEqual(STEPS.map((f) => f.placeholder).sort());
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
  });

  it.each([
    [
      'PeeringEventRule',
      {
        eventName: [
          'CreateVpcPeeringConnection',
          'AcceptVpcPeeringConnection',
          'DeleteVpcPeeringConnection',
          'RejectVpcPeeringConnection',
          'ModifyVpcPeeringConnectionOptions',
        ],
      },
    ],
    [
      'DriftEventRule',
      {
        eventName: [
          'DeleteRoute',
          'ReplaceRoute',
          'CreateRouteTable',
          'AssociateRouteTable',
          'ReplaceRouteTableAssociation',
          'DisassociateRouteTable',
          'AssociateVpcCidrBlock',
          'DisassociateVpcCidrBlock',
          'RevokeSecurityGroupIngress',
          'ModifySecurityGroupRules',
        ],
      },
    ],
    [
      'TagEventRule',
      {
        eventName: ['CreateTags', 'DeleteTags'],
        requestParameters: { tagSet: { items: { key: [{ prefix: 'peering-autopilot:' }] } } },
      },
    ],
  ])('%s sends successful CloudTrail calls to the starter, with retries and a DLQ', (id, detail) => {
    const { template } = synth();
    const rules = template.findResources('AWS::Events::Rule', {
      Properties: {
        EventPattern: {
          source: ['aws.ec2'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['ec2.amazonaws.com'], errorCode: [{ exists: false }], ...detail },
        },
      },
    });
    expect(Object.keys(rules)).toEqual([expect.stringContaining(id)]);
    const target = (Object.values(rules)[0] as { Properties: { Targets: Record<string, unknown>[] } })
      .Properties.Targets[0];
    expect(target).toMatchObject({
      Arn: { 'Fn::GetAtt': [expect.stringContaining('StarterFunction'), 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringContaining('TriggerDeadLetterQueue'), 'Arn'] } },
      RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 },
    });
  });

  it('sweeps every 15 minutes by default, and at the configured rate; re-verifies after 24 h by default', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SWEEP_SECONDS: '900', REVERIFY_SECONDS: '86400' }) },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ Input: '{"sweep":true}', DeadLetterConfig: Match.anyValue() })],
    });
    synth({ sweepRate: Duration.minutes(30) }).template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(30 minutes)',
    });
  });

  it('lets the starter start executions of this state machine only (and dead-letter its failed events)', () => {
    const { template } = synth();
    expect(actionsOf(template, 'Starter')).toEqual([
      'ec2:DescribeRouteTables',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeVpcPeeringConnections',
      'ec2:DescribeVpcs',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
      'states:StartExecution',
    ]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'states:StartExecution',
            Effect: 'Allow',
            Resource: { Ref: Match.stringLikeRegexp('Workflow') },
          },
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          STATE_MACHINE_ARN: { Ref: Match.stringLikeRegexp('Workflow') },
          DEBOUNCE_SECONDS: '3',
          SWEEP_SECONDS: '900',
        }),
      },
    });
  });

  it.each([
    ['Inspect', ['ec2:DescribeVpcPeeringConnections', 'ec2:DescribeVpcs', 'ssm:GetParameter']],
    [
      'Activation',
      [
        'ec2:AcceptVpcPeeringConnection',
        'ec2:DescribeVpcPeeringConnections',
        'ec2:RejectVpcPeeringConnection',
      ],
    ],
    ['Plan', ['ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcAttribute']],
    [
      'Apply',
      [
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:CreateRoute',
        'ec2:DeleteRoute',
        'ec2:DescribeRouteTables',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeVpcPeeringConnections',
        'ec2:DescribeVpcs',
        'ec2:ModifyVpcPeeringConnectionOptions',
        'ec2:RevokeSecurityGroupIngress',
        'ssm:GetParameter',
      ],
    ],
    [
      'Cleanup',
      [
        'ec2:DeleteRoute',
        'ec2:DescribeRouteTables',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeVpcPeeringConnections',
        'ec2:DescribeVpcs',
        'ec2:RevokeSecurityGroupIngress',
        'ssm:DeleteParameter',
        'ssm:GetParameter',
      ],
    ],
    ['Report', ['ec2:CreateTags', 'sns:Publish', 'ssm:PutParameter']],
    [
      'Verify',
      [
        'ec2:DescribeInstances',
        'ec2:DescribeNetworkAcls',
        'ec2:DescribeVpcPeeringConnections',
        'ec2:GetManagedPrefixListEntries',
        'ssm:GetCommandInvocation',
        'ssm:SendCommand',
      ],
    ],
  ])('grants the %s function only the actions it calls', (step, actions) => {
    expect(actionsOf(synth().template, step)).toEqual(actions);
  });

  // Service Authorization Reference, ec2:AcceptVpcPeeringConnection: resource types vpc* and
  // vpc-peering-connection* are both required; ec2:AccepterVpc/RequesterVpc exist only on the peering.
  it('grants accept on the accepter vpc in its own statement, keeping the account conditions on the peering', () => {
    const statements = statementsOf(synth().template, 'Activation').filter(
      (s) => s.Action === 'ec2:AcceptVpcPeeringConnection',
    );
    const resources = statements.map((s) => JSON.stringify(s.Resource));
    expect(resources).toEqual([
      expect.stringContaining(':vpc-peering-connection/*'),
      expect.stringContaining(':vpc/*'),
    ]);
    expect(statements[0]?.Condition).toEqual({
      ArnLike: { 'ec2:RequesterVpc': expect.anything(), 'ec2:AccepterVpc': expect.anything() },
    });
    expect(statements[1]?.Condition).toBeUndefined();
  });

  it('lets the Activation role accept a request from any account only when outside accounts are put to a person', () => {
    const requesterVpcs = (props: ConstructorParameters<typeof PeeringAutopilot>[2]) =>
      JSON.stringify(
        statementsOf(synth(props).template, 'Activation').find(
          (s) => s.Action === 'ec2:AcceptVpcPeeringConnection',
        )?.Condition,
      );
    expect(requesterVpcs({})).toContain(':123456789012:vpc/*');
    expect(requesterVpcs({})).not.toContain(':*:vpc/*');
    expect(requesterVpcs({ outsideAccounts: OutsideAccounts.APPROVE })).toContain(':*:vpc/*');
  });

  // Issue 23 §6: approving and rejecting need their own permissions, and only those.
  it('exports an approver policy that writes the approval record and runs this workflow, nothing else', () => {
    const { template } = synth();
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const approver = Object.entries(policies).find(([id]) => id.includes('ApproverPolicy'))?.[1] as {
      Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> } };
    };
    const statements = approver.Properties.PolicyDocument.Statement;
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual([
      'ec2:DescribeVpcPeeringConnections',
      'ec2:DescribeVpcs',
      'ssm:GetParameter',
      'ssm:PutParameter',
      'states:DescribeExecution',
      'states:GetExecutionHistory',
      'states:ListStateMachines',
      'states:StartExecution',
    ]);
    const put = statements.find((s) => [s.Action].flat().includes('ssm:PutParameter'));
    expect(JSON.stringify(put?.Resource)).toContain(':parameter/peering-autopilot/approvals/*');
    // No function role may write a decision: their only PutParameter is Report's, on the routed record.
    const roleStatements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
          .Statement,
    ) as Array<{ Action: string | string[]; Resource: unknown }>;
    const writes = roleStatements.filter((s) => [s.Action].flat().includes('ssm:PutParameter'));
    expect(writes.map((s) => JSON.stringify(s.Resource)).join()).not.toContain('approvals');
    expect(writes.map((s) => JSON.stringify(s.Resource)).join()).toContain('routed');
  });

  // SSM User Guide, "Restricting Run Command access based on tags": ssm:resourceTag on instance/*.
  it('lets verification run a command only as AWS-RunShellScript on instances tagged as probes', () => {
    const statements = statementsOf(synth().template, 'Verify').filter((s) => s.Action === 'ssm:SendCommand');
    expect(statements).toHaveLength(2);
    expect(JSON.stringify(statements[0]?.Resource)).toContain('::document/AWS-RunShellScript');
    expect(statements[0]?.Condition).toBeUndefined();
    expect(JSON.stringify(statements[1]?.Resource)).toContain(':instance/*');
    expect(statements[1]?.Condition).toEqual({
      Null: { 'ssm:resourceTag/peering-autopilot:probe': 'false' },
    });
  });

  it('lets the report step write only the status tags and the routed record', () => {
    synth().template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'ec2:CreateTags',
            Condition: {
              'ForAllValues:StringEquals': {
                'aws:TagKeys': [
                  'peering-autopilot:status',
                  'peering-autopilot:checked-at',
                  'peering-autopilot:routed',
                  ...[2, 3, 4, 5, 6, 7, 8].map((n) => `peering-autopilot:routed-${n}`),
                ],
              },
            },
          }),
        ]),
      },
    });
  });

  it('scopes writes to this account and region, and ingress to opted-in groups', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'ec2:CreateRoute',
            Resource: {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:123456789012:route-table/*'],
              ],
            },
          }),
          Match.objectLike({
            Action: 'ec2:AuthorizeSecurityGroupIngress',
            Resource: {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:123456789012:security-group/*'],
              ],
            },
            Condition: { Null: { 'aws:ResourceTag/peering-autopilot:ingress': 'false' } },
          }),
        ]),
      },
    });
  });

  it('runs functions on nodejs22.x arm64 with X-Ray and their own log groups', () => {
    const { template } = synth({ logRetention: RetentionDays.ONE_WEEK });
    const fns = template.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } },
    });
    expect(Object.keys(fns)).toHaveLength(STEPS.length + 1); // + the starter
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('alarms on failed and timed-out executions and on the trigger DLQ, into one encrypted topic', () => {
    const { template } = synth({ alarmEmail: 'netops@example.com' });
    for (const metric of [
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'ApproximateNumberOfMessagesVisible',
      'RouteConflicts',
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
      });
    }
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'netops@example.com',
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('alarms when verification failed, on the failed-status metric of our namespace', () => {
    synth().template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'PeeringAutopilot',
      MetricName: 'Verifications',
      Dimensions: Match.arrayWith([{ Name: 'status', Value: 'failed' }]),
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  it('alarms when the sweep cannot read a place three sweeps in a row (issue 19 §1: one broken member is seen)', () => {
    synth().template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'PeeringAutopilot',
      MetricName: 'SweepPlacesFailed',
      Period: 900,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
  });

  it('adds the email subscription only when one is configured', () => {
    synth().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('passes the probe settings to the verify function', () => {
    synth({ probeCount: 5, probeTimeout: Duration.seconds(20) }).template.hasResourceProperties(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({
            PROBE_COUNT: '5',
            PROBE_COMMAND_TIMEOUT_SECONDS: '20',
            PROBE_POLL_DEADLINE_SECONDS: '35',
          }),
        },
      },
    );
  });

  it('passes the accept policy and quotas to the functions', () => {
    const { template } = synth({
      acceptPolicy: AcceptPolicy.TAGGED_ONLY,
      routesPerTableQuota: 100,
      rulesPerSecurityGroupQuota: 120,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ACCEPT_POLICY: 'tagged-only',
          ROUTES_PER_TABLE_QUOTA: '100',
          RULES_PER_SECURITY_GROUP_QUOTA: '120',
        }),
      },
    });
  });

  it('a stack built with non-default props reflects every prop', () => {
    const { template } = synth({
      acceptPolicy: AcceptPolicy.TAGGED_ONLY,
      alarmEmail: 'netops@example.com',
      regions: ['us-east-1', 'eu-west-1'],
      logRetention: RetentionDays.THREE_MONTHS,
      routesPerTableQuota: 200,
      rulesPerSecurityGroupQuota: 120,
      sweepRate: Duration.minutes(15),
      debounce: Duration.seconds(10),
      probeCount: 4,
      probeTimeout: Duration.seconds(20),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ACCEPT_POLICY: 'tagged-only',
          ROUTES_PER_TABLE_QUOTA: '200',
          RULES_PER_SECURITY_GROUP_QUOTA: '120',
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PROBE_COUNT: '4', PROBE_COMMAND_TIMEOUT_SECONDS: '20' }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DEBOUNCE_SECONDS: '10', SWEEP_SECONDS: '900' }) },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'netops@example.com',
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'ec2:CreateRoute',
            Resource: [
              {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:123456789012:route-table/*'],
                ],
              },
              {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-1:123456789012:route-table/*'],
                ],
              },
            ],
          }),
        ]),
      },
    });
  });

  it('has a dashboard with outcomes, verification, heals, durations and DLQ depth', () => {
    const dashboards = synth().template.findResources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(Object.values(dashboards)[0]);
    for (const text of [
      'Runs by outcome',
      'Verification (ping) results',
      'Heals',
      'ExecutionTime',
      'ApproximateNumberOfMessagesVisible',
    ]) {
      expect(body).toContain(text);
    }
  });

  it('fails when a prop is invalid, naming the value', () => {
    expect(() => synth({ acceptPolicy: 'everyone' as never })).toThrow(
      "acceptPolicy must be 'same-account' or 'tagged-only', got 'everyone'",
    );
    expect(() => synth({ routesPerTableQuota: 0 })).toThrow(
      'routesPerTableQuota must be a positive integer, got 0',
    );
    expect(() => synth({ reverifyAfter: Duration.minutes(1) })).toThrow(
      'reverifyAfter must be between 5 minutes and 31 days, got 1 minute',
    );
  });

  it('gives the starter five minutes, room for a sweep over many accounts and regions', () => {
    synth().template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 300,
      Environment: { Variables: Match.objectLike({ SWEEP_SECONDS: '900' }) },
    });
  });

  it('passes the DNS resolution default to every function and the starter, and names a bad value', () => {
    const fns = Object.values(
      synth({ dnsResolution: DnsResolution.ALWAYS }).template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: Match.objectLike({ DNS_RESOLUTION: 'always' }) } },
      }),
    );
    expect(fns).toHaveLength(8);
    expect(() => synth({ dnsResolution: 'sometimes' as never })).toThrow(
      "dnsResolution must be 'tagged', 'always' or 'never', got 'sometimes'",
    );
  });

  it('passes a configured re-verification period to the starter', () => {
    synth({ reverifyAfter: Duration.hours(6) }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REVERIFY_SECONDS: '21600' }) },
    });
  });

  it('fails when a probe timeout would outlast the Verify task timeout in the workflow', () => {
    expect(() => synth({ probeTimeout: Duration.seconds(90) })).toThrow(
      "probeTimeout must be between 5 seconds and 75 seconds (the Verify step's 120 s task timeout keeps 45 s for polling and the diagnosis), got 1 minute 30 seconds",
    );
    expect(() => synth({ probeTimeout: Duration.seconds(75) })).not.toThrow();
  });

  it('names every invalid prop in one error', () => {
    expect(() => synth({ acceptPolicy: 'x' as never, probeCount: 0, debounce: Duration.hours(1) })).toThrow(
      /acceptPolicy must be .*; debounce must be .*; probeCount must be/,
    );
  });

  it('fails when the debounce would not leave the run its time inside the execution timeout', () => {
    expect(() => synth({ debounce: Duration.minutes(6) })).toThrow(
      "debounce must be between 1 second and 5 minutes (the workflow's 15 minutes execution timeout keeps 10 minutes for the run itself), got 6 minutes",
    );
    expect(() => synth({ debounce: Duration.minutes(5) })).not.toThrow();
  });

  it("gives the starter's asynchronous invocations a dead-letter queue and alarms on its errors", () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DEBOUNCE_SECONDS: '3' }) },
      DeadLetterConfig: {
        TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('TriggerDeadLetterQueue'), 'Arn'] },
      },
    });
    // cfn-lint-serverless ES1007: the EventInvokeConfig must name the function as the async permission does.
    const permission = Object.values(template.findResources('AWS::Lambda::Permission'))[0] as {
      Properties: { FunctionName: unknown; Principal: string };
    };
    expect(permission.Properties.Principal).toBe('events.amazonaws.com');
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: permission.Properties.FunctionName,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('TriggerDeadLetterQueue'), 'Arn'] },
        },
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('StarterFunction') } }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
  });
});

describe('least privilege', () => {
  it('grants no "*" action, no service-wide wildcard, and never a mutating EC2 or SSM action on Resource "*"', () => {
    const policies = synth().template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
    for (const s of statements) {
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      for (const action of actions) {
        expect(action).not.toBe('*');
        expect(action).not.toMatch(/:\*$/);
        if (/^(ec2|ssm):(?!Describe|Get)/.test(action)) expect(s.Resource).not.toBe('*');
      }
    }
  });
});

describe('app stack under cdk-nag AwsSolutions', () => {
  it('has zero unsuppressed findings', () => {
    const a = app();
    const stack = new PeeringAutopilotStack(a, 'PeeringAutopilot', { env });
    Aspects.of(a).add(new AwsSolutionsChecks());
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect([...errors, ...warnings].map((e) => `${e.id}: ${String(e.entry.data).slice(0, 120)}`)).toEqual([]);
  });
});
