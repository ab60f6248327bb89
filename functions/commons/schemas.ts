/**
 * Schemas for the state the workflow passes between steps. Each function parses its input at
 * the edge, so a hand-started or mis-wired execution fails with a message naming the field.
 */
import * as z from 'zod/mini';

export const VpcSideSchema = z.object({
  vpcId: z.string().check(z.startsWith('vpc-')),
  ownerId: z.string().check(z.minLength(1)),
  region: z.string().check(z.minLength(1)),
  cidrs: z.array(z.string()),
  ipv6Cidrs: z.array(z.string()),
  tags: z.record(z.string(), z.string()),
  name: z.optional(z.string()),
});

export const InspectionSchema = z.object({
  peeringConnectionId: z.string().check(z.startsWith('pcx-')),
  dryRun: z.boolean(),
  status: z.string(),
  decision: z.enum(['accepted', 'already-active', 'refused']),
  needsAccept: z.boolean(),
  cleanup: z.boolean(),
  fresh: z.boolean(),
  trigger: z.string(),
  reason: z.string(),
  invalidTag: z.string(),
  removalsOnly: z.boolean(),
  requester: VpcSideSchema,
  accepter: VpcSideSchema,
});

export const RouteChangeSchema = z.object({
  routeTableId: z.string(),
  vpcId: z.string(),
  region: z.string(),
  destinationCidr: z.string(),
  action: z.enum(['created', 'exists', 'conflict', 'skipped', 'removed', 'quota-exceeded']),
  applied: z.boolean(),
  detail: z.optional(z.string()),
  invalidTag: z.optional(z.string()),
});

export const RuleChangeSchema = z.object({
  groupId: z.string(),
  vpcId: z.string(),
  region: z.string(),
  cidr: z.string(),
  protocol: z.enum(['icmp', 'icmpv6', 'tcp', 'udp', 'none']),
  fromPort: z.int(),
  toPort: z.int(),
  action: z.enum(['created', 'exists', 'invalid-tag', 'removed', 'quota-exceeded']),
  applied: z.boolean(),
  detail: z.optional(z.string()),
});

const RuleRefSchema = z.object({
  protocol: z.string(),
  fromPort: z.number(),
  toPort: z.number(),
  groupId: z.optional(z.string()),
  userId: z.optional(z.string()),
  peeringConnectionId: z.optional(z.string()),
  prefixListId: z.optional(z.string()),
  description: z.optional(z.string()),
});

const RuleFactSchema = z.object({
  protocol: z.string(),
  fromPort: z.number(),
  toPort: z.number(),
  cidr: z.string(),
  description: z.optional(z.string()),
});

export const NetworkFactsSchema = z.object({
  routeTables: z.array(
    z.object({
      routeTableId: z.string(),
      vpcId: z.string(),
      main: z.boolean(),
      subnetIds: z.array(z.string()),
      tags: z.record(z.string(), z.string()),
      routes: z.array(
        z.object({
          destination: z.string(),
          peeringConnectionId: z.optional(z.string()),
          target: z.string(),
          propagated: z.boolean(),
          state: z.optional(z.string()),
        }),
      ),
      prefixListRoutes: z.optional(
        z.array(
          z.object({
            prefixListId: z.string(),
            peeringConnectionId: z.optional(z.string()),
            target: z.string(),
            state: z.optional(z.string()),
          }),
        ),
      ),
    }),
  ),
  securityGroups: z.array(
    z.object({
      groupId: z.string(),
      vpcId: z.string(),
      groupName: z.optional(z.string()),
      tags: z.record(z.string(), z.string()),
      ingress: z.array(RuleFactSchema),
      otherIngressSources: z.optional(z.number()),
      egress: z.optional(z.array(RuleFactSchema)),
      ingressRefs: z.optional(z.array(RuleRefSchema)),
      egressRefs: z.optional(z.array(RuleRefSchema)),
    }),
  ),
});

export const ChangesSchema = z.object({
  routes: z.array(RouteChangeSchema),
  securityGroupRules: z.array(RuleChangeSchema),
  writes: z.int().check(z.nonnegative()),
  clean: z.boolean(),
  facts: NetworkFactsSchema,
});

export const ApplyRequestSchema = z.object({ inspection: InspectionSchema, changes: ChangesSchema });
