/**
 * Read side of EC2 for route tables: their routes, associations and tags as plain facts; one vpc-id
 * filtered, paginated call per account and region, or by id.
 */
import {
  DescribeRouteTablesCommand,
  paginateDescribeRouteTables,
  type Route,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { type RouteTableFacts, tagsToRecord, type VpcSide } from '../network/model.js';
import type { Ec2For, Place } from './aws-clients.js';
import { describeInVpcs, describeLive } from './ec2-describe.js';

function routeTarget(route: Route): string {
  return (
    route.VpcPeeringConnectionId ??
    route.GatewayId ??
    route.NatGatewayId ??
    route.TransitGatewayId ??
    route.NetworkInterfaceId ??
    route.InstanceId ??
    route.CarrierGatewayId ??
    route.LocalGatewayId ??
    route.EgressOnlyInternetGatewayId ??
    'unknown target'
  );
}

export function routeTableFacts(table: RouteTable): RouteTableFacts {
  const associations = table.Associations ?? [];
  return {
    routeTableId: table.RouteTableId ?? '',
    vpcId: table.VpcId ?? '',
    main: associations.some((a) => a.Main === true),
    subnetIds: associations.map((a) => a.SubnetId).filter((s): s is string => !!s),
    tags: tagsToRecord(table.Tags),
    prefixListRoutes: (table.Routes ?? [])
      .filter((r) => r.DestinationPrefixListId)
      .map((r) => ({
        prefixListId: r.DestinationPrefixListId as string,
        ...(r.VpcPeeringConnectionId ? { peeringConnectionId: r.VpcPeeringConnectionId } : {}),
        target: routeTarget(r),
        ...(r.State ? { state: r.State } : {}),
      })),
    routes: (table.Routes ?? [])
      .filter((r) => r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock)
      .map((r) => ({
        destination: (r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock) as string,
        ...(r.VpcPeeringConnectionId ? { peeringConnectionId: r.VpcPeeringConnectionId } : {}),
        target: routeTarget(r),
        propagated: r.Origin === 'EnableVgwRoutePropagation',
        ...(r.State ? { state: r.State } : {}),
      })),
  };
}

/** Every route table of the given VPCs: one paginated, vpc-id filtered call per account and region. */
export async function describeRouteTables(
  ec2For: Ec2For,
  sides: ReadonlyArray<Pick<VpcSide, 'vpcId' | 'region' | 'ownerId'>>,
): Promise<RouteTableFacts[]> {
  return describeInVpcs(sides, async function* (place, request) {
    for await (const page of paginateDescribeRouteTables({ client: ec2For(place) }, request)) {
      yield (page.RouteTables ?? []).map(routeTableFacts);
    }
  });
}

/** Route tables by id (those that still exist). */
export function describeRouteTablesById(
  ec2For: Ec2For,
  place: Place,
  ids: readonly string[],
  gone?: (id: string) => void,
): Promise<RouteTableFacts[]> {
  return describeLive(
    ids,
    async (RouteTableIds) =>
      ((await ec2For(place).send(new DescribeRouteTablesCommand({ RouteTableIds }))).RouteTables ?? []).map(
        routeTableFacts,
      ),
    ['InvalidRouteTableID.NotFound', 'InvalidRouteTableId.NotFound'],
    gone,
  );
}
