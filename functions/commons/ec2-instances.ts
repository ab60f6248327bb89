/**
 * Read side of EC2 for instances: the ENIs, addresses, groups and tags the probe selection and the path
 * diagnosis use, paginated per account and region.
 */
import { type Instance, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { tagsToRecord } from '../network/model.js';
import type { InstanceFacts } from '../network/path-model.js';
import { printable } from '../network/text.js';
import type { Ec2For, Place } from './aws-clients.js';

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
