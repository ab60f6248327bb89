/**
 * The EC2 writes Apply and Cleanup share: a route's destination field by address family,
 * IpPermissions grouped by traffic (one permission per protocol and port range), and the revocation
 * of one of our rules (CIDR or peer-group reference).
 */
import { type EC2Client, type IpPermission, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { cidrFamily } from '../network/cidr.js';
import { isAwsError } from './aws-clients.js';

/** `DestinationCidrBlock` or `DestinationIpv6CidrBlock`, as CreateRoute/DeleteRoute want it. */
export function routeDestination(
  cidr: string,
): { DestinationCidrBlock: string } | { DestinationIpv6CidrBlock: string } {
  return cidrFamily(cidr) === 'ipv6' ? { DestinationIpv6CidrBlock: cidr } : { DestinationCidrBlock: cidr };
}

/**
 * One IpPermission per traffic spec: each CIDR in its family's range list, each peer group as a
 * UserIdGroupPair with its owner (and, when authorizing, the peering it is reached through — VPC
 * Peering guide, "Update your security groups to reference peer security groups"), each with its
 * description, if any.
 */
export function ipPermissions(
  rules: ReadonlyArray<{
    protocol: string;
    fromPort: number;
    toPort: number;
    cidr?: string;
    sourceGroupId?: string;
    sourceOwnerId?: string;
    detail?: string;
  }>,
  peeringConnectionId?: string,
): IpPermission[] {
  const byTraffic = new Map<string, IpPermission>();
  for (const r of rules) {
    const key = `${r.protocol}:${r.fromPort}:${r.toPort}`;
    const p = byTraffic.get(key) ?? { IpProtocol: r.protocol, FromPort: r.fromPort, ToPort: r.toPort };
    const Description = r.detail;
    if (r.sourceGroupId !== undefined) {
      p.UserIdGroupPairs = [
        ...(p.UserIdGroupPairs ?? []),
        {
          GroupId: r.sourceGroupId,
          ...(r.sourceOwnerId ? { UserId: r.sourceOwnerId } : {}),
          ...(peeringConnectionId ? { VpcPeeringConnectionId: peeringConnectionId } : {}),
          Description,
        },
      ];
    } else if (r.cidr !== undefined && cidrFamily(r.cidr) === 'ipv6')
      p.Ipv6Ranges = [...(p.Ipv6Ranges ?? []), { CidrIpv6: r.cidr, Description }];
    else if (r.cidr !== undefined) p.IpRanges = [...(p.IpRanges ?? []), { CidrIp: r.cidr, Description }];
    byTraffic.set(key, p);
  }
  return [...byTraffic.values()];
}

type RuleLine = Parameters<typeof ipPermissions>[0][number];

/**
 * Revokes one of our ingress rules; false when AWS says it is not there (already gone). A peer-group
 * reference is named first exactly as we wrote it (group, owner, peering, description), then — if
 * that finds nothing, e.g. a reference left stale by a deleted peering — by group and owner alone,
 * the form of the CLI's `--source-group … --group-owner …`. A rule is one source and one traffic,
 * so neither form can take a person's rule.
 */
export async function revokeIngress(
  ec2: EC2Client,
  groupId: string,
  rule: RuleLine,
  peeringConnectionId: string,
): Promise<boolean> {
  const forms = rule.sourceGroupId === undefined ? [undefined] : [peeringConnectionId, undefined];
  for (const pcx of forms) {
    try {
      await ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: ipPermissions([rule], pcx),
        }),
      );
      return true;
    } catch (error) {
      if (!isAwsError(error, 'InvalidPermission.NotFound')) throw error;
    }
  }
  return false;
}
