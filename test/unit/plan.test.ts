import fc from 'fast-check';
import { cidrCovers } from '../../functions/network/cidr.js';
import type { RouteChange } from '../../functions/network/model.js';
import { summarize } from '../../functions/network/peering-plan.js';
import { planRoutes } from '../../functions/network/route-plan.js';
import { planRules } from '../../functions/network/rule-plan.js';
import { finance, group, marketing, side, table } from '../support/facts.js';

const PCX = 'pcx-0123456789abcdef0';
const pairs = <T>(items: T[]) => [
  { self: marketing, peer: finance, items },
  { self: finance, peer: marketing, items },
];

describe('route planning', () => {
  it('adds one route per peer CIDR to every in-use table on both sides', () => {
    const tables = [
      table({ routeTableId: 'rtb-m-main', vpcId: 'vpc-marketing', main: true, subnetIds: [] }),
      table({ routeTableId: 'rtb-m-public', vpcId: 'vpc-marketing' }),
      table({ routeTableId: 'rtb-f-private', vpcId: 'vpc-finance' }),
      table({ routeTableId: 'rtb-unused', vpcId: 'vpc-finance', subnetIds: [] }),
    ];
    const changes = planRoutes(PCX, pairs(tables));
    expect(changes.map((c) => [c.routeTableId, c.destinationCidr, c.action])).toEqual([
      ['rtb-m-main', '172.31.0.0/16', 'created'],
      ['rtb-m-public', '172.31.0.0/16', 'created'],
      ['rtb-f-private', '10.10.0.0/16', 'created'],
    ]);
    expect(changes.every((c) => !c.applied)).toBe(true);
  });

  it('reports an existing route to this peering as exists', () => {
    const t = table({
      routeTableId: 'rtb-f',
      vpcId: 'vpc-finance',
      routes: [{ destination: '10.10.0.0/16', peeringConnectionId: PCX, target: PCX, propagated: false }],
    });
    expect(planRoutes(PCX, pairs([t]))[0]).toMatchObject({ action: 'exists' });
  });

  it('reports a foreign route to the same destination as conflict and leaves it', () => {
    const t = table({
      routeTableId: 'rtb-f',
      vpcId: 'vpc-finance',
      routes: [{ destination: '10.10.0.0/16', target: 'igw-1', propagated: false }],
    });
    expect(planRoutes(PCX, pairs([t]))[0]).toMatchObject({
      action: 'conflict',
      detail: 'already routed to igw-1',
    });
  });

  it('routes only tables tagged include in a VPC tagged routes=tagged-only, the main table like any other', () => {
    const taggedOnly = { ...marketing, tags: { 'peering-autopilot:routes': ' Tagged-Only ' } };
    const tables = [
      table({ routeTableId: 'rtb-m-main', vpcId: 'vpc-marketing', main: true, subnetIds: [] }),
      table({
        routeTableId: 'rtb-m-app',
        vpcId: 'vpc-marketing',
        tags: { 'peering-autopilot:routes': 'include' },
      }),
      table({ routeTableId: 'rtb-m-db', vpcId: 'vpc-marketing' }),
      table({ routeTableId: 'rtb-f', vpcId: 'vpc-finance' }),
    ];
    const changes = planRoutes(PCX, [
      { self: taggedOnly, peer: finance, items: tables },
      { self: finance, peer: taggedOnly, items: tables },
    ]);
    expect(changes.map((c) => [c.routeTableId, c.action])).toEqual([
      ['rtb-m-main', 'skipped'],
      ['rtb-m-app', 'created'],
      ['rtb-m-db', 'skipped'],
      ['rtb-f', 'created'],
    ]);
    expect(changes[0]?.detail).toBe(
      'VPC Marketing is peering-autopilot:routes=tagged-only and this table is not tagged peering-autopilot:routes=include',
    );
    // A deliberate choice, not a problem: the plan is still clean once the included tables are routed.
    expect(changes[0]?.invalidTag).toBeUndefined();
  });

  it('fails safe on a VPC routes value it does not understand: every table of that VPC untouched, invalid-tag', () => {
    const odd = { ...marketing, tags: { 'peering-autopilot:routes': 'some' } };
    const tables = [
      table({
        routeTableId: 'rtb-m',
        vpcId: 'vpc-marketing',
        tags: { 'peering-autopilot:routes': 'include' },
      }),
      table({ routeTableId: 'rtb-f', vpcId: 'vpc-finance' }),
    ];
    const changes = planRoutes(PCX, [
      { self: odd, peer: finance, items: tables },
      { self: finance, peer: odd, items: tables },
    ]);
    expect(changes[0]).toMatchObject({
      routeTableId: 'rtb-m',
      action: 'skipped',
      invalidTag:
        'VPC vpc-marketing has peering-autopilot:routes="some", which is not "tagged-only": its tables are left untouched',
    });
    expect(changes[1]).toMatchObject({ routeTableId: 'rtb-f', action: 'created' });
    expect(summarize(changes, [], []).clean).toBe(false);
  });

  it('a VPC tagged exclude-cidrs keeps that block out: no route or rule toward it, and ours to it are removed', () => {
    const m = {
      ...marketing,
      cidrs: ['10.10.0.0/16', '10.11.0.0/16'],
      tags: { 'peering-autopilot:exclude-cidrs': ' 10.11.0.0/16 ' },
    };
    const tables = [
      table({
        routeTableId: 'rtb-f',
        vpcId: 'vpc-finance',
        routes: [{ destination: '10.11.0.0/16', peeringConnectionId: PCX, target: PCX, propagated: false }],
      }),
    ];
    const groups = [
      group({
        groupId: 'sg-f',
        vpcId: 'vpc-finance',
        tags: { 'peering-autopilot:ingress': 'icmp' },
        ingress: [
          {
            protocol: 'icmp',
            fromPort: -1,
            toPort: -1,
            cidr: '10.11.0.0/16',
            description: `peering-autopilot ${PCX}`,
          },
        ],
      }),
    ];
    const routes = planRoutes(PCX, [{ self: finance, peer: m, items: tables }]);
    expect(routes.map((r) => [r.destinationCidr, r.action])).toEqual([
      ['10.10.0.0/16', 'created'],
      ['10.11.0.0/16', 'removed'],
    ]);
    const rules = planRules(PCX, [{ self: finance, peer: m, items: groups }]);
    expect(rules.map((r) => [r.cidr, r.action])).toEqual([
      ['10.10.0.0/16', 'created'],
      ['10.11.0.0/16', 'removed'],
    ]);
  });

  it('fails safe on an exclude-cidrs value that is not a block of the VPC: invalid-tag, nothing written or removed toward it', () => {
    const m = { ...marketing, tags: { 'peering-autopilot:exclude-cidrs': '10.99.0.0/16' } };
    const tables = [
      table({
        routeTableId: 'rtb-f',
        vpcId: 'vpc-finance',
        routes: [{ destination: '10.10.0.0/16', peeringConnectionId: PCX, target: PCX, propagated: false }],
      }),
    ];
    const routes = planRoutes(PCX, [{ self: finance, peer: m, items: tables }]);
    expect(routes).toEqual([
      expect.objectContaining({
        destinationCidr: '10.10.0.0/16',
        action: 'skipped',
        invalidTag:
          'VPC Marketing has peering-autopilot:exclude-cidrs="10.99.0.0/16": 10.99.0.0/16 is not one of its blocks (10.10.0.0/16); nothing toward it is changed',
      }),
    ]);
    const groups = [
      group({ groupId: 'sg-f', vpcId: 'vpc-finance', tags: { 'peering-autopilot:ingress': 'icmp' } }),
    ];
    expect(planRules(PCX, [{ self: finance, peer: m, items: groups }]).map((r) => r.action)).toEqual([
      'invalid-tag',
    ]);
  });

  it('skips tables tagged peering-autopilot:routes=skip', () => {
    const t = table({
      routeTableId: 'rtb-f',
      vpcId: 'vpc-finance',
      tags: { 'peering-autopilot:routes': 'skip' },
    });
    expect(planRoutes(PCX, pairs([t]))[0]).toMatchObject({ action: 'skipped' });
  });

  it('routes every secondary block, and IPv6 only when both sides have it', () => {
    const m = side({
      vpcId: 'vpc-m',
      cidrs: ['10.10.0.0/16', '10.11.0.0/16'],
      ipv6Cidrs: ['2600:1f18:1::/56'],
    });
    const f = side({ vpcId: 'vpc-f', cidrs: ['172.31.0.0/16'], ipv6Cidrs: ['2600:1f18:2::/56'] });
    const noV6 = { ...f, ipv6Cidrs: [] };
    const t = table({ routeTableId: 'rtb-f', vpcId: 'vpc-f' });
    const withV6 = planRoutes(PCX, [{ self: f, peer: m, items: [t] }]);
    expect(withV6.map((c) => c.destinationCidr)).toEqual([
      '10.10.0.0/16',
      '10.11.0.0/16',
      '2600:1f18:1::/56',
    ]);
    const without = planRoutes(PCX, [{ self: noV6, peer: m, items: [t] }]);
    expect(without.map((c) => c.destinationCidr)).toEqual(['10.10.0.0/16', '10.11.0.0/16']);
  });

  it('a table without room gets quota-exceeded lines naming the table and quota; the other tables are planned', () => {
    const routes = Array.from({ length: 50 }, (_, i) => ({
      destination: `192.168.${i}.0/24`,
      target: 'tgw-1',
      propagated: false,
    }));
    const full = table({ routeTableId: 'rtb-full', vpcId: 'vpc-finance', routes });
    const roomy = table({ routeTableId: 'rtb-ok', vpcId: 'vpc-finance' });
    const changes = planRoutes(PCX, pairs([full, roomy]));
    expect(changes.map((c) => [c.routeTableId, c.action])).toEqual([
      ['rtb-full', 'quota-exceeded'],
      ['rtb-ok', 'created'],
    ]);
    expect(changes[0]?.detail).toMatch(/rtb-full has 50 ipv4 routes.*quota of 50 routes per route table/);
  });

  it.each([['Skip '], ['SKIP'], [' skip']])(
    'reads routes=%j as skip (trimmed, case-insensitive)',
    (value) => {
      const t = table({
        routeTableId: 'rtb-1',
        vpcId: 'vpc-finance',
        tags: { 'peering-autopilot:routes': value },
      });
      expect(planRoutes(PCX, pairs([t]))[0]).toMatchObject({ action: 'skipped' });
    },
  );

  it('fails safe on an unknown routes value: the table is skipped and the line names the value', () => {
    const t = table({
      routeTableId: 'rtb-1',
      vpcId: 'vpc-finance',
      tags: { 'peering-autopilot:routes': 'skp' },
    });
    const [line] = planRoutes(PCX, pairs([t]));
    expect(line).toMatchObject({ action: 'skipped', invalidTag: expect.stringContaining('"skp"') });
    expect(summarize([line as RouteChange], [], []).clean).toBe(false);
  });
});

