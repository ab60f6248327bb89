/**
 * Injected faults against moto with the real ASL and handlers: transient errors, the retry
 * budget, quota limits, concurrent runs and a stopped probe target. (Fault table: docs/FAULTS.md.)
 */
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { observeClients } from '../../functions/commons/aws-clients.js';
import { runLocalWorkflow } from '../../local/local-runner.js';
import { buildSeedScenario, type SeedScenario } from '../../local/seed.js';
import { reset, useMoto } from '../support/local-aws.js';

const { ec2 } = useMoto();
// This file lets the SDK retry (standard mode, 3 attempts), as deployed functions do.
process.env.AWS_MAX_ATTEMPTS = '3';

type Fault = 'throttle' | '5xx';
const injected: Record<string, number> = {};
let mode: { kind: 'first-attempt' } | { kind: 'always'; command: string } | { kind: 'off' } = { kind: 'off' };
const attempts: Record<string, number> = {};

function faultError(command: string, fault: Fault): Error {
  return fault === 'throttle'
    ? Object.assign(new Error('Request limit exceeded.'), {
        name: 'RequestLimitExceeded',
        $fault: 'client',
        $metadata: { httpStatusCode: 503 },
      })
    : Object.assign(new Error(`${command}: We encountered an internal error.`), {
        name: 'InternalError',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      });
}

/** Fails attempts inside the SDK's retry loop (finalizeRequest, low priority), per the current mode. */
function inject(client: object): void {
  const seen = new WeakMap<object, number>();
  (client as { middlewareStack: { add: (m: unknown, o: unknown) => void } }).middlewareStack.add(
    (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: object }) => {
        const command = (context.commandName ?? '').replace(/Command$/, '');
        attempts[command] = (attempts[command] ?? 0) + 1;
        const n = (seen.get(args.input) ?? 0) + 1;
        seen.set(args.input, n);
        const fail =
          (mode.kind === 'first-attempt' && n === 1) || (mode.kind === 'always' && mode.command === command);
        if (fail) {
          injected[command] = (injected[command] ?? 0) + 1;
          throw faultError(command, command.length % 2 === 0 ? 'throttle' : '5xx');
        }
        return next(args);
      },
    { step: 'finalizeRequest', priority: 'low', name: 'faultInjector' },
  );
}

let instrumented = false;
let seed: SeedScenario;

beforeEach(async () => {
  await reset();
  mode = { kind: 'off' };
  for (const k of Object.keys(injected)) delete injected[k];
  for (const k of Object.keys(attempts)) delete attempts[k];
  if (!instrumented) {
    observeClients(inject);
    instrumented = true;
  }
  seed = await buildSeedScenario(ec2);
});

async function financeRoutesTo(pcx: string) {
  const out = await ec2.send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [seed.finance.vpcId] }] }),
  );
  return (out.RouteTables ?? []).flatMap((t) =>
    (t.Routes ?? []).filter((r) => r.VpcPeeringConnectionId === pcx),
  );
}

