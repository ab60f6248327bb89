/**
 * Every AWS call each function makes, in the scenarios below against moto, is granted to that
 * function's role in the synthesized template. A call the code makes but the role lacks would be
 * AccessDenied in a real account and invisible to every other test here (moto checks no IAM).
 */
process.env.PEERING_AUTOPILOT_MEMBER_ACCOUNTS = '111111111111';

import {
  CreateManagedPrefixListCommand,
  CreateRouteCommand,
  CreateTagsCommand,
  DeleteRouteCommand,
  DeleteTagsCommand,
  DeleteVpcPeeringConnectionCommand,
} from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ssmApprovalStore } from '../../functions/commons/approval-record.js';
import { observeClients } from '../../functions/commons/aws-clients.js';
import { PeeringAutopilotMember } from '../../infra/member.js';
import { PeeringAutopilot } from '../../infra/peering-autopilot.js';
import { CallRecorder } from '../../local/call-recorder.js';
import { runLocalWorkflow, runningFunction } from '../../local/local-runner.js';
import { cloudTrailEvent, starterHarness } from '../../local/local-starter.js';
import { buildAccountsScenario, buildSeedScenario } from '../../local/seed.js';
import { testApp } from '../support/cdk.js';
import { motoEndpoint, reset, tag, useMoto } from '../support/local-aws.js';

const { ec2, ec2In } = useMoto();

type PolicyResource = {
  Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } };
};
const actionsIn = (statements: Array<{ Action: string | string[] }>) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

