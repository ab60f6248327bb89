import { decide } from '../../functions/network/decision.js';
import { ACCOUNT, finance, marketing, side } from '../support/facts.js';

const base = {
  status: 'pending-acceptance',
  accountId: ACCOUNT,
  requester: marketing,
  accepter: finance,
  policy: 'same-account',
} as const;

describe('accept policy', () => {
  it('accepts a same-account, non-overlapping pending request', () => {
    expect(decide(base)).toMatchObject({ decision: 'accepted', needsAccept: true });
  });

  it('reports an active peering as already-active', () => {
    expect(decide({ ...base, status: 'active' })).toMatchObject({
      decision: 'already-active',
      needsAccept: false,
    });
  });

  it('refuses a cross-account peering, naming the owner', () => {
    const out = decide({ ...base, accepter: { ...finance, ownerId: '111111111111' } });
    expect(out.decision).toBe('refused');
    expect(out.reason).toContain('cross-account');
    expect(out.reason).toContain('111111111111');
  });

  it('accepts a cross-account peering when both owners are the hub or its members', () => {
    const requester = { ...marketing, ownerId: '111111111111' };
    expect(decide({ ...base, requester, members: ['111111111111'] })).toMatchObject({
      decision: 'accepted',
      needsAccept: true,
    });
  });

  it("refuses a member's VPC outside the configured regions, naming the region (issue 19 §2: regions bound members too)", () => {
    const requester = { ...marketing, ownerId: '111111111111', region: 'eu-central-1' };
    const out = decide({
      ...base,
      requester,
      members: ['111111111111'],
      regions: ['us-east-1', 'us-west-2'],
    });
    expect(out).toMatchObject({ decision: 'refused', needsAccept: false });
    expect(out.reason).toBe(
      `requester VPC ${marketing.vpcId} of member 111111111111 is in eu-central-1, outside the configured regions (us-east-1, us-west-2); the autopilot never acts there`,
    );
    // Inside the regions, the same member is accepted; the hub's own VPCs are bounded by its IAM.
    expect(
      decide({
        ...base,
        requester: { ...requester, region: 'us-west-2' },
        members: ['111111111111'],
        regions: ['us-east-1', 'us-west-2'],
      }).decision,
    ).toBe('accepted');
    expect(
      decide({ ...base, requester: { ...marketing, region: 'eu-central-1' }, regions: ['us-east-1'] })
        .decision,
    ).toBe('accepted');
  });

  it('refuses a peering with an account outside the members, naming that account and the members', () => {
    const out = decide({
      ...base,
      accepter: { ...finance, ownerId: '222222222222' },
      members: ['111111111111'],
    });
    expect(out.decision).toBe('refused');
    expect(out.reason).toBe(
      `cross-account peering: accepter VPC ${finance.vpcId} is owned by 222222222222, not this account ${ACCOUNT} or a member (111111111111); never auto-accepted`,
    );
  });

  it('a member peering still obeys every other rule: overlapping CIDRs are refused', () => {
    const requester = { ...marketing, ownerId: '111111111111', cidrs: finance.cidrs };
    expect(decide({ ...base, requester, members: ['111111111111'] }).reason).toMatch(/^overlapping CIDRs/);
  });

  it('refuses overlapping CIDRs, naming both blocks (secondary blocks included)', () => {
    const out = decide({
      ...base,
      accepter: side({ vpcId: 'vpc-x', cidrs: ['192.168.0.0/16', '10.10.128.0/17'] }),
    });
    expect(out).toMatchObject({ decision: 'refused', needsAccept: false });
    expect(out.reason).toContain('10.10.0.0/16 (vpc-marketing) overlaps 10.10.128.0/17 (vpc-x)');
  });

  it('refuses a protected VPC (accept=false wins over same-account)', () => {
    const out = decide({ ...base, accepter: { ...finance, tags: { 'peering-autopilot:accept': 'false' } } });
    expect(out.reason).toBe('VPC vpc-finance is protected (peering-autopilot:accept=false)');
  });

  it.each(['failed', 'rejected', 'expired', 'deleted', 'deleting'])('refuses a %s peering', (status) => {
    expect(decide({ ...base, status })).toMatchObject({
      decision: 'refused',
      reason: expect.stringContaining(status),
    });
  });

  it('waits for a peering another party already accepted (provisioning)', () => {
    expect(decide({ ...base, status: 'provisioning' })).toMatchObject({
      decision: 'accepted',
      needsAccept: false,
    });
  });

  describe('tagged-only allow-list', () => {
    const tagged = { 'peering-autopilot:accept': 'true' };
    it('refuses when a VPC lacks accept=true', () => {
      const out = decide({ ...base, policy: 'tagged-only', requester: { ...marketing, tags: tagged } });
      expect(out.reason).toContain('vpc-finance lacks peering-autopilot:accept=true');
    });
    it('accepts when both VPCs carry accept=true', () => {
      const out = decide({
        ...base,
        policy: 'tagged-only',
        requester: { ...marketing, tags: tagged },
        accepter: { ...finance, tags: tagged },
      });
      expect(out.decision).toBe('accepted');
    });
    it('still refuses cross-account even when tagged', () => {
      const out = decide({
        ...base,
        policy: 'tagged-only',
        requester: { ...marketing, tags: tagged },
        accepter: { ...finance, tags: tagged, ownerId: '999999999999' },
      });
      expect(out.decision).toBe('refused');
    });
  });
});

