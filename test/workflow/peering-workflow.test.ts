/**
 * Every branch of the real ASL, run by aws-local-stepfunctions with scripted step functions.
 * Assertions are on the execution's event history: which states ran, retried, caught.
 */
import { runLocalWorkflow, type TaskFunction } from '../../local/local-runner.js';
import { inspectionOf } from '../support/facts.js';

const PCX = 'pcx-0123456789abcdef0';
const inspection = (over: Record<string, unknown> = {}) =>
  inspectionOf(PCX, { status: 'pending-acceptance', decision: 'accepted', needsAccept: true, ...over });
const route = {
  routeTableId: 'rtb-1',
  vpcId: 'vpc-marketing',
  region: 'us-east-1',
  destinationCidr: '172.31.0.0/16',
  action: 'created',
  applied: false,
};
const plan = (writes = 1) => ({
  routes: writes ? [route] : [{ ...route, action: 'exists' }],
  securityGroupRules: [],
  options: [],
  routed: writes ? [] : ['172.31.0.0/16'],
  writes,
  clean: writes === 0,
  facts: { routeTables: [], securityGroups: [] },
});

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

const verification = (over: Record<string, unknown> = {}) => ({
  status: 'passed',
  reason: 'every probe passed',
  probes: [],
  diagnosis: [],
  repairable: false,
  message: 'ok',
  ...over,
});
const reports: Record<string, unknown>[] = [];
beforeEach(() => {
  reports.length = 0;
});

function steps(over: Partial<Record<string, TaskFunction>>): Partial<Record<string, TaskFunction>> {
  return {
    InspectFunctionArn: async () => inspection(),
    ActivationFunctionArn: async () => ({ status: 'active', attempt: 0 }),
    PlanFunctionArn: async () => plan(),
    ApplyFunctionArn: async () => ({
      ...plan(),
      routes: [{ ...route, applied: true }],
      routed: ['172.31.0.0/16'],
    }),
    VerifyFunctionArn: async () => verification(),
    CleanupFunctionArn: async () => ({ routesRemoved: [], rulesRemoved: [] }),
    ReportFunctionArn: async (p) => {
      reports.push(p as Record<string, unknown>);
      return { outcome: 'configured' };
    },
    ...over,
  };
}

const entered = (events: Array<{ type: string; state?: { name: string } }>) =>
  events.filter((e) => e.type === 'StateEntered').map((e) => e.state?.name);

const input = { peeringConnectionId: PCX, dryRun: false };

