/**
 * DNS resolution planning (VPC Peering guide: AllowDnsResolutionFromRemoteVpc on a side lets the
 * peer VPC resolve that side's public hostnames to private IPs; it needs DNS support and hostnames).
 */
import { planOptions } from '../../functions/network/options.js';
import { finance, marketing } from '../support/facts.js';

const dns = (value: string) => ({ 'peering-autopilot:dns': value });

describe('DNS resolution options', () => {
  it('enables it on the side whose VPC is tagged dns=true (trimmed, any case), nowhere else', () => {
    const lines = planOptions(marketing, { ...finance, tags: dns(' TRUE ') });
    expect(lines).toEqual([
      {
        side: 'accepter',
        vpcId: 'vpc-finance',
        ownerId: finance.ownerId,
        region: 'us-east-1',
        allowDnsResolutionFromRemoteVpc: true,
        action: 'enabled',
        applied: false,
      },
    ]);
  });

  it('reports exists when the side already allows it (no write)', () => {
    expect(planOptions(marketing, { ...finance, tags: dns('true'), dnsResolution: true })).toMatchObject([
      { side: 'accepter', action: 'exists' },
    ]);
  });

  it('fails safe on a value it does not understand: invalid-tag naming it, nothing set', () => {
    expect(planOptions({ ...marketing, tags: dns('yes') }, finance)).toEqual([
      expect.objectContaining({
        side: 'requester',
        action: 'invalid-tag',
        allowDnsResolutionFromRemoteVpc: false,
        detail:
          'VPC Marketing has peering-autopilot:dns="yes", which is not "true" or "false": DNS resolution left as it is',
      }),
    ]);
  });

  it('always: every untagged side gets it, a side tagged false opts out; never: tags are ignored', () => {
    expect(planOptions(marketing, { ...finance, tags: dns('false') }, 'always').map((l) => l.side)).toEqual([
      'requester',
    ]);
    expect(planOptions({ ...marketing, tags: dns('true') }, finance, 'never')).toEqual([]);
    expect(planOptions(marketing, finance, 'tagged')).toEqual([]);
  });

  it('never turns it off: a side that has it but does not ask for it gets no line', () => {
    expect(planOptions(marketing, { ...finance, dnsResolution: true })).toEqual([]);
  });

  it('warns when the VPC lacks DNS support or hostnames, and still enables it', () => {
    const side = { ...finance, tags: dns('true'), dnsAttributes: { support: false, hostnames: false } };
    expect(planOptions(marketing, side)[0]).toMatchObject({
      action: 'enabled',
      detail:
        'VPC Finance has enableDnsSupport and enableDnsHostnames off: its hostnames do not resolve to private IPs until it is on',
    });
  });
});
