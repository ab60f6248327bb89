/**
 * Read side of EC2 for instances: the ENIs, addresses, groups and tags the probe selection and the path
 * diagnosis use, paginated per account and region.
 */
import {
  type DescribeInstancesCommandInput,
  type Instance,
  type InstanceNetworkInterface,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import { atAddress, interfacesOf } from '../network/interfaces.js';
import { tagsToRecord } from '../network/model.js';
import type { InstanceFacts, InterfaceFacts } from '../network/path-model.js';
import { printable } from '../network/text.js';
import type { Ec2For, Place } from './aws-clients.js';
import { vpcIdsHolding } from './ec2-vpcs.js';

/** An ENI as the path diagnosis sees it (undefined without a subnet or an address). */
function interfaceFacts(n: InstanceNetworkInterface): InterfaceFacts | undefined {
  const primary = n.PrivateIpAddress;
  if (!n.SubnetId || !primary) return undefined;
  const others = (n.PrivateIpAddresses ?? [])
    .map((a) => a.PrivateIpAddress)
    .filter((a): a is string => !!a && a !== primary);
  return {
    networkInterfaceId: n.NetworkInterfaceId ?? '',
    subnetId: n.SubnetId,
    privateIps: [primary, ...others],
    securityGroupIds: (n.Groups ?? []).map((g) => g.GroupId).filter((g): g is string => !!g),
  };
}

/**
 * An instance as the path diagnosis sees it, at its primary address (undefined when it lacks a VPC,
 * subnet or IP): the primary interface's subnet and groups, and every interface in device order.
 */
export function instanceFacts(i: Instance): InstanceFacts | undefined {
  if (!i.InstanceId || !i.VpcId || !i.SubnetId || !i.PrivateIpAddress) return undefined;
  const rawName = tagsToRecord(i.Tags).Name;
  const name = rawName === undefined ? undefined : printable(rawName);
  const described = [...(i.NetworkInterfaces ?? [])]
    .sort((a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0))
    .map(interfaceFacts)
    .filter((n): n is InterfaceFacts => !!n);
  const instance: InstanceFacts = {
    instanceId: i.InstanceId,
    ...(name ? { name } : {}),
    vpcId: i.VpcId,
    subnetId: i.SubnetId,
    privateIp: i.PrivateIpAddress,
    state: i.State?.Name ?? 'unknown',
    tags: tagsToRecord(i.Tags),
    securityGroupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId).filter((g): g is string => !!g),
  };
  // Without described interfaces, the instance's own fields are its one interface (interfacesOf).
  const interfaces = described.length > 0 ? described : interfacesOf(instance);
  // Seen at its primary address: that interface's subnet and groups only (a group rule admits
  // traffic from the interfaces in the group, not from their instance's other interfaces).
  return { ...(atAddress({ ...instance, interfaces }, i.PrivateIpAddress) ?? instance), interfaces };
}

/**
 * Instances by id, by any private address of any of their network interfaces (seen at that address:
 * its interface's subnet and groups), or by VPC and tag key (running or not; terminated ones left out).
 */
export async function describeInstances(
  ec2For: Ec2For,
  place: Place,
  by:
    | { readonly ids: readonly string[] }
    | { readonly address: string }
    | { readonly vpcIds: readonly string[]; readonly tagKey: string },
): Promise<InstanceFacts[]> {
  let request: DescribeInstancesCommandInput;
  if ('ids' in by) request = { InstanceIds: [...by.ids] };
  else if ('address' in by) {
    // The instance filter `private-ip-address` matches primary addresses only; an address of a
    // secondary interface or a secondary address is found by reading the VPCs whose blocks hold it.
    const vpcIds = await vpcIdsHolding(ec2For, place, by.address);
    if (vpcIds.length === 0) return [];
    request = { Filters: [{ Name: 'vpc-id', Values: vpcIds }] };
  } else
    request = {
      Filters: [
        { Name: 'vpc-id', Values: [...by.vpcIds] },
        { Name: 'tag-key', Values: [by.tagKey] },
      ],
    };
  const out: InstanceFacts[] = [];
  for await (const page of paginateDescribeInstances({ client: ec2For(place) }, request)) {
    for (const i of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      const described = instanceFacts(i);
      const facts = described && 'address' in by ? atAddress(described, by.address) : described;
      if (facts && facts.state !== 'terminated') out.push(facts);
    }
  }
  return out;
}
