import { readFileSync } from 'node:fs';
import { parsePing, probeScript } from '../../functions/network/ping.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/ping/${name}.txt`, import.meta.url), 'utf8');

describe('ping output (real iputils captures)', () => {
  it('all received', () => {
    expect(parsePing(fixture('all-received'))).toEqual({
      transmitted: 3,
      received: 3,
      lossPercent: 0,
      rtt: { min: 0.057, avg: 0.132, max: 0.281, mdev: 0.105 },
    });
  });

  it('100% loss (closed security group)', () => {
    expect(parsePing(fixture('all-lost'))).toEqual({ transmitted: 3, received: 0, lossPercent: 100 });
  });

  it('partial loss (which exits 0, so the figures decide)', () => {
    expect(parsePing(fixture('partial-loss'))).toMatchObject({
      transmitted: 4,
      received: 2,
      lossPercent: 50,
      rtt: { avg: 0.055 },
    });
  });

  it('host unreachable', () => {
    expect(parsePing(fixture('host-unreachable'))).toMatchObject({ received: 0, lossPercent: 100 });
  });

  it('unknown host', () => {
    expect(parsePing(fixture('unknown-host'))).toEqual({
      transmitted: 0,
      received: 0,
      lossPercent: 100,
      error: 'financeserver.invalid: Temporary failure in name resolution',
    });
  });

  it('network unreachable on the sender', () => {
    expect(parsePing(fixture('network-unreachable'))?.error).toBe('connect: Network is unreachable');
  });

  it('no output at all (moto, or an agent that printed nothing) is not a result', () => {
    expect(parsePing('')).toBeUndefined();
  });

  it('the probe script pings with an explicit count and timeout and fails on any loss', () => {
    const script = probeScript('172.31.5.10', 3, 2);
    expect(script[0]).toContain('ping -c 3 -W 2 172.31.5.10');
    expect(script.join('\n')).toContain("grep -q ' 0% packet loss' || exit 1");
    expect(() => probeScript('172.31.5.10; rm -rf /', 3, 2)).toThrow('invalid probe target IP');
  });
});
