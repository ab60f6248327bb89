/**
 * Hub and members in the templates: the member stack forwards to the hub's bus, the hub's bus
 * admits only the members, and the member role trusts only the hub's function roles and allows
 * only what the hub does on a side. IAM semantics per the IAM User Guide (cross-account access:
 * the trust policy names the hub account, `aws:PrincipalArn` narrows it to roles under one path)
 * and EventBridge's cross-account delivery (the receiving bus's resource policy must allow it).
 */
import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS, NEW_PROJECT_DEFAULT_CONTEXT } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PeeringAutopilotMember } from '../../infra/member.js';
import { PeeringAutopilot } from '../../infra/peering-autopilot.js';
import { PeeringAutopilotMemberStack } from '../../infra/peering-autopilot-member-stack.js';
import { testApp } from '../support/cdk.js';

const app = (context: Record<string, unknown> = {}) => testApp(context);
const HUB = '123456789012';
const env = { account: HUB, region: 'us-east-1' };
const MEMBERS = ['111111111111', '222222222222'];

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

function hub(props: ConstructorParameters<typeof PeeringAutopilot>[2] = {}) {
  const stack = new Stack(app(), 'Hub', { env });
  new PeeringAutopilot(stack, 'PeeringAutopilot', { members: MEMBERS, ...props });
  return Template.fromStack(stack);
}

function member(props: Partial<ConstructorParameters<typeof PeeringAutopilotMember>[2]> = {}) {
  const stack = new Stack(app(), 'Member', { env: { account: '111111111111', region: 'eu-west-1' } });
  const construct = new PeeringAutopilotMember(stack, 'Member', {
    hubAccount: HUB,
    hubRegion: 'us-east-1',
    members: MEMBERS,
    regions: ['us-east-1', 'eu-west-1'],
    ...props,
  });
  return { stack, construct, template: Template.fromStack(stack) };
}

const USERS = ['Inspect', 'Activation', 'Plan', 'Apply', 'Verify', 'Cleanup', 'Report', 'Starter'] as const;

function memberRoleStatements(template: Template, user: (typeof USERS)[number]): Statement[] {
  const roles = Object.values(
    template.findResources('AWS::IAM::Role', { Properties: { RoleName: `PeeringAutopilotMember-${user}` } }),
  );
  expect(roles).toHaveLength(1);
  const role = roles[0] as {
    Properties: { Policies: Array<{ PolicyDocument: { Statement: Statement[] } }> };
  };
  return role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
}

/** Every statement of the hub function role whose step tag is `user`. */
function hubRoleStatements(template: Template, user: string): Statement[] {
  const [roleId] = Object.entries(template.findResources('AWS::IAM::Role')).find(([, r]) =>
    JSON.stringify((r as { Properties: { Tags?: unknown } }).Properties.Tags ?? []).includes(
      `{"Key":"peering-autopilot:step","Value":"${user}"}`,
    ),
  ) ?? [undefined];
  expect(roleId).toBeDefined();
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) =>
      JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(`"${roleId}"`),
    )
    .flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
}

