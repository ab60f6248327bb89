/**
 * The one step table: for every Lambda step of the workflow, its id, the ASL placeholder that takes
 * its ARN, its handler entry, the IAM it needs, its environment and its timeouts. The ASL builder,
 * the CDK construct and the local runner all read it: a step id typo is a type error, never a
 * function without permissions. IAM is plain data (no CDK import): `infra/` makes each grant a
 * PolicyStatement in the stack's partition, account and regions; `scripts/iam-reference-check.py`
 * checks every grant against the Service Authorization Reference, and
 * `test/integration/iam-coverage.test.ts` every call a step makes on moto against its role.
 */

import { TAGS, WORKFLOW_TAG_KEYS } from '../functions/commons/contracts.js';

export type StepId = 'Inspect' | 'Activation' | 'Plan' | 'Apply' | 'Verify' | 'Cleanup' | 'Report';

/** Where a grant applies: every resource (`*`, for actions without resource-level permissions) or a type. */
export type GrantResource =
  | '*'
  | {
      readonly service: 'ec2' | 'ssm';
      /** SAR resource type, e.g. `route-table`, `vpc-peering-connection`, `document`. */
      readonly type: string;
      /** `own`: this account (default); `any`: any owner (AWS-managed, shared); `aws`: AWS-owned (no account). */
      readonly owner?: 'own' | 'any' | 'aws';
      /** @default '*' */
      readonly name?: string;
    };

/**
 * One IAM statement. Condition values may use `<Partition>` and `<Account>`, which the construct
 * fills with the stack's own, and `<Peers>`: the accounts whose VPCs may be on the other side
 * (the hub and its members in the hub's roles, any account when outside accounts are put to a
 * person; any account in a member's role).
 */
export interface Grant {
  readonly actions: readonly string[];
  readonly resource: GrantResource;
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /** Why, when the statement is not obvious (kept next to it, shown nowhere else). */
  readonly why?: string;
  /** The hub's own resource (the trusted routed record): never part of a member role. */
  readonly hubOnly?: boolean;
}

/** The construct's settings a step's environment is made of. */
export interface StepSettings {
  readonly acceptPolicy: string;
  /** `refuse` or `approve`: peerings with accounts outside the hub and members. */
  readonly outsideAccounts: string;
  /** DNS resolution for untagged VPCs: `tagged`, `always` or `never`. */
  readonly dnsResolution: string;
  readonly routesPerTableQuota?: number;
  readonly rulesPerSecurityGroupQuota?: number;
  readonly probeCount: number;
  readonly probeTimeoutSeconds: number;
  readonly alarmTopicArn: string;
  /** Member accounts the hub acts in (through `memberRole`); empty for a single account. */
  readonly members: readonly string[];
  /** The member role this function assumes (its step's own). */
  readonly memberRole: string;
  /** Where the autopilot acts (the sweep's regions; a member's side elsewhere is refused). */
  readonly regions: readonly string[];
}

export interface StepSpec {
  readonly id: StepId;
  /** The `${…}` placeholder in the ASL that takes this function's ARN. */
  readonly placeholder: `${StepId}FunctionArn`;
  /** Handler module, relative to the repository root. */
  readonly entry: string;
  readonly grants: readonly Grant[];
  /** Step-specific environment (every step also gets the shared settings). */
  readonly environment?: (s: StepSettings) => Readonly<Record<string, string>>;
  /** Lambda timeout, seconds. */
  readonly functionTimeout?: (s: StepSettings) => number;
  /** The Task state's TimeoutSeconds in the ASL. */
  readonly taskTimeoutSeconds: number;
}

const describe = (...actions: string[]): Grant => ({ actions, resource: '*' });
/** People's decisions (functions/commons/approval-record.ts): the workflow only reads them. */
const approvalRecord: Grant = {
  actions: ['ssm:GetParameter'],
  resource: { service: 'ssm', type: 'parameter', name: 'peering-autopilot/approvals/*' },
  hubOnly: true,
  why: "Reads a person's decision about a peering that waits for one; only approvers can write it.",
};
/** The hub's trusted routed record (functions/commons/routed-record.ts), one SSM parameter per peering. */
const routedRecord = (actions: string[], why: string): Grant => ({
  actions,
  resource: { service: 'ssm', type: 'parameter', name: 'peering-autopilot/routed/*' },
  hubOnly: true,
  why,
});
const own = (type: string): GrantResource => ({ service: 'ec2', type });

