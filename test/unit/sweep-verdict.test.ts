/**
 * The sweep's verdict: which peerings get an execution, from described facts alone. A healthy,
 * recently verified peering gets none; everything the workflow would change gets one.
 */
import { decide } from '../../functions/network/decision.js';
import { ruleDescription } from '../../functions/network/model.js';
import { type SweepInput, sweepVerdict } from '../../functions/network/peering-plan.js';
import { ACCOUNT, finance, group, marketing, table } from '../support/facts.js';

const PCX = 'pcx-0123456789abcdef0';
const now = new Date('2026-11-26T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000).toISOString();

/** Marketing <> Finance, fully configured: a route each way, Finance's group opened by our rule. */
function configured(): SweepInput['facts'] {
  return {
    routeTables: [
      table({
        routeTableId: 'rtb-m',
        vpcId: marketing.vpcId,
        routes: [{ destination: '172.31.0.0/16', peeringConnectionId: PCX, target: PCX, propagated: false }],
      }),
      table({
        routeTableId: 'rtb-f',
        vpcId: finance.vpcId,
        routes: [{ destination: '10.10.0.0/16', peeringConnectionId: PCX, target: PCX, propagated: false }],
      }),
    ],
    securityGroups: [
      group({
        groupId: 'sg-f',
        vpcId: finance.vpcId,
        tags: { 'peering-autopilot:ingress': 'icmp' },
        ingress: [
          {
            protocol: 'icmp',
            fromPort: -1,
            toPort: -1,
            cidr: '10.10.0.0/16',
            description: ruleDescription(PCX),
          },
        ],
      }),
    ],
  };
}

function input(over: Partial<SweepInput> = {}): SweepInput {
  const status = over.status ?? 'active';
  return {
    peeringConnectionId: PCX,
    status,
    tags: { 'peering-autopilot:status': 'configured', 'peering-autopilot:checked-at': hoursAgo(1) },
    requester: marketing,
    accepter: finance,
    described: true,
    decision: decide({
      status,
      accountId: ACCOUNT,
      requester: marketing,
      accepter: finance,
      policy: 'same-account',
    }),
    facts: configured(),
    now,
    reverifySeconds: 24 * 3600,
    ...over,
  };
}

describe('sweep verdict', () => {
  it('starts nothing for a configured peering verified within the re-verification period', () => {
    expect(sweepVerdict(input())).toEqual({ run: false });
  });

  it('starts a run for drift: a route deleted with no event', () => {
    const facts = configured();
    const [m] = facts.routeTables;
    const drifted = {
      ...facts,
      routeTables: [{ ...(m as NonNullable<typeof m>), routes: [] }, ...facts.routeTables.slice(1)],
    };
    expect(sweepVerdict(input({ facts: drifted }))).toMatchObject({
      run: true,
      reason: 'drift',
      detail: '1 route(s)/rule(s) to write or remove',
    });
  });

  it('starts a run for drift: our route to a block the peer disassociated (named by the record) is still there', () => {
    const facts = configured();
    const [m] = facts.routeTables;
    const old = { destination: '172.16.0.0/16', peeringConnectionId: PCX, target: PCX, propagated: false };
    const withOld = {
      ...facts,
      routeTables: [
        { ...(m as NonNullable<typeof m>), routes: [...(m?.routes ?? []), old] },
        ...facts.routeTables.slice(1),
      ],
    };
    const tags = { ...input().tags, 'peering-autopilot:routed': '10.10.0.0/16 172.16.0.0/16 172.31.0.0/16' };
    expect(sweepVerdict(input({ facts: withOld, tags }))).toMatchObject({ run: true, reason: 'drift' });
    // Not in the record: it may be a person's route, so it is no reason to run.
    expect(sweepVerdict(input({ facts: withOld }))).toEqual({ run: false });
  });

  it('starts a run for drift: a rule revoked, or a rule left on a group that opted out', () => {
    const revoked = {
      ...configured(),
      securityGroups: configured().securityGroups.map((g) => ({ ...g, ingress: [] })),
    };
    expect(sweepVerdict(input({ facts: revoked }))).toMatchObject({
      run: true,
      reason: 'drift',
    });
    const optedOut = {
      ...configured(),
      securityGroups: configured().securityGroups.map((g) => ({ ...g, tags: {} })),
    };
    expect(sweepVerdict(input({ facts: optedOut }))).toMatchObject({ run: true, reason: 'drift' });
  });

  it('starts a run for DNS drift: a side tagged dns=true whose option was turned off', () => {
    const accepter = { ...finance, tags: { 'peering-autopilot:dns': 'true' }, dnsResolution: false };
    expect(sweepVerdict(input({ accepter }))).toMatchObject({ run: true, reason: 'drift' });
    expect(sweepVerdict(input({ accepter: { ...accepter, dnsResolution: true } }))).toEqual({ run: false });
  });

  it('re-verifies a configured peering once its last check is older than the period', () => {
    const tags = { 'peering-autopilot:status': 'configured', 'peering-autopilot:checked-at': hoursAgo(25) };
    expect(sweepVerdict(input({ tags }))).toMatchObject({
      run: true,
      reason: 'reverify',
      detail: 'last verified 25 h ago',
    });
  });

  it.each([['conflict'], ['partial'], ['failed'], [undefined]])(
    'starts a run when the recorded status is %s',
    (status) => {
      const tags: Record<string, string> = status
        ? { 'peering-autopilot:status': status, 'peering-autopilot:checked-at': hoursAgo(1) }
        : {};
      expect(sweepVerdict(input({ tags }))).toMatchObject({ run: true, reason: 'status' });
    },
  );

  it('starts a run for a pending request, unless its refusal is already recorded', () => {
    expect(sweepVerdict(input({ status: 'pending-acceptance', tags: {} }))).toMatchObject({
      run: true,
      reason: 'pending',
    });
    const foreign = { ...finance, ownerId: '222222222222' };
    const refused = decide({
      status: 'pending-acceptance',
      accountId: ACCOUNT,
      requester: marketing,
      accepter: foreign,
      policy: 'same-account',
    });
    const recorded = { 'peering-autopilot:status': 'refused' };
    expect(
      sweepVerdict(
        input({
          status: 'pending-acceptance',
          accepter: foreign,
          described: false,
          decision: refused,
          tags: recorded,
        }),
      ),
    ).toEqual({ run: false });
  });

  it('remembers a refusal nothing can record (an outside account): no run every sweep, pending or active (issue 19 §3)', () => {
    const foreign = { ...finance, ownerId: '222222222222' };
    for (const status of ['pending-acceptance', 'active']) {
      const refused = decide({
        status,
        accountId: ACCOUNT,
        requester: marketing,
        accepter: foreign,
        policy: 'same-account',
      });
      expect(
        sweepVerdict(
          input({
            status,
            accepter: foreign,
            described: false,
            recordable: false,
            decision: refused,
            tags: {},
          }),
        ),
      ).toEqual({ run: false });
      // A refusal that could be recorded but is not yet still gets its run.
      expect(
        sweepVerdict(input({ status, accepter: foreign, described: false, decision: refused, tags: {} })),
      ).toMatchObject({ run: true });
    }
  });

  it('cleans up a deleted peering only while something of ours is left, and records a rejection or expiry once', () => {
    expect(sweepVerdict(input({ status: 'deleted', tags: {}, described: false }))).toMatchObject({
      run: true,
      reason: 'leftovers',
      detail: 'deleted with 3 route(s)/rule(s) of ours left',
    });
    const nothing = { routeTables: [], securityGroups: [] };
    expect(sweepVerdict(input({ status: 'deleted', tags: {}, described: false, facts: nothing }))).toEqual({
      run: false,
    });
    expect(
      sweepVerdict(input({ status: 'expired', tags: {}, described: false, facts: nothing })),
    ).toMatchObject({ run: true, reason: 'record' });
    expect(
      sweepVerdict(
        input({ status: 'expired', tags: { 'peering-autopilot:status': 'expired' }, described: false }),
      ),
    ).toEqual({ run: false });
  });

  it('never starts a run for a failed peering', () => {
    expect(sweepVerdict(input({ status: 'failed', described: false }))).toEqual({ run: false });
  });
});

describe('a peering that waits for a person (issue 23 §2)', () => {
  const protectedFinance = { ...finance, tags: { 'peering-autopilot:accept': 'approval' } };
  const waiting = (status: string, recorded?: string) =>
    input({
      status,
      accepter: protectedFinance,
      // Never configured: nothing of ours in either VPC.
      facts: { routeTables: [], securityGroups: [] },
      tags: recorded
        ? { 'peering-autopilot:status': recorded, 'peering-autopilot:checked-at': hoursAgo(30) }
        : {},
      decision: decide({
        status,
        accountId: ACCOUNT,
        requester: marketing,
        accepter: protectedFinance,
        policy: 'same-account',
      }),
    });

  it('asks once: a pending request already recorded as awaiting-approval starts no run, however old', () => {
    expect(sweepVerdict(waiting('pending-acceptance', 'awaiting-approval'))).toEqual({ run: false });
  });

  it('runs an unseen one (to ask), and one that expired while waiting (to record it and tell a person)', () => {
    expect(sweepVerdict(waiting('pending-acceptance'))).toMatchObject({ run: true, reason: 'pending' });
    expect(sweepVerdict(waiting('expired', 'awaiting-approval'))).toMatchObject({
      run: true,
      reason: 'record',
    });
  });
});
