import type { Inspection } from '../../functions/commons/schemas.js';
import type { RouteTableFacts, SecurityGroupFacts, VpcSide } from '../../functions/network/model.js';

export const ACCOUNT = '123456789012';

export function side(over: Partial<VpcSide> & Pick<VpcSide, 'vpcId' | 'cidrs'>): VpcSide {
  return { ownerId: ACCOUNT, region: 'us-east-1', ipv6Cidrs: [], tags: {}, ...over };
}

export const marketing = side({ vpcId: 'vpc-marketing', cidrs: ['10.10.0.0/16'], name: 'Marketing' });
export const finance = side({ vpcId: 'vpc-finance', cidrs: ['172.31.0.0/16'], name: 'Finance' });

export function table(
  over: Partial<RouteTableFacts> & Pick<RouteTableFacts, 'routeTableId' | 'vpcId'>,
): RouteTableFacts {
  return { main: false, subnetIds: ['subnet-1'], tags: {}, routes: [], ...over };
}

export function group(
  over: Partial<SecurityGroupFacts> & Pick<SecurityGroupFacts, 'groupId' | 'vpcId'>,
): SecurityGroupFacts {
  return { tags: {}, ingress: [], ...over };
}

/** The inspect step's output for Marketing <> Finance (an active, configurable peering by default). */
export function inspectionOf(peeringConnectionId: string, over: Partial<Inspection> = {}): Inspection {
  return {
    peeringConnectionId,
    seenIn: { account: ACCOUNT, region: 'us-east-1' },
    dryRun: false,
    status: 'active',
    decision: 'already-active',
    needsAccept: false,
    needsReject: false,
    approval: { state: 'not-required', why: '', by: '', at: '', reason: '' },
    cleanup: false,
    fresh: false,
    trigger: 'manual',
    routed: [],
    recordedStatus: '',
    reason: '',
    invalidTag: '',
    removalsOnly: false,
    requester: marketing,
    accepter: finance,
    ...over,
  };
}