const table = {
  Inspect: {
    entry: 'functions/inspect/handler.ts',
    grants: [
      describe('ec2:DescribeVpcPeeringConnections', 'ec2:DescribeVpcs'),
      routedRecord(
        ['ssm:GetParameter'],
        'Confirms a routed tag naming a block no peer has now (an edited tag counts for nothing).',
      ),
      approvalRecord,
    ],
    taskTimeoutSeconds: 60,
  },
  Activation: {
    entry: 'functions/activation/handler.ts',
    grants: [
      describe('ec2:DescribeVpcPeeringConnections'),
      {
        actions: ['ec2:AcceptVpcPeeringConnection'],
        resource: own('vpc-peering-connection'),
        why:
          "Defence in depth for the accept policy: the accepter VPC is this account's (AWS requires the " +
          "accepter's owner to accept), the requester's is this account's or a member's.",
        conditions: {
          ArnLike: {
            'ec2:RequesterVpc': 'arn:<Partition>:ec2:*:<Peers>:vpc/*',
            'ec2:AccepterVpc': 'arn:<Partition>:ec2:*:<Account>:vpc/*',
          },
        },
      },
      {
        actions: ['ec2:AcceptVpcPeeringConnection'],
        resource: own('vpc'),
        why:
          'AcceptVpcPeeringConnection requires the accepter vpc resource too (Service Authorization Reference; ' +
          "the VPC Peering Guide's accept policy grants vpc/* in its own statement). The Accepter/RequesterVpc " +
          'keys exist only on the peering resource, so this statement has none.',
      },
      {
        actions: ['ec2:RejectVpcPeeringConnection'],
        resource: own('vpc-peering-connection'),
        why: 'Only after a person rejected the request (peering-autopilot reject: the approval record).',
      },
    ],
    taskTimeoutSeconds: 60,
  },
  Plan: {
    entry: 'functions/plan/handler.ts',
    grants: [
      describe('ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroups'),
      {
        actions: ['ec2:DescribeVpcAttribute'],
        resource: own('vpc'),
        why: 'DNS support and hostnames of a VPC about to get DNS resolution (the SAR scopes this read to vpc).',
      },
    ],
    taskTimeoutSeconds: 60,
  },
  Apply: {
    entry: 'functions/apply/handler.ts',
    grants: [
      describe(
        'ec2:DescribeRouteTables',
        'ec2:DescribeVpcPeeringConnections',
        'ec2:DescribeVpcs',
        // The guard checks a peer group a new rule names (ingress-from=sources) is the peer VPC's.
        'ec2:DescribeSecurityGroups',
      ),
      { actions: ['ec2:CreateRoute'], resource: own('route-table') },
      {
        actions: ['ec2:DeleteRoute'],
        resource: own('route-table'),
        why:
          'Only our route to a block the peer keeps out (exclude-cidrs) or gave up (named by the peering record), ' +
          'read again right before.',
      },
      {
        actions: ['ec2:AuthorizeSecurityGroupIngress'],
        resource: own('security-group'),
        why: 'Only groups that opted in by tag can ever be opened.',
        conditions: { Null: { [`aws:ResourceTag/${TAGS.ingress}`]: 'false' } },
      },
      {
        actions: ['ec2:RevokeSecurityGroupIngress'],
        resource: own('security-group'),
        why: 'Opt-out: our own rules leave groups whose tag was removed, so no tag condition here.',
      },
      {
        actions: ['ec2:ModifyVpcPeeringConnectionOptions'],
        resource: own('vpc-peering-connection'),
        why: "DNS resolution on this account's side of its peerings (peering-autopilot:dns); it never turns it off.",
      },
      routedRecord(
        ['ssm:GetParameter'],
        'The guard confirms a route to a former block is ours before DeleteRoute.',
      ),
    ],
    taskTimeoutSeconds: 120,
  },
  Verify: {
    entry: 'functions/verify/handler.ts',
    grants: [
      describe('ec2:DescribeInstances', 'ec2:DescribeNetworkAcls', 'ec2:DescribeVpcPeeringConnections'),
      describe('ssm:GetCommandInvocation'),
      {
        actions: ['ec2:GetManagedPrefixListEntries'],
        resource: { service: 'ec2', type: 'prefix-list', owner: 'any' },
        why: 'Entries of the prefix lists routes and rules name, for the diagnosis; AWS-managed and shared lists belong to other accounts.',
      },
      {
        actions: ['ssm:SendCommand'],
        resource: { service: 'ssm', type: 'document', owner: 'aws', name: 'AWS-RunShellScript' },
        why: 'SendCommand runs a shell as root: only the AWS-owned AWS-RunShellScript document...',
      },
      {
        actions: ['ssm:SendCommand'],
        resource: { service: 'ec2', type: 'instance' },
        why:
          '...and only on instances tagged peering-autopilot:probe. The tag condition sits in a statement of ' +
          'its own: the document has no such tag, so it would deny the document. ' +
          'https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-rc-setting-up-cmdsec.html',
        conditions: { Null: { [`ssm:resourceTag/${TAGS.probe}`]: 'false' } },
      },
    ],
    environment: (s) => ({
      PROBE_COUNT: String(s.probeCount),
      PROBE_COMMAND_TIMEOUT_SECONDS: String(s.probeTimeoutSeconds),
      PROBE_POLL_DEADLINE_SECONDS: String(s.probeTimeoutSeconds + 15),
    }),
    functionTimeout: (s) => Math.max(60, s.probeTimeoutSeconds + 45),
    taskTimeoutSeconds: 120,
  },
  Cleanup: {
    entry: 'functions/cleanup/handler.ts',
    grants: [
      describe(
        'ec2:DescribeRouteTables',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeVpcPeeringConnections',
        // The VPCs' routes=tagged-only tag decides which tables are ours to clean.
        'ec2:DescribeVpcs',
      ),
      { actions: ['ec2:DeleteRoute'], resource: own('route-table') },
      { actions: ['ec2:RevokeSecurityGroupIngress'], resource: own('security-group') },
      routedRecord(
        ['ssm:GetParameter', 'ssm:DeleteParameter'],
        "Confirms a route to a former block is ours; removes the peering's record once nothing is left.",
      ),
    ],
    taskTimeoutSeconds: 120,
  },
  Report: {
    entry: 'functions/report/handler.ts',
    grants: [
      {
        actions: ['ec2:CreateTags'],
        resource: own('vpc-peering-connection'),
        why: 'Only the two status tags, never a configuration tag.',
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [...WORKFLOW_TAG_KEYS] } },
      },
      routedRecord(
        ['ssm:PutParameter'],
        'Writes the trusted copy of the routed record with the status tags.',
      ),
    ],
    environment: (s) => ({ ALARM_TOPIC_ARN: s.alarmTopicArn }),
    taskTimeoutSeconds: 60,
  },
} satisfies Record<StepId, Omit<StepSpec, 'id' | 'placeholder'>>;

