/**
 * The contract's names for people who use the construct from any jsii language: the tag keys they
 * put on VPCs, route tables, groups and instances, and the values a run's result and status tag
 * carry. Each constant is spelled out for the API docs; each `ALL` is the contracts module's list
 * (functions/commons/contracts.ts), and a test holds the constants equal to it.
 */
import { DECISIONS, OUTCOMES, VERIFICATION_STATUSES } from '../functions/commons/contracts.js';

/** The tag keys the autopilot reads (on VPCs, route tables, security groups, instances) and writes (on peerings). */
export class TagKeys {
  /** Security group opt-in: ingress from every peer VPC for the listed traffic (`icmp`, `tcp:443`, …). */
  public static readonly INGRESS = 'peering-autopilot:ingress';
  /** Security group: `sources` admits the peer's groups tagged `source=true` instead of its CIDRs. */
  public static readonly INGRESS_FROM = 'peering-autopilot:ingress-from';
  /** Security group: `true` lets peer groups with `ingress-from=sources` reference it. */
  public static readonly SOURCE = 'peering-autopilot:source';
  /** Route table `skip` / `include`; VPC `tagged-only`. */
  public static readonly ROUTES = 'peering-autopilot:routes';
  /**
   * VPC `false` (never auto-accept) / `true` (allow-list under the tagged-only accept policy) /
   * `approval` (every peering into or from it waits for a person: `peering-autopilot approve`).
   */
  public static readonly ACCEPT = 'peering-autopilot:accept';
  /** Instance `target` / `source`: the verification ping's ends. */
  public static readonly PROBE = 'peering-autopilot:probe';
  /** VPC `true`: allow DNS resolution from the peer on this VPC's side. */
  public static readonly DNS = 'peering-autopilot:dns';
  /** VPC: comma-separated blocks of this VPC the peer gets no routes or rules for. */
  public static readonly EXCLUDE_CIDRS = 'peering-autopilot:exclude-cidrs';
  /** Peering (written by runs): the last outcome, one of RunOutcome. */
  public static readonly STATUS = 'peering-autopilot:status';
  /** Peering (written by runs): when the last run checked it (ISO time). */
  public static readonly CHECKED_AT = 'peering-autopilot:checked-at';
  /** Peering (written by runs): the blocks the autopilot routed through it. */
  public static readonly ROUTED = 'peering-autopilot:routed';

  private constructor() {}
}

/** A run's outcome: the `peering-autopilot:status` tag value and the `outcome` dimension of the Runs metric. */
export class RunOutcome {
  public static readonly CONFIGURED = 'configured';
  public static readonly PARTIAL = 'partial';
  public static readonly CONFLICT = 'conflict';
  public static readonly INVALID_TAG = 'invalid-tag';
  public static readonly REFUSED = 'refused';
  public static readonly CLEANED_UP = 'cleaned-up';
  public static readonly REJECTED = 'rejected';
  public static readonly EXPIRED = 'expired';
  public static readonly FAILED = 'failed';
  /** Waiting for a person (`peering-autopilot approve` / `reject`). */
  public static readonly AWAITING_APPROVAL = 'awaiting-approval';
  /** Every outcome. */
  public static readonly ALL: string[] = [...OUTCOMES];

  private constructor() {}
}

/** The workflow result's `decision`. */
export class Decision {
  public static readonly ACCEPTED = 'accepted';
  public static readonly ALREADY_ACTIVE = 'already-active';
  public static readonly REFUSED = 'refused';
  /** Waiting for a person: nothing accepted or written until `peering-autopilot approve`. */
  public static readonly AWAITING_APPROVAL = 'awaiting-approval';
  /** Every decision. */
  public static readonly ALL: string[] = [...DECISIONS];

  private constructor() {}
}

/** The workflow result's `verification.status`, and the `status` dimension of the Verifications metric. */
export class VerificationStatus {
  public static readonly PASSED = 'passed';
  public static readonly FAILED = 'failed';
  public static readonly INCONCLUSIVE = 'inconclusive';
  public static readonly SKIPPED = 'skipped';
  /** Every status. */
  public static readonly ALL: string[] = [...VERIFICATION_STATUSES];

  private constructor() {}
}
