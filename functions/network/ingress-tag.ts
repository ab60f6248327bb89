/**
 * Parses the `peering-autopilot:ingress` tag value: comma-separated `icmp`, `tcp:443`,
 * `tcp:8000-8080`, `udp:53`. Pure.
 */

export interface TrafficSpec {
  readonly protocol: 'icmp' | 'tcp' | 'udp';
  /** -1 for ICMP (all types). */
  readonly fromPort: number;
  readonly toPort: number;
}

export type IngressTagParse = { ok: true; traffic: TrafficSpec[] } | { ok: false; error: string };

const ITEM = /^(?:(icmp)|(tcp|udp):(\d{1,5})(?:-(\d{1,5}))?)$/;

/** Returns the traffic list, or an error that quotes the offending item and the whole value. */
export function parseIngressTag(value: string): IngressTagParse {
  const items = value.split(',').map((s) => s.trim().toLowerCase());
  if (value.trim() === '') {
    return { ok: false, error: `tag peering-autopilot:ingress is empty; expected e.g. "icmp,tcp:443"` };
  }
  const traffic: TrafficSpec[] = [];
  for (const item of items) {
    const m = ITEM.exec(item);
    const bad = (why: string): IngressTagParse => ({
      ok: false,
      error: `tag peering-autopilot:ingress="${value}": item "${item}" ${why}; expected icmp, tcp:PORT, tcp:FROM-TO, udp:PORT`,
    });
    if (!m) return bad('is not understood');
    if (m[1]) {
      traffic.push({ protocol: 'icmp', fromPort: -1, toPort: -1 });
      continue;
    }
    const from = Number(m[3]);
    const to = m[4] === undefined ? from : Number(m[4]);
    if (from < 1 || to > 65535 || from > to) return bad('has a port range outside 1-65535 or reversed');
    traffic.push({ protocol: m[2] as 'tcp' | 'udp', fromPort: from, toPort: to });
  }
  const seen = new Set<string>();
  return {
    ok: true,
    traffic: traffic.filter((t) => {
      const key = `${t.protocol}:${t.fromPort}-${t.toPort}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  };
}
