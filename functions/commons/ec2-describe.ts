/**
 * How every describe call here is shaped: batched per region, and tolerant of resources that no
 * longer exist. Shared by ec2-facts.ts and ec2-rule-facts.ts.
 */
import type { VpcSide } from '../network/model.js';
import { isAwsError } from './aws-clients.js';

/** Groups VPC ids by region: one describe call per region instead of one per VPC. */
export function vpcIdsByRegion(
  sides: ReadonlyArray<Pick<VpcSide, 'vpcId' | 'region'>>,
): Map<string, string[]> {
  const byRegion = new Map<string, string[]>();
  for (const s of sides) {
    const ids = byRegion.get(s.region) ?? [];
    if (!ids.includes(s.vpcId)) ids.push(s.vpcId);
    byRegion.set(s.region, ids);
  }
  return byRegion;
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
