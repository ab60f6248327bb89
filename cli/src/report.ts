/**
 * Renders a workflow result for people, in the tutorial's terms (which console steps each
 * change replaces). `--json` bypasses this and prints the result as is.
 */
import Table from 'cli-table3';
import { outcomeOf } from '../../functions/commons/outcome.js';
import type { WorkflowResult } from '../../functions/commons/schemas.js';
import { ruleSource, type VpcSide } from '../../functions/network/model.js';
import type { PathVerdict } from '../../functions/network/path-model.js';
import type { Probe } from '../../functions/network/ping.js';
import { probeText, verdictText } from '../../functions/network/probe-text.js';
import { printable } from '../../functions/network/text.js';
import type { Io } from './io.js';

export type { WorkflowResult };

/** No ANSI colours: output is read in CI logs and pasted into tickets. */
export const PLAIN = { head: [], border: [] };

/** A side in people's terms; across accounts, with its owner (each side is configured as that owner). */
const label = (side?: VpcSide, other?: VpcSide) =>
  side
    ? `${side.name ?? side.vpcId} (${side.cidrs.join(', ')}${other && other.ownerId !== side.ownerId ? `, account ${side.ownerId}` : ''})`
    : '?';

/**
 * Exit code for a finished run: 2 only when refused; 1 when the ping failed or a quota (or a
 * cross-Region group reference) left part of the peering unconfigured (`partial`, like any failed
 * run; failed executions are 1 too, see main); else 0.
 */
export function exitCodeFor(result: WorkflowResult): number {
  // Refused, or waiting for a person: nothing was configured.
  if (result.decision === 'refused' || result.decision === 'awaiting-approval') return 2;
  // Report's own word for the run: `failed` (the ping failed after the repair) and `partial` exit 1.
  const outcome = outcomeOf(result);
  return outcome === 'failed' || outcome === 'partial' ? 1 : 0;
}

export function renderResult(result: WorkflowResult): string {
  const lines: string[] = [];
  const { requester, accepter } = result;
  const verb = result.dryRun ? 'would' : 'did';
  lines.push(
    `Peering ${result.peeringConnectionId}: ${label(requester, accepter)} <> ${label(accepter, requester)}`,
  );
  const approval = result.approval;
  if (result.decision === 'awaiting-approval') {
    lines.push(`  AWAITING APPROVAL: ${approval?.why ?? result.reason}`);
    lines.push('  Nothing was accepted, routed or opened. A person decides:');
    lines.push(`    peering-autopilot approve ${result.peeringConnectionId} --reason "<why>"`);
    lines.push(`    peering-autopilot reject ${result.peeringConnectionId} --reason "<why>"`);
    return lines.join('\n');
  }
  if (result.decision === 'refused') {
    lines.push(
      approval?.state === 'rejected'
        ? `  REJECTED by ${approval.by} at ${approval.at}: ${approval.reason} (peering ${result.status ?? 'rejected'})`
        : `  REFUSED: ${result.reason}`,
    );
    lines.push('  Nothing was accepted, routed or opened.');
    return lines.join('\n');
  }
  if (approval?.state === 'approved') {
    lines.push(`  Approved by ${approval.by} at ${approval.at}: ${approval.reason || '(no reason given)'}`);
  }
  lines.push(
    result.decision === 'accepted'
      ? `  Accept request (tutorial steps 16-18): ${result.dryRun ? 'would accept' : 'accepted, now active'}`
      : '  Accept request (tutorial steps 16-18): already active',
  );
  const nameOf = (vpcId: string) => [requester, accepter].find((s) => s?.vpcId === vpcId)?.name ?? vpcId;
  const step = (vpcId: string) => (vpcId === requester?.vpcId ? '22' : '27');
  const routes = new Table({
    style: PLAIN,
    head: ['route table', 'VPC', 'destination', 'action', 'tutorial'],
  });
  for (const r of result.routes) {
    routes.push([
      r.routeTableId,
      nameOf(r.vpcId),
      r.destinationCidr,
      actionText(r.action, r.applied, r.detail),
      `step ${step(r.vpcId)}`,
    ]);
  }
  lines.push(`  Routes to the peer CIDR on both sides (what a run ${verb} change):`);
  lines.push(indent(result.routes.length > 0 ? routes.toString() : '(no route tables in use)'));
  const rules = new Table({
    style: PLAIN,
    head: ['security group', 'VPC', 'source', 'traffic', 'action', 'tutorial'],
  });
  for (const r of result.securityGroupRules) {
    const traffic =
      r.protocol === 'none'
        ? '-'
        : r.fromPort === -1
          ? r.protocol
          : `${r.protocol}:${r.fromPort}-${r.toPort}`;
    rules.push([
      r.groupId,
      nameOf(r.vpcId),
      r.cidr ?? (r.sourceGroupId ? `peer group ${ruleSource(r)}` : '-'),
      traffic,
      actionText(r.action, r.applied, r.detail),
      'steps 32-34',
    ]);
  }
  lines.push('  Opted-in security groups (peering-autopilot:ingress):');
  lines.push(
    indent(result.securityGroupRules.length > 0 ? rules.toString() : '(no security group opted in)'),
  );
  for (const o of result.options ?? []) {
    const what =
      o.action === 'enabled' && !o.applied ? 'to enable' : o.action === 'enabled' ? 'enabled' : o.action;
    lines.push(
      `  DNS resolution from the peer on the ${o.side} side (${nameOf(o.vpcId)}): ${what}${o.detail ? ` — ${printable(o.detail)}` : ''}`,
    );
  }
  const v = result.verification;
  lines.push(`  Verification (tutorial step 35, ping): ${v.status}${v.reason ? ` — ${v.reason}` : ''}`);
  for (const p of v.probes as Probe[]) lines.push(`    ${probeText(p)}`);
  for (const d of v.diagnosis as PathVerdict[]) lines.push(`    ${verdictText(d)}`);
  if (result.dryRun) lines.push('  Dry run: nothing was changed.');
  return lines.join('\n');
}

function actionText(action: string, applied: boolean, detail?: string): string {
  const base = action === 'created' && !applied ? 'to create' : action;
  return ['conflict', 'skipped', 'invalid-tag', 'quota-exceeded', 'unsupported-cross-region'].includes(action)
    ? `${base}: ${printable(detail ?? '')}`
    : base;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** Prints a finished run: its summary, or its failure on stderr. False when it failed. */
export function printRun(
  io: Io,
  run: {
    readonly status: string;
    readonly error?: string;
    readonly cause?: string;
    readonly output?: unknown;
  },
): boolean {
  if (run.status === 'FAILED') {
    io.err(`  workflow failed: ${run.error}: ${run.cause}`);
    return false;
  }
  io.out(renderResult(run.output as WorkflowResult));
  return true;
}
