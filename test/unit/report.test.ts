/**
 * The report step: status tags, and the SNS message a person gets when the ping failed.
 */
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { outcomeOf } from '../../functions/commons/outcome.js';
import type { WorkflowResult } from '../../functions/commons/schemas.js';
import { type ReportRequest, run as report, tagPlaces } from '../../functions/report/report.js';
import { side } from '../support/facts.js';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const PCX = 'pcx-0123456789abcdef0';
const now = new Date('2026-11-26T10:00:00.000Z');
const deps = {
  ec2For: () => new EC2Client({ region: 'us-east-1' }),
  home: { ownerId: '123456789012', region: 'us-east-1' },
  actsIn: (ownerId: string) => ownerId === '123456789012',
  sns: {
    client: new SNSClient({ region: 'us-east-1' }),
    topicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
  },
  now: () => now,
  warn: () => undefined,
};
const routeLine = {
  routeTableId: 'rtb-1',
  vpcId: 'vpc-f',
  ownerId: '123456789012',
  region: 'us-east-1',
  destinationCidr: '10.10.0.0/16',
};
const ruleLine = {
  groupId: 'sg-f',
  vpcId: 'vpc-f',
  ownerId: '123456789012',
  region: 'us-east-1',
  cidr: '10.10.0.0/16',
  protocol: 'icmp',
  fromPort: -1,
  toPort: -1,
};
type Over = Record<string, unknown> & {
  routes?: Array<Record<string, unknown>>;
  securityGroupRules?: Array<Record<string, unknown>>;
  verification?: Record<string, unknown>;
};
/** A whole workflow result; lines and verification take defaults for what a case leaves out. */
const result = (over: Over = {}): WorkflowResult =>
  ({
    peeringConnectionId: PCX,
    decision: 'accepted',
    ...over,
    routes: (over.routes ?? [{ action: 'created', applied: true }]).map((l) => ({
      applied: false,
      ...routeLine,
      ...l,
    })),
    securityGroupRules: (over.securityGroupRules ?? []).map((l) => ({ applied: false, ...ruleLine, ...l })),
    verification: { status: 'passed', probes: [], diagnosis: [], ...over.verification },
  }) as unknown as WorkflowResult;

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  ec2Mock.on(CreateTagsCommand).resolves({});
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('report', () => {
  it('tags the peering with the outcome and the time', async () => {
    const out = await report({ result: result() }, deps);
    expect(out).toEqual({ outcome: 'configured', tagged: true, notified: false });
    expect(ec2Mock.commandCalls(CreateTagsCommand)[0]?.args[0].input).toEqual({
      Resources: [PCX],
      Tags: [
        { Key: 'peering-autopilot:status', Value: 'configured' },
        { Key: 'peering-autopilot:checked-at', Value: '2026-11-26T10:00:00.000Z' },
      ],
    });
  });

  it('records the blocks our routes reach on the peering in the same call, and no record for a refusal', async () => {
    await report({ result: result({ routed: ['172.31.0.0/16', '10.10.0.0/16'] }) }, deps);
    expect(ec2Mock.commandCalls(CreateTagsCommand)[0]?.args[0].input.Tags).toEqual([
      { Key: 'peering-autopilot:status', Value: 'configured' },
      { Key: 'peering-autopilot:checked-at', Value: '2026-11-26T10:00:00.000Z' },
      { Key: 'peering-autopilot:routed', Value: '10.10.0.0/16 172.31.0.0/16' },
    ]);
    ec2Mock.resetHistory();
    await report(
      { result: result({ decision: 'refused', reason: 'protected', routed: ['172.31.0.0/16'] }) },
      deps,
    );
    expect(ec2Mock.commandCalls(CreateTagsCommand)[0]?.args[0].input.Tags?.map((t) => t.Key)).toEqual([
      'peering-autopilot:status',
      'peering-autopilot:checked-at',
    ]);
  });

  it('calls a peering partial when a group asked for peer-group sources over a cross-Region peering', async () => {
    const out = await report(
      {
        result: result({
          securityGroupRules: [
            {
              action: 'unsupported-cross-region',
              detail: 'the peering is cross-Region (us-east-1 / us-west-2)',
            },
          ],
        }),
      },
      deps,
    );
    expect(out.outcome).toBe('partial');
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(
      '- the peering is cross-Region (us-east-1 / us-west-2)',
    );
  });

  it('publishes a message for a person when verification failed: peering, probe, figures, diagnosis, execution', async () => {
    const message =
      'Peering Autopilot: verification FAILED for pcx-0123456789abcdef0\n- MarketingServer -> FinanceServer 172.31.5.10: failed — 0/3 replies, 100% loss\n- MarketingServer -> FinanceServer: MISSING: Finance network ACL acl-1 denies the reply';
    const req: ReportRequest = {
      result: result({ verification: { status: 'failed', message } }),
      executionId: 'arn:aws:states:us-east-1:123456789012:execution:wf:run-1',
    };
    const out = await report(req, deps);
    expect(out).toMatchObject({ outcome: 'failed', notified: true });
    const published = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(published?.Subject).toBe(`Peering Autopilot: ${PCX} verification failed`);
    expect(published?.Message).toContain('0/3 replies, 100% loss');
    expect(published?.Message).toContain('MISSING: Finance network ACL acl-1 denies the reply');
    expect(published?.Message).toContain(
      'https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn:aws:states',
    );
  });

  it('writes nothing for a dry run or an unchanged, recently verified peering', async () => {
    await report({ result: result({ dryRun: true }) }, deps);
    await report({ result: result({ unchanged: true }) }, deps);
    expect(ec2Mock.commandCalls(CreateTagsCommand)).toHaveLength(0);
  });

  it('records a failed run from the execution input, and never throws when tagging fails', async () => {
    ec2Mock.on(CreateTagsCommand).rejects(new Error('AccessDenied'));
    const out = await report(
      { error: { Error: 'CleanupIncompleteError' }, input: { peeringConnectionId: PCX } },
      deps,
    );
    expect(out).toEqual({ outcome: 'failed', tagged: false, notified: false });
  });

  it.each([
    [{ result: result({ routes: [{ action: 'conflict' }] }) }, 'conflict'],
    [{ result: result({ securityGroupRules: [{ action: 'invalid-tag' }] }) }, 'invalid-tag'],
    [{ result: result({ decision: 'refused' }) }, 'refused'],
    [
      { result: result({ decision: 'refused', cleanup: { routesRemoved: [], rulesRemoved: [] } }) },
      'cleaned-up',
    ],
    [{ error: { Error: 'X' } }, 'failed'],
    [{ result: result({ routes: [{ action: 'created' }, { action: 'quota-exceeded' }] }) }, 'partial'],
    [
      {
        result: result({
          routes: [{ action: 'conflict' }],
          securityGroupRules: [{ action: 'quota-exceeded' }],
        }),
      },
      'partial',
    ],
    [{ result: result({ routes: [{ action: 'skipped', invalidTag: 'routes="skp"' }] }) }, 'invalid-tag'],
    [{ result: result({ decision: 'refused', invalidTag: 'accept="maybe"' }) }, 'invalid-tag'],
    [
      { result: result({ verification: { status: 'failed' }, routes: [{ action: 'quota-exceeded' }] }) },
      'failed',
    ],
    [
      {
        result: result({
          decision: 'refused',
          status: 'rejected',
          cleanup: { routesRemoved: [], rulesRemoved: [] },
        }),
      },
      'rejected',
    ],
    [
      {
        // A request nobody accepted for 7 days (VPC Peering guide, peering lifecycle): the sweep's run.
        result: result({
          decision: 'refused',
          status: 'expired',
          cleanup: { routesRemoved: [], rulesRemoved: [] },
        }),
      },
      'expired',
    ],
  ])('names the outcome %#', (req, outcome) => {
    const r = req as ReportRequest;
    expect(outcomeOf(r.result, r.error !== undefined)).toBe(outcome);
  });

  it('an input rejected by validation, and a failed dry run, write no status tag at all', async () => {
    await report(
      {
        error: { Error: 'InputValidationError', Cause: 'dryRun' },
        input: { peeringConnectionId: PCX, dryRun: 'yes' },
      },
      deps,
    );
    await report(
      { error: { Error: 'States.Timeout' }, input: { peeringConnectionId: PCX, dryRun: true } },
      deps,
    );
    expect(ec2Mock.commandCalls(CreateTagsCommand)).toHaveLength(0);
  });

  it('a partially configured peering (quota) is tagged partial and a person is told which object is full', async () => {
    const out = await report(
      {
        result: result({
          routes: [
            { action: 'created', applied: true },
            { action: 'quota-exceeded', detail: 'route table rtb-full has 50 ipv4 routes' },
          ],
        }),
      },
      deps,
    );
    expect(out).toMatchObject({ outcome: 'partial', tagged: true, notified: true });
    const published = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(published?.Subject).toBe(`Peering Autopilot: ${PCX} partially configured (quota)`);
    expect(published?.Message).toContain('- route table rtb-full has 50 ipv4 routes');
  });

  it('tells a person once when a peering becomes failed or partial, not again on every run (the sweep re-runs it)', async () => {
    const failed = { status: 'failed', message: 'verification FAILED' };
    const partial = [{ action: 'quota-exceeded', detail: 'route table rtb-full has 50 ipv4 routes' }];
    for (const [over, outcome] of [
      [{ verification: failed }, 'failed'],
      [{ routes: partial }, 'partial'],
    ] as const) {
      snsMock.resetHistory();
      const again = await report({ result: result({ ...over, recordedStatus: outcome }) }, deps);
      expect(again).toMatchObject({ outcome, tagged: true, notified: false });
      const changed = await report({ result: result({ ...over, recordedStatus: 'configured' }) }, deps);
      expect(changed).toMatchObject({ outcome, notified: true });
      expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    }
  });

  it('a Name tag with ANSI escapes and control characters cannot add lines or colours to the alarm message', async () => {
    const message = 'verification FAILED\n- Finance\u001b[31mX\rFAKE LINE\u0007 -> target: failed';
    await report({ result: result({ verification: { status: 'failed', message } }) }, deps);
    const published = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect([...(published?.Message ?? '')].filter((c) => c < ' ' && c !== '\n')).toEqual([]);
    expect(published?.Message?.split('\n')[1]).toBe('- FinanceX FAKE LINE -> target: failed');
  });
});

