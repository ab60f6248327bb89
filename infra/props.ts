/**
 * The construct's props, their defaults, and one check that collects every problem and throws once
 * (like AWS Solutions Constructs' CheckProps), naming each bad value.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_MEMBER_ROLE } from '../functions/commons/contracts.js';
import { type StepSettings, step } from '../state-machines/steps.js';
import { MEMBER_ROLE_NAME_MAX } from './grants.js';

/** Who may be auto-accepted (see `PeeringAutopilotProps.acceptPolicy`). */
export enum AcceptPolicy {
  /** Any same-account (or member), non-overlapping peering whose VPCs are not tagged `accept=false`. */
  SAME_ACCOUNT = 'same-account',
  /** As SAME_ACCOUNT, and both VPCs must carry `peering-autopilot:accept=true`. */
  TAGGED_ONLY = 'tagged-only',
}

/** What happens to a peering with an account outside this hub and its members. */
export enum OutsideAccounts {
  /** Refused with a reason naming the account (nothing is accepted or written). */
  REFUSE = 'refuse',
  /** Put to a person: the run ends `awaiting-approval` and a notice says how to approve or reject. */
  APPROVE = 'approve',
}

/** DNS resolution across peerings for VPCs without a `peering-autopilot:dns` tag. */
export enum DnsResolution {
  /** Only VPCs tagged `peering-autopilot:dns=true`. */
  TAGGED = 'tagged',
  /** Every VPC not tagged `peering-autopilot:dns=false`. */
  ALWAYS = 'always',
  /** Never: the tags are ignored. */
  NEVER = 'never',
}

export interface PeeringAutopilotProps {
  /**
   * Who may be auto-accepted. `same-account`: any same-account, non-overlapping peering whose
   * VPCs are not tagged `peering-autopilot:accept=false`. `tagged-only`: additionally both VPCs
   * must carry `peering-autopilot:accept=true`. A peering with an account that is neither this
   * one nor a member is never auto-accepted.
   * @default AcceptPolicy.SAME_ACCOUNT
   */
  readonly acceptPolicy?: AcceptPolicy;
  /**
   * A peering with an account that is neither this one nor a member: `refuse` it, or `approve`
   * (wait for a person: `peering-autopilot approve` / `reject`). Approving configures only this
   * side; nothing is ever written in the outside account. With `approve`, the Activation role may
   * accept a request from any account (the approval record, which only approvers can write, is
   * what lets it); see `approverPolicy`.
   * @default OutsideAccounts.REFUSE
   */
  readonly outsideAccounts?: OutsideAccounts;
  /**
   * DNS resolution across peerings (`AllowDnsResolutionFromRemoteVpc` on a VPC's side) for VPCs
   * without a `peering-autopilot:dns` tag: `tagged` (only VPCs tagged `true`), `always` (every VPC
   * not tagged `false`), `never` (tags ignored). The autopilot only ever turns it on.
   * @default DnsResolution.TAGGED
   */
  readonly dnsResolution?: DnsResolution;
  /**
   * Member accounts (12-digit ids) whose peerings this hub configures too, through the role
   * `memberRoleName` that the PeeringAutopilotMember stack creates in each. The hub's default
   * event bus accepts their forwarded events.
   * @default - none: this account only
   */
  readonly members?: string[];
  /**
   * An AWS Organizations id (`o-…`): the event bus admits forwarded events from any account of the
   * organization (`aws:PrincipalOrgID`) instead of listing `members` one by one. The hub still
   * acts only in `members`.
   * @default - the bus admits exactly `members`
   */
  readonly organizationId?: string;
  /**
   * Name of the role the hub assumes in each member account.
   * @default 'PeeringAutopilotMember'
   */
  readonly memberRoleName?: string;
  /**
   * Email address subscribed to the alarm topic.
   * @default - no subscription; subscribe to `alarmTopic` yourself
   */
  readonly alarmEmail?: string;
  /**
   * Regions whose VPCs the autopilot may write to (accept, routes, rules) for cross-region
   * peerings. IAM write permissions are scoped to exactly these regions.
   * @default - the stack's own region only
   */
  readonly regions?: string[];
  /**
   * Retention of the functions' and the workflow's log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Routes-per-route-table quota of this account (checked before any write).
   * @default 50 (the AWS default)
   */
  readonly routesPerTableQuota?: number;
  /**
   * Inbound-rules-per-security-group quota of this account (checked before any write).
   * @default 60 (the AWS default)
   */
  readonly rulesPerSecurityGroupQuota?: number;
  /**
   * How often the sweep looks at every peering of the hub and its members (catches lost CloudTrail
   * events, unseen pending requests and drift). One pass of paginated describe calls; it starts an
   * execution only for a peering that needs one, so a short period costs little.
   * @default Duration.minutes(15)
   */
  readonly sweepRate?: Duration;
  /**
   * How old a `configured` peering's last verification may get before the sweep runs the workflow
   * for it again (a fresh ping).
   * @default Duration.hours(24)
   */
  readonly reverifyAfter?: Duration;
  /**
   * Pings per probe (SSM Run Command, `ping -c`).
   * @default 3
   */
  readonly probeCount?: number;
  /**
   * How long a probe may take end to end: the SSM command's execution timeout, and the
   * deadline for polling its result. At most 75 seconds (the Verify step's task timeout is 120 s).
   * @default Duration.seconds(30) for the command, 45 s for polling
   */
  readonly probeTimeout?: Duration;
  /**
   * Debounce window: drift events for one peering within it share one execution, which starts
   * when the window closes. At most 5 minutes (the run needs 10 of the workflow's 15).
   * @default Duration.seconds(3)
   */
  readonly debounce?: Duration;
}

