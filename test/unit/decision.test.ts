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
    expect(decide(base)).toEqual({ decision: 'accepted', needsAccept: true });
  });

  it('reports an active peering as already-active', () => {
    expect(decide({ ...base, status: 'active' })).toEqual({ decision: 'already-active', needsAccept: false });
  });

  it('refuses a cross-account peering, naming the owner', () => {
    const out = decide({ ...base, accepter: { ...finance, ownerId: '111111111111' } });
    expect(out.decision).toBe('refused');
    expect(out.reason).toContain('cross-account');
    expect(out.reason).toContain('111111111111');
  });

  it('accepts a cross-account peering when both owners are the hub or its members', () => {
    const requester = { ...marketing, ownerId: '111111111111' };
    expect(decide({ ...base, requester, members: ['111111111111'] })).toEqual({
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
    expect(decide({ ...base, status: 'provisioning' })).toEqual({ decision: 'accepted', needsAccept: false });
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