describe('where the outcome is recorded across accounts (issue 19 §3)', () => {
  it("a run that failed before its result is recorded in the owner's view its input names, not the hub's home region", () => {
    const req = {
      input: { peeringConnectionId: PCX, account: '111111111111', region: 'us-west-2' },
      error: { Error: 'Lambda.Unknown', Cause: 'boom' },
    } as unknown as ReportRequest;
    const members = { ...deps, actsIn: (o: string) => ['123456789012', '111111111111'].includes(o) };
    expect(tagPlaces(req, members)).toEqual([{ ownerId: '111111111111', region: 'us-west-2' }]);
  });

  it("a member's view outside the configured regions is never written; the hub's own view still is", () => {
    const side = (ownerId: string, region: string) => ({
      vpcId: `vpc-${ownerId.slice(0, 3)}`,
      ownerId,
      region,
      cidrs: ['10.0.0.0/16'],
      ipv6Cidrs: [],
      tags: {},
    });
    const req = {
      result: result({
        decision: 'refused',
        requester: side('111111111111', 'eu-central-1'),
        accepter: side('123456789012', 'us-east-1'),
      }),
    } as unknown as ReportRequest;
    const places = tagPlaces(req, {
      ...deps,
      actsIn: (o: string) => ['123456789012', '111111111111'].includes(o),
      actsAt: (p) => p.ownerId === '123456789012' || p.region === 'us-east-1',
    });
    expect(places).toEqual([{ ownerId: '123456789012', region: 'us-east-1' }]);
  });
});

