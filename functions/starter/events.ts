/**
 * The starter's event normaliser: which peering(s) a trigger can affect. Pure: it names the
 * resources to resolve (peering, VPC, route table, security group) and leaves the describe calls
 * to the starter. Every input either normalises or fails with a message naming the field.
 */

import * as z from 'zod/mini';
import { TAG_PREFIX, WATCHED_EVENTS, WORKFLOW_TAG_KEYS } from '../commons/contracts.js';
import { InputValidationError } from '../commons/errors.js';
import { describeIssues } from '../commons/validation.js';

const CloudTrailEventSchema = z.object({
  source: z.literal('aws.ec2'),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  id: z.string().check(z.minLength(1)),
  time: z.iso.datetime({ offset: true }),
  /** Where the call was made: a member's forwarded event keeps its own account and region. */
  account: z.optional(z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit AWS account id'))),
  region: z.string().check(z.minLength(1)),
  detail: z.object({
    eventSource: z.literal('ec2.amazonaws.com'),
    eventName: z.enum(WATCHED_EVENTS as [string, ...string[]]),
    eventID: z.optional(z.string().check(z.minLength(1))),
    errorCode: z.optional(z.string()),
    requestParameters: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
    responseElements: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  }),
});

const SweepEventSchema = z.strictObject({ sweep: z.literal(true) });

export type StarterEvent = z.output<typeof CloudTrailEventSchema>;

/** What a trigger points at; the starter resolves everything to peering ids. */
export interface Affected {
  readonly trigger: 'event' | 'sweep';
  readonly eventName?: string;
  /** Event time (ISO), which decides the debounce window. */
  readonly time?: string;
  readonly peeringIds: string[];
  readonly vpcIds: string[];
  readonly routeTableIds: string[];
  readonly groupIds: string[];
  /** Every peering in the region (sweep, or an event that names no resource we can resolve). */
  readonly all: boolean;
  /** Set when the event touches nothing we manage: the starter logs it and stops. */
  readonly ignored?: string;
  /** A deletion: run the cleanup path (execution name is unique per peering, forever). */
  readonly deletion: boolean;
  /** The account and region the event came from (where its resources are described). */
  readonly account?: string;
  readonly region?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * A request parameter (or response element) as CloudTrail records it: `routeTableId` for the older
 * EC2 APIs, or wrapped as `<Action>Request.RouteTableId` (`<Action>Response.vpcId`) for the newer
 * ones. Both shapes are accepted.
 */
function param(req: Record<string, unknown>, key: string, wrapper = 'Request'): string | undefined {
  const direct = str(req[key]);
  if (direct) return direct;
  const capital = key.charAt(0).toUpperCase() + key.slice(1);
  for (const [k, v] of Object.entries(req)) {
    if (k.endsWith(wrapper) && typeof v === 'object' && v !== null) {
      const inner = v as Record<string, unknown>;
      const found = str(inner[capital]) ?? str(inner[key]);
      if (found) return found;
    }
  }
  return undefined;
}
const items = (v: unknown): Record<string, unknown>[] => {
  const list = (v as { items?: unknown } | undefined)?.items;
  return Array.isArray(list)
    ? (list.filter((i) => typeof i === 'object' && i !== null) as Record<string, unknown>[])
    : [];
};

function fromCloudTrail(event: StarterEvent): Affected {
  const { eventName } = event.detail;
  const req = (event.detail.requestParameters ?? {}) as Record<string, unknown>;
  const res = (event.detail.responseElements ?? {}) as Record<string, unknown>;
  const base: Affected = {
    trigger: 'event',
    eventName,
    time: event.time,
    ...(event.account ? { account: event.account } : {}),
    region: event.region,
    peeringIds: [],
    vpcIds: [],
    routeTableIds: [],
    groupIds: [],
    all: false,
    deletion: eventName === 'DeleteVpcPeeringConnection',
  };
  const need = (field: string, value: string | undefined, pattern: RegExp): string => {
    if (!value || !pattern.test(value)) {
      throw new InputValidationError(
        `invalid ${eventName} event: detail.${field}: expected a resource id (got ${value === undefined ? 'missing' : JSON.stringify(value)})`,
      );
    }
    return value;
  };
  if (event.detail.errorCode)
    return { ...base, ignored: `the ${eventName} call failed (${event.detail.errorCode})` };
  switch (eventName) {
    case 'CreateVpcPeeringConnection':
    case 'AcceptVpcPeeringConnection':
    case 'DeleteVpcPeeringConnection':
    case 'RejectVpcPeeringConnection':
    case 'ModifyVpcPeeringConnectionOptions': {
      const fromResponse = str(
        (res.vpcPeeringConnection as Record<string, unknown> | undefined)?.vpcPeeringConnectionId,
      );
      const id = fromResponse ?? param(req, 'vpcPeeringConnectionId');
      return {
        ...base,
        peeringIds: [
          need('responseElements.vpcPeeringConnection.vpcPeeringConnectionId', id, /^pcx-[0-9a-f]+$/),
        ],
      };
    }
    case 'DeleteRoute':
    case 'ReplaceRoute':
    case 'AssociateRouteTable':
    case 'ReplaceRouteTableAssociation':
      return {
        ...base,
        routeTableIds: [
          need('requestParameters.routeTableId', param(req, 'routeTableId'), /^rtb-[0-9a-f]+$/),
        ],
      };
    case 'CreateRouteTable':
    case 'AssociateVpcCidrBlock':
      return { ...base, vpcIds: [need('requestParameters.vpcId', param(req, 'vpcId'), /^vpc-[0-9a-f]+$/)] };
    case 'DisassociateVpcCidrBlock': {
      // The request names only the association; the response names the VPC. Without it, every
      // peering of the region is checked (the removed block is no longer described anywhere).
      const vpcId = param(res, 'vpcId', 'Response');
      if (vpcId === undefined) return { ...base, all: true };
      return { ...base, vpcIds: [need('responseElements.vpcId', vpcId, /^vpc-[0-9a-f]+$/)] };
    }
    case 'DisassociateRouteTable':
      // The event names only the association, which no longer exists: re-check every peering.
      return { ...base, all: true };
    case 'RevokeSecurityGroupIngress':
      return {
        ...base,
        groupIds: [need('requestParameters.groupId', param(req, 'groupId'), /^sg-[0-9a-f]+$/)],
      };
    case 'ModifySecurityGroupRules': {
      return {
        ...base,
        groupIds: [
          need(
            'requestParameters.ModifySecurityGroupRulesRequest.GroupId',
            param(req, 'groupId'),
            /^sg-[0-9a-f]+$/,
          ),
        ],
      };
    }
    default: {
      // CreateTags / DeleteTags
      const keys = items(req.tagSet).map((t) => str(t.key) ?? '');
      const ours = keys.filter((k) => k.startsWith(TAG_PREFIX) && !WORKFLOW_TAG_KEYS.includes(k));
      if (ours.length === 0) {
        return {
          ...base,
          ignored: `${eventName} touches no peering-autopilot: configuration tag (${keys.join(', ') || 'none'})`,
        };
      }
      const resources = items(req.resourcesSet).map((r) => str(r.resourceId) ?? '');
      const pick = (prefix: string) => resources.filter((r) => r.startsWith(`${prefix}-`));
      const out = {
        ...base,
        peeringIds: pick('pcx'),
        vpcIds: pick('vpc'),
        routeTableIds: pick('rtb'),
        groupIds: pick('sg'),
      };
      if (out.peeringIds.length + out.vpcIds.length + out.routeTableIds.length + out.groupIds.length === 0) {
        return {
          ...out,
          ignored: `${eventName} tags no VPC, route table, security group or peering (${resources.join(', ')})`,
        };
      }
      return out;
    }
  }
}

/** Normalises a starter input (CloudTrail event or `{"sweep": true}`), or throws InputValidationError. */
export function normaliseEvent(raw: unknown): Affected {
  const sweep = SweepEventSchema.safeParse(raw);
  if (sweep.success) {
    return {
      trigger: 'sweep',
      peeringIds: [],
      vpcIds: [],
      routeTableIds: [],
      groupIds: [],
      all: true,
      deletion: false,
    };
  }
  const parsed = CloudTrailEventSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputValidationError(
      describeIssues(
        'starter event (expected a CloudTrail EC2 event or {"sweep": true})',
        raw,
        parsed.error.issues,
      ),
    );
  }
  return fromCloudTrail(parsed.data);
}

/** Start of the debounce window containing `time`: every event in it shares one execution. */
export function windowStart(time: string, windowSeconds: number): number {
  const seconds = Math.floor(Date.parse(time) / 1000);
  return seconds - (seconds % windowSeconds);
}

/**
 * Deterministic execution name: duplicate deliveries and bursts in one window collide on it
 * (ExecutionAlreadyExists), which is the dedupe. Names stay within 80 characters.
 */
export function executionName(
  peeringId: string,
  kind: 'event' | 'sweep' | 'delete',
  window?: number,
): string {
  if (kind === 'delete') return `${peeringId}-delete`;
  return `${peeringId}-${kind}-${window ?? 0}`;
}
