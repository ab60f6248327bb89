/**
 * An instance's network interfaces (ENIs) and the addresses on them. Pure.
 *
 * AWS: an instance can have several ENIs, each in a subnet of the instance's VPC, each with its own
 * private addresses and its own security groups (the groups are an attribute of the network
 * interface: EC2 API Reference, ModifyNetworkInterfaceAttribute `Groups`, "Changes the security groups
 * for the network interface"); a network ACL applies to the subnet of the ENI the packet enters or
 * leaves. So a path is judged at the interface that holds the address, not at the instance.
 */
import type { InstanceFacts, InterfaceFacts } from './path-model.js';

/** The instance's interfaces, primary first (one made from the instance's own fields when none were described). */
export function interfacesOf(i: InstanceFacts): readonly InterfaceFacts[] {
  return (
    i.interfaces ?? [
      {
        networkInterfaceId: `${i.instanceId}/primary`,
        subnetId: i.subnetId,
        privateIps: [i.privateIp],
        securityGroupIds: i.securityGroupIds,
      },
    ]
  );
}

/** Every private IPv4 address of every interface. */
export function addressesOf(i: InstanceFacts): string[] {
  return interfacesOf(i).flatMap((n) => n.privateIps);
}

/** The instance as seen at `ip`: the subnet and groups of the interface that holds it; undefined when none does. */
export function atAddress(i: InstanceFacts, ip: string): InstanceFacts | undefined {
  const eni = interfacesOf(i).find((n) => n.privateIps.includes(ip));
  return eni && { ...i, subnetId: eni.subnetId, privateIp: ip, securityGroupIds: eni.securityGroupIds };
}
