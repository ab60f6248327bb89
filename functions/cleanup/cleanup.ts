/**
 * Cleanup after a peering is deleted: remove the routes that target it from both VPCs' tables and
 * the security-group rules whose description names it. Nothing else is touched — a person's
 * route or rule in the same table or group stays. (moto never marks such routes blackhole, and
 * AWS does so only eventually, so we match on the peering id, not on route state.)
 */
import { DeleteRouteCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { type Ec2ForRegion, isAwsError } from '../commons/aws-clients.js';
import { describeGroups, describeRouteTables } from '../commons/ec2-facts.js';
import type { Inspection } from '../inspect/inspect.js';
import { cidrFamily } from '../network/cidr.js';
import { type RouteChange, type RuleChange, ruleDescription } from '../network/model.js';

export interface Cleanup {
  readonly routesRemoved: RouteChange[];
  readonly rulesRemoved: RuleChange[];
}

export async function cleanupPeering(inspection: Inspection, ec2For: Ec2ForRegion): Promise<Cleanup> {
  const pcx = inspection.peeringConnectionId;
  const sides = [inspection.requester, inspection.accepter];
  const regionOf = new Map(sides.map((s) => [s.vpcId, s.region]));
  const [tables, groups] = await Promise.all([
    describeRouteTables(ec2For, sides),
    describeGroups(ec2For, sides),
  ]);

  const routesRemoved: RouteChange[] = [];
  for (const table of tables) {
    for (const route of table.routes.filter((r) => r.peeringConnectionId === pcx)) {
      const region = regionOf.get(table.vpcId) as string;
      const change: RouteChange = {
        routeTableId: table.routeTableId,
        vpcId: table.vpcId,
        region,
        destinationCidr: route.destination,
        action: 'removed',
        applied: false,
        detail: `route to deleted peering ${pcx}`,
      };
      if (!inspection.dryRun) {
        const destination =
          cidrFamily(route.destination) === 'ipv6'
            ? { DestinationIpv6CidrBlock: route.destination }
            : { DestinationCidrBlock: route.destination };
        try {
          await ec2For(region).send(
            new DeleteRouteCommand({ RouteTableId: table.routeTableId, ...destination }),
          );
        } catch (error) {
          if (!isAwsError(error, 'InvalidRoute.NotFound')) throw error;
        }
      }
      routesRemoved.push({ ...change, applied: !inspection.dryRun });
    }
  }

  const description = ruleDescription(pcx);
  const rulesRemoved: RuleChange[] = [];
  for (const group of groups) {
    const region = regionOf.get(group.vpcId) as string;
    for (const rule of group.ingress.filter((r) => r.description === description)) {
      const protocol = rule.protocol as RuleChange['protocol'];
      const range =
        cidrFamily(rule.cidr) === 'ipv6'
          ? { Ipv6Ranges: [{ CidrIpv6: rule.cidr }] }
          : { IpRanges: [{ CidrIp: rule.cidr }] };
      if (!inspection.dryRun) {
        try {
          await ec2For(region).send(
            new RevokeSecurityGroupIngressCommand({
              GroupId: group.groupId,
              IpPermissions: [
                { IpProtocol: rule.protocol, FromPort: rule.fromPort, ToPort: rule.toPort, ...range },
              ],
            }),
          );
        } catch (error) {
          if (!isAwsError(error, 'InvalidPermission.NotFound')) throw error;
        }
      }
      rulesRemoved.push({
        groupId: group.groupId,
        vpcId: group.vpcId,
        region,
        cidr: rule.cidr,
        protocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        action: 'removed',
        applied: !inspection.dryRun,
        detail: description,
      });
    }
  }
  return { routesRemoved, rulesRemoved };
}
