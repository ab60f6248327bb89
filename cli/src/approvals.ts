/**
 * A person's decision about a peering no policy may decide alone (an outside account when the hub's
 * `outsideAccounts` is `approve`, a VPC tagged `peering-autopilot:accept=approval`):
 * `approvals` lists what waits, `approve` and `reject` record the decision in the approval record
 * (an SSM parameter only approvers can write; never a tag) and run the workflow, which accepts and
 * configures, or rejects, exactly as a run does.
 */
import { ssmApprovalStore } from '../../functions/commons/approval-record.js';
import { callerArn, hubSsmClient } from '../../functions/commons/aws-clients.js';
import { outcomeOf } from '../../functions/commons/outcome.js';
import type { Inspection } from '../../functions/commons/schemas.js';
import type { ApprovalRecord } from '../../functions/network/decision.js';
import { printable } from '../../functions/network/text.js';
import { EXIT, type Io } from './io.js';
import { cliClients, liveInspection, type PeeringStatus, peeringStatus } from './live.js';
import { exitCodeFor, type WorkflowResult } from './report.js';
import { type RunOptions, runCommand } from './run-command.js';

/** A peering that waits for a person, with why. */
export interface WaitingPeering extends PeeringStatus {
  readonly why: string;
}

/**
 * Every peering that waits for a person now: each pending request, and each active peering whose
 * last run left it waiting, is inspected (read-only, the approval record included). The status tag
 * is only a hint of where to look: deleting it hides no request.
 */
export async function waitingPeerings(): Promise<WaitingPeering[]> {
  const clients = await cliClients();
  const rows = (await peeringStatus(undefined, undefined, clients)).filter(
    (r) => r.state === 'pending-acceptance' || (r.state === 'active' && r.outcome === 'awaiting-approval'),
  );
  const out: WaitingPeering[] = [];
  for (const r of rows) {
    const { inspection } = await liveInspection(r.peeringConnectionId, { account: r.account }, clients);
    if (inspection.decision === 'awaiting-approval') out.push({ ...r, why: inspection.approval.why });
  }
  return out;
}

/** A status row with a person's recorded decision (who, when, why), where one was recorded. */
export interface DecidedPeering extends PeeringStatus {
  readonly approval?: Pick<ApprovalRecord, 'decision' | 'by' | 'at' | 'reason'>;
}

/** `status` rows with people's decisions (a caller who may not read the records sees the rest). */
export function withDecisions(rows: readonly PeeringStatus[]): Promise<DecidedPeering[]> {
  const approvals = ssmApprovalStore(hubSsmClient());
  return Promise.all(
    rows.map(async (r) => {
      const record = await approvals.read(r.peeringConnectionId).catch(() => undefined);
      if (!record) return r;
      const { decision, by, at, reason } = record;
      return {
        ...r,
        approval: { decision, by: printable(by), at: printable(at), reason: printable(reason) },
      };
    }),
  );
}

/** Why a peering cannot be decided now (it does not wait for a person), in one line. */
function notWaiting(inspection: Inspection): string {
  const pcx = inspection.peeringConnectionId;
  const { approval } = inspection;
  if (approval.state === 'approved' || approval.state === 'rejected') {
    return `${pcx} was already ${approval.state} by ${approval.by} at ${approval.at}`;
  }
  if (inspection.decision === 'refused') return `${pcx} cannot be approved: ${inspection.reason}`;
  return `${pcx} does not wait for a person (decision: ${inspection.decision}); run it with \`peering-autopilot run\``;
}

export interface DecideOptions extends Pick<RunOptions, 'local' | 'json' | 'verbose' | 'stateMachine'> {
  readonly reason?: string;
}

/**
 * Records a person's decision about a peering that waits for one, then runs the workflow for it.
 * Exit: 0 done (approved and configured, or rejected), 1 failed, 2 refused (nothing waits, or the
 * request cannot be approved: overlapping blocks, accept=false, expired or deleted).
 */
export async function decidePeering(
  pcx: string,
  decision: 'approved' | 'rejected',
  opts: DecideOptions,
  io: Io,
): Promise<number> {
  const { inspection } = await liveInspection(pcx);
  if (inspection.decision !== 'awaiting-approval') {
    io.err(`error: ${notWaiting(inspection)}`);
    return EXIT.refused;
  }
  await ssmApprovalStore(hubSsmClient()).write(pcx, {
    decision,
    by: await callerArn(),
    at: new Date().toISOString(),
    reason: opts.reason ?? '',
    requesterVpcId: inspection.requester.vpcId,
    accepterVpcId: inspection.accepter.vpcId,
  });
  const where = inspection.seenIn
    ? { account: inspection.seenIn.account, region: inspection.seenIn.region }
    : {};
  // Approved: the run's own exit code. Rejected: done once the run recorded the rejection.
  const done = (result: WorkflowResult) =>
    decision === 'approved' ? exitCodeFor(result) : outcomeOf(result) === 'rejected' ? EXIT.ok : EXIT.failed;
  return runCommand(pcx, { ...opts, ...where }, io, done);
}
