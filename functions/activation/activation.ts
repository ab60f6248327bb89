/**
 * Accept a pending peering in the accepter's region, and report its status for the bounded
 * poll in the workflow (the Wait loop and its deadline live in the ASL, not here).
 */
import { AcceptVpcPeeringConnectionCommand, RejectVpcPeeringConnectionCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod/mini';
import { type Ec2For, isAwsError } from '../commons/aws-clients.js';
import { describePeering } from '../commons/ec2-peerings.js';
import { PEERING_ID } from '../commons/schemas.js';

export const ActivationRequestSchema = z.object({
  action: z.enum(['accept', 'check', 'reject']),
  peeringConnectionId: z.string().check(z.regex(PEERING_ID, 'expected a pcx- id')),
  accepterRegion: z.string().check(z.minLength(1)),
  /** AcceptVpcPeeringConnection must be called by the accepter VPC's owner, in its region. */
  accepterOwnerId: z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id')),
  attempt: z._default(z.int().check(z.nonnegative()), 0),
});
export type ActivationRequest = z.output<typeof ActivationRequestSchema>;

export interface Activation {
  readonly status: string;
  /** Polls done so far; the workflow stops waiting at its limit. */
  readonly attempt: number;
}

/** Accept, reject (a person said no) or just check the peering as the accepter's owner, in its region. */
export async function run(req: ActivationRequest, { ec2For }: { ec2For: Ec2For }): Promise<Activation> {
  const accepter = { ownerId: req.accepterOwnerId, region: req.accepterRegion };
  const ec2 = ec2For(accepter);
  if (req.action === 'reject') {
    try {
      await ec2.send(
        new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: req.peeringConnectionId }),
      );
    } catch (error) {
      // No longer pending (accepted, rejected or expired meanwhile): report what it is now.
      if (!isAwsError(error, 'InvalidStateTransition')) throw error;
    }
  }
  if (req.action === 'accept') {
    try {
      const out = await ec2.send(
        new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: req.peeringConnectionId }),
      );
      const status = out.VpcPeeringConnection?.Status?.Code;
      if (status) return { status, attempt: 0 };
    } catch (error) {
      // A concurrent run (or a person) accepted it first: carry on from its current status.
      if (!isAwsError(error, 'InvalidStateTransition')) throw error;
    }
  }
  const peering = await describePeering(ec2For, accepter, req.peeringConnectionId);
  return { status: peering.Status?.Code ?? 'unknown', attempt: req.action === 'check' ? req.attempt + 1 : 0 };
}
