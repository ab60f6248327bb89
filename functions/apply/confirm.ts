/**
 * Apply's guard, right before any write: the input is checked against AWS, not trusted.
 */
import type { Ec2For } from '../commons/aws-clients.js';
import { describePeering, sideFromPeering } from '../commons/ec2-peerings.js';
import { describeGroupsById } from '../commons/ec2-security-groups.js';
import { describeSides } from '../commons/ec2-vpcs.js';
import { InputValidationError, PeeringNotActiveError } from '../commons/errors.js';
import { type RoutedRecordStore, trustedRouted } from '../commons/routed-record.js';
import type { Changes, Inspection } from '../commons/schemas.js';
import {
  type RuleChange,
  ruleDescription,
  ruleSource,
  tagsToRecord,
  type VpcSide,
} from '../network/model.js';
import { readRouted } from '../network/routed.js';

const ANYWHERE = ['0.0.0.0/0', '::/0'];

/**
 * Right before writing: the peering is still `active` (one deleted between Plan and Apply gets no
 * new routes or rules), and every line is one this peering can ask for — routes and new rules only
 * to the peer's own CIDRs as AWS describes them now, only in the peering's two VPCs, removals only
 * of rules that carry this peering's description and of routes to the peer's blocks or to blocks
 * the peering's record names. A crafted payload cannot open 0.0.0.0/0.
 */
export async function confirmAgainstPeering(
  inspection: Inspection,
  plan: Changes,
  ec2For: Ec2For,
  record?: RoutedRecordStore,
): Promise<void> {
  const pcx = inspection.peeringConnectionId;
  // Read as our own side: an outside account's side (a peering a person approved) is never read.
  const ours = inspection.accepter.outside ? inspection.requester : inspection.accepter;
  const region = ours.region;
  const peering = await describePeering(ec2For, ours, pcx);
  const status = peering.Status?.Code ?? 'unknown';
  const adding =
    [...plan.routes, ...plan.securityGroupRules].some((c) => c.action === 'created') ||
    plan.options.some((o) => o.action === 'enabled');
  if (adding && status !== 'active') {
    throw new PeeringNotActiveError(`peering ${pcx} is ${status}, no longer active: nothing was written`);
  }
  let sides = [
    sideFromPeering(peering.RequesterVpcInfo, 'requester', region),
    sideFromPeering(peering.AccepterVpcInfo, 'accepter', region),
  ];
  // The peering's own CidrBlockSet answers the common case for free; a block it does not list yet
  // (a CIDR associated since, which moto never adds there) is checked against DescribeVpcs.
  const known = new Set(sides.flatMap((s) => [...s.cidrs, ...s.ipv6Cidrs]));
  const asked = [
    ...plan.routes
      .filter((c) => c.action === 'created' || c.action === 'removed')
      .map((c) => c.destinationCidr),
    ...plan.securityGroupRules
      .filter((c) => c.action === 'created')
      .flatMap((c) => (c.cidr === undefined ? [] : [c.cidr])),
  ];
  if (asked.some((cidr) => !known.has(cidr))) {
    const outside = [inspection.requester, inspection.accepter].filter((s) => s.outside).map((s) => s.vpcId);
    const described = await describeSides(
      ec2For,
      sides.filter((s) => !outside.includes(s.vpcId)),
    );
    sides = sides.map((s) => described.find((d) => d.vpcId === s.vpcId) ?? s);
  }
  // A line is written as the owner it names, so that owner and region must be the VPC's own.
  const peerCidrs = (line: { vpcId: string; ownerId: string; region: string }) => {
    const self = sides.find((s) => s.vpcId === line.vpcId);
    const peer = sides.find((s) => s.vpcId !== line.vpcId);
    if (!self || !peer || self.ownerId !== line.ownerId || self.region !== line.region) return undefined;
    return [...peer.cidrs, ...peer.ipv6Cidrs];
  };
  const bad = (what: string) =>
    new InputValidationError(
      `apply request rejected, nothing was written: ${what} is not part of peering ${pcx}`,
    );
  // Only a route to one of the peer's own blocks (one we write), or to a block the peering's record
  // (its tags as AWS has them now, confirmed by the hub's trusted copy) says we routed, is removed.
  const removals = plan.routes.filter((c) => c.action === 'removed');
  const current = sides.flatMap((s) => [...s.cidrs, ...s.ipv6Cidrs]);
  const recorded: string[] =
    removals.length > 0
      ? (await trustedRouted(record, pcx, readRouted(tagsToRecord(peering.Tags)), current)).routed
      : [];
  for (const r of removals) {
    const blocks = peerCidrs(r);
    if (!blocks)
      throw bad(`route table ${r.routeTableId} in VPC ${r.vpcId} (account ${r.ownerId}, ${r.region})`);
    if (!blocks.includes(r.destinationCidr) && !recorded.includes(r.destinationCidr))
      throw bad(`route destination ${r.destinationCidr} in ${r.routeTableId}`);
  }
  for (const r of plan.routes.filter((c) => c.action === 'created')) {
    const allowed = peerCidrs(r);
    if (!allowed)
      throw bad(`route table ${r.routeTableId} in VPC ${r.vpcId} (account ${r.ownerId}, ${r.region})`);
    if (!allowed.includes(r.destinationCidr) || ANYWHERE.includes(r.destinationCidr)) {
      throw bad(`route destination ${r.destinationCidr} in ${r.routeTableId}`);
    }
  }
  // Options only on the peering's own sides, each as that side's owner in its region.
  for (const o of plan.options.filter((l) => l.action === 'enabled')) {
    const side = o.side === 'requester' ? sides[0] : sides[1];
    if (side?.vpcId !== o.vpcId || side.ownerId !== o.ownerId || side.region !== o.region) {
      throw bad(`the ${o.side} side VPC ${o.vpcId} (account ${o.ownerId}, ${o.region})`);
    }
  }
  const referenced: RuleChange[] = [];
  for (const r of plan.securityGroupRules) {
    if (r.action !== 'created' && r.action !== 'removed') continue;
    const allowed = peerCidrs(r);
    if (!allowed)
      throw bad(`security group ${r.groupId} in VPC ${r.vpcId} (account ${r.ownerId}, ${r.region})`);
    if (r.detail !== ruleDescription(pcx)) throw bad(`rule "${r.detail}" in ${r.groupId}`);
    if (r.cidr === undefined) {
      if (r.sourceGroupId === undefined) throw bad(`a rule with no source in ${r.groupId}`);
      if (r.action === 'created') referenced.push(r);
      continue;
    }
    if (ANYWHERE.includes(r.cidr)) throw bad(`rule source ${r.cidr} in ${r.groupId}`);
    if (r.action === 'created' && !allowed.includes(r.cidr))
      throw bad(`rule source ${r.cidr} in ${r.groupId}`);
  }
  await confirmPeerGroups(referenced, sides, ec2For, bad);
}

