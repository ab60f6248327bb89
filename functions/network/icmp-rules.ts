/**
 * How security-group and network-ACL rules judge an ICMP message: protocol, type and code (SG rules
 * carry the ICMP type in FromPort and the code in ToPort; -1 is all), NACLs in rule-number order.
 * Pure. https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html,
 * https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
 */
import { cidrContains } from './cidr.js';
import type { IngressRuleFacts } from './model.js';
import type { NaclFacts } from './path-model.js';

export const ECHO_REQUEST = { type: 8, code: 0 } as const;
export const ECHO_REPLY = { type: 0, code: 0 } as const;
export type Icmp = { readonly type: number; readonly code: number };

/** An ICMP type/code pair matches when each is -1 (all) or equal (SG: FromPort = type, ToPort = code). */
function icmpMatches(type: number | undefined, code: number | undefined, icmp: Icmp): boolean {
  return (
    (type === undefined || type === -1 || type === icmp.type) &&
    (code === undefined || code === -1 || code === icmp.code)
  );
}

/**
 * Evaluates a NACL for one ICMP message in one direction: rule-number order, first match wins,
 * default deny (VPC User Guide, "Network ACL rules"). An ICMP entry matches only its type/code.
 */
export function naclAllows(
  nacl: NaclFacts,
  egress: boolean,
  peerIp: string,
  icmp: Icmp = ECHO_REQUEST,
): { allowed: boolean; rule: string } {
  const entries = nacl.entries
    .filter((e) => e.egress === egress)
    .filter((e) => e.protocol === '-1' || (e.protocol === '1' && icmpMatches(e.icmpType, e.icmpCode, icmp)))
    .filter((e) => e.ruleNumber < 32767)
    .sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const e of entries) {
    if (cidrContains(e.cidr, peerIp))
      return { allowed: e.action === 'allow', rule: `rule ${e.ruleNumber} (${e.action} ${e.cidr})` };
  }
  return { allowed: false, rule: 'the default * rule (deny)' };
}

/** The rule's traffic admits this ICMP message (protocol -1 is all traffic). */
export function admitsIcmp(
  rule: { protocol: string; fromPort: number; toPort: number },
  icmp: Icmp,
): boolean {
  return (
    rule.protocol === '-1' || (rule.protocol === 'icmp' && icmpMatches(rule.fromPort, rule.toPort, icmp))
  );
}

export function icmpAllowed(
  rules: readonly IngressRuleFacts[],
  peerIp: string,
  icmp: Icmp = ECHO_REQUEST,
): boolean {
  return rules.some((r) => admitsIcmp(r, icmp) && cidrContains(r.cidr, peerIp));
}

/** `tcp:443`, `icmp`, `icmp type 0` (an echo reply rule admits no ping). */
export function ruleLabel(r: { protocol: string; fromPort: number; toPort: number }): string {
  if (r.protocol === 'icmp') {
    if (r.fromPort === -1) return 'icmp';
    return `icmp type ${r.fromPort}${r.toPort === -1 ? '' : ` code ${r.toPort}`}`;
  }
  return r.fromPort === -1 ? r.protocol : `${r.protocol}:${r.fromPort}`;
}