describe('fault injection', () => {
  it('throttling and 5xx on the first attempt of every EC2 and SSM call, reads and writes: the run ends correct', async () => {
    mode = { kind: 'first-attempt' };
    const out = await runLocalWorkflow(
      { peeringConnectionId: seed.peerings.marketingFinance, dryRun: false },
      { retryMs: 0 },
    );
    mode = { kind: 'off' };

    expect(out.status).toBe('SUCCEEDED');
    expect(Object.keys(injected)).toEqual(
      expect.arrayContaining([
        'DescribeVpcPeeringConnections',
        'DescribeVpcs',
        'AcceptVpcPeeringConnection',
        'DescribeRouteTables',
        'DescribeSecurityGroups',
        'CreateRoute',
        'AuthorizeSecurityGroupIngress',
        'DescribeInstances',
        'SendCommand',
        'GetCommandInvocation',
        'CreateTags',
      ]),
    );
    expect(await financeRoutesTo(seed.peerings.marketingFinance)).toHaveLength(2); // main + Finance route table
    const sg = await ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [seed.finance.securityGroupId] }),
    );
    expect(
      sg.SecurityGroups?.[0]?.IpPermissions?.flatMap((p) => p.IpRanges ?? []).map((r) => r.CidrIp),
    ).toEqual(['10.10.0.0/16']);
  }, 120_000);

  it('retries do not multiply: persistent throttling stops after 3 SDK attempts x 3 state attempts = 9 calls', async () => {
    mode = { kind: 'always', command: 'DescribeRouteTables' };
    const out = await runLocalWorkflow(
      { peeringConnectionId: seed.peerings.marketingFinance, dryRun: false },
      { retryMs: 0 },
    );
    mode = { kind: 'off' };

    expect(out).toMatchObject({ status: 'FAILED', error: 'InternalError' });
    expect(attempts.DescribeRouteTables).toBe(9);
  }, 120_000);

  it('a route table at its quota is reported quota-exceeded on its own lines; every other table and group is configured (status partial)', async () => {
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway
      ?.InternetGatewayId as string;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: seed.finance.vpcId }));
    for (let i = 0; i < 49; i++) {
      await ec2.send(
        new CreateRouteCommand({
          RouteTableId: seed.finance.routeTableId,
          DestinationCidrBlock: `192.168.${i}.0/24`,
          GatewayId: igw,
        }),
      );
    }
    const out = await runLocalWorkflow({
      peeringConnectionId: seed.peerings.marketingFinance,
      dryRun: false,
    });

    expect(out.status).toBe('SUCCEEDED');
    const result = out.output as {
      routes: Array<{ routeTableId: string; action: string; detail?: string }>;
      securityGroupRules: Array<{ action: string }>;
    };
    const full = result.routes.filter((r) => r.routeTableId === seed.finance.routeTableId);
    expect(full.map((r) => r.action)).toEqual(['quota-exceeded']);
    expect(full[0]?.detail).toContain(
      `route table ${seed.finance.routeTableId} has 50 ipv4 routes; adding this peering's would pass the quota of 50 routes per route table`,
    );
    const others = result.routes.filter((r) => r.routeTableId !== seed.finance.routeTableId);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((r) => r.action === 'created')).toBe(true);
    expect(result.securityGroupRules.map((r) => r.action)).toEqual(['created']);
    const table = await ec2.send(
      new DescribeRouteTablesCommand({ RouteTableIds: [seed.finance.routeTableId] }),
    );
    expect(table.RouteTables?.[0]?.Routes?.some((r) => r.VpcPeeringConnectionId)).toBe(false);
    const peering = await ec2.send(
      new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [seed.peerings.marketingFinance] }),
    );
    expect(peering.VpcPeeringConnections?.[0]?.Tags).toContainEqual({
      Key: 'peering-autopilot:status',
      Value: 'partial',
    });
  });

  it('five concurrent runs for one peering reach the end state of one run, with no duplicate and no hidden error', async () => {
    const runs = await Promise.all(
      Array.from({ length: 5 }, () =>
        runLocalWorkflow({ peeringConnectionId: seed.peerings.marketingFinance, dryRun: false }),
      ),
    );

    expect(runs.map((r) => `${r.status} ${r.error ?? ''}`.trim())).toEqual(Array(5).fill('SUCCEEDED'));
    expect(await financeRoutesTo(seed.peerings.marketingFinance)).toHaveLength(2);
    const sg = await ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [seed.finance.securityGroupId] }),
    );
    expect(sg.SecurityGroups?.[0]?.IpPermissions?.flatMap((p) => p.IpRanges ?? [])).toHaveLength(1);
    // Every run accounts for every route and rule: created by exactly one of them, exists for the others.
    const created = runs.flatMap((r) =>
      ((r.output?.routes ?? []) as { action: string; routeTableId: string }[]).filter(
        (c) => c.action === 'created',
      ),
    );
    expect(created.length).toBeGreaterThanOrEqual(4);
    for (const r of runs) {
      for (const c of (r.output?.routes ?? []) as { action: string }[])
        expect(['created', 'exists']).toContain(c.action);
    }
  });

  it('a stopped probe target fails verification with the instance state named, and no repair is tried', async () => {
    await ec2.send(new StopInstancesCommand({ InstanceIds: [seed.finance.instanceId] }));
    const out = await runLocalWorkflow({
      peeringConnectionId: seed.peerings.marketingFinance,
      dryRun: false,
    });

    const verification = out.output?.verification as {
      status: string;
      probes: { status: string; reason: string }[];
      diagnosis: { missing?: string }[];
    };
    expect(verification.status).toBe('failed');
    expect(verification.probes[0]).toMatchObject({
      status: 'failed',
      reason: 'target FinanceServer is stopped',
    });
    expect(verification.diagnosis[0]?.missing).toContain('target FinanceServer');
    expect(out.events.some((e) => (e as { state?: { name: string } }).state?.name === 'MarkRepair')).toBe(
      false,
    );
  });
});