describe('security group planning', () => {
  const opted = (tag: string, ingress = [] as never[]) =>
    group({ groupId: 'sg-fin', vpcId: 'vpc-finance', tags: { 'peering-autopilot:ingress': tag }, ingress });
  const opted2 = () =>
    group({ groupId: 'sg-fin2', vpcId: 'vpc-finance', tags: { 'peering-autopilot:ingress': 'icmp' } });

  it('opens only opted-in groups, for the listed traffic, from each peer CIDR', () => {
    const groups = [opted('icmp,tcp:443'), group({ groupId: 'sg-other', vpcId: 'vpc-finance' })];
    const changes = planRules(PCX, pairs(groups));
    expect(changes.map((c) => [c.groupId, c.cidr, c.protocol, c.fromPort, c.toPort, c.action])).toEqual([
      ['sg-fin', '10.10.0.0/16', 'icmp', -1, -1, 'created'],
      ['sg-fin', '10.10.0.0/16', 'tcp', 443, 443, 'created'],
    ]);
    expect(changes[0]?.detail).toBe(`peering-autopilot ${PCX}`);
  });

  it('reports an existing identical rule as exists', () => {
    const g = opted('icmp', [
      { protocol: 'icmp', fromPort: -1, toPort: -1, cidr: '10.10.0.0/16' },
    ] as never[]);
    expect(planRules(PCX, pairs([g]))[0]).toMatchObject({ action: 'exists' });
  });

  it('reports a malformed tag as invalid-tag and plans nothing for that group', () => {
    const changes = planRules(PCX, pairs([opted('icmp,all')]));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ action: 'invalid-tag', protocol: 'none' });
    expect(changes[0]?.detail).toContain('"all"');
  });

  it('a group without room gets quota-exceeded lines naming it and the quota; other groups are planned', () => {
    const ingress = Array.from({ length: 60 }, (_, i) => ({
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidr: `192.168.${i}.0/24`,
    }));
    const changes = planRules(PCX, pairs([opted('icmp', ingress as never[]), opted2()]));
    expect(changes.map((c) => [c.groupId, c.action])).toEqual([
      ['sg-fin', 'quota-exceeded'],
      ['sg-fin2', 'created'],
    ]);
    expect(changes[0]?.detail).toMatch(/sg-fin has 60 inbound ipv4 rules.*quota of 60 inbound rules/);
  });
});