/** function id (step id or Starter) -> the actions its role grants. */
function grantedActions(members: string[] = []): Record<string, Set<string>> {
  const stack = new Stack(testApp(), 'Coverage', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  new PeeringAutopilot(stack, 'PeeringAutopilot', { members });
  const granted: Record<string, Set<string>> = {};
  for (const [logicalId, policy] of Object.entries(
    Template.fromStack(stack).findResources('AWS::IAM::Policy'),
  )) {
    const fn = /PeeringAutopilot(\w+?)FunctionRole/.exec(logicalId)?.[1];
    if (!fn) continue;
    granted[fn] = new Set(actionsIn((policy as PolicyResource).Properties.PolicyDocument.Statement));
  }
  return granted;
}

/** function id (step id or Starter) -> the actions its role in a member (`PeeringAutopilotMember-<id>`) grants. */
function memberRoleActions(): Record<string, Set<string>> {
  const stack = new Stack(testApp(), 'Member', { env: { account: '111111111111', region: 'us-east-1' } });
  new PeeringAutopilotMember(stack, 'Member', {
    hubAccount: '123456789012',
    hubRegion: 'us-east-1',
    members: ['111111111111'],
  });
  const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as Array<{
    Properties: {
      RoleName?: string;
      Policies?: Array<{ PolicyDocument: PolicyResource['Properties']['PolicyDocument'] }>;
    };
  }>;
  const granted: Record<string, Set<string>> = {};
  for (const role of roles) {
    const fn = /^PeeringAutopilotMember-(\w+)$/.exec(role.Properties.RoleName ?? '')?.[1];
    if (!fn) continue;
    granted[fn] = new Set(
      (role.Properties.Policies ?? []).flatMap((p) => actionsIn(p.PolicyDocument.Statement)),
    );
  }
  return granted;
}

it('every AWS call of every function in the seed, source-group, drift, refusal, prefix-list and delete scenarios is granted to its role', async () => {
  await reset();
  const recorder = new CallRecorder(() => runningFunction.getStore());
  observeClients((client, owner) => recorder.watch(client, owner));
  const harness = await starterHarness(motoEndpoint());
  const seed = await buildSeedScenario(ec2);
  const { marketingFinance: mf, developerFinance: df } = seed.peerings;
  // Finance asks for DNS resolution: Plan reads its DNS attributes, Apply sets the option.
  await tag(ec2, seed.finance.vpcId, 'peering-autopilot:dns', 'true');

  // Finance admits Marketing's and Developer's groups by reference (ingress-from=sources): Apply
  // checks each named group is the peer VPC's before authorizing.
  await tag(ec2, seed.finance.securityGroupId, 'peering-autopilot:ingress-from', 'sources');
  await tag(
    ec2,
    [seed.marketing.securityGroupId, seed.developer.securityGroupId],
    'peering-autopilot:source',
    'true',
  );

  // First runs (accept, routes, rules, ping, status), a re-run and a dry run.
  for (const pcx of [mf, df, mf]) await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
  await runLocalWorkflow({ peeringConnectionId: df, dryRun: true });
  // A prefix-list route on the probe path (the diagnosis reads its entries), then drift through the
  // starter: the heal's verification sees the prefix-list route.
  const list = await ec2.send(
    new CreateManagedPrefixListCommand({
      PrefixListName: 'finance-extra',
      AddressFamily: 'IPv4',
      MaxEntries: 5,
      Entries: [{ Cidr: '172.31.5.0/24' }],
    }),
  );
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: seed.marketing.routeTableId,
      DestinationPrefixListId: list.PrefixList?.PrefixListId,
      VpcPeeringConnectionId: mf,
    }),
  );
  await ec2.send(
    new DeleteRouteCommand({ RouteTableId: seed.finance.routeTableId, DestinationCidrBlock: '10.10.0.0/16' }),
  );
  await harness.deliver(cloudTrailEvent('DeleteRoute', { routeTableId: seed.finance.routeTableId }));
  // Refused but active: our rules leave a group that opted out.
  await ec2.send(
    new CreateTagsCommand({
      Resources: [seed.finance.vpcId],
      Tags: [{ Key: 'peering-autopilot:accept', Value: 'false' }],
    }),
  );
  await ec2.send(
    new DeleteTagsCommand({
      Resources: [seed.finance.securityGroupId],
      Tags: [{ Key: 'peering-autopilot:ingress' }],
    }),
  );
  await runLocalWorkflow({ peeringConnectionId: df, dryRun: false });
  // Deletion: the event's cleanup, then the sweep.
  await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: mf }));
  await harness.deliver(
    cloudTrailEvent('DeleteVpcPeeringConnection', { vpcPeeringConnectionId: mf }, { _return: true }),
  );
  await harness.deliver({ sweep: true });

  const granted = grantedActions(['111111111111']); // the members this file's functions run with
  const made = new Map<string, Set<string>>();
  for (const { by, action } of recorder.actions) {
    if (!by) continue; // the test's own setup calls
    made.set(by, (made.get(by) ?? new Set()).add(action));
  }
  const missing = [...made].flatMap(([fn, actions]) =>
    [...actions].filter((a) => !granted[fn]?.has(a)).map((a) => `${fn} calls ${a}`),
  );
  expect(missing).toEqual([]);
  // The scenarios reached every workflow function and the starter.
  expect([...made.keys()].sort()).toEqual([
    'Activation',
    'Apply',
    'Cleanup',
    'Inspect',
    'Plan',
    'Report',
    'Starter',
    'Verify',
  ]);
  expect(made.get('Verify')).toContain('ec2:GetManagedPrefixListEntries');
  expect(made.get('Apply')).toContain('ec2:RevokeSecurityGroupIngress');
  expect(made.get('Apply')).toContain('ec2:DescribeSecurityGroups');
  expect(made.get('Cleanup')).toContain('ec2:RevokeSecurityGroupIngress');
  expect(made.get('Apply')).toContain('ec2:ModifyVpcPeeringConnectionOptions');
  expect(made.get('Plan')).toContain('ec2:DescribeVpcAttribute');
}, 120_000);

