/**
 * Security-group rule planning: from described groups to the exact rules to add and remove. An
 * opted-in group (`peering-autopilot:ingress`) gets ingress from each peer CIDR, or — with
 * `peering-autopilot:ingress-from=sources` — from each peer-VPC group tagged
 * `peering-autopilot:source=true` (a UserIdGroupPair with the peer's account and the peering id).
 * AWS allows that only over a same-Region peering (VPC Peering guide, "Update your security groups
 * to reference peer security groups"): cross-Region, nothing is added and the line says why. Our
 * own rules (their description names the peering) that a group no longer asks for are removed.
 * Pure.
 */

import { TAGS } from '../commons/contracts.js';
import { cidrFamily } from './cidr.js';
import { parseIngressTag, type TrafficSpec } from './ingress-tag.js';
import {
  DEFAULT_QUOTAS,
  type Quotas,
  type RuleChange,
  referencesPeerGroups,
  ruleDescription,
  type SecurityGroupFacts,
  type SidePlanInput,
  tagValue,
  type VpcSide,
} from './model.js';
import { exclusions, peerDestinations } from './selection.js';

type Base = Pick<RuleChange, 'groupId' | 'vpcId' | 'ownerId' | 'region' | 'applied'>;
type Source = Pick<RuleChange, 'cidr' | 'sourceGroupId' | 'sourceOwnerId'>;

const sameSource = (a: Source, b: Source) =>
  a.cidr === b.cidr && a.sourceGroupId === b.sourceGroupId && a.sourceOwnerId === b.sourceOwnerId;
const sameTraffic = (
  a: { protocol: string; fromPort: number; toPort: number },
  b: { protocol: string; fromPort: number; toPort: number },
) => a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort;

/** `cidrs` (no tag), `sources`, or the tag error (fail safe: the group is left untouched). */
function ingressFrom(group: SecurityGroupFacts): 'cidrs' | 'sources' | { invalid: string } {
  const value = tagValue(group.tags, TAGS.ingressFrom);
  if (value === undefined) return 'cidrs';
  if (value === 'sources') return 'sources';
  return {
    invalid: `tag ${TAGS.ingressFrom}=${JSON.stringify(group.tags[TAGS.ingressFrom])} on ${group.groupId} is not "sources": group left untouched`,
  };
}

/** One inbound rule of a group in the shape of a line: its source (CIDR or group) and traffic. */
export type GroupRule = Source & { protocol: string; fromPort: number; toPort: number };

/**
 * A group's inbound rules with a CIDR or a group as source — only those whose description is
 * `description` when given (ours for one peering): what the planner compares against, what the
 * planner and cleanup remove, what the sweep counts as leftovers.
 */
export function rulesOf(group: SecurityGroupFacts, description?: string): GroupRule[] {
  const wanted = (r: { description?: string }) => description === undefined || r.description === description;
  const traffic = (r: { protocol: string; fromPort: number; toPort: number }) => ({
    protocol: r.protocol,
    fromPort: r.fromPort,
    toPort: r.toPort,
  });
  return [
    ...group.ingress.filter(wanted).map((r) => ({ cidr: r.cidr, ...traffic(r) })),
    ...(group.ingressRefs ?? [])
      .filter((r) => r.groupId !== undefined && wanted(r))
      .map((r) => ({
        sourceGroupId: r.groupId as string,
        ...(r.userId ? { sourceOwnerId: r.userId } : {}),
        ...traffic(r),
      })),
  ];
}

/**
 * The peer groups a `sources` group references: tagged `peering-autopilot:source=true`. A value
 * other than `true`/`false` is reported on the referencing group and that group is not referenced.
 */
function peerSources(
  peer: VpcSide,
  items: readonly SecurityGroupFacts[],
): { groups: SecurityGroupFacts[]; invalid: Array<{ group: SecurityGroupFacts; detail: string }> } {
  const candidates = items.filter(
    (g) => g.vpcId === peer.vpcId && tagValue(g.tags, TAGS.source) !== undefined,
  );
  const invalid = candidates
    .filter((g) => !['true', 'false'].includes(tagValue(g.tags, TAGS.source) as string))
    .map((g) => ({
      group: g,
      detail: `tag ${TAGS.source}=${JSON.stringify(g.tags[TAGS.source])} on ${peer.name ?? peer.vpcId}'s ${g.groupId} is not "true" or "false": not referenced`,
    }));
  return { groups: candidates.filter((g) => tagValue(g.tags, TAGS.source) === 'true'), invalid };
}

/** The protocols one traffic spec needs for a source: ICMP becomes ICMPv6 for an IPv6 CIDR. */
function protocolsFor(t: TrafficSpec, source: Source, bothIpv6: boolean): RuleChange['protocol'][] {
  if (t.protocol !== 'icmp') return [t.protocol];
  if (source.cidr !== undefined) return [cidrFamily(source.cidr) === 'ipv6' ? 'icmpv6' : 'icmp'];
  return bothIpv6 ? ['icmp', 'icmpv6'] : ['icmp'];
}

