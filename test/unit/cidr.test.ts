import fc from 'fast-check';
import {
  cidrContains,
  cidrCovers,
  cidrsOverlap,
  overlappingPairs,
  parseCidr,
} from '../../functions/network/cidr.js';

describe('CIDR reasoning', () => {
  it.each([
    ['10.10.0.0/16', '172.31.0.0/16', false],
    ['10.10.0.0/16', '10.10.128.0/17', true],
    ['10.0.0.0/8', '10.20.0.0/16', true],
    ['10.20.0.0/16', '10.21.0.0/16', false],
    ['2600:1f18::/56', '2600:1f18:0:ff::/64', true],
    ['10.0.0.0/8', '2600:1f18::/56', false],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    // Act / Assess
    expect(cidrsOverlap(a, b)).toBe(expected);
    expect(cidrsOverlap(b, a)).toBe(expected);
  });

  it('names every overlapping pair', () => {
    expect(overlappingPairs(['10.10.0.0/16', '10.11.0.0/16'], ['10.11.5.0/24', '172.31.0.0/16'])).toEqual([
      ['10.11.0.0/16', '10.11.5.0/24'],
    ]);
  });

  it('contains and covers by prefix', () => {
    expect(cidrContains('172.31.0.0/16', '172.31.4.9')).toBe(true);
    expect(cidrContains('172.31.0.0/16', '10.10.0.1')).toBe(false);
    expect(cidrCovers('10.0.0.0/8', '10.10.0.0/16')).toBe(true);
    expect(cidrCovers('10.10.0.0/16', '10.0.0.0/8')).toBe(false);
  });

  it('fails when the CIDR is malformed, naming the value', () => {
    expect(() => parseCidr('10.10.0.0/33')).toThrow('invalid CIDR "10.10.0.0/33"');
    expect(() => cidrContains('10.0.0.0/8', 'not-an-ip')).toThrow('invalid IP address "not-an-ip"');
  });

  it('overlap is symmetric and agrees with containment of network addresses (property)', () => {
    const v4 = fc
      .tuple(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 8, max: 28 }),
      )
      .map(([a, b, len]) => {
        const addr = ((10 << 24) | (a << 16) | (b << 8)) >>> 0;
        const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
        const net = (addr & mask) >>> 0;
        return `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${len}`;
      });
    fc.assert(
      fc.property(v4, v4, (a, b) => {
        const expected =
          cidrContains(a, parseCidr(b).address.toString()) ||
          cidrContains(b, parseCidr(a).address.toString());
        return cidrsOverlap(a, b) === cidrsOverlap(b, a) && cidrsOverlap(a, b) === expected;
      }),
      { numRuns: 500 },
    );
  });
});
