/**
 * Every AWS call each function makes, in the scenarios below against moto, is granted to that
 * function's role in the synthesized template. A call the code makes but the role lacks would be
 * AccessDenied in a real account and invisible to every other test here (moto checks no IAM).
 */
import {
  CreateManagedPrefixListCommand,
  CreateRouteCommand,
  CreateTagsCommand,
  DeleteRouteCommand,
  DeleteTagsCommand,
  DeleteVpcPeeringConnectionCommand,
} from '@aws-sdk/client-ec2';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { observeClients } from '../../functions/commons/aws-clients.js';
import { PeeringAutopilot } from '../../infra/peering-autopilot.js';
import { CallRecorder } from '../../local/call-recorder.js';
import { runLocalWorkflow, runningFunction } from '../../local/local-runner.js';
import { cloudTrailEvent, starterHarness } from '../../local/local-starter.js';
import { buildSeedScenario } from '../../local/seed.js';
import { motoEndpoint, reset, useMoto } from '../support/local-aws.js';

const { ec2 } = useMoto();

/** function id (step id or Starter) -> the actions its role grants. */
function grantedActions(): Record<string, Set<string>> {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Coverage', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  new PeeringAutopilot(stack, 'PeeringAutopilot');
  const granted: Record<string, Set<string>> = {};
  for (const [logicalId, policy] of Object.entries(
    Template.fromStack(stack).findResources('AWS::IAM::Policy'),
  )) {
    const fn = /PeeringAutopilot(\w+?)FunctionRole/.exec(logicalId)?.[1];
    if (!fn) continue;
    const statements = (
      policy as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } } }
    ).Properties.PolicyDocument.Statement;
    granted[fn] = new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
  }
  return granted;
}

it('every AWS call of every function in the seed, drift, refusal, prefix-list and delete scenarios is granted to its role', async () => {
  await reset();
  const recorder = new CallRecorder(() => runningFunction.getStore());
  observeClients((client) => recorder.watch(client));
  const harness = await starterHarness(motoEndpoint());
  const seed = await buildSeedScenario(ec2);
  const { marketingFinance: mf, developerFinance: df } = seed.peerings;

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

  const granted = grantedActions();
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
}, 120_000);
