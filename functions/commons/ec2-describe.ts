/**
 * How every describe call here is shaped: batched per place (account and region), and tolerant of resources that no
 * longer exist. Shared by the read-side adapters, one per resource family (ec2-peerings.ts, ec2-vpcs.ts,
 * ec2-instances.ts, ec2-route-tables.ts, ec2-security-groups.ts, ec2-network-acls.ts, ec2-prefix-lists.ts).
 */
import type { VpcSide } from '../network/model.js';
import { isAwsError, type Place, placeKey } from './aws-clients.js';

/**
 * Groups VPC ids by place (owner account and region): one describe call per place instead of one
 * per VPC, made as that place's owner.
 */
export function vpcIdsByPlace(
  sides: ReadonlyArray<Pick<VpcSide, 'vpcId' | 'region' | 'ownerId'>>,
): Array<[Place, string[]]> {
  const byPlace = new Map<string, [Place, string[]]>();
  for (const s of sides) {
    const key = placeKey(s);
    const entry = byPlace.get(key) ?? [{ ownerId: s.ownerId, region: s.region }, []];
    if (!entry[1].includes(s.vpcId)) entry[1].push(s.vpcId);
    byPlace.set(key, entry);
  }
  return [...byPlace.values()];
}

/**
 * Every item of a vpc-id filtered describe over `sides`: one call (or one paginated run) per place,
 * made as that place's owner; `read` yields each page's items as facts.
 */
export async function describeInVpcs<T>(
  sides: ReadonlyArray<Pick<VpcSide, 'vpcId' | 'region' | 'ownerId'>>,
  read: (place: Place, request: { Filters: Array<{ Name: string; Values: string[] }> }) => AsyncIterable<T[]>,
): Promise<T[]> {
  const out: T[] = [];
  for (const [place, vpcIds] of vpcIdsByPlace(sides)) {
    for await (const items of read(place, { Filters: [{ Name: 'vpc-id', Values: vpcIds }] }))
      out.push(...items);
  }
  return out;
}

/**
 * Describes resources by id, tolerating ones that no longer exist (a drift event may name a route
 * table or group deleted since): the batch first; on NotFound, each id alone, so the live ones are
 * still returned. `gone` hears about each id that no longer exists.
 */
export async function describeLive<T>(
  ids: readonly string[],
  describe: (ids: string[]) => Promise<T[]>,
  notFound: readonly string[],
  gone: (id: string) => void = () => undefined,
): Promise<T[]> {
  if (ids.length === 0) return [];
  try {
    return await describe([...ids]);
  } catch (error) {
    if (!isAwsError(error, ...notFound)) throw error;
  }
  const live: T[] = [];
  for (const id of ids) {
    try {
      live.push(...(await describe([id])));
    } catch (error) {
      if (!isAwsError(error, ...notFound)) throw error;
      gone(id);
    }
  }
  return live;
}
