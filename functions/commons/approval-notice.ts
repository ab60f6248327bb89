/**
 * What a person reads about a peering put to people (Report publishes it to SNS; the demo shows it):
 * a request starts waiting (who asks for what, why, and the exact commands), a waiting request
 * expired, a request was rejected. Pure text over the workflow result.
 */
import type { VpcSide } from '../network/model.js';
import type { Outcome } from './contracts.js';
import type { WorkflowResult } from './schemas.js';

/** A VPC of the peering as a person reads it: name, id, owner, region, blocks. */
function sideLabel(side: VpcSide | undefined): string {
  if (!side) return 'unknown';
  const blocks = [...side.cidrs, ...side.ipv6Cidrs].join(', ') || 'blocks unknown';
  return `${side.name ? `${side.name} ` : ''}${side.vpcId} (account ${side.ownerId}, ${side.region}, ${blocks})${side.outside ? ' [outside the hub and members]' : ''}`;
}

/**
 * The notices about a person's decision: a request starts waiting (who asks for what, why, and the
 * exact commands), a waiting request expired, a request was rejected.
 */
export function approvalNotice(
  r: WorkflowResult,
  outcome: Outcome,
): { subject: string; body: string } | undefined {
  const pcx = r.peeringConnectionId;
  const who = [`- requester: ${sideLabel(r.requester)}`, `- accepter:  ${sideLabel(r.accepter)}`];
  if (outcome === 'awaiting-approval') {
    return {
      subject: `${pcx} waits for your approval`,
      body: [
        `Peering Autopilot: peering ${pcx} (${r.status ?? 'pending-acceptance'}) waits for a person to decide.`,
        ...who,
        `Why it waits: ${r.approval?.why || r.reason || 'a person must decide'}.`,
        'Nothing has been accepted or written. To decide (an approver, with the hub account credentials):',
        `  peering-autopilot approve ${pcx} --reason "<why>"`,
        `  peering-autopilot reject ${pcx} --reason "<why>"`,
        'Approving accepts the request and configures our side as an automatic accept would; rejecting ' +
          'calls RejectVpcPeeringConnection. AWS expires an unanswered request 7 days after it was made.',
      ].join('\n'),
    };
  }
  if (outcome === 'expired' && r.recordedStatus === 'awaiting-approval') {
    return {
      subject: `${pcx} expired while waiting for approval`,
      body: [
        `Peering Autopilot: peering ${pcx} expired before anyone approved it; nothing was accepted or written.`,
        ...who,
        'The requester must create a new request if it is still wanted.',
      ].join('\n'),
    };
  }
  if (outcome === 'rejected' && r.approval?.state === 'rejected') {
    return {
      subject: `${pcx} rejected by a person`,
      body: [
        `Peering Autopilot: peering ${pcx} was rejected by ${r.approval.by} at ${r.approval.at}: ${r.approval.reason}`,
        ...who,
      ].join('\n'),
    };
  }
  return undefined;
}
