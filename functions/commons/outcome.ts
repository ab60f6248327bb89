/**
 * One word for a run: the status tag value Report writes, the `outcome` dimension of its metric,
 * and what the CLI's exit code follows. Pure, over the workflow result.
 */
import type { Outcome } from './contracts.js';
import type { WorkflowResult } from './schemas.js';

/**
 * The worst finding wins: a failed run or ping, then objects left unconfigured for want of quota or
 * by a cross-Region group reference (`partial`), then a foreign route in the way, then a tag we
 * could not read. `failed`: the run ended in an error (no result, or Report got the failure).
 */
export function outcomeOf(r: WorkflowResult | undefined, failed = false): Outcome {
  if (failed || !r) return 'failed';
  if (r.cleanup) return r.status === 'rejected' || r.status === 'expired' ? r.status : 'cleaned-up';
  if (r.decision === 'awaiting-approval') return 'awaiting-approval';
  if (r.decision === 'refused' && r.approval?.state === 'rejected') return 'rejected';
  if (r.decision === 'refused') return r.invalidTag ? 'invalid-tag' : 'refused';
  if (r.verification?.status === 'failed') return 'failed';
  const lines = [...r.routes, ...r.securityGroupRules];
  // An object left unconfigured: no quota room, or a group reference AWS allows only within one Region.
  if (lines.some((c) => c.action === 'quota-exceeded' || c.action === 'unsupported-cross-region')) {
    return 'partial';
  }
  if (r.routes.some((c) => c.action === 'conflict')) return 'conflict';
  if (
    r.routes.some((c) => c.invalidTag) ||
    r.securityGroupRules.some((c) => c.action === 'invalid-tag') ||
    (r.options ?? []).some((o) => o.action === 'invalid-tag')
  ) {
    return 'invalid-tag';
  }
  return 'configured';
}
