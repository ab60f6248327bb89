/**
 * Apply's peering options: DNS resolution set on each side that asked for it, as that side's owner
 * in its region (VPC Peering guide: across accounts each owner modifies its own side; across regions
 * each side is modified in its own region). One call per (account, region), both sides at once when
 * they share one. Options exist only on an active peering: AWS answers OperationNotPermitted before.
 */
import { ModifyVpcPeeringConnectionOptionsCommand } from '@aws-sdk/client-ec2';
import { type Ec2For, isAwsError, placeKey } from '../commons/aws-clients.js';
import { PeeringNotActiveError } from '../commons/errors.js';
import type { OptionChange } from '../network/model.js';

export async function setOptions(
  ec2For: Ec2For,
  pcx: string,
  lines: readonly OptionChange[],
): Promise<OptionChange[]> {
  const byPlace = new Map<string, OptionChange[]>();
  for (const line of lines.filter((l) => l.action === 'enabled')) {
    const key = placeKey(line);
    byPlace.set(key, [...(byPlace.get(key) ?? []), line]);
  }
  const done = new Set<OptionChange>();
  for (const group of byPlace.values()) {
    const first = group[0] as OptionChange;
    const dns = { AllowDnsResolutionFromRemoteVpc: true };
    try {
      await ec2For(first).send(
        new ModifyVpcPeeringConnectionOptionsCommand({
          VpcPeeringConnectionId: pcx,
          ...(group.some((l) => l.side === 'requester') ? { RequesterPeeringConnectionOptions: dns } : {}),
          ...(group.some((l) => l.side === 'accepter') ? { AccepterPeeringConnectionOptions: dns } : {}),
        }),
      );
    } catch (error) {
      if (isAwsError(error, 'OperationNotPermitted')) {
        throw new PeeringNotActiveError(`peering ${pcx} is not active: its DNS options cannot be set yet`);
      }
      throw error;
    }
    for (const line of group) done.add(line);
  }
  return lines.map((l) => (done.has(l) ? { ...l, applied: true } : l));
}
