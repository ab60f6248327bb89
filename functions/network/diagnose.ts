/**
 * Static path diagnosis: given the described state, can `source` ping `target`, and if not,
 * which piece is missing — named in the tutorial's terms. Pure: data in, verdict out.
 *
 * Checks, in the order a packet meets them: instance state, peering, the source subnet's route
 * (longest-prefix match), source SG egress, source NACL outbound, target NACL inbound, target SG
 * inbound, then the reply: target NACL outbound, the return route, source NACL inbound.
 * (SGs are stateful; NACLs are not and are evaluated in rule-number order, first match wins.)
 */
import { cidrContains, parseCidr } from './cidr.js';
import type { IngressRuleFacts, RouteFacts, RouteTableFacts, SecurityGroupFacts } from './model.js';

export interface InstanceFacts {
  readonly instanceId: string;
  readonly name?: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly privateIp: string;
  readonly state: string;
  readonly securityGroupIds: readonly string[];
}

export interface NaclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  /** `-1` (all), `1` (icmp), `6`, `17`, `58`. */
  readonly protocol: string;
  readonly action: 'allow' | 'deny';
  readonly cidr: string;
}

export interface NaclFacts {
  readonly networkAclId: string;
  readonly vpcId: string;
  readonly isDefault: boolean;
  readonly subnetIds: readonly string[];
  readonly entries: readonly NaclEntry[];
}

export interface PeeringFacts {
  readonly id: string;
  readonly status: string;
  readonly requesterVpcId: string;
  readonly accepterVpcId: string;
}

export interface PathFacts {
  readonly source: InstanceFacts;
  readonly target: InstanceFacts;
  /** VPC id -> name (Marketing, Finance, …) and CIDR blocks, for messages. */
  readonly vpcs: Readonly<Record<string, { readonly name?: string; readonly cidrs: readonly string[] }>>;
  readonly peerings: readonly PeeringFacts[];
  readonly routeTables: readonly RouteTableFacts[];
  readonly securityGroups: readonly SecurityGroupFacts[];
  /** Missing for a VPC means "not described": the AWS default NACL (allow all) is assumed. */
  readonly networkAcls: readonly NaclFacts[];
  /** Which VPC requested the peering under test: its routes are tutorial step 22, the accepter's 27. */
  readonly requesterVpcId?: string;
}

export type Check =
  | 'instance'
  | 'peering'
  | 'route'
  | 'source-sg'
  | 'source-nacl'
  | 'target-nacl'
  | 'target-sg'
  | 'return-nacl'
  | 'return-route';

export interface Finding {
  readonly check: Check;
  readonly ok: boolean;
  readonly message: string;
  /** True when the autopilot owns the fix (a route to the peer CIDR, a rule in an opted-in group). */
  readonly repairable?: boolean;
}

export interface Diagnosis {
  readonly reachable: boolean;
  readonly findings: Finding[];
  /** The first missing piece, in the tutorial's terms. */
  readonly missing?: string;
}

const name = (i: InstanceFacts) => i.name ?? i.instanceId;

function vpcName(facts: PathFacts, vpcId: string): string {
  return facts.vpcs[vpcId]?.name ?? vpcId;
}

/** The route table a subnet uses: its explicit association, else the VPC's main table. */
export function effectiveRouteTable(tables: readonly RouteTableFacts[], vpcId: string, subnetId: string) {
  return (
    tables.find((t) => t.vpcId === vpcId && t.subnetIds.includes(subnetId)) ??
    tables.find((t) => t.vpcId === vpcId && t.main)
  );
}

/** Longest-prefix match: the route a packet to `ip` takes (a more specific route always wins). */
export function longestPrefixMatch(routes: readonly RouteFacts[], ip: string): RouteFacts | undefined {
  let best: RouteFacts | undefined;
  let bestLength = -1;
  for (const r of routes) {
    if (!cidrContains(r.destination, ip)) continue;
    const length = parseCidr(r.destination).prefixLength;
    if (length > bestLength) {
      best = r;
      bestLength = length;
    }
  }
  return best;
}

/** Evaluates a NACL for ICMP in one direction: rule-number order, first match wins, default deny. */
export function naclAllows(
  nacl: NaclFacts,
  egress: boolean,
  peerIp: string,
): { allowed: boolean; rule: string } {
  const entries = nacl.entries
    .filter((e) => e.egress === egress && (e.protocol === '-1' || e.protocol === '1'))
    .filter((e) => e.ruleNumber < 32767)
    .sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const e of entries) {
    if (cidrContains(e.cidr, peerIp))
      return { allowed: e.action === 'allow', rule: `rule ${e.ruleNumber} (${e.action} ${e.cidr})` };
  }
  return { allowed: false, rule: 'the default * rule (deny)' };
}