it('a person decides: waiting, approved and rejected runs call only what their roles grant', async () => {
  await reset();
  const recorder = new CallRecorder(() => runningFunction.getStore());
  observeClients((client, owner) => recorder.watch(client, owner));
  const seed = await buildSeedScenario(ec2);
  const { marketingFinance: mf, developerFinance: df } = seed.peerings;
  await tag(ec2, seed.finance.vpcId, 'peering-autopilot:accept', 'approval');
  for (const pcx of [mf, df]) await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
  // An approver records the decisions (the approver policy's call, not a function's).
  const approvals = ssmApprovalStore(new SSMClient({ region: 'us-east-1', endpoint: motoEndpoint() }));
  const decided = (decision: 'approved' | 'rejected', requesterVpcId: string) => ({
    decision,
    by: 'arn:aws:iam::123456789012:user/approver',
    at: new Date().toISOString(),
    reason: 'test',
    requesterVpcId,
    accepterVpcId: seed.finance.vpcId,
  });
  await approvals.write(mf, decided('approved', seed.marketing.vpcId));
  await approvals.write(df, decided('rejected', seed.developer.vpcId));
  for (const pcx of [mf, df]) await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

  const granted = grantedActions(['111111111111']);
  const made = new Map<string, Set<string>>();
  for (const { by, action } of recorder.actions) {
    if (!by) continue;
    made.set(by, (made.get(by) ?? new Set()).add(action));
  }
  const missing = [...made].flatMap(([fn, actions]) =>
    [...actions].filter((a) => !granted[fn]?.has(a)).map((a) => `${fn} calls ${a}`),
  );
  expect(missing).toEqual([]);
  expect(made.get('Inspect')).toContain('ssm:GetParameter');
  expect(made.get('Activation')).toContain('ec2:AcceptVpcPeeringConnection');
  expect(made.get('Activation')).toContain('ec2:RejectVpcPeeringConnection');
}, 120_000);

it('across accounts: each call made as the member is granted to the member role, and the hub functions may assume it', async () => {
  await reset();
  const recorder = new CallRecorder(() => runningFunction.getStore());
  observeClients((client, owner) => recorder.watch(client, owner));
  const member = ec2In('us-east-1', '111111111111');
  const s = await buildAccountsScenario(ec2, member, { hub: '123456789012', member: '111111111111' });
  const harness = await starterHarness(motoEndpoint());
  const where = { account: '111111111111' };

  // Accept, routes and rules on both sides, verification, status tags in both views ...
  await runLocalWorkflow({ peeringConnectionId: s.peering, dryRun: false });
  // ... drift in the member, healed through the starter ...
  await member.send(
    new DeleteRouteCommand({ RouteTableId: s.marketing.routeTableId, DestinationCidrBlock: '172.31.0.0/16' }),
  );
  await harness.deliver(
    cloudTrailEvent('DeleteRoute', { routeTableId: s.marketing.routeTableId }, null, new Date(), where),
  );
  // ... a sweep over both accounts, then the member deletes the peering: cleanup on both sides.
  await harness.deliver({ sweep: true });
  await member.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: s.peering }));
  await harness.deliver(
    cloudTrailEvent(
      'DeleteVpcPeeringConnection',
      { vpcPeeringConnectionId: s.peering },
      null,
      new Date(),
      where,
    ),
  );

  const hubGrants = grantedActions(['111111111111']);
  const memberGrants = memberRoleActions();
  const missing: string[] = [];
  const asMember = new Set<string>();
  for (const { by, as, action } of recorder.actions) {
    if (!by) continue;
    if (as === '111111111111') {
      asMember.add(action);
      // Granted to that step's own member role, not to some other step's.
      if (!memberGrants[by]?.has(action)) missing.push(`${by} calls ${action} as the member`);
    } else if (!hubGrants[by]?.has(action)) missing.push(`${by} calls ${action} as the hub`);
  }
  expect([...new Set(missing)]).toEqual([]);
  // The member side saw accept, routes, tags and cleanup, and the hub assumed the role to do it.
  for (const a of ['ec2:CreateRoute', 'ec2:CreateTags', 'ec2:DeleteRoute', 'ec2:DescribeVpcs']) {
    expect(asMember).toContain(a);
  }
  expect(recorder.actions.some((a) => a.action === 'sts:AssumeRole')).toBe(true);
  // And nothing more: each step's member role grants no EC2 or SSM action its hub role lacks.
  const beyond = Object.entries(memberGrants).flatMap(([fn, actions]) =>
    [...actions].filter((a) => !hubGrants[fn]?.has(a)).map((a) => `${fn} may ${a} in the member only`),
  );
  expect(beyond).toEqual([]);
  expect(Object.keys(memberGrants).sort()).toEqual(Object.keys(hubGrants).sort());
}, 120_000);
