/**
 * The peering's record of the blocks we routed (`peering-autopilot:routed`): what tells our route to
 * a block the peer has disassociated from a person's route to the same block. Tag values hold at
 * most 256 characters (EC2 User Guide, "Tag restrictions"), so a long record spans several keys.
 */
import fc from 'fast-check';
import { MAX_ROUTED_CHUNKS, ROUTED_TAG_KEYS } from '../../functions/commons/contracts.js';
import { planRoutes } from '../../functions/network/route-plan.js';
import {
  needsTrustedCopy,
  readRouted,
  routedNow,
  routedTags,
  TAG_VALUE_MAX,
} from '../../functions/network/routed.js';
import { finance, marketing, table } from '../support/facts.js';

const PCX = 'pcx-0123456789abcdef0';
const OTHER = 'pcx-0fedcba98765432100';
const asTags = (list: Array<{ Key: string; Value: string }>) =>
  Object.fromEntries(list.map((t) => [t.Key, t.Value]));

describe('the routed record on the peering', () => {
  it('reads back exactly the blocks it wrote, sorted, in one tag when they fit', () => {
    const tags = routedTags(['172.31.0.0/16', '10.10.0.0/16', '10.10.0.0/16']);
    expect(tags).toEqual([{ Key: 'peering-autopilot:routed', Value: '10.10.0.0/16 172.31.0.0/16' }]);
    expect(readRouted(asTags(tags))).toEqual(['10.10.0.0/16', '172.31.0.0/16']);
  });

  it('writes an empty record as an empty value (so an older record is replaced, not kept)', () => {
    expect(routedTags([])).toEqual([{ Key: 'peering-autopilot:routed', Value: '' }]);
    expect(readRouted({ 'peering-autopilot:routed': '' })).toEqual([]);
    expect(readRouted({})).toEqual([]);
  });

  it('spreads a long record over routed, routed-2, … with every value within the 256-character tag limit', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc
            .tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 16, max: 28 }))
            .map(([a, b, n]) => `10.${a}.${b}.0/${n}`),
          { maxLength: 80 },
        ),
        (blocks) => {
          const tags = routedTags(blocks);
          expect(tags.every((t) => t.Value.length <= TAG_VALUE_MAX)).toBe(true);
          expect(tags.map((t) => t.Key)).toEqual(ROUTED_TAG_KEYS.slice(0, tags.length));
          expect(readRouted(asTags(tags))).toEqual([...blocks].sort());
        },
      ),
    );
  });

  it('ignores chunks left from a longer record once the newest chunk says it is the last', () => {
    const long = routedTags(Array.from({ length: 50 }, (_, i) => `10.${i}.0.0/16`));
    expect(long.length).toBe(3);
    const short = routedTags(['10.10.0.0/16']);
    expect(readRouted({ ...asTags(long), ...asTags(short) })).toEqual(['10.10.0.0/16']);
  });

  it(`keeps at most ${MAX_ROUTED_CHUNKS} keys; what does not fit is left out (its routes are then left alone, never a person's removed)`, () => {
    const many = Array.from({ length: 200 }, (_, i) => `10.${i}.0.0/16`);
    const tags = routedTags(many);
    expect(tags.length).toBe(MAX_ROUTED_CHUNKS);
    const read = readRouted(asTags(tags));
    expect(read.length).toBeLessThan(many.length);
    expect(read.every((b) => many.includes(b))).toBe(true);
  });

  it('never reads 0.0.0.0/0 or ::/0 from the record, whatever the tag says', () => {
    expect(readRouted({ 'peering-autopilot:routed': '0.0.0.0/0 ::/0 10.10.0.0/16' })).toEqual([
      '10.10.0.0/16',
    ]);
  });

  it('records the routes through this peering to the other VPC’s blocks or to recorded blocks, nothing else', () => {
    const tables = [
      table({
        routeTableId: 'rtb-m',
        vpcId: 'vpc-marketing',
        routes: [
          { destination: '172.31.0.0/16', peeringConnectionId: PCX, target: PCX, propagated: false },
          // A person's route through the peering to a sub-range: not ours.
          { destination: '172.31.5.0/24', peeringConnectionId: PCX, target: PCX, propagated: false },
          // A recorded block the peer no longer has: still ours until it is removed.
          { destination: '172.16.0.0/16', peeringConnectionId: PCX, target: PCX, propagated: false },
          { destination: '192.168.0.0/16', peeringConnectionId: OTHER, target: OTHER, propagated: false },
        ],
      }),
      table({
        routeTableId: 'rtb-f',
        vpcId: 'vpc-finance',
        routes: [{ destination: '10.10.0.0/16', target: 'igw-1', propagated: false }],
      }),
    ];
    expect(routedNow(PCX, [marketing, finance], tables, ['172.16.0.0/16'])).toEqual([
      '172.16.0.0/16',
      '172.31.0.0/16',
    ]);
    expect(routedNow(PCX, [marketing, finance], tables, [])).toEqual(['172.31.0.0/16']);
    // A table tagged routes=skip is a person's: its routes keep nothing in the record.
    const skipped = tables.map((t) => ({ ...t, tags: { 'peering-autopilot:routes': 'skip' } }));
    expect(routedNow(PCX, [marketing, finance], skipped, ['172.16.0.0/16'])).toEqual([]);
  });
});

