/**
 * CIDR arithmetic for the network reasoning. Pure: no AWS import.
 * ipaddr.js does the parsing and matching so we never hand-roll bit maths.
 */
import ipaddr from 'ipaddr.js';

export type IpFamily = 'ipv4' | 'ipv6';

export interface ParsedCidr {
  readonly cidr: string;
  readonly family: IpFamily;
  readonly prefixLength: number;
  readonly address: ipaddr.IPv4 | ipaddr.IPv6;
}

/** Parses `a.b.c.d/n` or an IPv6 CIDR; throws a message naming the bad value. */
export function parseCidr(cidr: string): ParsedCidr {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(cidr);
  } catch {
    throw new Error(`invalid CIDR "${cidr}"`);
  }
  const [address, prefixLength] = parsed;
  return { cidr, family: address.kind(), prefixLength, address };
}

export function cidrFamily(cidr: string): IpFamily {
  return parseCidr(cidr).family;
}

/** True when the two blocks share at least one address (same family only). */
export function cidrsOverlap(a: string, b: string): boolean {
  const pa = parseCidr(a);
  const pb = parseCidr(b);
  if (pa.family !== pb.family) return false;
  // Two prefixes overlap exactly when the shorter one contains the longer one's network address.
  const [wide, narrow] = pa.prefixLength <= pb.prefixLength ? [pa, pb] : [pb, pa];
  return narrow.address.match([wide.address, wide.prefixLength] as [typeof narrow.address, number]);
}

/** True when `ip` lies inside `cidr`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(ip);
  } catch {
    throw new Error(`invalid IP address "${ip}"`);
  }
  if (addr.kind() !== c.family) return false;
  return addr.match([c.address, c.prefixLength] as [typeof addr, number]);
}

/** True when every address of `inner` lies in `outer`. */
export function cidrCovers(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return (
    o.family === i.family && o.prefixLength <= i.prefixLength && cidrContains(outer, i.address.toString())
  );
}

/** Every overlapping pair between two lists of blocks, for a refusal reason that names them. */
export function overlappingPairs(left: readonly string[], right: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const l of left) for (const r of right) if (cidrsOverlap(l, r)) pairs.push([l, r]);
  return pairs;
}
