/**
 * Static path diagnosis: given the described state, can `source` ping `target`, and if not,
 * which piece is missing — named in the tutorial's terms. Pure: data in, verdict out.
 *
 * Checks, in the order a packet meets them: instance state, peering, the source subnet's route
 * (longest-prefix match), source SG egress, source NACL outbound, target NACL inbound, target SG
 * inbound, then the reply: target NACL outbound, the return route, source NACL inbound.
 * (SGs are stateful; NACLs are not and are evaluated in rule-number order, first match wins.)
 *
 * Semantics follow the AWS documents, cited where each rule is applied:
 * - route priority: https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html
 * - security group rules (ICMP type/code in FromPort/ToPort, group and prefix-list sources):
 *   https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
 * - network ACLs: https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
 * - peer security groups: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html
 */

import { TAGS } from '../commons/contracts.js';
import { cidrContains, parseCidr } from './cidr.js';
import {
  admitsIcmp,
  ECHO_REPLY,
  ECHO_REQUEST,
  type Icmp,
  icmpAllowed,
  naclAllows,
  ruleLabel,
} from './icmp-rules.js';
import { parseIngressTag } from './ingress-tag.js';
import { type RuleRefFacts, referencesPeerGroups, type SecurityGroupFacts, tagValue } from './model.js';
import type { Check, Diagnosis, Finding, InstanceFacts, PathFacts } from './path-model.js';
import { type EffectiveRoute, effectiveRouteTable, longestPrefixMatch } from './route-priority.js';

const name = (i: InstanceFacts) => i.name ?? i.instanceId;

function vpcName(facts: PathFacts, vpcId: string): string {
  return facts.vpcs[vpcId]?.name ?? vpcId;
}

