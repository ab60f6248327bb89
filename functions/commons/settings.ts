/**
 * Function settings from environment variables (set by the CDK construct), validated once.
 */

import * as z from 'zod/mini';
import type { AcceptPolicy, OutsideAccounts } from '../network/decision.js';
import type { DnsResolutionMode } from '../network/model.js';
import { DEFAULT_QUOTAS, type Quotas } from '../network/model.js';
import { DEFAULT_MEMBER_ROLE } from './contracts.js';
import { parseOrThrow } from './validation.js';
import { envInt } from './zod.js';

const SettingsSchema = z.object({
  ACCEPT_POLICY: z._default(z.enum(['same-account', 'tagged-only']), 'same-account'),
  /** Peerings with accounts outside the hub and members: `refuse`, or `approve` (a person decides). */
  PEERING_AUTOPILOT_OUTSIDE_ACCOUNTS: z._default(z.enum(['refuse', 'approve']), 'refuse'),
  ROUTES_PER_TABLE_QUOTA: envInt(1, 1000, DEFAULT_QUOTAS.routesPerTable),
  RULES_PER_SECURITY_GROUP_QUOTA: envInt(1, 1000, DEFAULT_QUOTAS.rulesPerSecurityGroup),
  FRESH_SECONDS: envInt(0, 7 * 24 * 3600, 55 * 60),
  /** DNS resolution across peerings for untagged VPCs: `tagged` (tag decides), `always`, `never`. */
  DNS_RESOLUTION: z._default(z.enum(['tagged', 'always', 'never']), 'tagged'),
  /** Comma-separated member account ids (set by the construct; by hand for local runs). */
  PEERING_AUTOPILOT_MEMBER_ACCOUNTS: z._default(
    z
      .string()
      .check(
        z.regex(
          /^\s*(\d{12}\s*(,\s*\d{12}\s*)*)?$/,
          'expected comma-separated 12-digit AWS account ids, e.g. "111111111111,222222222222"',
        ),
      ),
    '',
  ),
  /** The regions the autopilot acts in, in the hub and every member (the construct's `regions`). */
  PEERING_AUTOPILOT_REGIONS: z._default(
    z
      .string()
      .check(
        z.regex(
          /^\s*([a-z]{2}(-[a-z]+)+-\d\s*(,\s*[a-z]{2}(-[a-z]+)+-\d\s*)*)?$/,
          'expected comma-separated region names, e.g. "us-east-1,eu-west-1"',
        ),
      ),
    '',
  ),
  PEERING_AUTOPILOT_MEMBER_ROLE: z._default(
    z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'expected an IAM role name')),
    DEFAULT_MEMBER_ROLE,
  ),
});

export interface Settings {
  readonly acceptPolicy: AcceptPolicy;
  readonly outsideAccounts: OutsideAccounts;
  readonly quotas: Quotas;
  /** A `configured` status younger than this skips re-verification on a no-change run. */
  readonly freshSeconds: number;
  readonly dnsResolution: DnsResolutionMode;
  /** Accounts besides this one whose peerings the autopilot configures, through `memberRole`. */
  readonly members: readonly string[];
  readonly memberRole: string;
  /**
   * Where the autopilot acts: the sweep reads these regions, and a member's side or event outside
   * them is refused or ignored (empty: the home region only).
   */
  readonly regions: readonly string[];
}

/** A comma-separated environment value (member ids, regions): split, trimmed, blanks and repeats dropped. */
export function commaList(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== ''),
    ),
  ];
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const s = parseOrThrow(SettingsSchema, env, 'function settings (environment)');
  return {
    acceptPolicy: s.ACCEPT_POLICY,
    outsideAccounts: s.PEERING_AUTOPILOT_OUTSIDE_ACCOUNTS,
    quotas: {
      routesPerTable: s.ROUTES_PER_TABLE_QUOTA,
      rulesPerSecurityGroup: s.RULES_PER_SECURITY_GROUP_QUOTA,
    },
    freshSeconds: s.FRESH_SECONDS,
    dnsResolution: s.DNS_RESOLUTION,
    members: commaList(s.PEERING_AUTOPILOT_MEMBER_ACCOUNTS),
    memberRole: s.PEERING_AUTOPILOT_MEMBER_ROLE,
    regions: commaList(s.PEERING_AUTOPILOT_REGIONS),
  };
}
