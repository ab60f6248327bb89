/**
 * The static path diagnosis, scenario by scenario (the tutorial's silent failures first).
 */
import { diagnosePath } from '../../functions/network/diagnose.js';
import type { RouteTableFacts, SecurityGroupFacts } from '../../functions/network/model.js';
import type { NaclFacts, PathFacts } from '../../functions/network/path-model.js';

const PCX = 'pcx-0000000000000mf01';
const local = (destination: string) => ({ destination, target: 'local', propagated: false });
const viaPcx = (destination: string, pcx = PCX) => ({
  destination,
  target: pcx,
  peeringConnectionId: pcx,
  propagated: false,
});
const allowAll = (id: string, vpcId: string): NaclFacts => ({
  networkAclId: id,
  vpcId,
  isDefault: true,
  subnetIds: [],
  entries: [
    { ruleNumber: 100, egress: false, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' },
    { ruleNumber: 100, egress: true, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' },
  ],
});
const marketingTable: RouteTableFacts = {
  routeTableId: 'rtb-marketing',
  vpcId: 'vpc-m',
  main: false,
  subnetIds: ['subnet-m'],
  tags: {},
  routes: [
    local('10.10.0.0/16'),
    { destination: '0.0.0.0/0', target: 'igw-m', propagated: false },
    viaPcx('172.31.0.0/16'),
  ],
};
const financeTable: RouteTableFacts = {
  routeTableId: 'rtb-finance',
  vpcId: 'vpc-f',
  main: false,
  subnetIds: ['subnet-f'],
  tags: {},
  routes: [local('172.31.0.0/16'), viaPcx('10.10.0.0/16')],
};
const marketingSg: SecurityGroupFacts = {
  groupId: 'sg-m',
  vpcId: 'vpc-m',
  groupName: 'MarketingServerSecurityGroup',
  tags: {},
  ingress: [],
  egress: [{ protocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' }],
};
const financeSg: SecurityGroupFacts = {
  groupId: 'sg-f',
  vpcId: 'vpc-f',
  groupName: 'FinanceServerSecurityGroup',
  tags: { 'peering-autopilot:ingress': 'icmp' },
  ingress: [{ protocol: 'icmp', fromPort: -1, toPort: -1, cidr: '10.10.0.0/16' }],
  egress: [{ protocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' }],
};

function scenario(over: Partial<PathFacts> = {}): PathFacts {
  return {
    source: {
      instanceId: 'i-m',
      name: 'MarketingServer',
      vpcId: 'vpc-m',
      subnetId: 'subnet-m',
      privateIp: '10.10.1.20',
      state: 'running',
      securityGroupIds: ['sg-m'],
    },
    target: {
      instanceId: 'i-f',
      name: 'FinanceServer',
      vpcId: 'vpc-f',
      subnetId: 'subnet-f',
      privateIp: '172.31.5.10',
      state: 'running',
      securityGroupIds: ['sg-f'],
    },
    vpcs: {
      'vpc-m': { name: 'Marketing', cidrs: ['10.10.0.0/16'] },
      'vpc-f': { name: 'Finance', cidrs: ['172.31.0.0/16'] },
      'vpc-d': { name: 'Developer', cidrs: ['10.20.0.0/16'] },
    },
    peerings: [{ id: PCX, status: 'active', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' }],
    routeTables: [marketingTable, financeTable],
    securityGroups: [marketingSg, financeSg],
    networkAcls: [allowAll('acl-m', 'vpc-m'), allowAll('acl-f', 'vpc-f')],
    requesterVpcId: 'vpc-m',
    ...over,
  };
}

const withoutRoute = (table: RouteTableFacts, destination: string): RouteTableFacts => ({
  ...table,
  routes: table.routes.filter((r) => r.destination !== destination),
});

describe('path diagnosis', () => {
  it('everything in place: reachable', () => {
    const d = diagnosePath(scenario());
    expect(d.reachable).toBe(true);
    expect(d.missing).toBeUndefined();
  });

  it('tutorial silent failure 1: no peering at all', () => {
    const d = diagnosePath(
      scenario({
        peerings: [],
        routeTables: [
          withoutRoute(marketingTable, '172.31.0.0/16'),
          withoutRoute(financeTable, '10.10.0.0/16'),
        ],
      }),
    );
    expect(d.missing).toBe('there is no peering between Marketing and Finance (tutorial steps 13-18)');
  });

  it('peering requested but never accepted', () => {
    const d = diagnosePath(
      scenario({
        peerings: [
          { id: PCX, status: 'pending-acceptance', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' },
        ],
      }),
    );
    expect(d.missing).toContain('is pending-acceptance, not active (tutorial steps 16-18)');
  });

  it('tutorial silent failure 2: peering active, route missing on the requester side', () => {
    const d = diagnosePath(
      scenario({ routeTables: [withoutRoute(marketingTable, '172.31.0.0/16'), financeTable] }),
    );
    expect(d.reachable).toBe(false);
    expect(d.missing).toBe(
      `Marketing route table rtb-marketing has no route to 172.31.0.0/16 via ${PCX} (tutorial step 22)`,
    );
    expect(d.findings.find((f) => !f.ok)?.repairable).toBe(true);
  });

  it('route missing on the return side (Finance, tutorial step 27)', () => {
    const d = diagnosePath(
      scenario({ routeTables: [marketingTable, withoutRoute(financeTable, '10.10.0.0/16')] }),
    );
    expect(d.missing).toBe(
      `Finance route table rtb-finance has no route to 10.10.0.0/16 via ${PCX} (tutorial step 27)`,
    );
  });

  it('tutorial silent failure 3: routes in place, security group closed', () => {
    const d = diagnosePath(scenario({ securityGroups: [marketingSg, { ...financeSg, ingress: [] }] }));
    expect(d.missing).toBe(
      'FinanceServerSecurityGroup sg-f allows no ICMP from 10.10.1.20 (tutorial steps 32-34: add Custom ICMP from 10.10.0.0/16)',
    );
    expect(d.findings.find((f) => !f.ok)?.repairable).toBe(true);
  });

  it('security group allows only TCP from the source', () => {
    const d = diagnosePath(
      scenario({
        securityGroups: [
          marketingSg,
          { ...financeSg, ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '10.10.0.0/16' }] },
        ],
      }),
    );
    expect(d.missing).toContain('allows no ICMP from 10.10.1.20 (only tcp:443)');
  });

  it('security group allows all traffic (-1): reachable', () => {
    const d = diagnosePath(
      scenario({
        securityGroups: [
          marketingSg,
          { ...financeSg, ingress: [{ protocol: '-1', fromPort: -1, toPort: -1, cidr: '10.0.0.0/8' }] },
        ],
      }),
    );
    expect(d.reachable).toBe(true);
  });

  it('security group opens ICMP to a CIDR that does not cover the source', () => {
    const d = diagnosePath(
      scenario({
        securityGroups: [
          marketingSg,
          { ...financeSg, ingress: [{ protocol: 'icmp', fromPort: -1, toPort: -1, cidr: '10.20.0.0/16' }] },
        ],
      }),
    );
    expect(d.findings.find((f) => f.check === 'target-sg')?.ok).toBe(false);
  });

  it('source security group egress restricted', () => {
    const d = diagnosePath(
      scenario({
        securityGroups: [
          { ...marketingSg, egress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' }] },
          financeSg,
        ],
      }),
    );
    expect(d.missing).toBe(
      "MarketingServer's security groups (MarketingServerSecurityGroup sg-m) allow no outbound ICMP to 172.31.5.10",
    );
  });

  it('NACL denying inbound on the target subnet', () => {
    const nacl: NaclFacts = {
      ...allowAll('acl-f', 'vpc-f'),
      entries: [
        { ruleNumber: 50, egress: false, protocol: '1', action: 'deny', cidr: '10.10.0.0/16' },
        { ruleNumber: 100, egress: false, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' },
        { ruleNumber: 100, egress: true, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' },
      ],
    };
    const d = diagnosePath(scenario({ networkAcls: [allowAll('acl-m', 'vpc-m'), nacl] }));
    expect(d.missing).toBe(
      'Finance network ACL acl-f denies the ping entering the target subnet (inbound ICMP from 10.10.1.20, rule 50 (deny 10.10.0.0/16))',
    );
  });

  it('NACL denying the return path (stateless: the reply needs its own outbound rule)', () => {
    const nacl: NaclFacts = {
      ...allowAll('acl-f', 'vpc-f'),
      entries: [{ ruleNumber: 100, egress: false, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' }],
    };
    const d = diagnosePath(scenario({ networkAcls: [allowAll('acl-m', 'vpc-m'), nacl] }));
    expect(d.missing).toContain('denies the reply leaving the target subnet');
    expect(d.missing).toContain('the default * rule (deny)');
  });

  it('NACL rules are evaluated in number order: an earlier allow beats a later deny', () => {
    const nacl: NaclFacts = {
      ...allowAll('acl-f', 'vpc-f'),
      entries: [
        { ruleNumber: 90, egress: false, protocol: '-1', action: 'allow', cidr: '10.10.1.0/24' },
        { ruleNumber: 100, egress: false, protocol: '1', action: 'deny', cidr: '10.10.0.0/16' },
        { ruleNumber: 100, egress: true, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' },
      ],
    };
    expect(diagnosePath(scenario({ networkAcls: [allowAll('acl-m', 'vpc-m'), nacl] })).reachable).toBe(true);
  });

  it('a subnet-specific NACL wins over the VPC default', () => {
    const custom: NaclFacts = {
      networkAclId: 'acl-custom',
      vpcId: 'vpc-m',
      isDefault: false,
      subnetIds: ['subnet-m'],
      entries: [],
    };
    const d = diagnosePath(
      scenario({ networkAcls: [allowAll('acl-m', 'vpc-m'), custom, allowAll('acl-f', 'vpc-f')] }),
    );
    expect(d.missing).toContain('Marketing network ACL acl-custom denies the ping leaving the source subnet');
  });

  it('a more specific route pointing elsewhere wins over the peering route', () => {
    const table = {
      ...marketingTable,
      routes: [
        ...marketingTable.routes,
        { destination: '172.31.5.0/24', target: 'nat-1', propagated: false },
      ],
    };
    const d = diagnosePath(scenario({ routeTables: [table, financeTable] }));
    expect(d.missing).toBe(
      `Marketing route table rtb-marketing sends 172.31.5.10 to nat-1 (route 172.31.5.0/24), not via ${PCX}: change that route's target to ${PCX} (tutorial step 22)`,
    );
  });

  it('only the default route to the internet gateway matches: the peer route is missing', () => {
    const table = { ...withoutRoute(marketingTable, '172.31.0.0/16') };
    const d = diagnosePath(scenario({ routeTables: [table, financeTable] }));
    expect(d.missing).toBe(
      `Marketing route table rtb-marketing has no route to 172.31.0.0/16 via ${PCX} (tutorial step 22)`,
    );
    expect(d.findings.find((f) => !f.ok)?.repairable).toBe(true);
  });

  it('transitive peering: Marketing-Developer and Developer-Finance peered, Marketing cannot reach Finance', () => {
    const md = 'pcx-0000000000000md01';
    const df = 'pcx-0000000000000df01';
    const table = { ...marketingTable, routes: [local('10.10.0.0/16'), viaPcx('172.31.0.0/16', md)] };
    const d = diagnosePath(
      scenario({
        peerings: [
          { id: md, status: 'active', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-d' },
          { id: df, status: 'active', requesterVpcId: 'vpc-d', accepterVpcId: 'vpc-f' },
        ],
        routeTables: [table, financeTable],
      }),
    );
    expect(d.reachable).toBe(false);
    expect(d.findings.find((f) => f.check === 'peering')?.message).toBe(
      'there is no peering between Marketing and Finance (tutorial steps 13-18)',
    );
    expect(d.findings.find((f) => f.check === 'route')?.message).toContain('no transitive peering');
  });

  it('a route to a deleted peering is a blackhole', () => {
    const old = 'pcx-00000000000000ld1';
    const table = { ...marketingTable, routes: [local('10.10.0.0/16'), viaPcx('172.31.0.0/16', old)] };
    const d = diagnosePath(
      scenario({
        peerings: [
          { id: PCX, status: 'active', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' },
          { id: old, status: 'deleted', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' },
        ],
        routeTables: [table, financeTable],
      }),
    );
    expect(d.missing).toContain(
      `routes 172.31.0.0/16 to ${old}, which is deleted (blackhole); route via ${PCX} instead (tutorial step 22)`,
    );
  });

  it('a stopped target', () => {
    const d = diagnosePath(scenario({ target: { ...scenario().target, state: 'stopped' } }));
    expect(d.missing).toBe('target FinanceServer (i-f) is stopped, not running');
  });

  it('a stopped source', () => {
    const d = diagnosePath(scenario({ source: { ...scenario().source, state: 'stopped' } }));
    expect(d.missing).toBe('source MarketingServer (i-m) is stopped, not running');
  });

  it('a subnet without its own table uses the main route table', () => {
    const main = { ...marketingTable, routeTableId: 'rtb-main', main: true, subnetIds: [] };
    expect(diagnosePath(scenario({ routeTables: [main, financeTable] })).reachable).toBe(true);
    const mainWithout = withoutRoute(main, '172.31.0.0/16');
    expect(diagnosePath(scenario({ routeTables: [mainWithout, financeTable] })).missing).toContain(
      'rtb-main',
    );
  });

  it('a table tagged routes=skip is reported but not marked repairable', () => {
    const skipped = {
      ...withoutRoute(marketingTable, '172.31.0.0/16'),
      tags: { 'peering-autopilot:routes': 'skip' },
    };
    const finding = diagnosePath(scenario({ routeTables: [skipped, financeTable] })).findings.find(
      (f) => !f.ok,
    );
    expect(finding?.repairable).toBe(false);
  });

  it('NACLs not described: assumes the AWS default (allow all) and says so', () => {
    const d = diagnosePath(scenario({ networkAcls: [] }));
    expect(d.reachable).toBe(true);
    expect(d.findings.some((f) => f.message.includes('assuming the default'))).toBe(true);
  });

  it('same-VPC path needs only the local route', () => {
    const d = diagnosePath(
      scenario({
        target: {
          ...scenario().target,
          vpcId: 'vpc-m',
          subnetId: 'subnet-m',
          privateIp: '10.10.1.30',
          securityGroupIds: ['sg-f'],
        },
        securityGroups: [
          marketingSg,
          { ...financeSg, ingress: [{ protocol: 'icmp', fromPort: -1, toPort: -1, cidr: '10.10.0.0/16' }] },
        ],
      }),
    );
    expect(d.reachable).toBe(true);
  });
});