describe('peering workflow paths', () => {
  it('happy path: inspect, accept, plan, apply, result', async () => {
    const out = await runLocalWorkflow(input, { functions: steps({}) });
    expect(out.status).toBe('SUCCEEDED');
    expect(entered(out.events)).toEqual([
      'Settle',
      'Inspect',
      'Decide',
      'Accept',
      'IsActive',
      'Plan',
      'HasWrites',
      'Apply',
      'AfterApply',
      'Verify',
      'RepairOnce',
      'Result',
      'Report',
    ]);
    expect(out.output).toMatchObject({
      peeringConnectionId: PCX,
      decision: 'accepted',
      routes: [{ action: 'created', applied: true }],
      securityGroupRules: [],
      verification: { status: 'passed', probes: [], diagnosis: [] },
      // What Apply left routed reaches Report, which records it on the peering.
      routed: ['172.31.0.0/16'],
    });
  });

  it('refused: goes straight to the result with the reason and no writes', async () => {
    let applied = 0;
    const apply = async () => {
      applied += 1;
      return plan();
    };
    const out = await runLocalWorkflow(input, {
      functions: steps({
        InspectFunctionArn: async () =>
          inspection({ decision: 'refused', needsAccept: false, reason: 'overlapping CIDRs' }),
        ApplyFunctionArn: apply,
      }),
    });
    expect(entered(out.events)).toEqual(['Settle', 'Inspect', 'Decide', 'Refused', 'Report']);
    expect(out.output).toMatchObject({
      decision: 'refused',
      reason: 'overlapping CIDRs',
      routes: [],
      securityGroupRules: [],
    });
    expect(applied).toBe(0);
  });

  it('already active with nothing to write: no accept, no apply', async () => {
    const out = await runLocalWorkflow(input, {
      functions: steps({
        InspectFunctionArn: async () =>
          inspection({ status: 'active', decision: 'already-active', needsAccept: false }),
        PlanFunctionArn: async () => plan(0),
      }),
    });
    expect(entered(out.events)).toEqual([
      'Settle',
      'Inspect',
      'Decide',
      'Plan',
      'HasWrites',
      'Verify',
      'RepairOnce',
      'Result',
      'Report',
    ]);
    expect(out.output).toMatchObject({ decision: 'already-active', routes: [{ action: 'exists' }] });
  });

  it('dry run: plans but neither accepts nor applies', async () => {
    const out = await runLocalWorkflow(
      { ...input, dryRun: true },
      { functions: steps({ InspectFunctionArn: async () => inspection({ dryRun: true }) }) },
    );
    expect(entered(out.events)).toEqual([
      'Settle',
      'Inspect',
      'Decide',
      'Plan',
      'HasWrites',
      'Verify',
      'RepairOnce',
      'Result',
      'Report',
    ]);
    expect(out.output).toMatchObject({ dryRun: true, routes: [{ action: 'created', applied: false }] });
  });

  it('accepted by someone else (provisioning): waits, then configures', async () => {
    let checks = 0;
    const out = await runLocalWorkflow(input, {
      waitMs: 0,
      functions: steps({
        InspectFunctionArn: async () => inspection({ status: 'provisioning', needsAccept: false }),
        ActivationFunctionArn: async (p) => {
          checks += 1;
          return {
            status: checks < 2 ? 'provisioning' : 'active',
            attempt: (p as { attempt: number }).attempt + 1,
          };
        },
      }),
    });
    expect(out.status).toBe('SUCCEEDED');
    expect(entered(out.events).slice(0, 8)).toEqual([
      'Settle',
      'Inspect',
      'Decide',
      'AwaitActivation',
      'WaitForActive',
      'CheckActivation',
      'IsActive',
      'WaitForActive',
    ]);
  });

  it('poll deadline: a peering stuck in provisioning fails with ActivationTimedOut after 20 checks', async () => {
    let checks = 0;
    const out = await runLocalWorkflow(input, {
      waitMs: 0,
      functions: steps({
        ActivationFunctionArn: async (p) => {
          checks += 1;
          const { action, attempt } = p as { action: string; attempt: number };
          return { status: 'provisioning', attempt: action === 'check' ? attempt + 1 : 0 };
        },
      }),
    });
    expect(out).toMatchObject({ status: 'FAILED', error: 'ActivationTimedOut' });
    expect(checks).toBe(21); // one accept + 20 checks
  });

  it('fails with PeeringNotActive when the peering is rejected while waiting', async () => {
    const out = await runLocalWorkflow(input, {
      waitMs: 0,
      functions: steps({ ActivationFunctionArn: async () => ({ status: 'rejected', attempt: 0 }) }),
    });
    expect(out).toMatchObject({ status: 'FAILED', error: 'PeeringNotActive' });
  });

  it('retries EC2 throttling (RequestLimitExceeded) and then succeeds', async () => {
    let calls = 0;
    const out = await runLocalWorkflow(input, {
      retryMs: 0,
      functions: steps({
        PlanFunctionArn: async () => {
          calls += 1;
          if (calls === 1) throw named('RequestLimitExceeded', 'Request limit exceeded.');
          return plan();
        },
      }),
    });
    expect(out.status).toBe('SUCCEEDED');
    expect(
      out.events
        .filter((e) => e.type === 'StateRetried')
        .map((e) => (e as { state: { name: string } }).state.name),
    ).toEqual(['Plan']);
  });

  it('gives up after the retry budget (1 try + 2 retries) on persistent throttling', async () => {
    let calls = 0;
    const out = await runLocalWorkflow(input, {
      retryMs: 0,
      functions: steps({
        ApplyFunctionArn: async () => {
          calls += 1;
          throw named('RequestLimitExceeded', 'Request limit exceeded.');
        },
      }),
    });
    expect(out).toMatchObject({ status: 'FAILED', error: 'RequestLimitExceeded' });
    expect(calls).toBe(3);
  });

  it('catches a named failure and fails the execution with its name and message', async () => {
    const out = await runLocalWorkflow(input, {
      functions: steps({
        PlanFunctionArn: async () => {
          throw named('CleanupIncompleteError', 'cleanup left 1: route 10.10.0.0/16 in rtb-1');
        },
      }),
    });
    expect(out).toMatchObject({
      status: 'FAILED',
      error: 'CleanupIncompleteError',
      cause: expect.stringContaining('rtb-1'),
    });
    expect(out.events.some((e) => e.type === 'StateCaught')).toBe(true);
  });

  it('rejects invalid input through the real inspect handler before any AWS call', async () => {
    const out = await runLocalWorkflow({ peeringConnectionId: 'vpc-123', dryRun: 'yes' });
    expect(out).toMatchObject({ status: 'FAILED', error: 'InputValidationError' });
    expect(out.cause).toContain('peeringConnectionId');
    expect(out.cause).toContain('"vpc-123"');
    expect(out.cause).toContain('dryRun');
  });

  it('deleted peering: runs cleanup and ends refused with what was removed', async () => {
    const removed = {
      routeTableId: 'rtb-1',
      vpcId: 'vpc-finance',
      region: 'us-east-1',
      destinationCidr: '10.10.0.0/16',
      action: 'removed',
      applied: true,
    };
    const out = await runLocalWorkflow(input, {
      functions: steps({
        InspectFunctionArn: async () =>
          inspection({
            status: 'deleted',
            decision: 'refused',
            needsAccept: false,
            cleanup: true,
            reason: 'peering is deleted',
          }),
        CleanupFunctionArn: async () => ({ routesRemoved: [removed], rulesRemoved: [] }),
      }),
    });
    expect(entered(out.events)).toEqual(['Settle', 'Inspect', 'Decide', 'Cleanup', 'CleanedUp', 'Report']);
    expect(out.output).toMatchObject({
      decision: 'refused',
      routes: [],
      cleanup: { routesRemoved: [removed], rulesRemoved: [] },
    });
  });

  it('event-triggered runs wait for the debounce window to close before inspecting', async () => {
    const settleUntil = new Date(Date.now() + 1500).toISOString();
    const started = Date.now();
    const out = await runLocalWorkflow(
      { ...input, trigger: { kind: 'event', event: 'DeleteRoute', settleUntil } },
      { functions: steps({}) },
    );
    expect(entered(out.events).slice(0, 3)).toEqual(['Settle', 'WaitToSettle', 'Inspect']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('reports a failure (status tag, metric) before failing with the original error', async () => {
    const out = await runLocalWorkflow(input, {
      functions: steps({
        PlanFunctionArn: async () => {
          throw named('CleanupIncompleteError', 'cleanup left 1: route in rtb-1');
        },
      }),
    });
    expect(out).toMatchObject({ status: 'FAILED', error: 'CleanupIncompleteError' });
    expect(entered(out.events).slice(-2)).toEqual(['ReportFailure', 'Failed']);
    expect(reports).toEqual([
      {
        error: { Error: 'CleanupIncompleteError', Cause: expect.stringContaining('rtb-1') },
        input,
        executionId: expect.any(String),
      },
    ]);
  });

  it('a failing report never turns a successful run into a failure', async () => {
    const out = await runLocalWorkflow(input, {
      retryMs: 0,
      functions: steps({
        ReportFunctionArn: async () => {
          throw named('Error', 'tagging broke');
        },
      }),
    });
    expect(out.status).toBe('SUCCEEDED');
    expect(out.output).toMatchObject({ decision: 'accepted', reportError: { Error: 'Error' } });
  });

  it('the activation deadline is reported before the execution fails', async () => {
    const out = await runLocalWorkflow(input, {
      waitMs: 0,
      functions: steps({
        ActivationFunctionArn: async () => ({ status: 'pending-acceptance', attempt: 20 }),
      }),
    });
    expect(out).toMatchObject({ status: 'FAILED', error: 'ActivationTimedOut' });
    expect(reports[0]).toMatchObject({ error: { Error: 'ActivationTimedOut' } });
  });

  it('a failed ping whose diagnosis points at our route is repaired and verified again, exactly once', async () => {
    let verifies = 0;
    let plans = 0;
    const out = await runLocalWorkflow(input, {
      functions: steps({
        PlanFunctionArn: async () => {
          plans += 1;
          return plan();
        },
        VerifyFunctionArn: async () => {
          verifies += 1;
          return verification({ status: 'failed', repairable: true, reason: '0/3 replies' });
        },
      }),
    });
    expect(out.status).toBe('SUCCEEDED');
    expect(verifies).toBe(2);
    expect(plans).toBe(2);
    expect(entered(out.events).filter((s) => s === 'MarkRepair')).toHaveLength(1);
    expect(out.output).toMatchObject({ verification: { status: 'failed' } });
    expect(reports[0]).toMatchObject({ result: { verification: { status: 'failed' } } });
  });

  it('a failure the autopilot does not own (e.g. a NACL) is reported without a repair', async () => {
    let verifies = 0;
    await runLocalWorkflow(input, {
      functions: steps({
        VerifyFunctionArn: async () => {
          verifies += 1;
          return verification({ status: 'failed', repairable: false });
        },
      }),
    });
    expect(verifies).toBe(1);
  });

  it('inconclusive is neither failure nor success: no repair, the run succeeds, status says inconclusive', async () => {
    const out = await runLocalWorkflow(input, {
      functions: steps({
        VerifyFunctionArn: async () => verification({ status: 'inconclusive', repairable: false }),
      }),
    });
    expect(out.status).toBe('SUCCEEDED');
    expect(out.output).toMatchObject({ verification: { status: 'inconclusive' } });
    expect(entered(out.events)).not.toContain('MarkRepair');
  });

  it('a no-change run on a recently verified peering skips the ping and records nothing', async () => {
    let verifies = 0;
    const out = await runLocalWorkflow(input, {
      functions: steps({
        InspectFunctionArn: async () =>
          inspection({ status: 'active', decision: 'already-active', needsAccept: false, fresh: true }),
        PlanFunctionArn: async () => plan(0),
        VerifyFunctionArn: async () => {
          verifies += 1;
          return verification();
        },
      }),
    });
    expect(verifies).toBe(0);
    expect(entered(out.events)).toEqual([
      'Settle',
      'Inspect',
      'Decide',
      'Plan',
      'HasWrites',
      'Unchanged',
      'UnchangedResult',
      'Report',
    ]);
    expect(out.output).toMatchObject({ unchanged: true, verification: { status: 'skipped' } });
  });

  it('a recently configured peering whose plan finds a conflict or an invalid tag still verifies and reports', async () => {
    let verifies = 0;
    const out = await runLocalWorkflow(input, {
      functions: steps({
        InspectFunctionArn: async () =>
          inspection({ status: 'active', decision: 'already-active', needsAccept: false, fresh: true }),
        PlanFunctionArn: async () => ({
          ...plan(0),
          routes: [{ ...route, action: 'conflict', detail: 'already routed to igw-1' }],
          clean: false,
        }),
        VerifyFunctionArn: async () => {
          verifies += 1;
          return verification();
        },
      }),
    });
    expect(verifies).toBe(1);
    expect(entered(out.events)).not.toContain('Unchanged');
    expect(reports[0]).toMatchObject({ result: { routes: [{ action: 'conflict' }] } });
    expect((reports[0]?.result as { unchanged?: boolean } | undefined)?.unchanged).toBeUndefined();
  });

  it('a ping that still fails after the repair ends failed, never unchanged, even on a fresh peering with no writes', async () => {
    let verifies = 0;
    const out = await runLocalWorkflow(input, {
      functions: steps({
        InspectFunctionArn: async () =>
          inspection({ status: 'active', decision: 'already-active', needsAccept: false, fresh: true }),
        PlanFunctionArn: async () => ({ ...plan(0), clean: verifies !== 0 }),
        VerifyFunctionArn: async () => {
          verifies += 1;
          return verification({ status: 'failed', repairable: true, reason: '0/3 replies' });
        },
      }),
    });
    expect(verifies).toBe(2);
    expect(entered(out.events)).not.toContain('Unchanged');
    expect(out.output).toMatchObject({ verification: { status: 'failed' } });
    expect((out.output as { unchanged?: boolean }).unchanged).toBeUndefined();
  });

  it('a refused but active peering still loses our rules in groups that opted out, and is not verified', async () => {
    let verifies = 0;
    const removed = {
      groupId: 'sg-fin',
      vpcId: 'vpc-finance',
      region: 'us-east-1',
      cidr: '10.10.0.0/16',
      protocol: 'icmp',
      fromPort: -1,
      toPort: -1,
      action: 'removed',
      applied: false,
      detail: `peering-autopilot ${PCX}`,
    };
    const removals = {
      routes: [],
      securityGroupRules: [removed],
      options: [],
      routed: [],
      writes: 1,
      clean: false,
      facts: plan().facts,
    };
    const out = await runLocalWorkflow(input, {
      functions: steps({
        InspectFunctionArn: async () =>
          inspection({
            status: 'active',
            decision: 'refused',
            needsAccept: false,
            reason: 'VPC vpc-finance is protected (peering-autopilot:accept=false)',
            removalsOnly: true,
          }),
        PlanFunctionArn: async () => removals,
        ApplyFunctionArn: async () => ({
          ...removals,
          securityGroupRules: [{ ...removed, applied: true }],
          writes: 0,
        }),
        VerifyFunctionArn: async () => {
          verifies += 1;
          return verification();
        },
      }),
    });
    expect(entered(out.events)).toEqual([
      'Settle',
      'Inspect',
      'Decide',
      'Plan',
      'HasWrites',
      'Apply',
      'AfterApply',
      'RefusedWithRemovals',
      'Report',
    ]);
    expect(verifies).toBe(0);
    expect(out.output).toMatchObject({
      decision: 'refused',
      routes: [],
      securityGroupRules: [{ action: 'removed', applied: true }],
    });
  });

  it('an unknown accept tag value refuses (fail safe) and carries the invalid tag to the report', async () => {
    const out = await runLocalWorkflow(input, {
      functions: steps({
        InspectFunctionArn: async () =>
          inspection({
            decision: 'refused',
            needsAccept: false,
            reason: 'VPC vpc-finance has peering-autopilot:accept="maybe", which is not "true" or "false"',
            invalidTag: 'VPC vpc-finance has peering-autopilot:accept="maybe"',
          }),
      }),
    });
    expect(entered(out.events)).toEqual(['Settle', 'Inspect', 'Decide', 'Refused', 'Report']);
    expect(reports[0]).toMatchObject({ result: { invalidTag: expect.stringContaining('"maybe"') } });
  });

  it.each([
    ['a malformed settleUntil', { ...input, trigger: { kind: 'event', settleUntil: 'tomorrow' } }],
    ['a non-object input', 'pcx-0123456789abcdef0'],
    ['an array input', [PCX]],
  ])('%s fails with InputValidationError through the report path', async (_label, bad) => {
    const out = await runLocalWorkflow(bad as never, {
      functions: steps({
        InspectFunctionArn: async () => {
          throw named('InputValidationError', 'invalid workflow input');
        },
      }),
    });
    expect(out.status).toBe('FAILED');
    expect(out).toMatchObject({ error: 'InputValidationError' });
    expect(entered(out.events)).toEqual(['Settle', 'Inspect', 'InspectFailed', 'ReportFailure', 'Failed']);
  });

  describe('a person decides (issue 23)', () => {
    const waiting = {
      state: 'waiting',
      why: 'VPC vpc-finance is protected (peering-autopilot:accept=approval)',
      by: '',
      at: '',
      reason: '',
    };
    const decided = (state: 'approved' | 'rejected') => ({
      ...waiting,
      state,
      by: 'arn:aws:iam::123456789012:user/alice',
      at: '2026-12-06T10:00:00.000Z',
      reason: 'ticket NET-42',
    });
    const calls: string[] = [];
    const activation = async (p: unknown) => {
      const { action } = p as { action: string };
      calls.push(action);
      return { status: action === 'reject' ? 'rejected' : 'active', attempt: 0 };
    };
    beforeEach(() => {
      calls.length = 0;
    });

    it('waits: nothing is accepted, planned or written; the result says why and the outcome is awaiting-approval', async () => {
      const out = await runLocalWorkflow(input, {
        functions: steps({
          InspectFunctionArn: async () =>
            inspection({
              decision: 'awaiting-approval',
              needsAccept: false,
              reason: `waiting: ${waiting.why}`,
              approval: waiting,
            }),
          ActivationFunctionArn: activation,
        }),
      });
      expect(entered(out.events)).toEqual(['Settle', 'Inspect', 'Decide', 'AwaitingApproval', 'Report']);
      expect(out.output).toMatchObject({
        decision: 'awaiting-approval',
        approval: { state: 'waiting', why: waiting.why },
        routes: [],
        securityGroupRules: [],
        verification: { status: 'skipped' },
      });
      expect(calls).toEqual([]);
    });

    it('approved: accepts and configures exactly as an automatic accept, carrying who approved', async () => {
      const out = await runLocalWorkflow(input, {
        functions: steps({
          InspectFunctionArn: async () => inspection({ approval: decided('approved') }),
          ActivationFunctionArn: activation,
        }),
      });
      expect(entered(out.events)).toContain('Apply');
      expect(calls).toEqual(['accept']);
      expect(out.output).toMatchObject({
        decision: 'accepted',
        approval: { state: 'approved', by: expect.stringContaining('alice') },
      });
    });

    it('rejected while pending: RejectVpcPeeringConnection, then a result with the peering rejected', async () => {
      const out = await runLocalWorkflow(input, {
        functions: steps({
          InspectFunctionArn: async () =>
            inspection({
              decision: 'refused',
              needsAccept: false,
              needsReject: true,
              reason: 'rejected by alice',
              approval: decided('rejected'),
            }),
          ActivationFunctionArn: activation,
        }),
      });
      expect(entered(out.events)).toEqual(['Settle', 'Inspect', 'Decide', 'Reject', 'Rejected', 'Report']);
      expect(calls).toEqual(['reject']);
      expect(out.output).toMatchObject({
        decision: 'refused',
        status: 'rejected',
        approval: { state: 'rejected' },
        routes: [],
      });
    });

    it('a dry run of a rejected request rejects nothing', async () => {
      const out = await runLocalWorkflow(
        { ...input, dryRun: true },
        {
          functions: steps({
            InspectFunctionArn: async () =>
              inspection({
                dryRun: true,
                decision: 'refused',
                needsAccept: false,
                needsReject: true,
                reason: 'rejected',
                approval: decided('rejected'),
              }),
            ActivationFunctionArn: activation,
          }),
        },
      );
      expect(entered(out.events)).toEqual(['Settle', 'Inspect', 'Decide', 'Refused', 'Report']);
      expect(calls).toEqual([]);
    });

    it('expired while waiting: the cleanup path, nothing accepted', async () => {
      const out = await runLocalWorkflow(input, {
        functions: steps({
          InspectFunctionArn: async () =>
            inspection({
              status: 'expired',
              decision: 'refused',
              needsAccept: false,
              cleanup: true,
              reason: 'peering is expired',
              recordedStatus: 'awaiting-approval',
            }),
          ActivationFunctionArn: activation,
        }),
      });
      expect(entered(out.events)).toEqual(['Settle', 'Inspect', 'Decide', 'Cleanup', 'CleanedUp', 'Report']);
      expect(calls).toEqual([]);
      expect(out.output).toMatchObject({ status: 'expired', recordedStatus: 'awaiting-approval' });
    });
  });
});
