/**
 * The path diagnosis against AWS's documented semantics: each case names the rule it encodes and
 * the page it comes from. Positive and negative cases side by side, so a verdict that only our own
 * code likes shows up as a wrong answer here.
 *
 * UG-RT   VPC User Guide, Route tables / How route priority works
 *         https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html
 * UG-SG   VPC User Guide, Security group rules
 *         https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
 * UG-NACL VPC User Guide, Network ACLs / Network ACL rules
 *         https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
 * PG      VPC Peering Guide (peering lifecycle, unsupported configurations, peer security groups)
 *         https://docs.aws.amazon.com/vpc/latest/peering/
 * EC2     EC2 User Guide, instance lifecycle
 */
import { diagnosePath } from '../../functions/network/diagnose.js';
import type { RouteFacts, RouteTableFacts, SecurityGroupFacts } from '../../functions/network/model.js';
import type {
  Check,
  InstanceFacts,
  NaclEntry,
  NaclFacts,
  PathFacts,
} from '../../functions/network/path-model.js';

const PCX = 'pcx-0000000000000mf01';
const route = (destination: string, target: string, extra: Partial<RouteFacts> = {}): RouteFacts => ({
  destination,
  target,
  propagated: false,
  ...(target.startsWith('pcx-') ? { peeringConnectionId: target } : {}),
  ...extra,
});
const entry = (
  ruleNumber: number,
  egress: boolean,
  action: 'allow' | 'deny',
  cidr = '0.0.0.0/0',
  protocol = '-1',
  icmp: Partial<Pick<NaclEntry, 'icmpType' | 'icmpCode'>> = {},
): NaclEntry => ({ ruleNumber, egress, action, cidr, protocol, ...icmp });
const nacl = (id: string, vpcId: string, entries: NaclEntry[], subnetIds: string[] = []): NaclFacts => ({
  networkAclId: id,
  vpcId,
  isDefault: subnetIds.length === 0,
  subnetIds,
  entries,
});
const allowAll = (id: string, vpcId: string) =>
  nacl(id, vpcId, [entry(100, false, 'allow'), entry(100, true, 'allow')]);