/** Ingress from each peer CIDR (or peer source group) for the traffic each opted-in group's tag lists. */
export function planRules(
  peeringConnectionId: string,
  sides: ReadonlyArray<SidePlanInput<SecurityGroupFacts>>,
  quotas: Quotas = DEFAULT_QUOTAS,
): RuleChange[] {
  const changes: RuleChange[] = [];
  const description = ruleDescription(peeringConnectionId);
  for (const { self, peer, items } of sides) {
    for (const group of items.filter((g) => g.vpcId === self.vpcId)) {
      const tag = group.tags[TAGS.ingress];
      const base: Base = {
        groupId: group.groupId,
        vpcId: self.vpcId,
        ownerId: self.ownerId,
        region: self.region,
        applied: false,
      };
      const none = { protocol: 'none' as const, fromPort: -1, toPort: -1 };
      if (tag === undefined) {
        // Opted out (or never in): only our own rules for this peering go, nothing else.
        changes.push(...staleRules(group, description, [], base));
        continue;
      }
      const parsed = parseIngressTag(tag);
      const kept = exclusions(peer);
      const from = ingressFrom(group);
      const unreadable = !parsed.ok
        ? parsed.error
        : typeof from === 'object'
          ? from.invalid
          : 'invalid' in kept
            ? kept.invalid
            : undefined;
      if (unreadable !== undefined || !parsed.ok) {
        for (const cidr of [...peer.cidrs, ...(self.ipv6Cidrs.length > 0 ? peer.ipv6Cidrs : [])]) {
          changes.push({ ...base, cidr, ...none, action: 'invalid-tag', detail: unreadable });
        }
        continue;
      }
      const bothIpv6 = self.ipv6Cidrs.length > 0 && peer.ipv6Cidrs.length > 0;
      let sources: Source[];
      if (from === 'cidrs') {
        sources = peerDestinations(self, peer).map((cidr) => ({ cidr }));
      } else if (!referencesPeerGroups({ status: 'active', crossRegion: self.region !== peer.region })) {
        // Never widened to the CIDR: nothing is added, and our earlier rules here go as usual.
        for (const t of parsed.traffic) {
          changes.push({
            ...base,
            ...t,
            action: 'unsupported-cross-region',
            detail: `${TAGS.ingressFrom}=sources: the peering is cross-Region (${self.region} / ${peer.region}) and AWS allows security group references only within one Region; nothing added (not widened to ${peer.name ?? peer.vpcId}'s CIDR)`,
          });
        }
        changes.push(...staleRules(group, description, [], base));
        continue;
      } else {
        const found = peerSources(peer, items);
        for (const bad of found.invalid) {
          changes.push({
            ...base,
            sourceGroupId: bad.group.groupId,
            sourceOwnerId: peer.ownerId,
            ...none,
            action: 'invalid-tag',
            detail: bad.detail,
          });
        }
        sources = found.groups.map((g) => ({ sourceGroupId: g.groupId, sourceOwnerId: peer.ownerId }));
      }
      const current = rulesOf(group);
      const groupChanges: RuleChange[] = [];
      for (const source of sources) {
        for (const t of parsed.traffic) {
          for (const protocol of protocolsFor(t, source, bothIpv6)) {
            const line = { protocol, fromPort: t.fromPort, toPort: t.toPort };
            const exists = current.some((r) => sameSource(r, source) && sameTraffic(r, line));
            groupChanges.push({
              ...base,
              ...source,
              ...line,
              action: exists ? 'exists' : 'created',
              detail: description,
            });
          }
        }
      }
      changes.push(
        ...withRuleQuota(group, groupChanges, quotas),
        ...staleRules(group, description, groupChanges, base),
      );
    }
  }
  return changes;
}

/** Rules carrying our description for this peering (CIDR or group sources) that the group no longer asks for. */
function staleRules(
  group: SecurityGroupFacts,
  description: string,
  desired: readonly RuleChange[],
  base: Base,
): RuleChange[] {
  return rulesOf(group, description)
    .filter((r) => !desired.some((d) => sameSource(d, r) && sameTraffic(d, r)))
    .flatMap((r): RuleChange[] =>
      ['icmp', 'icmpv6', 'tcp', 'udp'].includes(r.protocol)
        ? [
            {
              ...base,
              ...r,
              protocol: r.protocol as RuleChange['protocol'],
              action: 'removed',
              detail: description,
            },
          ]
        : [],
    );
}

/**
 * Quota headroom per group, per family (Amazon VPC quotas: inbound rules per security group,
 * enforced separately for IPv4 and IPv6; a rule that references a group counts in both). A full
 * group gets `quota-exceeded` lines, the rest go on.
 */
function withRuleQuota(group: SecurityGroupFacts, planned: RuleChange[], quotas: Quotas): RuleChange[] {
  const inFamily = (family: 'ipv4' | 'ipv6') => (c: { cidr?: string }) =>
    c.cidr === undefined || cidrFamily(c.cidr) === family;
  const count = (family: 'ipv4' | 'ipv6') =>
    group.ingress.filter(inFamily(family)).length + (group.otherIngressSources ?? 0);
  const full = new Set<string>();
  for (const family of ['ipv4', 'ipv6'] as const) {
    const adding = planned.filter((c) => c.action === 'created' && inFamily(family)(c)).length;
    if (adding > 0 && count(family) + adding > quotas.rulesPerSecurityGroup) full.add(family);
  }
  return planned.map((c) => {
    const families = (['ipv4', 'ipv6'] as const).filter((f) => inFamily(f)(c));
    const family = families.find((f) => full.has(f));
    if (c.action !== 'created' || family === undefined) return c;
    return {
      ...c,
      action: 'quota-exceeded',
      detail:
        `security group ${group.groupId} has ${count(family)} inbound ${family} rules; adding this peering's would ` +
        `pass the quota of ${quotas.rulesPerSecurityGroup} inbound rules per security group (raise "Inbound or ` +
        `outbound rules per security group" in Service Quotas)`,
    };
  });
}