/** The route table a subnet uses: its explicit association, else the VPC's main table. */
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
    const route = longestPrefixMatch(table.routes, to.privateIp, table.prefixListRoutes, facts.prefixLists);
    // Ours to fix only in a table we manage (no routes=skip, no unreadable value) of an active peering.
    const routesTag = tagValue(table.tags, TAGS.routes);
    const owned = (routesTag === undefined || routesTag === 'include') && !!active;
    const routeName = (r: EffectiveRoute) =>
      r.prefixListId ? `route ${r.prefixListId} (entry ${r.destination})` : `route ${r.destination}`;
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
        message: `${fromName} route table ${table.routeTableId} sends ${to.privateIp} to ${route.target} (${routeName(route)}), not via ${via}: change that route's target to ${via} (tutorial step ${step})`,
      });
      return;
    }
    const peering = facts.peerings.find((p) => p.id === route.peeringConnectionId);
    if (peering && !between.includes(peering)) {
      const other = peering.requesterVpcId === from.vpcId ? peering.accepterVpcId : peering.requesterVpcId;
      add({
        check,
        ok: false,
        message: `${fromName} route table ${table.routeTableId} ${routeName(route)} goes via ${peering.id}, which peers ${fromName} with ${vpcName(facts, other)}, not ${vpcName(facts, to.vpcId)}: AWS never routes through a peered VPC (no transitive peering); that route must point at ${via}`,
      });
      return;
    }
    if (peering?.status !== 'active' || route.state === 'blackhole') {
      add({
        check,
        ok: false,
        message: `${fromName} route table ${table.routeTableId} routes ${routeName(route).replace(/^route /, '')} to ${route.peeringConnectionId}, which is ${peering?.status ?? 'deleted or unknown'} (blackhole); route via ${via} instead (tutorial step ${step})`,
        repairable: owned,
      });
      return;
    }
    add({
      check,
      ok: true,
      message: `${fromName} route table ${table.routeTableId} sends ${to.privateIp} via ${route.peeringConnectionId} (${routeName(route)})`,
    });
  };

  const groups = (i: InstanceFacts) =>
    facts.securityGroups.filter((g) => i.securityGroupIds.includes(g.groupId));
  const groupLabel = (gs: SecurityGroupFacts[]) =>
    gs.map((g) => `${g.groupName ?? g.groupId} ${g.groupId}`).join(', ') || 'no security group';
  // Is the peering between two VPCs active and same-region? Only then may a rule name a peer group.
  const peeredForGroups = (a: string, b: string) =>
    a === b ||
    facts.peerings.some(
      (p) =>
        referencesPeerGroups(p) &&
        ((p.requesterVpcId === a && p.accepterVpcId === b) ||
          (p.requesterVpcId === b && p.accepterVpcId === a)),
    );
  /** A reference admits the peer instance: a prefix list holding its IP, or a group one of its ENIs is in. */
  const refAdmits = (ref: RuleRefFacts, group: SecurityGroupFacts, peer: InstanceFacts) => {
    if (ref.prefixListId) {
      return (facts.prefixLists?.[ref.prefixListId] ?? []).some((c) => cidrContains(c, peer.privateIp));
    }
    return (
      !!ref.groupId && peer.securityGroupIds.includes(ref.groupId) && peeredForGroups(group.vpcId, peer.vpcId)
    );
  };
  const groupAllows = (g: SecurityGroupFacts, direction: 'ingress' | 'egress', peer: InstanceFacts) =>
    icmpAllowed((direction === 'ingress' ? g.ingress : g.egress) ?? [], peer.privateIp) ||
    ((direction === 'ingress' ? g.ingressRefs : g.egressRefs) ?? []).some(
      (r) => admitsIcmp(r, ECHO_REQUEST) && refAdmits(r, g, peer),
    );
  const naclOf = (i: InstanceFacts) =>
    facts.networkAcls.find((n) => n.vpcId === i.vpcId && n.subnetIds.includes(i.subnetId)) ??
    facts.networkAcls.find((n) => n.vpcId === i.vpcId && n.isDefault);
  const naclCheck = (
    check: Check,
    i: InstanceFacts,
    egress: boolean,
    peer: InstanceFacts,
    what: string,
    icmp: Icmp,
  ) => {
    // Network ACLs filter traffic where it enters or leaves a subnet (VPC User Guide, "Control
    // subnet traffic with network access control lists"): within one subnet none applies.
    if (source.vpcId === target.vpcId && source.subnetId === target.subnetId) {
      add({
        check,
        ok: true,
        message: `no network ACL applies to ${what}: both servers are in subnet ${i.subnetId}`,
      });
      return;
    }
    const nacl = naclOf(i);
    if (!nacl) {
      add({
        check,
        ok: true,
        message: `${vpcName(facts, i.vpcId)} network ACL not described: assuming the default (allow all) for ${what}`,
      });
      return;
    }
    const verdict = naclAllows(nacl, egress, peer.privateIp, icmp);
    add({
      check,
      ok: verdict.allowed,
      message: `${vpcName(facts, i.vpcId)} network ACL ${nacl.networkAclId} ${verdict.allowed ? 'allows' : 'denies'} ${what} (${egress ? 'outbound' : 'inbound'} ICMP ${egress ? 'to' : 'from'} ${peer.privateIp}, ${verdict.rule})`,
    });
  };

  if (!sameVpc) routeCheck('route', source, target);
  const srcGroups = groups(source);
  const egressOk = srcGroups.some((g) => groupAllows(g, 'egress', target));
  add({
    check: 'source-sg',
    ok: egressOk,
    message: egressOk
      ? `${name(source)}'s security groups allow outbound ICMP to ${target.privateIp}`
      : `${name(source)}'s security groups (${groupLabel(srcGroups)}) allow no outbound ICMP to ${target.privateIp}`,
  });
  naclCheck('source-nacl', source, true, target, 'the ping leaving the source subnet', ECHO_REQUEST);
  naclCheck('target-nacl', target, false, source, 'the ping entering the target subnet', ECHO_REQUEST);
  const dstGroups = groups(target);
  const ingressOk = dstGroups.some((g) => groupAllows(g, 'ingress', source));
  const other = dstGroups.flatMap((g) => g.ingress.filter((r) => cidrContains(r.cidr, source.privateIp)));
  // Repairable only when a group's opt-in tag asks for ICMP: then the autopilot adds the rule itself.
  const optedForIcmp = dstGroups.some((g) => {
    const tag = g.tags[TAGS.ingress];
    const parsed = tag === undefined ? undefined : parseIngressTag(tag);
    return parsed?.ok === true && parsed.traffic.some((t) => t.protocol === 'icmp');
  });
  add({
    check: 'target-sg',
    ok: ingressOk,
    message: ingressOk
      ? `${name(target)}'s security groups allow ICMP from ${source.privateIp}`
      : `${groupLabel(dstGroups)} allows no ICMP from ${source.privateIp}` +
        (other.length > 0 ? ` (only ${other.map(ruleLabel).join(', ')})` : '') +
        ` (tutorial steps 32-34: add Custom ICMP from ${targetCidr(facts, source.vpcId, source.privateIp)}` +
        (optedForIcmp ? ')' : `; or add icmp to the group's ${TAGS.ingress} tag and the autopilot adds it)`),
    repairable: optedForIcmp,
  });
  naclCheck('return-nacl', target, true, source, 'the reply leaving the target subnet', ECHO_REPLY);
  if (!sameVpc) routeCheck('return-route', target, source);
  naclCheck('return-nacl', source, false, target, 'the reply entering the source subnet', ECHO_REPLY);

  const failed = findings.find((f) => !f.ok);
  return { reachable: !failed, findings, ...(failed ? { missing: failed.message } : {}) };
}
