import { parseIngressTag } from '../../functions/network/ingress-tag.js';

describe('peering-autopilot:ingress tag', () => {
  it('parses the documented forms', () => {
    expect(parseIngressTag('icmp, tcp:443,tcp:8000-8080,udp:53')).toEqual({
      ok: true,
      traffic: [
        { protocol: 'icmp', fromPort: -1, toPort: -1 },
        { protocol: 'tcp', fromPort: 443, toPort: 443 },
        { protocol: 'tcp', fromPort: 8000, toPort: 8080 },
        { protocol: 'udp', fromPort: 53, toPort: 53 },
      ],
    });
  });

  it('drops duplicates', () => {
    expect(parseIngressTag('icmp,icmp')).toEqual({
      ok: true,
      traffic: [{ protocol: 'icmp', fromPort: -1, toPort: -1 }],
    });
  });

  it.each([
    ['', 'is empty'],
    ['all', 'item "all" is not understood'],
    ['tcp', 'item "tcp" is not understood'],
    ['tcp:0', 'outside 1-65535'],
    ['tcp:70000', 'outside 1-65535'],
    ['tcp:9000-8000', 'reversed'],
    ['icmp,,tcp:22', 'item "" is not understood'],
    ['-1', 'item "-1" is not understood'],
  ])('fails when the value is %j, quoting it', (value, message) => {
    const out = parseIngressTag(value);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error).toContain(message);
  });
});
