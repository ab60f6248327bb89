/**
 * Read side of EC2: describe calls and their translation into the plain facts the network
 * planners use. Calls are filtered and batched per account and region so a peering costs a fixed number of
 * reads however many route tables or groups it touches.
 */
import {
  DescribeVpcAttributeCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  type Instance,
  paginateDescribeInstances,
  paginateDescribeVpcPeeringConnections,
  type Vpc,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { tagsToRecord, type VpcSide } from '../network/model.js';
import type { InstanceFacts, PeeringFacts } from '../network/path-model.js';
import { printable } from '../network/text.js';
import { type Ec2For, isAwsError, type Place } from './aws-clients.js';
import { vpcIdsByPlace } from './ec2-describe.js';
import { PeeringNotFoundError } from './errors.js';

/** Describes one peering; an unknown id becomes PeeringNotFoundError naming it. */
export async function describePeering(
  ec2For: Ec2For,
  place: Place,
  peeringConnectionId: string,
): Promise<VpcPeeringConnection> {
  try {
    const out = await ec2For(place).send(
      new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [peeringConnectionId] }),
    );
    const found = out.VpcPeeringConnections?.find((p) => p.VpcPeeringConnectionId === peeringConnectionId);
    if (found) return found;
  } catch (error) {
    if (
      !isAwsError(error, 'InvalidVpcPeeringConnectionID.NotFound', 'InvalidVpcPeeringConnectionId.NotFound')
    ) {
      throw error;
    }
  }
  throw new PeeringNotFoundError(
    `peeringConnectionId "${peeringConnectionId}" was not found in region ${place.region} of account ${place.ownerId}`,
  );
}

/** A peering side as the peering itself reports it (before, or instead of, describing the VPC). */
export function sideFromPeering(
  info: VpcPeeringConnection['RequesterVpcInfo'],
  role: string,
  fallbackRegion: string,
): VpcSide {
  if (!info?.VpcId || !info.OwnerId) throw new Error(`peering has no ${role} VPC id or owner`);
  const cidrs = (info.CidrBlockSet ?? []).map((c) => c.CidrBlock).filter((c): c is string => !!c);
  if (cidrs.length === 0 && info.CidrBlock) cidrs.push(info.CidrBlock);
  return {
    vpcId: info.VpcId,
    ownerId: info.OwnerId,
    region: info.Region ?? fallbackRegion,
    cidrs,
    ipv6Cidrs: (info.Ipv6CidrBlockSet ?? []).map((c) => c.Ipv6CidrBlock).filter((c): c is string => !!c),
    tags: {},
    ...(info.PeeringOptions?.AllowDnsResolutionFromRemoteVpc !== undefined
      ? { dnsResolution: info.PeeringOptions.AllowDnsResolutionFromRemoteVpc }
      : {}),
  };
}

/** A side refreshed from its VPC as described (current CIDR blocks, tags, name). */
export function sideFromVpc(vpc: Vpc, side: VpcSide): VpcSide {
  const associated = (state?: string) => state === undefined || state === 'associated';
  // Primary first (VpcSide's order): the one block AWS never lets a VPC give up.
  const cidrs = (vpc.CidrBlockAssociationSet ?? [])
    .filter((a) => associated(a.CidrBlockState?.State))
    .map((a) => a.CidrBlock)
    .filter((c): c is string => !!c)
    .sort((a, b) => Number(b === vpc.CidrBlock) - Number(a === vpc.CidrBlock));
  const ipv6Cidrs = (vpc.Ipv6CidrBlockAssociationSet ?? [])
    .filter((a) => associated(a.Ipv6CidrBlockState?.State))
    .map((a) => a.Ipv6CidrBlock)
    .filter((c): c is string => !!c);
  const tags = tagsToRecord(vpc.Tags);
  return {
    ...side,
    ownerId: vpc.OwnerId ?? side.ownerId,
    cidrs: cidrs.length > 0 ? cidrs : vpc.CidrBlock ? [vpc.CidrBlock] : side.cidrs,
    ipv6Cidrs,
    tags,
    ...(tags.Name ? { name: printable(tags.Name) } : {}),
  };
}

/** Refreshes both sides from DescribeVpcs (current CIDR blocks, tags) in their own regions. */
export async function describeSides(ec2For: Ec2For, sides: readonly VpcSide[]): Promise<VpcSide[]> {
  const found = new Map<string, Vpc>();
  for (const [place, vpcIds] of vpcIdsByPlace(sides)) {
    const out = await ec2For(place).send(new DescribeVpcsCommand({ VpcIds: vpcIds }));
    for (const vpc of out.Vpcs ?? []) if (vpc.VpcId) found.set(vpc.VpcId, vpc);
  }
  return sides.map((side) => {
    const vpc = found.get(side.vpcId);
    if (!vpc)
      throw new PeeringNotFoundError(`VPC ${side.vpcId} of the peering was not found in ${side.region}`);
    return sideFromVpc(vpc, side);
  });
}

