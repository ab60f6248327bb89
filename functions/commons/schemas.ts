/**
 * Schemas for the state the workflow passes between steps. Each function parses its input at
 * the edge, so a hand-started or mis-wired execution fails with a message naming the field.
 */
import { z } from 'zod';

export const VpcSideSchema = z.object({
  vpcId: z.string().startsWith('vpc-'),
  ownerId: z.string().min(1),
  region: z.string().min(1),
  cidrs: z.array(z.string()),
  ipv6Cidrs: z.array(z.string()),
  tags: z.record(z.string(), z.string()),
  name: z.string().optional(),
});

export const InspectionSchema = z.object({
  peeringConnectionId: z.string().startsWith('pcx-'),
  dryRun: z.boolean(),
  status: z.string(),
  decision: z.enum(['accepted', 'already-active', 'refused']),
  needsAccept: z.boolean(),
  cleanup: z.boolean(),
  trigger: z.string(),
  reason: z.string(),
  requester: VpcSideSchema,
  accepter: VpcSideSchema,
});

export const RouteChangeSchema = z.object({
  routeTableId: z.string(),
  vpcId: z.string(),
  region: z.string(),
  destinationCidr: z.string(),
  action: z.enum(['created', 'exists', 'conflict', 'skipped', 'removed']),
  applied: z.boolean(),
  detail: z.string().optional(),
});

export const RuleChangeSchema = z.object({
  groupId: z.string(),
  vpcId: z.string(),
  region: z.string(),
  cidr: z.string(),
  protocol: z.enum(['icmp', 'icmpv6', 'tcp', 'udp', 'none']),
  fromPort: z.number().int(),
  toPort: z.number().int(),
  action: z.enum(['created', 'exists', 'invalid-tag', 'removed']),
  applied: z.boolean(),
  detail: z.string().optional(),
});

const RuleFactSchema = z.object({
  protocol: z.string(),
  fromPort: z.number(),
  toPort: z.number(),
  cidr: z.string(),
  description: z.string().optional(),
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
          peeringConnectionId: z.string().optional(),
          target: z.string(),
          propagated: z.boolean(),
          state: z.string().optional(),
        }),
      ),
    }),
  ),
  securityGroups: z.array(
    z.object({
      groupId: z.string(),
      vpcId: z.string(),
      groupName: z.string().optional(),
      tags: z.record(z.string(), z.string()),
      ingress: z.array(RuleFactSchema),
      otherIngressSources: z.number().optional(),
      egress: z.array(RuleFactSchema).optional(),
    }),
  ),
});

export const ChangesSchema = z.object({
  routes: z.array(RouteChangeSchema),
  securityGroupRules: z.array(RuleChangeSchema),
  writes: z.number().int().nonnegative(),
  facts: NetworkFactsSchema,
});

export const ApplyRequestSchema = z.object({ inspection: InspectionSchema, changes: ChangesSchema });
