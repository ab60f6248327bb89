/**
 * Read side of EC2 for managed prefix lists: the ids routes and rules name, and their entries (read-only,
 * any owner: AWS-managed and shared lists).
 */
import { paginateGetManagedPrefixListEntries } from '@aws-sdk/client-ec2';
import type { RouteTableFacts, SecurityGroupFacts } from '../network/model.js';
import { type Ec2For, isAwsError, type Place } from './aws-clients.js';

/**
 * The CIDR entries of the managed prefix lists the path depends on (routes and rules that name
 * them), one GetManagedPrefixListEntries call per list, paginated. A list we may not read counts
 * as empty: the diagnosis then says it cannot see that list's entries.
 */
export async function describePrefixLists(
  ec2For: Ec2For,
  place: Place,
  prefixListIds: readonly string[],
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const id of new Set(prefixListIds)) {
    const cidrs: string[] = [];
    try {
      for await (const page of paginateGetManagedPrefixListEntries(
        { client: ec2For(place) },
        { PrefixListId: id },
      )) {
        cidrs.push(...(page.Entries ?? []).map((e) => e.Cidr).filter((c): c is string => !!c));
      }
    } catch (error) {
      if (!isAwsError(error, 'InvalidPrefixListID.NotFound', 'InvalidPrefixListId.NotFound')) throw error;
    }
    out[id] = cidrs;
  }
  return out;
}

/** Every prefix list named by a route or a group rule in these facts. */
export function prefixListIdsIn(
  tables: readonly RouteTableFacts[],
  groups: readonly SecurityGroupFacts[],
): string[] {
  return [
    ...new Set([
      ...tables.flatMap((t) => (t.prefixListRoutes ?? []).map((r) => r.prefixListId)),
      ...groups.flatMap((g) =>
        [...(g.ingressRefs ?? []), ...(g.egressRefs ?? [])]
          .map((r) => r.prefixListId)
          .filter((id): id is string => !!id),
      ),
    ]),
  ];
}