/**
 * What the starter reads: an event's resources by id, and, for the sweep, every peering, VPC, route
 * table and security group of each (account, region), paginated (describe only).
 */
export const STARTER_GRANTS: readonly Grant[] = [
  describe(
    'ec2:DescribeVpcPeeringConnections',
    'ec2:DescribeVpcs',
    'ec2:DescribeRouteTables',
    'ec2:DescribeSecurityGroups',
  ),
];

/** The starter's handler (it is no step of the workflow: it starts executions). */
export const STARTER_ENTRY = 'functions/starter/handler.ts';

/** Every step, in flow order, with its id and placeholder filled in. */
export const STEPS: readonly StepSpec[] = (Object.keys(table) as StepId[]).map((id) => ({
  id,
  placeholder: `${id}FunctionArn` as const,
  ...table[id],
}));

/** One step's row. */
export function step(id: StepId): StepSpec {
  return STEPS.find((s) => s.id === id) as StepSpec;
}

/** The environment every step reads (functions/commons/settings.ts). */
export function sharedEnvironment(s: Omit<StepSettings, 'alarmTopicArn'>): Record<string, string> {
  return {
    ACCEPT_POLICY: s.acceptPolicy,
    PEERING_AUTOPILOT_OUTSIDE_ACCOUNTS: s.outsideAccounts,
    DNS_RESOLUTION: s.dnsResolution,
    ...(s.routesPerTableQuota ? { ROUTES_PER_TABLE_QUOTA: String(s.routesPerTableQuota) } : {}),
    ...(s.rulesPerSecurityGroupQuota
      ? { RULES_PER_SECURITY_GROUP_QUOTA: String(s.rulesPerSecurityGroupQuota) }
      : {}),
    PEERING_AUTOPILOT_REGIONS: s.regions.join(','),
    ...memberEnvironment(s),
  };
}

/** The member accounts and role, as every function that acts on a side reads them (starter included). */
function memberEnvironment(s: Pick<StepSettings, 'members' | 'memberRole'>): Record<string, string> {
  if (s.members.length === 0) return {};
  return {
    PEERING_AUTOPILOT_MEMBER_ACCOUNTS: s.members.join(','),
    PEERING_AUTOPILOT_MEMBER_ROLE: s.memberRole,
  };
}
