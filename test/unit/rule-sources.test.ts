/**
 * `peering-autopilot:ingress-from=sources`: the opted-in group admits the peer VPC's groups tagged
 * `peering-autopilot:source=true` instead of the peer's CIDRs. VPC Peering guide, "Update your
 * security groups to reference peer security groups": the peering must be active, a group in another
 * account is named with its account (`123456789012/sg-…`), and a peer VPC in a different Region
 * cannot be referenced ("Instead, use the CIDR block") — which the autopilot never does on its own.
 */
import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { ipPermissions, revokeIngress } from '../../functions/commons/ec2-writes.js';
import { ruleDescription } from '../../functions/network/model.js';
import { planRules } from '../../functions/network/rule-plan.js';
import { finance, group, marketing } from '../support/facts.js';

const PCX = 'pcx-0123456789abcdef0';
const OURS = ruleDescription(PCX);
const MEMBER = '111111111111';
const pairs = <T>(items: T[], self = finance, peer = marketing) => [
  { self, peer, items },
  { self: peer, peer: self, items },
];
const financeDb = (tags: Record<string, string>, over: Partial<Parameters<typeof group>[0]> = {}) =>
  group({
    groupId: 'sg-fin',
    vpcId: 'vpc-finance',
    tags: {
      'peering-autopilot:ingress': 'icmp,tcp:5432',
      'peering-autopilot:ingress-from': 'sources',
      ...tags,
    },
    ...over,
  });
const marketingApp = group({
  groupId: 'sg-mkt-app',
  vpcId: 'vpc-marketing',
  tags: { 'peering-autopilot:source': 'true' },
});
const marketingOther = group({ groupId: 'sg-mkt-other', vpcId: 'vpc-marketing' });
const lines = (changes: ReturnType<typeof planRules>) =>
  changes.map((c) => [c.groupId, c.sourceGroupId ?? c.cidr, c.protocol, c.fromPort, c.action]);

