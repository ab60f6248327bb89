/**
 * The differential test (issue "Real packets" §5): generated worlds, each the tutorial's network
 * with one thing changed that decides reachability — routes and longest prefix, blackholes, main vs
 * explicit table associations, peering states, security-group protocols, ICMP type and code, CIDR,
 * group-reference and prefix-list sources, egress, instance state, network ACL order and direction,
 * same-VPC and same-subnet traffic, several network interfaces per instance — judged by real packets in the kernel replica and by the static
 * diagnosis on the same facts. Every disagreement fails. Where they disagreed, AWS's documents sided
 * with the kernel and the diagnosis was fixed: network ACLs filter traffic only where it enters or
 * leaves a subnet (VPC User Guide, "Control subnet traffic with network access control lists"), so
 * two servers in one subnet are never judged by one; security groups belong to network interfaces
 * (EC2 API Reference, ModifyNetworkInterfaceAttribute `Groups`), so a target is judged at the ENI
 * holding the pinged address, and a group reference admits the ENIs in the group, not their
 * instances' other ENIs.
 */
import { diagnosePath } from '../../functions/network/diagnose.js';
import { atAddress } from '../../functions/network/interfaces.js';
import type { World } from '../../local/dataplane/render.js';
import { kernelPing } from '../../local/dataplane/sandbox.js';
import { acl, FINANCE, group, icmpFrom, MARKETING, table, toPeer, tutorialWorld } from '../support/worlds.js';

// biome-ignore lint/suspicious/noExplicitAny: the generator edits plain fact objects in place
type Mutable = any;
type Facts = Mutable[];

const base = () => ({
  ...tutorialWorld(),
  networkAcls: [] as Facts,
  prefixLists: { 'pl-1': ['10.10.0.0/16'] },
});
const allow = (egress: boolean, n = 100, cidr = '0.0.0.0/0', protocol = '-1', extra = {}) => ({
  ruleNumber: n,
  egress,
  protocol,
  action: 'allow' as const,
  cidr,
  ...extra,
});
const deny = (egress: boolean, n: number, cidr: string, protocol = '-1', extra = {}) => ({
  ruleNumber: n,
  egress,
  protocol,
  action: 'deny' as const,
  cidr,
  ...extra,
});
/** A world, and the address pinged when it is not the target's primary one. */
type Pinged = World & { readonly targetIp?: string };
const worlds: Array<[string, Pinged]> = [];
/** One world: the tutorial's, changed by `change`. */
const w = (name: string, change: (x: Mutable) => void) => {
  const x = base();
  change(x);
  worlds.push([name, x as unknown as Pinged]);
};
w('tutorial', () => {});
for (const st of ['pending-acceptance', 'deleted', 'rejected', 'expired', 'failed'])
  w(`peering ${st}`, (x: Mutable) => {
    x.peerings[0].status = st;
  });