describe('what waits for a person (issue 23 §1) and what never does', () => {
  const PARTNER = '222222222222';
  const fromPartner = { ...marketing, ownerId: PARTNER };
  const protectedFinance = { ...finance, tags: { 'peering-autopilot:accept': 'approval' } };
  const approved = {
    decision: 'approved' as const,
    by: 'arn:aws:iam::123456789012:user/alice',
    at: '2026-12-06T10:00:00.000Z',
    reason: 'vendor VPN',
    requesterVpcId: marketing.vpcId,
    accepterVpcId: finance.vpcId,
  };

  it('refuses a request from an outside account by default (outsideAccounts=refuse)', () => {
    const out = decide({ ...base, requester: fromPartner });
    expect(out).toMatchObject({ decision: 'refused', approval: { state: 'not-required' } });
    expect(out.reason).toContain(PARTNER);
  });

  it('puts a request from an outside account to a person when outsideAccounts=approve, naming the account', () => {
    const out = decide({ ...base, requester: fromPartner, outsideAccounts: 'approve' });
    expect(out).toMatchObject({
      decision: 'awaiting-approval',
      needsAccept: false,
      approval: { state: 'waiting' },
    });
    expect(out.approval.why).toContain(`owned by ${PARTNER}`);
  });

  it('puts any peering into a VPC tagged accept=approval to a person, same account included', () => {
    const out = decide({ ...base, accepter: protectedFinance });
    expect(out.decision).toBe('awaiting-approval');
    expect(out.approval.why).toBe('VPC vpc-finance is protected (peering-autopilot:accept=approval)');
  });

  it('accepts once a person approved exactly this request, and says who, when and why', () => {
    const out = decide({ ...base, accepter: protectedFinance, approval: approved });
    expect(out).toMatchObject({
      decision: 'accepted',
      needsAccept: true,
      approval: { state: 'approved', by: approved.by, at: approved.at, reason: 'vendor VPN' },
    });
  });

  it('ignores a decision recorded for other VPCs (a request is approved, not a peering id)', () => {
    const out = decide({
      ...base,
      accepter: protectedFinance,
      approval: { ...approved, requesterVpcId: 'vpc-other' },
    });
    expect(out.decision).toBe('awaiting-approval');
  });

  it('rejects a pending request a person rejected (RejectVpcPeeringConnection), with the reason', () => {
    const out = decide({
      ...base,
      requester: fromPartner,
      outsideAccounts: 'approve',
      approval: { ...approved, decision: 'rejected', reason: 'unknown vendor' },
    });
    expect(out).toMatchObject({ decision: 'refused', needsReject: true, approval: { state: 'rejected' } });
    expect(out.reason).toContain('unknown vendor');
  });

  it.each([
    [
      'overlapping CIDRs',
      { accepter: { ...protectedFinance, cidrs: ['10.10.0.0/16'] } },
      'overlapping CIDRs',
    ],
    [
      'accept=false on the other VPC',
      {
        requester: { ...marketing, tags: { 'peering-autopilot:accept': 'false' } },
        accepter: protectedFinance,
      },
      'accept=false',
    ],
    ['an expired request', { status: 'expired', accepter: protectedFinance }, 'expired'],
    ['a deleted request', { status: 'deleted', accepter: protectedFinance }, 'deleted'],
  ])('never puts %s to a person, approved or not', (_, change, why) => {
    const out = decide({ ...base, ...change, approval: approved } as Parameters<typeof decide>[0]);
    expect(out.decision).toBe('refused');
    expect(out.reason).toContain(why);
  });

  it('refuses an outside accepter still pending: only its owner can accept (nothing to approve yet)', () => {
    const out = decide({ ...base, accepter: { ...finance, ownerId: PARTNER }, outsideAccounts: 'approve' });
    expect(out.decision).toBe('refused');
    expect(out.reason).toContain('only its owner can accept it');
  });

  it('refuses a peering between two outside accounts even when outsideAccounts=approve', () => {
    const out = decide({
      ...base,
      requester: fromPartner,
      accepter: { ...finance, ownerId: '999999999999' },
      outsideAccounts: 'approve',
    });
    expect(out.decision).toBe('refused');
  });
});
