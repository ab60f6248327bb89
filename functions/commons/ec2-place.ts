/**
 * Everything the sweep needs from one (account, region), in a handful of paginated calls whose
 * number grows with pages, not peerings: the peerings, the VPCs, the route tables and the security
 * groups. Types are read one after another (never in parallel) at the largest page each API allows,
 * so a sweep stays far inside EC2's describe bucket (100, refill 20/s); the SDK's standard retry
 * backs off on RequestLimitExceeded.
 */
import {
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  type Vpc,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import type { RouteTableFacts, SecurityGroupFacts } from '../network/model.js';
import type { Ec2For, Place } from './aws-clients.js';
import { routeTableFacts } from './ec2-route-tables.js';
import { securityGroupFacts } from './ec2-security-groups.js';

export interface PlaceFacts {
  readonly place: Place;
  readonly peerings: VpcPeeringConnection[];
  readonly vpcs: Map<string, Vpc>;
  readonly routeTables: RouteTableFacts[];
  readonly securityGroups: SecurityGroupFacts[];
  /** API calls (pages) this took. */
  readonly calls: number;
}

/** Largest page per API (EC2 API reference, MaxResults): fewer calls for the same items. */
export const PAGE_SIZES = { peerings: 1000, vpcs: 1000, routeTables: 100, securityGroups: 1000 } as const;

export async function describePlace(ec2For: Ec2For, place: Place): Promise<PlaceFacts> {
  const client = ec2For(place);
  let calls = 0;
  /** Every item of every page, one page after the other, counting the calls. */
  const all = async <P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> => {
    const out: T[] = [];
    for await (const page of pages) {
      calls += 1;
      out.push(...(items(page) ?? []));
    }
    return out;
  };
  const peerings = await all(
    paginateDescribeVpcPeeringConnections({ client, pageSize: PAGE_SIZES.peerings }, {}),
    (p) => p.VpcPeeringConnections,
  );
  const vpcs = await all(paginateDescribeVpcs({ client, pageSize: PAGE_SIZES.vpcs }, {}), (p) => p.Vpcs);
  const tables = await all(
    paginateDescribeRouteTables({ client, pageSize: PAGE_SIZES.routeTables }, {}),
    (p) => p.RouteTables,
  );
  const groups = await all(
    paginateDescribeSecurityGroups({ client, pageSize: PAGE_SIZES.securityGroups }, {}),
    (p) => p.SecurityGroups,
  );
  return {
    place,
    peerings,
    vpcs: new Map(vpcs.flatMap((v): Array<[string, Vpc]> => (v.VpcId ? [[v.VpcId, v]] : []))),
    routeTables: tables.map(routeTableFacts),
    securityGroups: groups.map(securityGroupFacts),
    calls,
  };
}
