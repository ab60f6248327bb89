/**
 * Read side of EC2 for VPCs: a peering's two sides filled in from DescribeVpcs (blocks, tags), batched per
 * account and region, and the DNS attributes a DNS option needs.
 */
import {
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  paginateDescribeVpcs,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { cidrContains } from '../network/cidr.js';
import { tagsToRecord, type VpcSide } from '../network/model.js';
import { printable } from '../network/text.js';
import type { Ec2For, Place } from './aws-clients.js';
import { vpcIdsByPlace } from './ec2-describe.js';
import { PeeringNotFoundError } from './errors.js';

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

/** The VPCs of one place with an associated IPv4 block that holds `ip` (overlapping VPCs: all of them). */
export async function vpcIdsHolding(ec2For: Ec2For, place: Place, ip: string): Promise<string[]> {
  const out: string[] = [];
  for await (const page of paginateDescribeVpcs({ client: ec2For(place) }, {})) {
    for (const vpc of page.Vpcs ?? []) {
      const side = sideFromVpc(vpc, { vpcId: vpc.VpcId ?? '', ...place, cidrs: [], ipv6Cidrs: [], tags: {} });
      if (side.cidrs.some((c) => cidrContains(c, ip))) out.push(side.vpcId);
    }
  }
  return out;
}