describe('rules from peer source groups (ingress-from=sources)', () => {
  it('admits each peer group tagged source=true, for the listed traffic, and no CIDR', () => {
    const changes = planRules(PCX, pairs([financeDb({}), marketingApp, marketingOther]));
    expect(lines(changes)).toEqual([
      ['sg-fin', 'sg-mkt-app', 'icmp', -1, 'created'],
      ['sg-fin', 'sg-mkt-app', 'tcp', 5432, 'created'],
    ]);
    expect(changes[0]).toMatchObject({ sourceOwnerId: marketing.ownerId, detail: OURS });
    expect(changes.every((c) => c.cidr === undefined)).toBe(true);
  });

  it('names a group of another account with that account (the peer VPC’s owner)', () => {
    const member = { ...marketing, ownerId: MEMBER };
    const changes = planRules(PCX, pairs([financeDb({}), marketingApp], finance, member));
    expect(changes.map((c) => `${c.sourceOwnerId}/${c.sourceGroupId}`)).toEqual([
      `${MEMBER}/sg-mkt-app`,
      `${MEMBER}/sg-mkt-app`,
    ]);
  });

  it('reports a reference already there as exists', () => {
    const db = financeDb(
      {},
      {
        ingressRefs: [
          { protocol: 'icmp', fromPort: -1, toPort: -1, groupId: 'sg-mkt-app', userId: marketing.ownerId },
        ],
      },
    );
    expect(lines(planRules(PCX, pairs([db, marketingApp])))).toEqual([
      ['sg-fin', 'sg-mkt-app', 'icmp', -1, 'exists'],
      ['sg-fin', 'sg-mkt-app', 'tcp', 5432, 'created'],
    ]);
  });

  it('over a cross-Region peering adds nothing, says unsupported-cross-region, and never widens to the CIDR', () => {
    const west = { ...marketing, region: 'us-west-2' };
    const changes = planRules(PCX, pairs([financeDb({}), marketingApp], finance, west));
    expect(lines(changes)).toEqual([
      ['sg-fin', undefined, 'icmp', -1, 'unsupported-cross-region'],
      ['sg-fin', undefined, 'tcp', 5432, 'unsupported-cross-region'],
    ]);
    expect(changes[0]?.detail).toContain('cross-Region (us-east-1 / us-west-2)');
    expect(changes.some((c) => c.action === 'created')).toBe(false);
  });

  it('cross-Region, our earlier CIDR rules in the group still go (the group asked for sources only)', () => {
    const west = { ...marketing, region: 'us-west-2' };
    const db = financeDb(
      {},
      { ingress: [{ protocol: 'icmp', fromPort: -1, toPort: -1, cidr: '10.10.0.0/16', description: OURS }] },
    );
    expect(lines(planRules(PCX, pairs([db], finance, west))).map((l) => l[4])).toEqual([
      'unsupported-cross-region',
      'unsupported-cross-region',
      'removed',
    ]);
  });

  it('fails safe on an ingress-from value it does not understand: invalid-tag, nothing added or removed', () => {
    const db = financeDb(
      { 'peering-autopilot:ingress-from': 'groups' },
      { ingress: [{ protocol: 'icmp', fromPort: -1, toPort: -1, cidr: '10.10.0.0/16', description: OURS }] },
    );
    const changes = planRules(PCX, pairs([db, marketingApp]));
    expect(changes.map((c) => c.action)).toEqual(['invalid-tag']);
    expect(changes[0]?.detail).toBe(
      'tag peering-autopilot:ingress-from="groups" on sg-fin is not "sources": group left untouched',
    );
  });

  it('does not reference a peer group whose source tag it cannot read, and says so on the referencing group', () => {
    const odd = group({
      groupId: 'sg-mkt-odd',
      vpcId: 'vpc-marketing',
      tags: { 'peering-autopilot:source': 'yes' },
    });
    const changes = planRules(PCX, pairs([financeDb({}), marketingApp, odd]));
    expect(lines(changes)).toEqual([
      ['sg-fin', 'sg-mkt-odd', 'none', -1, 'invalid-tag'],
      ['sg-fin', 'sg-mkt-app', 'icmp', -1, 'created'],
      ['sg-fin', 'sg-mkt-app', 'tcp', 5432, 'created'],
    ]);
  });

  it('removes our references when the group opts out, or when a source group is no longer tagged', () => {
    const ref = {
      protocol: 'icmp',
      fromPort: -1,
      toPort: -1,
      groupId: 'sg-mkt-app',
      userId: marketing.ownerId,
    };
    const persons = { ...ref, groupId: 'sg-mkt-other' };
    const optedOut = group({
      groupId: 'sg-fin',
      vpcId: 'vpc-finance',
      ingressRefs: [{ ...ref, description: OURS }, persons],
    });
    expect(lines(planRules(PCX, pairs([optedOut, marketingApp])))).toEqual([
      ['sg-fin', 'sg-mkt-app', 'icmp', -1, 'removed'],
    ]);
    const untagged = { ...marketingApp, tags: {} };
    const db = financeDb({}, { ingressRefs: [{ ...ref, description: OURS }, persons] });
    expect(lines(planRules(PCX, pairs([db, untagged])))).toEqual([
      ['sg-fin', 'sg-mkt-app', 'icmp', -1, 'removed'],
    ]);
  });

  it('switching back to CIDRs replaces our references with CIDR rules', () => {
    const db = group({
      groupId: 'sg-fin',
      vpcId: 'vpc-finance',
      tags: { 'peering-autopilot:ingress': 'icmp' },
      ingressRefs: [
        {
          protocol: 'icmp',
          fromPort: -1,
          toPort: -1,
          groupId: 'sg-mkt-app',
          userId: marketing.ownerId,
          description: OURS,
        },
      ],
    });
    expect(lines(planRules(PCX, pairs([db, marketingApp])))).toEqual([
      ['sg-fin', '10.10.0.0/16', 'icmp', -1, 'created'],
      ['sg-fin', 'sg-mkt-app', 'icmp', -1, 'removed'],
    ]);
  });

  it('admits ICMPv6 from the source group too when both VPCs have IPv6', () => {
    const v6 = (s: typeof finance, block: string) => ({ ...s, ipv6Cidrs: [block] });
    const db = financeDb({ 'peering-autopilot:ingress': 'icmp' });
    const changes = planRules(
      PCX,
      pairs([db, marketingApp], v6(finance, '2600:1f18::/56'), v6(marketing, '2600:1f19::/56')),
    );
    expect(lines(changes)).toEqual([
      ['sg-fin', 'sg-mkt-app', 'icmp', -1, 'created'],
      ['sg-fin', 'sg-mkt-app', 'icmpv6', -1, 'created'],
    ]);
  });

  it('counts a reference against the rule quota — Amazon VPC quotas: "a rule that references a security group … counts as one rule for IPv4 and one rule for IPv6" (a group without room gets quota-exceeded, nothing written)', () => {
    const ingress = Array.from({ length: 60 }, (_, i) => ({
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidr: `192.168.${i}.0/24`,
    }));
    const changes = planRules(PCX, pairs([financeDb({}, { ingress }), marketingApp]));
    expect(changes.map((c) => c.action)).toEqual(['quota-exceeded', 'quota-exceeded']);
  });
});

