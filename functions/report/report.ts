/**
 * Report: the last step of every run, successful or not. Writes the peering's status tags
 * (`peering-autopilot:status`, `peering-autopilot:checked-at`) and says which outcome this was,
 * so metrics and alarms can count it. A dry run writes nothing.
 */
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import type { Ec2ForRegion } from '../commons/aws-clients.js';
import { TAGS } from '../network/model.js';

export const ReportRequestSchema = z.object({
  peeringConnectionId: z.string().optional(),
  decision: z.enum(['accepted', 'already-active', 'refused']).optional(),
  dryRun: z.boolean().optional(),
  trigger: z.string().optional(),
  routes: z.array(z.object({ action: z.string(), applied: z.boolean().optional() })).optional(),
  securityGroupRules: z.array(z.object({ action: z.string(), applied: z.boolean().optional() })).optional(),
  cleanup: z.object({ routesRemoved: z.array(z.unknown()), rulesRemoved: z.array(z.unknown()) }).optional(),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
  /** The execution input, on the failure path (where no validated result exists). */
  input: z.unknown().optional(),
});
export type ReportRequest = z.output<typeof ReportRequestSchema>;

export type Outcome = 'configured' | 'conflict' | 'invalid-tag' | 'refused' | 'cleaned-up' | 'failed';

/** One word for the run, used as the status tag value and as the metric dimension. */
export function outcomeOf(req: ReportRequest): Outcome {
  if (req.error) return 'failed';
  if (req.cleanup) return 'cleaned-up';
  if (req.decision === 'refused') return 'refused';
  if (req.routes?.some((r) => r.action === 'conflict')) return 'conflict';
  if (req.securityGroupRules?.some((r) => r.action === 'invalid-tag')) return 'invalid-tag';
  return 'configured';
}

/** Changes a non-manual run made to an already-configured peering: drift it healed. */
export function healsOf(req: ReportRequest): number {
  if (req.trigger === 'manual' || req.trigger === undefined || req.decision !== 'already-active') return 0;
  return [...(req.routes ?? []), ...(req.securityGroupRules ?? [])].filter((c) => c.applied).length;
}

const PEERING = /^pcx-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

export interface ReportDeps {
  readonly ec2For: Ec2ForRegion;
  readonly region: string;
  readonly now: () => Date;
  readonly warn: (message: string, extra: Record<string, unknown>) => void;
}

/** Tags the peering with the outcome; a tag failure is logged, never fails the run. */
export async function report(
  req: ReportRequest,
  deps: ReportDeps,
): Promise<{ outcome: Outcome; tagged: boolean }> {
  const outcome = outcomeOf(req);
  const fromInput = (req.input as { peeringConnectionId?: unknown } | undefined)?.peeringConnectionId;
  const pcx = req.peeringConnectionId ?? (typeof fromInput === 'string' ? fromInput : undefined);
  if (req.dryRun || !pcx || !PEERING.test(pcx)) return { outcome, tagged: false };
  try {
    await deps.ec2For(deps.region).send(
      new CreateTagsCommand({
        Resources: [pcx],
        Tags: [
          { Key: TAGS.status, Value: outcome },
          { Key: TAGS.checkedAt, Value: deps.now().toISOString() },
        ],
      }),
    );
    return { outcome, tagged: true };
  } catch (error) {
    deps.warn('could not write status tags', { peeringConnectionId: pcx, error: String(error) });
    return { outcome, tagged: false };
  }
}