/** An instance as the path diagnosis sees it (undefined when it lacks a VPC, subnet or IP). */
export function instanceFacts(i: Instance): InstanceFacts | undefined {
  if (!i.InstanceId || !i.VpcId || !i.SubnetId || !i.PrivateIpAddress) return undefined;
  const rawName = tagsToRecord(i.Tags).Name;
  const name = rawName === undefined ? undefined : printable(rawName);
  return {
    instanceId: i.InstanceId,
    ...(name ? { name } : {}),
    vpcId: i.VpcId,
    subnetId: i.SubnetId,
    privateIp: i.PrivateIpAddress,
    state: i.State?.Name ?? 'unknown',
    tags: tagsToRecord(i.Tags),
    // Every network interface's groups: a group-referencing rule admits the instance through any of them.
    securityGroupIds: [
      ...new Set(
        [...(i.SecurityGroups ?? []), ...(i.NetworkInterfaces ?? []).flatMap((n) => n.Groups ?? [])]
          .map((g) => g.GroupId)
          .filter((g): g is string => !!g),
      ),
    ],
  };
}

/** A peering as the path diagnosis and the listings see it (inter-region ones carry no SG references). */
export function peeringFacts(p: VpcPeeringConnection): PeeringFacts {
  const regions = [p.RequesterVpcInfo?.Region, p.AccepterVpcInfo?.Region];
  return {
    id: p.VpcPeeringConnectionId as string,
    status: p.Status?.Code ?? 'unknown',
    requesterVpcId: p.RequesterVpcInfo?.VpcId ?? '',
    accepterVpcId: p.AccepterVpcInfo?.VpcId ?? '',
    ...(regions[0] && regions[1] && regions[0] !== regions[1] ? { crossRegion: true } : {}),
    tags: tagsToRecord(p.Tags),
    ...(p.RequesterVpcInfo?.CidrBlock ? { requesterCidr: p.RequesterVpcInfo.CidrBlock } : {}),
    ...(p.AccepterVpcInfo?.CidrBlock ? { accepterCidr: p.AccepterVpcInfo.CidrBlock } : {}),
  };
}

const PEERING_NOT_FOUND = [
  'InvalidVpcPeeringConnectionID.NotFound',
  'InvalidVpcPeeringConnectionId.NotFound',
];

/**
 * Peerings of a region: the given ids (unknown ones are left out), or every peering, paginated.
 * Matching to VPCs happens client-side: a VPC can be requester or accepter, which no single
 * server-side filter expresses (and moto ignores these filters anyway).
 */
export async function describePeerings(
  ec2For: Ec2For,
  place: Place,
  ids?: readonly string[],
): Promise<PeeringFacts[]> {
  const out: PeeringFacts[] = [];
  if (ids) {
    if (ids.length === 0) return out;
    try {
      const res = await ec2For(place).send(
        new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [...ids] }),
      );
      return (res.VpcPeeringConnections ?? []).map(peeringFacts);
    } catch (error) {
      if (isAwsError(error, ...PEERING_NOT_FOUND)) return out;
      throw error;
    }
  }
  for await (const page of paginateDescribeVpcPeeringConnections({ client: ec2For(place) }, {})) {
    out.push(...(page.VpcPeeringConnections ?? []).map(peeringFacts));
  }
  return out;
}

/** Instances by id, by private IP, or by VPC and tag key (running or not; terminated ones left out). */
export async function describeInstances(
  ec2For: Ec2For,
  place: Place,
  by:
    | { readonly ids: readonly string[] }
    | { readonly privateIp: string }
    | { readonly vpcIds: readonly string[]; readonly tagKey: string },
): Promise<InstanceFacts[]> {
  const filters =
    'ids' in by
      ? undefined
      : 'privateIp' in by
        ? [{ Name: 'private-ip-address', Values: [by.privateIp] }]
        : [
            { Name: 'vpc-id', Values: [...by.vpcIds] },
            { Name: 'tag-key', Values: [by.tagKey] },
          ];
  const out: InstanceFacts[] = [];
  const pages = paginateDescribeInstances(
    { client: ec2For(place) },
    'ids' in by ? { InstanceIds: [...by.ids] } : { Filters: filters },
  );
  for await (const page of pages) {
    for (const i of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      const facts = instanceFacts(i);
      if (facts && facts.state !== 'terminated') out.push(facts);
    }
  }
  return out;
}

/** A side with its VPC's DNS support and hostnames attributes (two DescribeVpcAttribute calls). */
export async function withDnsAttributes(ec2For: Ec2For, side: VpcSide): Promise<VpcSide> {
  const ec2 = ec2For(side);
  const [support, hostnames] = await Promise.all([
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: side.vpcId, Attribute: 'enableDnsSupport' })),
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: side.vpcId, Attribute: 'enableDnsHostnames' })),
  ]);
  return {
    ...side,
    dnsAttributes: {
      support: support.EnableDnsSupport?.Value ?? false,
      hostnames: hostnames.EnableDnsHostnames?.Value ?? false,
    },
  };
}
