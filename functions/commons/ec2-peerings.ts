/**
 * Read side of EC2 for peerings: one peering by id (an unknown id is PeeringNotFoundError naming it), every
 * peering of a place, and their translation into the plain facts the planners and the diagnosis use.
 */
import {
  DescribeVpcPeeringConnectionsCommand,
  paginateDescribeVpcPeeringConnections,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { tagsToRecord, type VpcSide } from '../network/model.js';
import type { PeeringFacts } from '../network/path-model.js';
import { type Ec2For, isAwsError, type Place } from './aws-clients.js';
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

/**
 * The peering's status as a run must take it: a request still `pending-acceptance` past its
 * ExpirationTime is `expired` (AWS flips it shortly; nothing may be accepted after it).
 */
export function effectiveStatus(p: VpcPeeringConnection, now: Date): string {
  const status = p.Status?.Code ?? 'unknown';
  const expiresAt = p.ExpirationTime?.getTime();
  return status === 'pending-acceptance' && expiresAt !== undefined && expiresAt <= now.getTime()
    ? 'expired'
    : status;
}