describe('routes to a block the peer disassociated (DisassociateVpcCidrBlock)', () => {
  // Finance had 172.16.0.0/16 as a second block; it is gone now (finance.cidrs is 172.31.0.0/16 only).
  const withOldBlock = (routes: Parameters<typeof table>[0]['routes']) =>
    table({ routeTableId: 'rtb-m', vpcId: 'vpc-marketing', routes });
  const pairs = <T>(items: T[]) => [
    { self: marketing, peer: finance, items },
    { self: finance, peer: marketing, items },
  ];
  const ours = { destination: '172.16.0.0/16', peeringConnectionId: PCX, target: PCX, propagated: false };
  const current = { destination: '172.31.0.0/16', peeringConnectionId: PCX, target: PCX, propagated: false };

  it('removes our route to a recorded block that is no longer the peer’s', () => {
    const changes = planRoutes(PCX, pairs([withOldBlock([current, ours])]), undefined, ['172.16.0.0/16']);
    expect(changes.map((c) => [c.destinationCidr, c.action])).toEqual([
      ['172.31.0.0/16', 'exists'],
      ['172.16.0.0/16', 'removed'],
    ]);
    expect(changes[1]?.detail).toBe(
      '172.16.0.0/16 is no longer a block of Finance: our route to it goes (peering-autopilot:routed)',
    );
  });

  it('leaves a route to a former block alone when the record does not name it (it may be a person’s)', () => {
    const changes = planRoutes(PCX, pairs([withOldBlock([current, ours])]), undefined, []);
    expect(changes.map((c) => c.action)).toEqual(['exists']);
  });

  it('leaves a route to the former block through another target alone, recorded or not', () => {
    const person = { destination: '172.16.0.0/16', target: 'tgw-1', propagated: false };
    const changes = planRoutes(PCX, pairs([withOldBlock([current, person])]), undefined, ['172.16.0.0/16']);
    expect(changes.map((c) => c.action)).toEqual(['exists']);
  });

  it('leaves a table tagged routes=skip alone', () => {
    const skipped = { ...withOldBlock([current, ours]), tags: { 'peering-autopilot:routes': 'skip' } };
    const changes = planRoutes(PCX, pairs([skipped]), undefined, ['172.16.0.0/16']);
    expect(changes.map((c) => c.action)).toEqual(['skipped']);
  });

  it('keeps a recorded block that is still the peer’s', () => {
    const changes = planRoutes(PCX, pairs([withOldBlock([current])]), undefined, ['172.31.0.0/16']);
    expect(changes.map((c) => c.action)).toEqual(['exists']);
  });
});

describe('the trusted copy of the record (issue 19 §3)', () => {
  // VPC user guide, "Disassociate a CIDR block from your VPC": the primary IPv4 block cannot be
  // disassociated, so only a secondary (or IPv6) block can ever become a former block.
  it('is needed only when the record names a block a VPC can give up', () => {
    const m = { ...marketing, cidrs: ['10.10.0.0/16', '10.11.0.0/16'] };
    expect(needsTrustedCopy(['10.10.0.0/16', '172.31.0.0/16'], [m, finance])).toBe(false);
    expect(needsTrustedCopy(['10.10.0.0/16', '10.11.0.0/16', '172.31.0.0/16'], [m, finance])).toBe(true);
  });
});