const source: InstanceFacts = {
  instanceId: 'i-m',
  name: 'MarketingServer',
  vpcId: 'vpc-m',
  subnetId: 'subnet-m',
  privateIp: '10.10.1.20',
  state: 'running',
  securityGroupIds: ['sg-m'],
};
const target: InstanceFacts = {
  instanceId: 'i-f',
  name: 'FinanceServer',
  vpcId: 'vpc-f',
  subnetId: 'subnet-f',
  privateIp: '172.31.5.10',
  state: 'running',
  securityGroupIds: ['sg-f'],
};
const mTable = (routes: RouteFacts[], over: Partial<RouteTableFacts> = {}): RouteTableFacts => ({
  routeTableId: 'rtb-m',
  vpcId: 'vpc-m',
  main: false,
  subnetIds: ['subnet-m'],
  tags: {},
  routes: [route('10.10.0.0/16', 'local'), ...routes],
  ...over,
});
const fTable = (routes: RouteFacts[] = [route('10.10.0.0/16', PCX)]): RouteTableFacts => ({
  routeTableId: 'rtb-f',
  vpcId: 'vpc-f',
  main: true,
  subnetIds: ['subnet-f'],
  tags: {},
  routes: [route('172.31.0.0/16', 'local'), ...routes],
});
const allEgress = [{ protocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' }];
const mSg = (over: Partial<SecurityGroupFacts> = {}): SecurityGroupFacts => ({
  groupId: 'sg-m',
  vpcId: 'vpc-m',
  tags: {},
  ingress: [],
  egress: allEgress,
  ...over,
});
const icmpFrom = (cidr: string, fromPort = -1, toPort = -1) => ({ protocol: 'icmp', fromPort, toPort, cidr });
const fSg = (over: Partial<SecurityGroupFacts> = {}): SecurityGroupFacts => ({
  groupId: 'sg-f',
  vpcId: 'vpc-f',
  tags: {},
  ingress: [icmpFrom('10.10.0.0/16')],
  egress: allEgress,
  ...over,
});

function base(over: Partial<PathFacts> = {}): PathFacts {
  return {
    source,
    target,
    vpcs: {
      'vpc-m': { name: 'Marketing', cidrs: ['10.10.0.0/16'] },
      'vpc-f': { name: 'Finance', cidrs: ['172.31.0.0/16'] },
      'vpc-d': { name: 'Developer', cidrs: ['10.20.0.0/16'] },
    },
    peerings: [{ id: PCX, status: 'active', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' }],
    routeTables: [mTable([route('0.0.0.0/0', 'igw-m'), route('172.31.0.0/16', PCX)]), fTable()],
    securityGroups: [mSg(), fSg()],
    networkAcls: [allowAll('acl-m', 'vpc-m'), allowAll('acl-f', 'vpc-f')],
    requesterVpcId: 'vpc-m',
    ...over,
  };
}

type Case = [name: string, facts: PathFacts, failing: Check | null, says?: string];

const cases: Case[] = [
  // --- Route tables and route priority (UG-RT) ---
  [
    'UG-RT: the seed path with routes on both sides, an opted-in group and default NACLs is complete',
    base(),
    null,
  ],
  [
    'UG-RT: without a route to the peer CIDR in the source subnet table the ping has nowhere to go',
    base({ routeTables: [mTable([route('0.0.0.0/0', 'igw-m')]), fTable()] }),
    'route',
    'has no route to 172.31.0.0/16',
  ],
  [
    'UG-RT: routes are needed on both sides: no return route in the target table drops the reply',
    base({ routeTables: [mTable([route('172.31.0.0/16', PCX)]), fTable([])] }),
    'return-route',
    'Finance route table rtb-f has no route to 10.10.0.0/16',
  ],
  [
    'UG-RT: longest prefix match: the peering /16 beats 0.0.0.0/0 to the internet gateway',
    base({ routeTables: [mTable([route('0.0.0.0/0', 'igw-m'), route('172.31.0.0/16', PCX)]), fTable()] }),
    null,
  ],
  [
    'UG-RT: longest prefix match: a /24 to a NAT gateway wins over the /16 peering route and must change',
    base({
      routeTables: [mTable([route('172.31.0.0/16', PCX), route('172.31.5.0/24', 'nat-1')]), fTable()],
    }),
    'route',
    "rtb-m sends 172.31.5.10 to nat-1 (route 172.31.5.0/24), not via pcx-0000000000000mf01: change that route's target",
  ],
  [
    'UG-RT: longest prefix match: a /24 via the same peering wins over a /16 to the internet gateway',
    base({ routeTables: [mTable([route('172.31.0.0/16', 'igw-m'), route('172.31.5.0/24', PCX)]), fTable()] }),
    null,
  ],
  [
    'UG-RT: a subnet without an explicit association uses the main route table',
    base({
      routeTables: [
        mTable([route('172.31.0.0/16', PCX)], { routeTableId: 'rtb-main', main: true, subnetIds: [] }),
        fTable(),
      ],
    }),
    null,
  ],
  [
    'UG-RT: a custom table with the route does nothing for a subnet it is not associated with',
    base({
      routeTables: [
        mTable([], { routeTableId: 'rtb-main', main: true, subnetIds: [] }),
        mTable([route('172.31.0.0/16', PCX)], { routeTableId: 'rtb-other', subnetIds: ['subnet-x'] }),
        fTable(),
      ],
    }),
    'route',
    'rtb-main has no route',
  ],
  [
    'UG-RT: an explicit association takes precedence over the main table',
    base({
      routeTables: [
        mTable([route('172.31.0.0/16', PCX)], { routeTableId: 'rtb-main', main: true, subnetIds: [] }),
        mTable([]),
        fTable(),
      ],
    }),
    'route',
    'rtb-m has no route',
  ],
  [
    'UG-RT: at equal prefix a static route (peering) beats a propagated one (virtual private gateway)',
    base({
      routeTables: [
        mTable([route('172.31.0.0/16', 'vgw-1', { propagated: true }), route('172.31.0.0/16', PCX)]),
        fTable(),
      ],
    }),
    null,
  ],
  [
    'UG-RT: longest prefix comes before static-over-propagated: a propagated /24 wins over the static /16',
    base({
      routeTables: [
        mTable([route('172.31.0.0/16', PCX), route('172.31.5.0/24', 'vgw-1', { propagated: true })]),
        fTable(),
      ],
    }),
    'route',
    'to vgw-1',
  ],
  [
    'UG-RT: a prefix-list route via the peering carries the ping when no CIDR route matches',
    base({
      routeTables: [
        mTable([], { prefixListRoutes: [{ prefixListId: 'pl-1', target: PCX, peeringConnectionId: PCX }] }),
        fTable(),
      ],
      prefixLists: { 'pl-1': ['172.31.0.0/16'] },
    }),
    null,
  ],
  [
    'UG-RT: at equal prefix a static CIDR route beats a prefix-list route',
    base({
      routeTables: [
        mTable([route('172.31.0.0/16', 'igw-m')], {
          prefixListRoutes: [{ prefixListId: 'pl-1', target: PCX, peeringConnectionId: PCX }],
        }),
        fTable(),
      ],
      prefixLists: { 'pl-1': ['172.31.0.0/16'] },
    }),
    'route',
    'to igw-m',
  ],
  [
    'UG-RT: a more specific prefix-list entry still wins by longest prefix over a static /16',
    base({
      routeTables: [
        mTable([route('172.31.0.0/16', 'igw-m')], {
          prefixListRoutes: [{ prefixListId: 'pl-1', target: PCX, peeringConnectionId: PCX }],
        }),
        fTable(),
      ],
      prefixLists: { 'pl-1': ['172.31.5.0/24'] },
    }),
    null,
  ],
  [
    'UG-RT: a prefix-list route to a NAT gateway that is more specific must change, and is named',
    base({
      routeTables: [
        mTable([route('172.31.0.0/16', PCX)], {
          prefixListRoutes: [{ prefixListId: 'pl-9', target: 'nat-1' }],
        }),
        fTable(),
      ],
      prefixLists: { 'pl-9': ['172.31.5.0/24'] },
    }),
    'route',
    'route pl-9 (entry 172.31.5.0/24)',
  ],
  [
    'UG-RT: a route whose target peering was deleted is a blackhole',
    base({
      routeTables: [mTable([route('172.31.0.0/16', 'pcx-00000000000000ld1')]), fTable()],
      peerings: [
        { id: PCX, status: 'active', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' },
        { id: 'pcx-00000000000000ld1', status: 'deleted', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' },
      ],
    }),
    'route',
    'which is deleted (blackhole)',
  ],
  [
    'UG-RT: a route in state blackhole carries nothing',
    base({ routeTables: [mTable([route('172.31.0.0/16', PCX, { state: 'blackhole' })]), fTable()] }),
    'route',
    'blackhole',
  ],
  // --- Peering (PG) ---
  [
    'PG: a pending-acceptance peering carries no traffic until accepted',
    base({
      peerings: [{ id: PCX, status: 'pending-acceptance', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' }],
    }),
    'peering',
    'is pending-acceptance, not active',
  ],
  [
    'PG: an expired request is not a connection',
    base({ peerings: [{ id: PCX, status: 'expired', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' }] }),
    'peering',
    'is expired',
  ],
  [
    'PG: without a peering between the two VPCs there is no path',
    base({ peerings: [] }),
    'peering',
    'there is no peering',
  ],
  [
    'PG: no transitive peering: Marketing cannot reach Finance through its peering with Developer',
    base({
      peerings: [
        { id: 'pcx-00000000000000md1', status: 'active', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-d' },
      ],
      routeTables: [mTable([route('172.31.0.0/16', 'pcx-00000000000000md1')]), fTable([])],
    }),
    'peering',
  ],
  [
    'PG: no transitive peering: a route to the target via another peering is named with its table',
    base({
      peerings: [
        { id: PCX, status: 'active', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' },
        { id: 'pcx-00000000000000md1', status: 'active', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-d' },
      ],
      routeTables: [mTable([route('172.31.0.0/16', 'pcx-00000000000000md1')]), fTable()],
    }),
    'route',
    'rtb-m route 172.31.0.0/16 goes via pcx-00000000000000md1',
  ],
  [
    'PG: no edge-to-edge routing: a route to the peer CIDR through a transit gateway is not the peering',
    base({ routeTables: [mTable([route('172.31.0.0/16', 'tgw-1')]), fTable()] }),
    'route',
    'to tgw-1',
  ],
  // --- Security groups (UG-SG, PG) ---
  [
    'UG-SG: a target group with no inbound rule drops the ping',
    base({ securityGroups: [mSg(), fSg({ ingress: [] })] }),
    'target-sg',
  ],
  [
    'UG-SG: a TCP rule admits no ICMP',
    base({
      securityGroups: [
        mSg(),
        fSg({ ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '10.10.0.0/16' }] }),
      ],
    }),
    'target-sg',
    '(only tcp:443)',
  ],
  [
    'UG-SG: ICMP rules are per type: echo reply (type 0) admits no echo request (type 8)',
    base({ securityGroups: [mSg(), fSg({ ingress: [icmpFrom('10.10.0.0/16', 0, -1)] })] }),
    'target-sg',
    '(only icmp type 0)',
  ],
  [
    'UG-SG: an echo request rule (type 8, all codes) admits the ping',
    base({ securityGroups: [mSg(), fSg({ ingress: [icmpFrom('10.10.0.0/16', 8, -1)] })] }),
    null,
  ],
  [
    'UG-SG: an echo request rule for code 0 admits the ping (echo uses code 0)',
    base({ securityGroups: [mSg(), fSg({ ingress: [icmpFrom('10.10.0.0/16', 8, 0)] })] }),
    null,
  ],
  [
    'UG-SG: type 8 with another code does not admit the echo request',
    base({ securityGroups: [mSg(), fSg({ ingress: [icmpFrom('10.10.0.0/16', 8, 5)] })] }),
    'target-sg',
  ],
  [
    'UG-SG: an all-traffic rule (protocol -1) from the source CIDR admits ICMP',
    base({
      securityGroups: [
        mSg(),
        fSg({ ingress: [{ protocol: '-1', fromPort: -1, toPort: -1, cidr: '10.10.0.0/16' }] }),
      ],
    }),
    null,
  ],
  [
    "UG-SG: a /32 rule admits only that address: the source's own /32 passes",
    base({ securityGroups: [mSg(), fSg({ ingress: [icmpFrom('10.10.1.20/32')] })] }),
    null,
  ],
  [
    "UG-SG: a /32 rule admits only that address: another host's /32 does not",
    base({ securityGroups: [mSg(), fSg({ ingress: [icmpFrom('10.10.1.21/32')] })] }),
    'target-sg',
  ],
  [
    'PG: a rule naming the peer VPC group (account/sg with the peering id) admits instances in it over an active same-region peering',
    base({
      securityGroups: [
        mSg(),
        fSg({
          ingress: [],
          ingressRefs: [
            {
              protocol: 'icmp',
              fromPort: -1,
              toPort: -1,
              groupId: 'sg-m',
              userId: '123456789012',
              peeringConnectionId: PCX,
            },
          ],
        }),
      ],
    }),
    null,
  ],
  [
    'PG: peer security groups cannot be referenced over an inter-region peering',
    base({
      peerings: [
        { id: PCX, status: 'active', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f', crossRegion: true },
      ],
      securityGroups: [
        mSg(),
        fSg({ ingress: [], ingressRefs: [{ protocol: 'icmp', fromPort: -1, toPort: -1, groupId: 'sg-m' }] }),
      ],
    }),
    'target-sg',
  ],
  [
    'UG-SG: a group-referencing rule admits only instances whose network interface is in that group',
    base({
      securityGroups: [
        mSg(),
        fSg({
          ingress: [],
          ingressRefs: [{ protocol: 'icmp', fromPort: -1, toPort: -1, groupId: 'sg-other' }],
        }),
      ],
    }),
    'target-sg',
  ],
  [
    'UG-SG: membership through any network interface counts (a secondary ENI in the referenced group)',
    base({
      source: { ...source, securityGroupIds: ['sg-m', 'sg-eni2'] },
      securityGroups: [
        mSg(),
        fSg({
          ingress: [],
          ingressRefs: [{ protocol: 'icmp', fromPort: -1, toPort: -1, groupId: 'sg-eni2' }],
        }),
      ],
    }),
    null,
  ],
  [
    'UG-SG: within one VPC a rule referencing the source group admits it (no peering needed)',
    base({
      target: { ...target, vpcId: 'vpc-m', subnetId: 'subnet-m', privateIp: '10.10.2.30' },
      securityGroups: [
        mSg(),
        fSg({
          vpcId: 'vpc-m',
          ingress: [],
          ingressRefs: [{ protocol: '-1', fromPort: -1, toPort: -1, groupId: 'sg-m' }],
        }),
      ],
    }),
    null,
  ],
  [
    'UG-SG: a prefix-list source admits addresses in its entries',
    base({
      securityGroups: [
        mSg(),
        fSg({
          ingress: [],
          ingressRefs: [{ protocol: 'icmp', fromPort: -1, toPort: -1, prefixListId: 'pl-2' }],
        }),
      ],
      prefixLists: { 'pl-2': ['10.10.0.0/20'] },
    }),
    null,
  ],
  [
    'UG-SG: a prefix-list source admits nothing outside its entries',
    base({
      securityGroups: [
        mSg(),
        fSg({
          ingress: [],
          ingressRefs: [{ protocol: 'icmp', fromPort: -1, toPort: -1, prefixListId: 'pl-2' }],
        }),
      ],
      prefixLists: { 'pl-2': ['10.99.0.0/16'] },
    }),
    'target-sg',
  ],
  [
    'UG-SG: outbound rules apply too: a source group with no egress rule sends nothing',
    base({ securityGroups: [mSg({ egress: [] }), fSg()] }),
    'source-sg',
  ],
  [
    'UG-SG: an egress rule for TCP only does not let the echo request out',
    base({
      securityGroups: [
        mSg({ egress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' }] }),
        fSg(),
      ],
    }),
    'source-sg',
  ],
  [
    'UG-SG: security groups are stateful: the reply needs no outbound rule on the target group',
    base({ securityGroups: [mSg(), fSg({ egress: [] })] }),
    null,
  ],
  [
    "UG-SG: an egress rule naming the target's group lets the ping out",
    base({
      securityGroups: [
        mSg({ egress: [], egressRefs: [{ protocol: 'icmp', fromPort: -1, toPort: -1, groupId: 'sg-f' }] }),
        fSg(),
      ],
    }),
    null,
  ],
  // --- Network ACLs (UG-NACL) ---
  [
    'UG-NACL: rules are evaluated lowest number first: a deny at 100 wins over an allow at 200',
    base({
      networkAcls: [
        allowAll('acl-m', 'vpc-m'),
        nacl(
          'acl-f',
          'vpc-f',
          [entry(100, false, 'deny', '10.10.0.0/16'), entry(200, false, 'allow'), entry(100, true, 'allow')],
          ['subnet-f'],
        ),
      ],
    }),
    'target-nacl',
    'rule 100 (deny 10.10.0.0/16)',
  ],
  [
    'UG-NACL: an allow at 100 wins over a deny at 200',
    base({
      networkAcls: [
        allowAll('acl-m', 'vpc-m'),
        nacl(
          'acl-f',
          'vpc-f',
          [entry(100, false, 'allow'), entry(200, false, 'deny', '10.10.0.0/16'), entry(100, true, 'allow')],
          ['subnet-f'],
        ),
      ],
    }),
    null,
  ],
  [
    'UG-NACL: network ACLs are stateless: the reply needs its own outbound rule on the target subnet',
    base({
      networkAcls: [
        allowAll('acl-m', 'vpc-m'),
        nacl('acl-f', 'vpc-f', [entry(100, false, 'allow')], ['subnet-f']),
      ],
    }),
    'return-nacl',
    'denies the reply leaving the target subnet',
  ],
  [
    'UG-NACL: a custom ACL with no rules denies everything (the * rule)',
    base({ networkAcls: [allowAll('acl-m', 'vpc-m'), nacl('acl-f', 'vpc-f', [], ['subnet-f'])] }),
    'target-nacl',
    'the default * rule (deny)',
  ],
  [
    'UG-NACL: an ICMP entry matches only its type: allowing echo reply (0) inbound admits no echo request',
    base({
      networkAcls: [
        allowAll('acl-m', 'vpc-m'),
        nacl(
          'acl-f',
          'vpc-f',
          [
            entry(100, false, 'allow', '0.0.0.0/0', '1', { icmpType: 0, icmpCode: -1 }),
            entry(100, true, 'allow'),
          ],
          ['subnet-f'],
        ),
      ],
    }),
    'target-nacl',
  ],
  [
    'UG-NACL: the reply is ICMP type 0: an outbound entry for echo request (8) only does not let it out',
    base({
      networkAcls: [
        allowAll('acl-m', 'vpc-m'),
        nacl(
          'acl-f',
          'vpc-f',
          [
            entry(100, false, 'allow'),
            entry(100, true, 'allow', '0.0.0.0/0', '1', { icmpType: 8, icmpCode: -1 }),
          ],
          ['subnet-f'],
        ),
      ],
    }),
    'return-nacl',
  ],
  [
    'UG-NACL: ICMP entries for echo request in and echo reply out are exactly enough',
    base({
      networkAcls: [
        allowAll('acl-m', 'vpc-m'),
        nacl(
          'acl-f',
          'vpc-f',
          [
            entry(100, false, 'allow', '10.10.0.0/16', '1', { icmpType: 8, icmpCode: 0 }),
            entry(100, true, 'allow', '10.10.0.0/16', '1', { icmpType: 0, icmpCode: 0 }),
          ],
          ['subnet-f'],
        ),
      ],
    }),
    null,
  ],
  [
    "UG-NACL: a subnet not associated with a custom ACL uses the VPC's default ACL",
    base({
      networkAcls: [
        allowAll('acl-m', 'vpc-m'),
        allowAll('acl-f-default', 'vpc-f'),
        nacl('acl-f-custom', 'vpc-f', [], ['subnet-other']),
      ],
    }),
    null,
  ],
  // --- Instance state (EC2) ---
  [
    'EC2: a stopped target answers nothing',
    base({ target: { ...target, state: 'stopped' } }),
    'instance',
    'is stopped, not running',
  ],
  [
    'EC2: a pending source sends nothing yet',
    base({ source: { ...source, state: 'pending' } }),
    'instance',
    'is pending, not running',
  ],
];

describe('path diagnosis follows AWS semantics', () => {
  it('has at least 40 documented cases, positive and negative', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(cases.filter((c) => c[2] === null).length).toBeGreaterThanOrEqual(15);
    expect(cases.filter((c) => c[2] !== null).length).toBeGreaterThanOrEqual(25);
  });

  const table = cases.map(([name, facts, failing, says]) => ({ name, facts, failing, says }));
  it.each(table)('$name', ({ facts, failing, says }) => {
    const d = diagnosePath(facts);
    const first = d.findings.find((f) => !f.ok);
    if (failing === null) {
      expect(first).toBeUndefined();
      expect(d.reachable).toBe(true);
    } else {
      expect(d.reachable).toBe(false);
      expect(d.findings.filter((f) => !f.ok).map((f) => f.check)).toContain(failing);
      if (says)
        expect(
          d.findings
            .filter((f) => !f.ok)
            .map((f) => f.message)
            .join('\n'),
        ).toContain(says);
    }
  });
});
