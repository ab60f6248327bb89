/**
 * An instance with several network interfaces, as DescribeInstances returns it, becomes facts judged
 * per interface: security groups are an attribute of the network interface (EC2 API Reference,
 * ModifyNetworkInterfaceAttribute `Groups`), and an address belongs to one interface (its subnet).
 */
import type { Instance } from '@aws-sdk/client-ec2';
import { instanceFacts } from '../../functions/commons/ec2-instances.js';
import { addressesOf, atAddress } from '../../functions/network/interfaces.js';

const twoEnis: Instance = {
  InstanceId: 'i-f',
  VpcId: 'vpc-f',
  SubnetId: 'subnet-a',
  PrivateIpAddress: '172.31.1.4',
  State: { Name: 'running', Code: 16 },
  Tags: [{ Key: 'Name', Value: 'FinanceServer' }],
  SecurityGroups: [{ GroupId: 'sg-front' }],
  // Listed out of device order on purpose: the primary is device index 0, not the first listed.
  NetworkInterfaces: [
    {
      NetworkInterfaceId: 'eni-back',
      SubnetId: 'subnet-b',
      PrivateIpAddress: '172.31.2.20',
      PrivateIpAddresses: [
        { PrivateIpAddress: '172.31.2.21', Primary: false },
        { PrivateIpAddress: '172.31.2.20', Primary: true },
      ],
      Groups: [{ GroupId: 'sg-back' }],
      Attachment: { DeviceIndex: 1 },
    },
    {
      NetworkInterfaceId: 'eni-front',
      SubnetId: 'subnet-a',
      PrivateIpAddress: '172.31.1.4',
      PrivateIpAddresses: [{ PrivateIpAddress: '172.31.1.4', Primary: true }],
      Groups: [{ GroupId: 'sg-front' }],
      Attachment: { DeviceIndex: 0 },
    },
  ],
};

it("gives an instance its primary interface's groups, not the union of every interface's", () => {
  const facts = instanceFacts(twoEnis);
  expect(facts).toMatchObject({
    subnetId: 'subnet-a',
    privateIp: '172.31.1.4',
    securityGroupIds: ['sg-front'],
  });
  expect(facts?.interfaces?.map((n) => n.networkInterfaceId)).toEqual(['eni-front', 'eni-back']);
  expect(facts?.interfaces?.[1]?.privateIps).toEqual(['172.31.2.20', '172.31.2.21']);
});

it("sees the instance at a second interface's address with that interface's subnet and groups", () => {
  const facts = instanceFacts(twoEnis);
  if (!facts) throw new Error('no facts');
  expect(addressesOf(facts)).toEqual(['172.31.1.4', '172.31.2.20', '172.31.2.21']);
  expect(atAddress(facts, '172.31.2.21')).toMatchObject({
    instanceId: 'i-f',
    subnetId: 'subnet-b',
    privateIp: '172.31.2.21',
    securityGroupIds: ['sg-back'],
  });
  expect(atAddress(facts, '172.31.9.9')).toBeUndefined();
});

it('makes one interface from the instance itself when no interface is described', () => {
  const { NetworkInterfaces: _, ...bare } = twoEnis;
  const facts = instanceFacts(bare);
  expect(facts?.securityGroupIds).toEqual(['sg-front']);
  expect(facts?.interfaces).toEqual([
    {
      networkInterfaceId: 'i-f/primary',
      subnetId: 'subnet-a',
      privateIps: ['172.31.1.4'],
      securityGroupIds: ['sg-front'],
    },
  ]);
});