/**
 * A new rule may name only a security group of the peer VPC, owned by the peer's owner, over a
 * same-Region peering (AWS allows no other): the groups are described as the peer sees them.
 */
async function confirmPeerGroups(
  lines: readonly RuleChange[],
  sides: readonly VpcSide[],
  ec2For: Ec2For,
  bad: (what: string) => Error,
): Promise<void> {
  const wanted = new Map<string, { peer: VpcSide; ids: Set<string> }>();
  for (const r of lines) {
    const self = sides.find((s) => s.vpcId === r.vpcId) as VpcSide;
    const peer = sides.find((s) => s.vpcId !== r.vpcId) as VpcSide;
    if (self.region !== peer.region || r.sourceOwnerId !== peer.ownerId) {
      throw bad(`source group ${ruleSource(r)} for ${r.groupId} (${self.region} / ${peer.region})`);
    }
    const entry = wanted.get(peer.vpcId) ?? { peer, ids: new Set<string>() };
    entry.ids.add(r.sourceGroupId as string);
    wanted.set(peer.vpcId, entry);
  }
  for (const { peer, ids } of wanted.values()) {
    const found = await describeGroupsById(ec2For, peer, [...ids]);
    for (const id of ids) {
      if (!found.some((g) => g.groupId === id && g.vpcId === peer.vpcId)) {
        throw bad(`source group ${peer.ownerId}/${id} (not a group of VPC ${peer.vpcId})`);
      }
    }
  }
}
