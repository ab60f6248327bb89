/**
 * The trusted copy of the routed record (routed.ts): an SSM parameter in the hub's own account and
 * home region, `/peering-autopilot/routed/<pcx>`, that only the hub's Report and Cleanup roles (and
 * the account's administrators) can write — never anyone who can merely tag the peering.
 *
 * The record on the peering's tags stays, as a free hint the sweep reads with the peering. A hint
 * can be edited by anyone who tags the peering in any owner's view, so it is never enough to remove
 * a route: a route to a block that is no longer the peer's goes only when this copy names the
 * block too. The copy is read only then (a block in the hint that is not the peer's now), so the
 * common run reads nothing extra; Report writes it with the status tags. Standard parameters cost
 * nothing.
 */
import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { isAwsError } from './aws-clients.js';

/** The parameters' path (the IAM grants name it): one parameter per peering. */
export const ROUTED_RECORD_PATH = '/peering-autopilot/routed/';
/** An SSM parameter value cannot be empty: an empty record is stored as this. */
const EMPTY = '-';

/** Reads, writes and deletes the trusted record of one peering. */
export interface RoutedRecordStore {
  read(peeringConnectionId: string): Promise<string[]>;
  write(peeringConnectionId: string, blocks: readonly string[]): Promise<void>;
  remove(peeringConnectionId: string): Promise<void>;
}

/** The store over SSM Parameter Store (the hub's own credentials, its home region). */
export function ssmRecordStore(ssm: SSMClient): RoutedRecordStore {
  const Name = (pcx: string) => `${ROUTED_RECORD_PATH}${pcx}`;
  return {
    async read(pcx) {
      try {
        const out = await ssm.send(new GetParameterCommand({ Name: Name(pcx) }));
        const value = out.Parameter?.Value ?? EMPTY;
        return value === EMPTY ? [] : value.split(/\s+/).filter((b) => b !== '');
      } catch (error) {
        if (isAwsError(error, 'ParameterNotFound')) return [];
        throw error;
      }
    },
    async write(pcx, blocks) {
      const value = [...new Set(blocks)].sort().join(' ') || EMPTY;
      await ssm.send(
        new PutParameterCommand({ Name: Name(pcx), Value: value, Type: 'String', Overwrite: true }),
      );
    },
    async remove(pcx) {
      try {
        await ssm.send(new DeleteParameterCommand({ Name: Name(pcx) }));
      } catch (error) {
        if (!isAwsError(error, 'ParameterNotFound')) throw error;
      }
    },
  };
}

/**
 * The record a removal may rely on: the hint's blocks that are the peers' now need no proof (a route
 * through the peering to one of them is ours anyway); any other block counts only when the trusted
 * copy names it too, and is otherwise `ignored` (an edited tag). The copy is read only when needed.
 */
export async function trustedRouted(
  store: RoutedRecordStore | undefined,
  peeringConnectionId: string,
  hint: readonly string[],
  currentBlocks: readonly string[],
): Promise<{ routed: string[]; ignored: string[] }> {
  const former = hint.filter((b) => !currentBlocks.includes(b));
  if (former.length === 0) return { routed: [...hint], ignored: [] };
  const trusted = store ? await store.read(peeringConnectionId) : [];
  return {
    routed: hint.filter((b) => currentBlocks.includes(b) || trusted.includes(b)),
    ignored: former.filter((b) => !trusted.includes(b)),
  };
}