/** The workflow's execution timeout, and what a run needs of it after the debounce wait. */
export const WORKFLOW_TIMEOUT = Duration.minutes(15);
export const RUN_BUDGET = Duration.minutes(10);
const MAX_DEBOUNCE = Duration.minutes(WORKFLOW_TIMEOUT.toMinutes() - RUN_BUDGET.toMinutes());

/** Props with their defaults applied: what the builders read. */
export interface ResolvedProps {
  readonly acceptPolicy: AcceptPolicy;
  readonly members: readonly string[];
  readonly organizationId?: string;
  readonly memberRoleName: string;
  readonly alarmEmail?: string;
  readonly regions: readonly string[];
  readonly logRetention?: RetentionDays;
  readonly sweepRate: Duration;
  readonly reverifyAfter: Duration;
  readonly debounce: Duration;
  readonly probeTimeout: Duration;
  /** The step functions' settings, less the alarm topic (made by the construct). */
  readonly steps: Omit<StepSettings, 'alarmTopicArn'>;
}

/** Validates every prop, collects every problem, and throws once; else the props with defaults. */
export function checkProps(props: PeeringAutopilotProps, stack: Stack): ResolvedProps {
  const problems: string[] = [];
  const acceptPolicy = props.acceptPolicy ?? AcceptPolicy.SAME_ACCOUNT;
  if (!Object.values(AcceptPolicy).includes(acceptPolicy)) {
    problems.push(`acceptPolicy must be 'same-account' or 'tagged-only', got '${acceptPolicy}'`);
  }
  const outsideAccounts = props.outsideAccounts ?? OutsideAccounts.REFUSE;
  if (!Object.values(OutsideAccounts).includes(outsideAccounts)) {
    problems.push(`outsideAccounts must be 'refuse' or 'approve', got '${outsideAccounts}'`);
  }
  const dnsResolution = props.dnsResolution ?? DnsResolution.TAGGED;
  if (!Object.values(DnsResolution).includes(dnsResolution)) {
    problems.push(`dnsResolution must be 'tagged', 'always' or 'never', got '${dnsResolution}'`);
  }
  const members = [...new Set(props.members ?? [])];
  for (const m of members) {
    if (!/^\d{12}$/.test(m)) problems.push(`members must be 12-digit AWS account ids, got '${m}'`);
    else if (m === stack.account) problems.push(`members must not include the hub's own account ${m}`);
  }
  if (props.organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(props.organizationId)) {
    problems.push(`organizationId must look like 'o-a1b2c3d4e5', got '${props.organizationId}'`);
  }
  const memberRoleName = props.memberRoleName ?? DEFAULT_MEMBER_ROLE;
  if (!new RegExp(`^[\\w+=,.@-]{1,${MEMBER_ROLE_NAME_MAX}}$`).test(memberRoleName)) {
    problems.push(
      `memberRoleName must be an IAM role name of 1-${MEMBER_ROLE_NAME_MAX} characters ([\\w+=,.@-]; each step's role adds "-<Step>"), got '${memberRoleName}'`,
    );
  }
  for (const [name, value] of [
    ['routesPerTableQuota', props.routesPerTableQuota],
    ['rulesPerSecurityGroupQuota', props.rulesPerSecurityGroupQuota],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      problems.push(`${name} must be a positive integer, got ${value}`);
    }
  }
  const sweepRate = props.sweepRate ?? Duration.minutes(15);
  const reverifyAfter = props.reverifyAfter ?? Duration.hours(24);
  if (reverifyAfter.toSeconds() < 300 || reverifyAfter.toSeconds() > 31 * 24 * 3600) {
    problems.push(
      `reverifyAfter must be between 5 minutes and 31 days, got ${reverifyAfter.toHumanString()}`,
    );
  }
  if (sweepRate.toSeconds() < 60)
    problems.push(`sweepRate must be at least 1 minute, got ${sweepRate.toHumanString()}`);
  // An event-started execution first waits out the debounce window, then runs: both must fit the
  // workflow's execution timeout, with room for the longest run (accept wait, two verifications).
  const debounce = props.debounce ?? Duration.seconds(3);
  if (debounce.toSeconds() < 1 || debounce.toSeconds() > MAX_DEBOUNCE.toSeconds()) {
    problems.push(
      `debounce must be between 1 second and ${MAX_DEBOUNCE.toHumanString()} (the workflow's ${WORKFLOW_TIMEOUT.toHumanString()} ` +
        `execution timeout keeps ${RUN_BUDGET.toHumanString()} for the run itself), got ${debounce.toHumanString()}`,
    );
  }
  const probeCount = props.probeCount ?? 3;
  if (!Number.isInteger(probeCount) || probeCount < 1 || probeCount > 20) {
    problems.push(`probeCount must be an integer from 1 to 20, got ${props.probeCount}`);
  }
  // The Verify function needs the probe's time plus 45 s (poll and diagnosis); its Task state in the
  // generated ASL allows step('Verify').taskTimeoutSeconds, which the function must fit in.
  const probeTimeout = props.probeTimeout ?? Duration.seconds(30);
  const verifyTask = step('Verify').taskTimeoutSeconds;
  if (probeTimeout.toSeconds() < 5 || probeTimeout.toSeconds() + 45 > verifyTask) {
    problems.push(
      `probeTimeout must be between 5 seconds and ${verifyTask - 45} seconds (the Verify step's ${verifyTask} s task ` +
        `timeout keeps 45 s for polling and the diagnosis), got ${probeTimeout.toHumanString()}`,
    );
  }
  if (problems.length > 0) throw new Error(`invalid PeeringAutopilot props: ${problems.join('; ')}`);
  const regions = props.regions && props.regions.length > 0 ? [...props.regions] : [stack.region];
  return {
    acceptPolicy,
    members,
    ...(props.organizationId ? { organizationId: props.organizationId } : {}),
    memberRoleName,
    ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    regions,
    ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    sweepRate,
    reverifyAfter,
    debounce,
    probeTimeout,
    steps: {
      acceptPolicy,
      outsideAccounts,
      dnsResolution,
      ...(props.routesPerTableQuota ? { routesPerTableQuota: props.routesPerTableQuota } : {}),
      ...(props.rulesPerSecurityGroupQuota
        ? { rulesPerSecurityGroupQuota: props.rulesPerSecurityGroupQuota }
        : {}),
      probeCount,
      probeTimeoutSeconds: probeTimeout.toSeconds(),
      members,
      memberRole: memberRoleName,
      regions,
    },
  };
}