describe('the hub', () => {
  it('admits PutEvents on its default bus from exactly the member accounts', () => {
    const policies = Object.values(hub().findResources('AWS::Events::EventBusPolicy'));
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({
      Properties: {
        EventBusName: 'default',
        Statement: {
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Principal: {
            AWS: MEMBERS.map((m) => ({
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${m}:root`]],
            })),
          },
        },
      },
    });
  });

  it('admits only what members forward: EC2 CloudTrail API calls (issue 19 §2)', () => {
    const [policy] = Object.values(hub().findResources('AWS::Events::EventBusPolicy'));
    expect(policy).toMatchObject({
      Properties: {
        Statement: {
          Condition: {
            StringEquals: { 'events:source': 'aws.ec2', 'events:detail-type': 'AWS API Call via CloudTrail' },
          },
        },
      },
    });
    const [org] = Object.values(
      hub({ organizationId: 'o-a1b2c3d4e5' }).findResources('AWS::Events::EventBusPolicy'),
    );
    expect(JSON.stringify(org)).toContain('"events:source":"aws.ec2"');
  });

  it('admits the whole organization by aws:PrincipalOrgID when an organization id is given', () => {
    const [policy] = Object.values(
      hub({ organizationId: 'o-a1b2c3d4e5' }).findResources('AWS::Events::EventBusPolicy'),
    );
    expect(policy).toMatchObject({
      Properties: {
        Statement: { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
      },
    });
  });

  it('has no bus policy and no AssumeRole grant when it has no members', () => {
    const template = hub({ members: [] });
    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    const all = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
    expect(all.flatMap(actions)).not.toContain('sts:AssumeRole');
  });

  it("puts every function role under the hub path, tagged with its step, and lets it assume only that step's role in each member (issue 19 §2)", () => {
    const template = hub();
    const roles = Object.values(template.findResources('AWS::IAM::Role')).filter((r) =>
      JSON.stringify(r).includes('lambda.amazonaws.com'),
    );
    expect(roles.length).toBeGreaterThanOrEqual(8);
    for (const r of roles)
      expect((r as { Properties: { Path?: string } }).Properties.Path).toBe('/peering-autopilot/');
    for (const user of USERS) {
      const assume = hubRoleStatements(template, user).filter((s) => actions(s).includes('sts:AssumeRole'));
      expect(assume).toHaveLength(1);
      expect(actions(assume[0] as Statement)).toEqual(['sts:AssumeRole']);
      expect(JSON.stringify(assume[0]?.Resource)).toBe(
        JSON.stringify(
          MEMBERS.map((m) => ({
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, `:iam::${m}:role/PeeringAutopilotMember-${user}`],
            ],
          })),
        ),
      );
    }
  });

  it('accepts only as the accepter (this account), from requesters in this account or a member', () => {
    const template = hub();
    const accept = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
            .Statement,
      )
      .find((s) => actions(s).includes('ec2:AcceptVpcPeeringConnection') && s.Condition);
    const requesters = JSON.stringify(accept?.Condition?.ArnLike?.['ec2:RequesterVpc']);
    for (const m of MEMBERS) expect(requesters).toContain(`:ec2:*:${m}:vpc/*`);
    expect(JSON.stringify(accept?.Condition?.ArnLike?.['ec2:AccepterVpc'])).toContain(`:ec2:*:${HUB}:vpc/*`);
  });

  it('tells every function and the starter who the members are, its own member role and the regions', () => {
    const fns = Object.values(hub().findResources('AWS::Lambda::Function')).filter(
      (f) => JSON.stringify(f).includes('ACCEPT_POLICY') || JSON.stringify(f).includes('STATE_MACHINE_ARN'),
    );
    expect(fns.length).toBe(8);
    const roles = fns.map((f) => {
      const vars = (f as { Properties: { Environment: { Variables: Record<string, string> } } }).Properties
        .Environment.Variables;
      expect(vars).toMatchObject({
        PEERING_AUTOPILOT_MEMBER_ACCOUNTS: MEMBERS.join(','),
        PEERING_AUTOPILOT_REGIONS: 'us-east-1',
      });
      return vars.PEERING_AUTOPILOT_MEMBER_ROLE;
    });
    // Each function names its own step's member role: eight functions, eight roles.
    expect(roles.sort()).toEqual(USERS.map((u) => `PeeringAutopilotMember-${u}`).sort());
  });

  it('fails when a member id is malformed or is the hub itself, or the organization id or role name is bad, naming each', () => {
    expect(() =>
      hub({ members: ['12345', HUB], organizationId: 'org-1', memberRoleName: 'bad name' }),
    ).toThrow(
      /members must be 12-digit AWS account ids, got '12345'.*members must not include the hub's own account 123456789012.*organizationId must look like 'o-a1b2c3d4e5', got 'org-1'.*memberRoleName must be an IAM role name/,
    );
  });
});

describe('the member', () => {
  it("forwards the hub's peering, drift and tag events to the hub's default bus, with a role and a DLQ", () => {
    const { template } = member();
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as Array<{
      Properties: { EventPattern: { detail: { eventName: string[] } }; Targets: unknown[] };
      Condition: string;
    }>;
    expect(rules).toHaveLength(3);
    const names = rules.flatMap((r) => r.Properties.EventPattern.detail.eventName);
    for (const e of ['CreateVpcPeeringConnection', 'DeleteRoute', 'CreateTags']) expect(names).toContain(e);
    for (const r of rules) {
      expect(r.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, `:events:us-east-1:${HUB}:event-bus/default`],
            ],
          },
          RoleArn: expect.anything(),
          DeadLetterConfig: expect.anything(),
        }),
      ]);
      // Not in the hub's own account and region (its own rules hear those events).
      expect(r.Condition).toMatch(/ForwardsEvents/);
    }
  });

  it("trusts each step's role to the hub's function role of that step only (hub account, role path, step tag, session name)", () => {
    const { template } = member();
    for (const user of USERS)
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: `PeeringAutopilotMember-${user}`,
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Principal: {
                AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${HUB}:root`]] },
              },
              Condition: {
                ArnLike: {
                  'aws:PrincipalArn': {
                    'Fn::Join': [
                      '',
                      ['arn:', { Ref: 'AWS::Partition' }, `:iam::${HUB}:role/peering-autopilot/*`],
                    ],
                  },
                },
                StringEquals: { 'aws:PrincipalTag/peering-autopilot:step': user },
                StringLike: { 'sts:RoleSessionName': 'peering-autopilot-*' },
              },
            },
          ],
        },
      });
  });

  it("gives each step's member role exactly that step's actions at home: Inspect, Plan and the starter read only (issue 19 §2)", () => {
    const hubTemplate = hub();
    const { template } = member();
    // EC2 and SSM Run Command: the hub's own trusted record (ssm:*Parameter) lives in the hub only.
    const actionSet = (statements: Statement[]) =>
      [
        ...new Set(
          statements
            .flatMap(actions)
            .filter((a) => /^(ec2|ssm):/.test(a) && !/^ssm:(Get|Put|Delete)Parameter$/.test(a)),
        ),
      ].sort();
    for (const user of USERS) {
      expect(actionSet(memberRoleStatements(template, user))).toEqual(
        actionSet(hubRoleStatements(hubTemplate, user)),
      );
    }
    for (const user of ['Inspect', 'Plan', 'Starter'] as const) {
      for (const a of actionSet(memberRoleStatements(template, user)))
        expect(a).toMatch(/^ec2:(Describe|Get)/);
    }
  });

  it('each write narrowed as at home, in the hub regions only, and an accept only from the hub or a member (issue 19 §2)', () => {
    const { template } = member();
    const statements = USERS.flatMap((u) => memberRoleStatements(template, u));
    const byAction = (a: string) => statements.filter((s) => actions(s).includes(a));
    // Accept only as the accepter (this account's VPC), from a requester VPC of the hub or a member.
    const accept = byAction('ec2:AcceptVpcPeeringConnection').find((s) => s.Condition?.ArnLike);
    expect(JSON.stringify(accept?.Condition?.ArnLike?.['ec2:AccepterVpc'])).toContain(
      ':ec2:*:111111111111:vpc/*',
    );
    const requesters = JSON.stringify(accept?.Condition?.ArnLike?.['ec2:RequesterVpc']);
    for (const a of [HUB, ...MEMBERS]) expect(requesters).toContain(`:ec2:*:${a}:vpc/*`);
    expect(requesters).not.toContain(':ec2:*:*:vpc');
    // Every statement holds only in the hub's regions.
    for (const s of statements)
      expect(s.Condition?.StringEquals?.['aws:RequestedRegion']).toEqual(['us-east-1', 'eu-west-1']);
    // Routes only in this account's route tables; ingress only on opted-in groups.
    for (const s of byAction('ec2:CreateRoute'))
      expect(JSON.stringify(s.Resource)).toContain('111111111111:route-table/*');
    expect(byAction('ec2:AuthorizeSecurityGroupIngress')[0]?.Condition).toMatchObject({
      Null: { 'aws:ResourceTag/peering-autopilot:ingress': 'false' },
    });
    expect(byAction('ec2:CreateTags')[0]?.Condition).toMatchObject({
      'ForAllValues:StringEquals': {
        'aws:TagKeys': [
          'peering-autopilot:status',
          'peering-autopilot:checked-at',
          'peering-autopilot:routed',
          ...[2, 3, 4, 5, 6, 7, 8].map((n) => `peering-autopilot:routed-${n}`),
        ],
      },
    });
    const sendToInstances = byAction('ssm:SendCommand').find((s) =>
      JSON.stringify(s.Resource).includes('instance'),
    );
    expect(sendToInstances?.Condition).toMatchObject({
      Null: { 'ssm:resourceTag/peering-autopilot:probe': 'false' },
    });
    // Nothing else: no wildcard action, no mutating call on Resource "*".
    for (const s of statements) {
      for (const a of actions(s)) {
        expect(a).toMatch(/^(ec2|ssm):[A-Z]/);
        if (!/^(ec2|ssm):(Describe|Get)/.test(a)) expect(s.Resource).not.toBe('*');
      }
    }
  });

  it("makes the roles only in a member account, once (in the hub's region)", () => {
    const { template } = member();
    const roles = Object.values(
      template.findResources('AWS::IAM::Role', {
        Properties: { RoleName: Match.stringLikeRegexp('^PeeringAutopilotMember-') },
      }),
    );
    expect(roles).toHaveLength(USERS.length);
    for (const role of roles) expect((role as { Condition: string }).Condition).toMatch(/MakesMemberRole/);
    const conditions = template.toJSON().Conditions as Record<string, unknown>;
    const makes = Object.entries(conditions).find(([k]) => k.includes('MakesMemberRole'))?.[1];
    expect(JSON.stringify(makes)).toContain('"Fn::Not"');
    expect(JSON.stringify(makes)).toContain('"AWS::Region"');
  });

  it('keeps undelivered events 14 days, as the hub does, and alarms on them in the member account (issue 19 §2)', () => {
    const { template } = member({ alarmTopicArn: 'arn:aws:sns:eu-west-1:111111111111:netops' });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      AlarmActions: ['arn:aws:sns:eu-west-1:111111111111:netops'],
    });
  });

  it('as a StackSet template: HubAccount and HubRegion are parameters and nothing needs the CDK bootstrap', () => {
    const stack = new PeeringAutopilotMemberStack(app(), 'PeeringAutopilotMember');
    const template = Template.fromStack(stack).toJSON();
    expect(Object.keys(template.Parameters ?? {})).toEqual(
      expect.arrayContaining(['HubAccount', 'HubRegion', 'Regions', 'MemberAccounts']),
    );
    // The parameters bound the roles: regions (the hub's region when empty) and accept requesters.
    const text = JSON.stringify(template);
    expect(text).toContain('"aws:RequestedRegion":{"Fn::If":');
    expect(text).toContain(':vpc/*,arn:*:ec2:*:');
    expect(JSON.stringify(template)).not.toContain('BootstrapVersion');
  });

  it('fails when -c hubAccount is not an account id, naming the value', () => {
    expect(
      () => new PeeringAutopilotMemberStack(app({ hubAccount: '12' }), 'PeeringAutopilotMember'),
    ).toThrow(/-c hubAccount must be a 12-digit AWS account id, got "12"/);
  });

  it('has zero unsuppressed cdk-nag AwsSolutions findings', () => {
    const a = app({ hubAccount: HUB, hubRegion: 'us-east-1' });
    const stack = new PeeringAutopilotMemberStack(a, 'PeeringAutopilotMember');
    Aspects.of(a).add(new AwsSolutionsChecks());
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect([...errors, ...warnings].map((e) => `${e.id}: ${String(e.entry.data).slice(0, 120)}`)).toEqual([]);
  });
});

describe("in a user's own CDK app (issue 20 §5)", () => {
  it('hub, hub with members and member stacks with a concrete env and the feature flags `cdk init` writes have zero unsuppressed cdk-nag findings', () => {
    // Prepare: what `cdk init app` gives a user: the recommended flags in cdk.json, a concrete env
    // (literal partition and account in every ARN, not <AWS::Partition>).
    const a = testApp({ ...NEW_PROJECT_DEFAULT_CONTEXT, ...CURRENTLY_RECOMMENDED_FLAGS });
    const alone = new Stack(a, 'Alone', { env: { account: HUB, region: 'eu-west-1' } });
    new PeeringAutopilot(alone, 'PeeringAutopilot');
    const withMembers = new Stack(a, 'WithMembers', { env: { account: HUB, region: 'eu-west-1' } });
    new PeeringAutopilot(withMembers, 'PeeringAutopilot', {
      members: MEMBERS,
      regions: ['eu-west-1', 'us-east-1'],
    });
    const memberStack = new Stack(a, 'Member', { env: { account: '111111111111', region: 'eu-west-1' } });
    new PeeringAutopilotMember(memberStack, 'Member', { hubAccount: HUB, hubRegion: 'eu-west-1' });
    Aspects.of(a).add(new AwsSolutionsChecks());
    // Act + Assess
    for (const stack of [alone, withMembers, memberStack]) {
      const found = [
        ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
        ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ].map((e) => `${stack.stackName} ${e.id}: ${String(e.entry.data).slice(0, 160)}`);
      expect(found).toEqual([]);
    }
  });
});