describe('what a person sees (issue 23 §2)', () => {
  const partner = side({
    vpcId: 'vpc-partner',
    ownerId: '222222222222',
    cidrs: ['10.30.0.0/16'],
    outside: true,
  });
  const financeSide = side({ vpcId: 'vpc-f', cidrs: ['172.31.0.0/16'], name: 'Finance' });
  const waiting = (over: Over = {}) =>
    result({
      decision: 'awaiting-approval',
      status: 'pending-acceptance',
      reason: 'waiting for a person to approve',
      requester: partner,
      accepter: financeSide,
      approval: {
        state: 'waiting',
        why: 'requester VPC vpc-partner is owned by 222222222222',
        by: '',
        at: '',
        reason: '',
      },
      routes: [],
      verification: { status: 'skipped' },
      ...over,
    });

  it('one notice says who asks for what, why it waits, and the exact commands; the hub view is tagged awaiting-approval', async () => {
    const out = await report({ result: waiting() }, deps);
    expect(out).toMatchObject({ outcome: 'awaiting-approval', tagged: true, notified: true });
    const message = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(message).toContain(
      'vpc-partner (account 222222222222, us-east-1, 10.30.0.0/16) [outside the hub and members]',
    );
    expect(message).toContain('Finance vpc-f (account 123456789012, us-east-1, 172.31.0.0/16)');
    expect(message).toContain('Why it waits: requester VPC vpc-partner is owned by 222222222222');
    expect(message).toContain(`peering-autopilot approve ${PCX} --reason "<why>"`);
    expect(message).toContain(`peering-autopilot reject ${PCX} --reason "<why>"`);
    // Our own view only: the outside account's view is never written.
    expect(ec2Mock.commandCalls(CreateTagsCommand)).toHaveLength(1);
  });

  it('does not ask again when the peering already waits (the sweep or an event re-ran it)', async () => {
    const out = await report({ result: waiting({ recordedStatus: 'awaiting-approval' }) }, deps);
    expect(out.notified).toBe(false);
  });

  it('tells a person when a waiting request expired, and records it in our view so that is said once', async () => {
    const expired = result({
      decision: 'refused',
      status: 'expired',
      cleanup: { routesRemoved: [], rulesRemoved: [] },
      recordedStatus: 'awaiting-approval',
      requester: partner,
      accepter: financeSide,
      approval: { state: 'not-required', why: '', by: '', at: '', reason: '' },
      routes: [],
    });
    const out = await report({ result: expired }, deps);
    expect(out.outcome).toBe('expired');
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toContain(
      'expired while waiting for approval',
    );
    expect(ec2Mock.commandCalls(CreateTagsCommand)[0]?.args[0].input.Tags?.[0]).toEqual({
      Key: 'peering-autopilot:status',
      Value: 'expired',
    });
    // A refused outside peering never put to a person is tagged nowhere.
    ec2Mock.resetHistory();
    await report({ result: { ...expired, recordedStatus: '' } }, deps);
    expect(ec2Mock.commandCalls(CreateTagsCommand)).toHaveLength(0);
  });

  it('calls a run a person rejected `rejected`, with who and why', async () => {
    const rejected = waiting({
      decision: 'refused',
      status: 'rejected',
      approval: {
        state: 'rejected',
        why: 'outside',
        by: 'arn:aws:iam::123456789012:user/alice',
        at: 'now',
        reason: 'unknown vendor',
      },
    });
    expect(outcomeOf(rejected)).toBe('rejected');
    const out = await report({ result: rejected }, deps);
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(
      'rejected by arn:aws:iam::123456789012:user/alice',
    );
    expect(out.outcome).toBe('rejected');
  });
});
