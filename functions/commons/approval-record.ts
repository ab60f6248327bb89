/**
 * The approval record: a person's decision about one peering, kept as an SSM parameter in the hub's
 * own account and home region, `/peering-autopilot/approvals/<pcx>` (contracts.ts). Approvers write
 * it (`peering-autopilot approve` / `reject`, with the construct's approver policy); the workflow's
 * roles may only read it. A tag is never read for this: anyone who can tag a peering could forge it.
 */
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod/mini';
import type { ApprovalRecord } from '../network/decision.js';
import { isAwsError } from './aws-clients.js';
import { APPROVAL_RECORD_PATH } from './contracts.js';

const RecordSchema = z.object({
  decision: z.enum(['approved', 'rejected']),
  by: z.string(),
  at: z.string(),
  reason: z.string(),
  requesterVpcId: z.string(),
  accepterVpcId: z.string(),
});

/** The parameter that holds one peering's record. */
export function approvalParameter(peeringConnectionId: string): string {
  return `${APPROVAL_RECORD_PATH}${peeringConnectionId}`;
}

export interface ApprovalStore {
  /** The recorded decision, or undefined when none was made (or the value is not a record). */
  read(peeringConnectionId: string): Promise<ApprovalRecord | undefined>;
  write(peeringConnectionId: string, record: ApprovalRecord): Promise<void>;
}

/** The store over SSM Parameter Store (the hub's own credentials, its home region). */
export function ssmApprovalStore(ssm: SSMClient): ApprovalStore {
  return {
    async read(pcx) {
      try {
        const out = await ssm.send(new GetParameterCommand({ Name: approvalParameter(pcx) }));
        const parsed = RecordSchema.safeParse(JSON.parse(out.Parameter?.Value ?? 'null'));
        return parsed.success ? parsed.data : undefined;
      } catch (error) {
        if (isAwsError(error, 'ParameterNotFound') || error instanceof SyntaxError) return undefined;
        throw error;
      }
    },
    async write(pcx, record) {
      await ssm.send(
        new PutParameterCommand({
          Name: approvalParameter(pcx),
          Value: JSON.stringify(RecordSchema.parse(record)),
          Type: 'String',
          Overwrite: true,
          Description: `Peering Autopilot: ${record.decision} by ${record.by}`.slice(0, 1024),
        }),
      );
    },
  };
}