function icmpAllowed(rules: readonly IngressRuleFacts[], peerIp: string): boolean {
  return rules.some((r) => (r.protocol === 'icmp' || r.protocol === '-1') && cidrContains(r.cidr, peerIp));
}

function targetCidr(facts: PathFacts, vpcId: string, ip: string): string {
  return facts.vpcs[vpcId]?.cidrs.find((c) => cidrContains(c, ip)) ?? `${ip}/32`;
}

export function diagnosePath(facts: PathFacts): Diagnosis {
  const { source, target } = facts;
  const findings: Finding[] = [];
  const add = (f: Finding) => findings.push(f);
  const src = vpcName(facts, source.vpcId);
  const dst = vpcName(facts, target.vpcId);
  const stepFor = (vpcId: string) =>
    vpcId === facts.requesterVpcId ? '22' : facts.requesterVpcId ? '27' : '22/27';

  // Instances
  for (const [role, i] of [
    ['source', source],
    ['target', target],
  ] as const) {
    add(
      i.state === 'running'
        ? { check: 'instance', ok: true, message: `${role} ${name(i)} is running` }
        : {
            check: 'instance',
            ok: false,
            message: `${role} ${name(i)} (${i.instanceId}) is ${i.state}, not running`,
          },
    );
  }

  // Peering and routes (only when the path leaves the VPC)
  const sameVpc = source.vpcId === target.vpcId;
  const between = facts.peerings.filter(
    (p) =>
      (p.requesterVpcId === source.vpcId && p.accepterVpcId === target.vpcId) ||
      (p.requesterVpcId === target.vpcId && p.accepterVpcId === source.vpcId),
  );
  const active = between.find((p) => p.status === 'active');
  if (!sameVpc) {
    add(
      active
        ? { check: 'peering', ok: true, message: `peering ${active.id} between ${src} and ${dst} is active` }
        : {
            check: 'peering',
            ok: false,
            message:
              between.length > 0
                ? `peering ${between[0]?.id} between ${src} and ${dst} is ${between[0]?.status}, not active (tutorial steps 16-18)`
                : `there is no peering between ${src} and ${dst} (tutorial steps 13-18)`,
          },
    );
  }

  const routeCheck = (check: 'route' | 'return-route', from: InstanceFacts, to: InstanceFacts) => {
    const fromName = vpcName(facts, from.vpcId);
    const table = effectiveRouteTable(facts.routeTables, from.vpcId, from.subnetId);
    const cidr = targetCidr(facts, to.vpcId, to.privateIp);
    const via = active?.id ?? between[0]?.id ?? 'a peering connection';
    const step = stepFor(from.vpcId);
    if (!table) {
      add({ check, ok: false, message: `${fromName} has no route table for subnet ${from.subnetId}` });
      return;
    }
    const route = longestPrefixMatch(table.routes, to.privateIp);
    const owned = table.tags['peering-autopilot:routes'] !== 'skip' && !!active;
    const missing = `${fromName} route table ${table.routeTableId} has no route to ${cidr} via ${via} (tutorial step ${step})`;
    if (sameVpc) {
      add({
        check,
        ok: route?.target === 'local',
        message: route?.target === 'local' ? `${fromName} routes ${to.privateIp} locally` : missing,
      });
      return;
    }
    // Only a default or wider route (e.g. 0.0.0.0/0 to the internet gateway) matches: the peer route is missing.
    if (
      !route ||
      route.target === 'local' ||
      (!route.peeringConnectionId && parseCidr(route.destination).prefixLength < parseCidr(cidr).prefixLength)
    ) {
      add({ check, ok: false, message: missing, repairable: owned });
      return;
    }
    if (!route.peeringConnectionId) {
      // As or more specific than the peer CIDR and pointing elsewhere: a deliberate route we never override.
      add({
        check,
        ok: false,
        message: `${fromName} route table ${table.routeTableId} sends ${to.privateIp} to ${route.target} (route ${route.destination}), not via ${via} (tutorial step ${step})`,
      });
      return;
    }
    const peering = facts.peerings.find((p) => p.id === route.peeringConnectionId);
    if (peering && !between.includes(peering)) {
      const other = peering.requesterVpcId === from.vpcId ? peering.accepterVpcId : peering.requesterVpcId;
      add({
        check,
        ok: false,
        message: `${fromName} route ${route.destination} goes via ${peering.id}, which peers ${fromName} with ${vpcName(facts, other)}, not ${vpcName(facts, to.vpcId)}: AWS never routes through a peered VPC (no transitive peering)`,
      });
      return;
    }
    if (peering?.status !== 'active' || route.state === 'blackhole') {
      add({
        check,
        ok: false,
        message: `${fromName} route table ${table.routeTableId} routes ${route.destination} to ${route.peeringConnectionId}, which is ${peering?.status ?? 'deleted or unknown'} (blackhole); route via ${via} instead (tutorial step ${step})`,
        repairable: owned,
      });
      return;
    }
    add({
      check,
      ok: true,
      message: `${fromName} route table ${table.routeTableId} routes ${route.destination} via ${route.peeringConnectionId}`,
    });
  };

  const groups = (i: InstanceFacts) =>
    facts.securityGroups.filter((g) => i.securityGroupIds.includes(g.groupId));
  const groupLabel = (gs: SecurityGroupFacts[]) =>
    gs.map((g) => `${g.groupName ?? g.groupId} ${g.groupId}`).join(', ') || 'no security group';
  const naclOf = (i: InstanceFacts) =>
    facts.networkAcls.find((n) => n.vpcId === i.vpcId && n.subnetIds.includes(i.subnetId)) ??
    facts.networkAcls.find((n) => n.vpcId === i.vpcId && n.isDefault);
  const naclCheck = (check: Check, i: InstanceFacts, egress: boolean, peer: InstanceFacts, what: string) => {
    const nacl = naclOf(i);
    if (!nacl) {
      add({
        check,
        ok: true,
        message: `${vpcName(facts, i.vpcId)} network ACL not described: assuming the default (allow all) for ${what}`,
      });
      return;
    }
    const verdict = naclAllows(nacl, egress, peer.privateIp);
    add({
      check,
      ok: verdict.allowed,
      message: `${vpcName(facts, i.vpcId)} network ACL ${nacl.networkAclId} ${verdict.allowed ? 'allows' : 'denies'} ${what} (${egress ? 'outbound' : 'inbound'} ICMP ${egress ? 'to' : 'from'} ${peer.privateIp}, ${verdict.rule})`,
    });
  };

  if (!sameVpc) routeCheck('route', source, target);
  const srcGroups = groups(source);
  const egressOk = srcGroups.some((g) => icmpAllowed(g.egress ?? [], target.privateIp));
  add({
    check: 'source-sg',
    ok: egressOk,
    message: egressOk
      ? `${name(source)}'s security groups allow outbound ICMP to ${target.privateIp}`
      : `${name(source)}'s security groups (${groupLabel(srcGroups)}) allow no outbound ICMP to ${target.privateIp}`,
  });
  naclCheck('source-nacl', source, true, target, 'the ping leaving the source subnet');
  naclCheck('target-nacl', target, false, source, 'the ping entering the target subnet');
  const dstGroups = groups(target);
  const ingressOk = dstGroups.some((g) => icmpAllowed(g.ingress, source.privateIp));
  const other = dstGroups.flatMap((g) => g.ingress.filter((r) => cidrContains(r.cidr, source.privateIp)));
  add({
    check: 'target-sg',
    ok: ingressOk,
    message: ingressOk
      ? `${name(target)}'s security groups allow ICMP from ${source.privateIp}`
      : `${groupLabel(dstGroups)} allows no ICMP from ${source.privateIp}` +
        (other.length > 0
          ? ` (only ${other.map((r) => (r.fromPort === -1 ? r.protocol : `${r.protocol}:${r.fromPort}`)).join(', ')})`
          : '') +
        ` (tutorial steps 32-34: add Custom ICMP from ${targetCidr(facts, source.vpcId, source.privateIp)})`,
    repairable: dstGroups.some((g) => g.tags['peering-autopilot:ingress'] !== undefined),
  });
  naclCheck('return-nacl', target, true, source, 'the reply leaving the target subnet');
  if (!sameVpc) routeCheck('return-route', target, source);
  naclCheck('return-nacl', source, false, target, 'the reply entering the source subnet');

  const failed = findings.find((f) => !f.ok);
  return { reachable: !failed, findings, ...(failed ? { missing: failed.message } : {}) };
}