describe('blast radius (property over generated VPC layouts)', () => {
  const octet = fc.integer({ min: 0, max: 255 });
  const block = fc.tuple(octet, fc.constantFrom(16, 20, 24)).map(([o, len]) => `10.${o}.0.0/${len}`);
  const layout = fc.record({
    selfCidrs: fc.uniqueArray(block, { minLength: 1, maxLength: 3 }),
    peerCidrs: fc.uniqueArray(
      fc.tuple(octet, octet).map(([a, b]) => `172.${16 + (a % 16)}.${b}.0/24`),
      { minLength: 1, maxLength: 4 },
    ),
    tableCount: fc.integer({ min: 1, max: 4 }),
    foreign: fc.array(
      fc.record({ dest: block, target: fc.constantFrom('igw-1', 'tgw-2', 'pcx-0000000000000aaaa') }),
      { maxLength: 4 },
    ),
    tag: fc.constantFrom('icmp', 'tcp:443', 'icmp,udp:53', 'bogus', 'tcp:1-65535'),
  });

  it('never opens wider than the peer VPC blocks, never 0.0.0.0/0, never touches a foreign route', () => {
    fc.assert(
      fc.property(layout, ({ selfCidrs, peerCidrs, tableCount, foreign, tag }) => {
        const self = side({ vpcId: 'vpc-self', cidrs: selfCidrs });
        const peer = side({ vpcId: 'vpc-peer', cidrs: peerCidrs });
        const tables = Array.from({ length: tableCount }, (_, i) =>
          table({
            routeTableId: `rtb-${i}`,
            vpcId: 'vpc-self',
            routes: foreign.map((f) => ({ destination: f.dest, target: f.target, propagated: false })),
          }),
        );
        const g = group({ groupId: 'sg-1', vpcId: 'vpc-self', tags: { 'peering-autopilot:ingress': tag } });
        const routes = planRoutes(PCX, [{ self, peer, items: tables }], {
          routesPerTable: 1000,
          rulesPerSecurityGroup: 1000,
        });
        const rules = planRules(PCX, [{ self, peer, items: [g] }]);
        const foreignDests = new Set(foreign.map((f) => f.dest));
        return (
          routes.every((r) => r.action !== 'created' || !foreignDests.has(r.destinationCidr)) &&
          rules.every(
            (r) =>
              r.action !== 'created' ||
              (r.cidr !== undefined &&
                r.cidr !== '0.0.0.0/0' &&
                r.cidr !== '::/0' &&
                peerCidrs.some((c) => cidrCovers(c, r.cidr as string))),
          )
        );
      }),
      { numRuns: 300 },
    );
  });

  it('only ever removes rules carrying its own description for this peering (property)', () => {
    const rule = fc.record({
      protocol: fc.constantFrom('icmp', 'tcp', 'udp'),
      fromPort: fc.constantFrom(-1, 22, 443),
      cidr: fc.constantFrom('10.10.0.0/16', '10.11.0.0/16', '192.168.0.0/16'),
      description: fc.constantFrom(
        undefined,
        'by hand',
        `peering-autopilot ${PCX}`,
        'peering-autopilot pcx-0000000000000other',
      ),
    });
    fc.assert(
      fc.property(
        fc.array(rule, { maxLength: 8 }),
        fc.constantFrom(undefined, 'icmp', 'tcp:443', 'bogus'),
        (ingress, tag) => {
          const g = group({
            groupId: 'sg-1',
            vpcId: 'vpc-finance',
            tags: tag === undefined ? {} : { 'peering-autopilot:ingress': tag },
            ingress: ingress.map((r) => ({
              ...r,
              toPort: r.fromPort,
              ...(r.description ? { description: r.description } : {}),
            })),
          });
          const removed = planRules(PCX, [{ self: finance, peer: marketing, items: [g] }]).filter(
            (c) => c.action === 'removed',
          );
          return removed.every((c) =>
            ingress.some(
              (r) =>
                r.description === `peering-autopilot ${PCX}` &&
                r.cidr === c.cidr &&
                r.protocol === c.protocol,
            ),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