w('no fwd route', (x: Mutable) => {
  x.routeTables[0].routes.pop();
});
w('no return route', (x: Mutable) => {
  x.routeTables[1].routes.pop();
});
w('fwd route /24 specific', (x: Mutable) => {
  x.routeTables[0].routes[1] = toPeer('172.31.1.0/24');
});
w('fwd route /24 wrong subnet', (x: Mutable) => {
  x.routeTables[0].routes[1] = toPeer('172.31.2.0/24');
});
w('fwd route /32', (x: Mutable) => {
  x.routeTables[0].routes[1] = toPeer('172.31.1.4/32');
});
w('fwd blackhole state', (x: Mutable) => {
  x.routeTables[0].routes[1] = toPeer('172.31.0.0/16', { state: 'blackhole' });
});
w('more specific blackhole', (x: Mutable) => {
  x.routeTables[0].routes.push({ destination: '172.31.1.0/24', target: 'igw-1', propagated: false });
});
w('less specific igw only', (x: Mutable) => {
  x.routeTables[0].routes[1] = { destination: '0.0.0.0/0', target: 'igw-1', propagated: false };
});
w('return via /24 of source', (x: Mutable) => {
  x.routeTables[1].routes[1] = toPeer('10.10.1.0/24');
});
w('return only to other subnet', (x: Mutable) => {
  x.routeTables[1].routes[1] = toPeer('10.10.2.0/24');
});
w('explicit assoc without route (target)', (x: Mutable) => {
  x.routeTables.push(table('rtb-f2', 'vpc-f', '172.31.0.0/16', [], false, ['subnet-f']));
});
w('explicit assoc with route (source), main without', (x: Mutable) => {
  x.routeTables[0].routes.pop();
  x.routeTables.push(
    table('rtb-m2', 'vpc-m', '10.10.0.0/16', [toPeer('172.31.0.0/16')], false, ['subnet-m']),
  );
});
w('explicit assoc other subnet', (x: Mutable) => {
  x.routeTables.push(table('rtb-f3', 'vpc-f', '172.31.0.0/16', [], false, ['subnet-other']));
});
w('sg none', (x: Mutable) => {
  x.securityGroups[1].ingress = [];
});
w('sg icmp echo type 8', (x: Mutable) => {
  x.securityGroups[1].ingress = [icmpFrom('10.10.0.0/16', 8, -1)];
});
w('sg icmp echo type 8 code 0', (x: Mutable) => {
  x.securityGroups[1].ingress = [icmpFrom('10.10.0.0/16', 8, 0)];
});
w('sg icmp reply type 0 only', (x: Mutable) => {
  x.securityGroups[1].ingress = [icmpFrom('10.10.0.0/16', 0, -1)];
});
w('sg tcp 443 only', (x: Mutable) => {
  x.securityGroups[1].ingress = [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '10.10.0.0/16' }];
});
w('sg all traffic', (x: Mutable) => {
  x.securityGroups[1].ingress = [{ protocol: '-1', fromPort: -1, toPort: -1, cidr: '10.10.0.0/16' }];
});
w('sg wrong cidr', (x: Mutable) => {
  x.securityGroups[1].ingress = [icmpFrom('10.20.0.0/16')];
});
w('sg /32 source', (x: Mutable) => {
  x.securityGroups[1].ingress = [icmpFrom('10.10.1.10/32')];
});
w('sg 0.0.0.0/0', (x: Mutable) => {
  x.securityGroups[1].ingress = [icmpFrom('0.0.0.0/0')];
});
w('sg group ref', (x: Mutable) => {
  x.securityGroups[1].ingress = [];
  x.securityGroups[1].ingressRefs = [
    { protocol: 'icmp', fromPort: -1, toPort: -1, groupId: 'sg-m', peeringConnectionId: 'pcx-1' },
  ];
});
w('sg group ref other group', (x: Mutable) => {
  x.securityGroups[1].ingress = [];
  x.securityGroups[1].ingressRefs = [
    { protocol: 'icmp', fromPort: -1, toPort: -1, groupId: 'sg-x', peeringConnectionId: 'pcx-1' },
  ];
});
w('sg prefix list', (x: Mutable) => {
  x.securityGroups[1].ingress = [];
  x.securityGroups[1].ingressRefs = [{ protocol: 'icmp', fromPort: -1, toPort: -1, prefixListId: 'pl-1' }];
});
w('sg second group opens', (x: Mutable) => {
  x.securityGroups[1].ingress = [];
  x.securityGroups.push(group('sg-f2', 'vpc-f', [icmpFrom('10.10.0.0/16')]));
  x.instances[1] = { ...FINANCE, securityGroupIds: ['sg-f', 'sg-f2'] };
});
w('src egress none', (x: Mutable) => {
  x.securityGroups[0].egress = [];
});
w('src egress tcp only', (x: Mutable) => {
  x.securityGroups[0].egress = [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' }];
});
w('src egress icmp to target vpc', (x: Mutable) => {
  x.securityGroups[0].egress = [icmpFrom('172.31.0.0/16')];
});
w('src egress icmp elsewhere', (x: Mutable) => {
  x.securityGroups[0].egress = [icmpFrom('10.99.0.0/16')];
});
w('tgt egress none (stateful reply)', (x: Mutable) => {
  x.securityGroups[1].egress = [];
});
w('target stopped', (x: Mutable) => {
  x.instances[1] = { ...FINANCE, state: 'stopped' };
});
w('source stopped', (x: Mutable) => {
  x.instances[0] = { ...MARKETING, state: 'stopped' };
});
w('nacl tgt deny before allow', (x: Mutable) => {
  x.networkAcls = [acl('vpc-f', 'subnet-f', [deny(false, 50, '10.10.0.0/16'), allow(false), allow(true)])];
});
w('nacl tgt allow before deny', (x: Mutable) => {
  x.networkAcls = [
    acl('vpc-f', 'subnet-f', [allow(false, 50, '10.10.0.0/16'), deny(false, 60, '0.0.0.0/0'), allow(true)]),
  ];
});
w('nacl tgt no egress', (x: Mutable) => {
  x.networkAcls = [acl('vpc-f', 'subnet-f', [allow(false)])];
});
w('nacl tgt no ingress', (x: Mutable) => {
  x.networkAcls = [acl('vpc-f', 'subnet-f', [allow(true)])];
});
w('nacl src no egress', (x: Mutable) => {
  x.networkAcls = [acl('vpc-m', 'subnet-m', [allow(false)])];
});
w('nacl src no ingress (reply)', (x: Mutable) => {
  x.networkAcls = [acl('vpc-m', 'subnet-m', [allow(true)])];
});
w('nacl src deny egress to tgt', (x: Mutable) => {
  x.networkAcls = [acl('vpc-m', 'subnet-m', [deny(true, 10, '172.31.0.0/16'), allow(true), allow(false)])];
});
w('nacl tgt icmp only both', (x: Mutable) => {
  x.networkAcls = [
    acl('vpc-f', 'subnet-f', [allow(false, 100, '0.0.0.0/0', '1'), allow(true, 100, '0.0.0.0/0', '1')]),
  ];
});
w('nacl tgt tcp only', (x: Mutable) => {
  x.networkAcls = [
    acl('vpc-f', 'subnet-f', [allow(false, 100, '0.0.0.0/0', '6'), allow(true, 100, '0.0.0.0/0', '6')]),
  ];
});
w('nacl tgt icmp type 8 in, all out', (x: Mutable) => {
  x.networkAcls = [
    acl('vpc-f', 'subnet-f', [
      allow(false, 100, '0.0.0.0/0', '1', { icmpType: 8, icmpCode: -1 }),
      allow(true),
    ]),
  ];
});
w('nacl tgt icmp type 0 in only', (x: Mutable) => {
  x.networkAcls = [
    acl('vpc-f', 'subnet-f', [
      allow(false, 100, '0.0.0.0/0', '1', { icmpType: 0, icmpCode: -1 }),
      allow(true),
    ]),
  ];
});
w('nacl tgt egress reply to /24 only', (x: Mutable) => {
  x.networkAcls = [acl('vpc-f', 'subnet-f', [allow(false), allow(true, 100, '10.10.1.0/24')])];
});
w('nacl tgt egress reply elsewhere only', (x: Mutable) => {
  x.networkAcls = [acl('vpc-f', 'subnet-f', [allow(false), allow(true, 100, '10.10.2.0/24')])];
});
w('nacl on other subnet only', (x: Mutable) => {
  x.networkAcls = [acl('vpc-f', 'subnet-other', [])];
});
w('nacl tgt deny-all with same number order', (x: Mutable) => {
  x.networkAcls = [
    acl('vpc-f', 'subnet-f', [deny(false, 32767, '0.0.0.0/0'), allow(false, 200), allow(true)]),
  ];
});
// same VPC
const sameVpc = (x: Mutable) => {
  x.instances[0] = {
    ...MARKETING,
    vpcId: 'vpc-f',
    subnetId: 'subnet-f2',
    privateIp: '172.31.2.10',
    securityGroupIds: ['sg-m2'],
  };
  x.securityGroups.push(group('sg-m2', 'vpc-f'));
  x.securityGroups[1].ingress = [icmpFrom('172.31.2.0/24')];
};
w('same vpc', sameVpc);
w('same vpc sg closed', (x: Mutable) => {
  sameVpc(x);
  x.securityGroups[1].ingress = [];
});
w('same vpc nacl tgt no egress', (x: Mutable) => {
  sameVpc(x);
  x.networkAcls = [acl('vpc-f', 'subnet-f', [allow(false)])];
});
w('same vpc nacl src subnet deny', (x: Mutable) => {
  sameVpc(x);
  x.networkAcls = [acl('vpc-f', 'subnet-f2', [deny(true, 10, '0.0.0.0/0')])];
});
w('same vpc no peering route needed', (x: Mutable) => {
  sameVpc(x);
  x.routeTables[1].routes.pop();
});
const sameSubnet = (x: Mutable) => {
  x.instances[0] = {
    ...MARKETING,
    vpcId: 'vpc-f',
    subnetId: 'subnet-f',
    privateIp: '172.31.1.10',
    securityGroupIds: ['sg-m2'],
  };
  x.securityGroups.push(group('sg-m2', 'vpc-f'));
  x.securityGroups[1].ingress = [icmpFrom('172.31.1.0/24')];
};
w('same subnet', sameSubnet);
w('same subnet nacl deny-all (not applied)', (x: Mutable) => {
  sameSubnet(x);
  x.networkAcls = [acl('vpc-f', 'subnet-f', [])];
});
w('same subnet sg closed', (x: Mutable) => {
  sameSubnet(x);
  x.securityGroups[1].ingress = [];
});
w('same subnet group ref own group', (x: Mutable) => {
  sameSubnet(x);
  x.securityGroups[1].ingress = [];
  x.securityGroups[1].ingressRefs = [{ protocol: 'icmp', fromPort: -1, toPort: -1, groupId: 'sg-m2' }];
});

// several network interfaces (ENIs) per instance
const eni = (id: string, subnetId: string, privateIps: string[], securityGroupIds: string[]) => ({
  networkInterfaceId: id,
  subnetId,
  privateIps,
  securityGroupIds,
});
/** FinanceServer with a second ENI in subnet-f2 (addresses .20 and .21, group sg-f2: closed), pinged at .20. */
const financeTwoEnis = (x: Mutable) => {
  x.instances[1] = {
    ...FINANCE,
    interfaces: [
      eni('eni-f0', 'subnet-f', ['172.31.1.4'], ['sg-f']),
      eni('eni-f1', 'subnet-f2', ['172.31.2.20', '172.31.2.21'], ['sg-f2']),
    ],
  };
  x.securityGroups.push(group('sg-f2', 'vpc-f'));
  x.targetIp = '172.31.2.20';
};
const openF2 = (x: Mutable) => {
  x.securityGroups[2].ingress = [icmpFrom('10.10.0.0/16')];
};
w('eni: secondary ENI pinged, only the primary ENI group opens', financeTwoEnis);
w('eni: secondary ENI pinged, its own group opens', (x: Mutable) => {
  financeTwoEnis(x);
  openF2(x);
});
w('eni: secondary address of the secondary ENI', (x: Mutable) => {
  financeTwoEnis(x);
  openF2(x);
  x.targetIp = '172.31.2.21';
});
w('eni: primary ENI pinged, only the secondary ENI group opens', (x: Mutable) => {
  financeTwoEnis(x);
  openF2(x);
  x.securityGroups[1].ingress = [];
  x.targetIp = '172.31.1.4';
});
w("eni: secondary ENI's subnet table has no return route", (x: Mutable) => {
  financeTwoEnis(x);
  openF2(x);
  x.routeTables.push(table('rtb-f2', 'vpc-f', '172.31.0.0/16', [], false, ['subnet-f2']));
});
w("eni: secondary ENI's subnet ACL has no inbound rule", (x: Mutable) => {
  financeTwoEnis(x);
  openF2(x);
  x.networkAcls = [acl('vpc-f', 'subnet-f2', [allow(true)])];
});
w("eni: primary subnet's deny-all ACL does not judge the secondary ENI", (x: Mutable) => {
  financeTwoEnis(x);
  openF2(x);
  x.networkAcls = [acl('vpc-f', 'subnet-f', [])];
});
w('eni: secondary address on the primary ENI', (x: Mutable) => {
  x.instances[1] = {
    ...FINANCE,
    interfaces: [eni('eni-f0', 'subnet-f', ['172.31.1.4', '172.31.1.5'], ['sg-f'])],
  };
  x.targetIp = '172.31.1.5';
});
/** MarketingServer with a second ENI in subnet-m2 (10.10.2.30, group sg-m2 in vpc-m). */
const marketingTwoEnis = (x: Mutable) => {
  x.instances[0] = {
    ...MARKETING,
    interfaces: [
      eni('eni-m0', 'subnet-m', ['10.10.1.10'], ['sg-m']),
      eni('eni-m1', 'subnet-m2', ['10.10.2.30'], ['sg-m2']),
    ],
  };
  x.securityGroups.push(group('sg-m2', 'vpc-m'));
};
const refTo = (groupId: string) => (x: Mutable) => {
  marketingTwoEnis(x);
  x.securityGroups[1].ingress = [];
  x.securityGroups[1].ingressRefs = [
    { protocol: 'icmp', fromPort: -1, toPort: -1, groupId, peeringConnectionId: 'pcx-1' },
  ];
};
w("eni: group ref names only the source's secondary ENI group", refTo('sg-m2'));
w("eni: group ref names the source's primary ENI group", refTo('sg-m'));
w('eni: source primary ENI egress closed, secondary open', (x: Mutable) => {
  marketingTwoEnis(x);
  x.securityGroups[0].egress = [];
});

it('covers at least 60 worlds', () => {
  expect(worlds.length).toBeGreaterThanOrEqual(60);
});

it.each(worlds)('%s: the kernel and the static diagnosis agree', (_, world) => {
  const [source, instance] = world.instances as [World['instances'][number], World['instances'][number]];
  // The target as AWS judges it: at the network interface that holds the pinged address.
  const target = atAddress(instance, world.targetIp ?? instance.privateIp);
  if (!target) throw new Error(`no ENI of ${instance.instanceId} holds ${world.targetIp}`);
  const ping = kernelPing(world, source.instanceId, target.privateIp, { count: 1 });
  // iputils ping: 0 a reply, 1 no reply, 2 an error such as no route from a stopped server.
  expect([0, 1, 2]).toContain(ping.status);
  const diagnosis = diagnosePath({
    ...world,
    source,
    target,
    vpcs: {
      'vpc-m': { name: 'M', cidrs: ['10.10.0.0/16'] },
      'vpc-f': { name: 'F', cidrs: ['172.31.0.0/16'] },
    },
    requesterVpcId: 'vpc-m',
  });
  expect({ reachable: ping.status === 0, missing: diagnosis.missing }).toEqual({
    reachable: diagnosis.reachable,
    missing: diagnosis.missing,
  });
});
