/**
 * The SSM ping probe against a mocked SSM (aws-sdk-client-mock): every invocation status, the
 * InvocationDoesNotExist race and the poll deadline.
 */

import { readFileSync } from 'node:fs';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DEFAULT_PROBE_SETTINGS,
  type ProbeDeps,
  type ProbeInstance,
  runProbe,
  verdictOf,
} from '../../functions/verify/probes.js';

const ssmMock = mockClient(SSMClient);
const client = new SSMClient({ region: 'us-east-1' });
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/ping/${name}.txt`, import.meta.url), 'utf8');

const source: ProbeInstance = {
  instanceId: 'i-marketing',
  name: 'MarketingServer',
  vpcId: 'vpc-m',
  ownerId: '123456789012',
  subnetId: 'subnet-m',
  privateIp: '10.10.1.20',
  state: 'running',
  securityGroupIds: [],
  region: 'us-east-1',
};
const target: ProbeInstance = {
  ...source,
  instanceId: 'i-finance',
  name: 'FinanceServer',
  vpcId: 'vpc-f',
  privateIp: '172.31.5.10',
};

function deps(): ProbeDeps & { slept: number[] } {
  let clock = 0;
  const slept: number[] = [];
  return {
    ssmFor: () => client,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    now: () => clock,
    settings: DEFAULT_PROBE_SETTINGS,
    slept,
  };
}

const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });

beforeEach(() => {
  ssmMock.reset();
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
});

describe('SSM ping probe', () => {
  it('sends AWS-RunShellScript with explicit count, timeouts and a loss check', async () => {
    ssmMock
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'Success', StandardOutputContent: fixture('all-received') });
    const probe = await runProbe(source, target, deps());
    const input = ssmMock.commandCalls(SendCommandCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: ['i-marketing'],
      TimeoutSeconds: 60,
      Parameters: { executionTimeout: ['30'] },
    });
    expect(input?.Parameters?.commands?.join('\n')).toContain('ping -c 3 -W 2 172.31.5.10');
    expect(probe).toMatchObject({ status: 'passed', ping: { received: 3, lossPercent: 0 } });
  });

  it.each([
    ['Success', 'all-received', 'passed'],
    ['Failed', 'all-lost', 'failed'],
    ['Failed', 'partial-loss', 'failed'],
    ['Failed', 'unknown-host', 'failed'],
    ['Failed', 'host-unreachable', 'failed'],
  ])('%s with %s output is %s', async (status, output, verdict) => {
    ssmMock
      .on(GetCommandInvocationCommand)
      .resolves({ Status: status as 'Success', StandardOutputContent: fixture(output) });
    expect((await runProbe(source, target, deps())).status).toBe(verdict);
  });

  it('Success with empty output (moto, no data plane) is inconclusive, never passed', () => {
    expect(verdictOf({ Status: 'Success', StandardOutputContent: '' })).toMatchObject({
      status: 'inconclusive',
    });
  });

  it.each([
    'DeliveryTimedOut',
    'Undeliverable',
    'Terminated',
    'InvalidPlatform',
    'AccessDenied',
    'Cancelled',
    'ExecutionTimedOut',
  ])('%s is inconclusive with a reason', (status) => {
    const v = verdictOf({ Status: status as 'Success' });
    expect(v.status).toBe('inconclusive');
    expect(v.reason.length).toBeGreaterThan(10);
  });

  it('waits through InvocationDoesNotExist and Pending/InProgress/Delayed, polling once per interval', async () => {
    ssmMock
      .on(GetCommandInvocationCommand)
      .rejectsOnce(awsError('InvocationDoesNotExist'))
      .resolvesOnce({ Status: 'Pending' })
      .resolvesOnce({ Status: 'InProgress' })
      .resolvesOnce({ Status: 'Delayed' })
      .resolves({ Status: 'Success', StandardOutputContent: fixture('all-received') });
    const d = deps();
    const probe = await runProbe(source, target, d);
    expect(probe.status).toBe('passed');
    expect(ssmMock.commandCalls(GetCommandInvocationCommand)).toHaveLength(5);
    expect(d.slept).toEqual([4000, 2000, 2000, 2000, 2000]);
  });

  it('gives up at the poll deadline as inconclusive, naming the last status', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress' });
    const probe = await runProbe(source, target, deps());
    expect(probe).toMatchObject({
      status: 'inconclusive',
      reason: 'no result within 45 s (last status InProgress)',
    });
    expect(ssmMock.commandCalls(GetCommandInvocationCommand).length).toBeLessThanOrEqual(22);
  });

  it('a real SSM error other than the race is not swallowed', async () => {
    ssmMock.on(GetCommandInvocationCommand).rejects(awsError('AccessDeniedException'));
    await expect(runProbe(source, target, deps())).rejects.toThrow('AccessDeniedException');
  });

  it('stops polling at the verification budget (inside the function timeout) and says inconclusive', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress' });
    const probe = await runProbe(source, target, { ...deps(), deadline: 12_000 });
    expect(probe).toMatchObject({
      status: 'inconclusive',
      reason: 'no result within 12 s (last status InProgress)',
    });
  });

  it('sends no command when the budget has no room for one more probe', async () => {
    const probe = await runProbe(source, target, { ...deps(), deadline: 1_000 });
    expect(probe).toMatchObject({ status: 'inconclusive', reason: expect.stringContaining('no time left') });
    expect(ssmMock.commandCalls(SendCommandCommand)).toHaveLength(0);
  });

  it.each([['TimeoutError'], ['AbortError']])(
    'an SSM call that hangs until the request timeout (%s) is inconclusive, not a failed run',
    async (name) => {
      ssmMock.on(GetCommandInvocationCommand).rejects(awsError(name));
      const probe = await runProbe(source, target, deps());
      expect(probe).toMatchObject({ status: 'inconclusive', reason: `SSM did not answer in time (${name})` });
    },
  );
});