describe('the EC2 request for a peer-group rule', () => {
  const line = {
    protocol: 'tcp',
    fromPort: 5432,
    toPort: 5432,
    sourceGroupId: 'sg-mkt-app',
    sourceOwnerId: MEMBER,
    detail: OURS,
  };

  it('authorizes a UserIdGroupPair with the peer account and the peering id, as AWS documents', () => {
    expect(ipPermissions([line], PCX)).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        UserIdGroupPairs: [
          { GroupId: 'sg-mkt-app', UserId: MEMBER, VpcPeeringConnectionId: PCX, Description: OURS },
        ],
      },
    ]);
  });

  it('revokes by group and account only, so a stale reference (peering gone) is still revoked', () => {
    expect(ipPermissions([line])[0]?.UserIdGroupPairs).toEqual([
      { GroupId: 'sg-mkt-app', UserId: MEMBER, Description: OURS },
    ]);
  });
});

describe('revoking a peer-group rule', () => {
  const ec2Mock = mockClient(EC2Client);
  const client = new EC2Client({ region: 'us-east-1' });
  const line = {
    protocol: 'icmp',
    fromPort: -1,
    toPort: -1,
    sourceGroupId: 'sg-mkt-app',
    sourceOwnerId: MEMBER,
    detail: OURS,
  };
  beforeEach(() => ec2Mock.reset());
  afterAll(() => ec2Mock.restore());
  const notFound = Object.assign(new Error('no such rule'), {
    name: 'InvalidPermission.NotFound',
    $metadata: {},
  });

  it('names the pair as written first, then (a stale reference) by group and owner alone', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejectsOnce(notFound).resolves({ Return: true });
    expect(await revokeIngress(client, 'sg-fin', line, PCX)).toBe(true);
    const pairs = ec2Mock
      .commandCalls(RevokeSecurityGroupIngressCommand)
      .map((c) => c.args[0].input.IpPermissions?.[0]?.UserIdGroupPairs?.[0]);
    expect(pairs).toEqual([
      { GroupId: 'sg-mkt-app', UserId: MEMBER, VpcPeeringConnectionId: PCX, Description: OURS },
      { GroupId: 'sg-mkt-app', UserId: MEMBER, Description: OURS },
    ]);
  });

  it('says false when neither form finds it (already gone), and revokes a CIDR rule in one call', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(notFound);
    expect(await revokeIngress(client, 'sg-fin', line, PCX)).toBe(false);
    ec2Mock.reset();
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const { sourceGroupId: _g, sourceOwnerId: _o, ...cidrLine } = line;
    expect(await revokeIngress(client, 'sg-fin', { ...cidrLine, cidr: '10.10.0.0/16' }, PCX)).toBe(true);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
  });
});
