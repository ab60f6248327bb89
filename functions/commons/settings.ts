/**
 * Function settings from environment variables (set by the CDK construct), validated once.
 */

import * as z from 'zod/mini';
import type { AcceptPolicy } from '../network/decision.js';
import { DEFAULT_QUOTAS, type Quotas } from '../network/plan.js';
import { parseOrThrow } from './validation.js';
import { envInt } from './zod.js';

const SettingsSchema = z.object({
  ACCEPT_POLICY: z._default(z.enum(['same-account', 'tagged-only']), 'same-account'),
  ROUTES_PER_TABLE_QUOTA: envInt(1, 1000, DEFAULT_QUOTAS.routesPerTable),
  RULES_PER_SECURITY_GROUP_QUOTA: envInt(1, 1000, DEFAULT_QUOTAS.rulesPerSecurityGroup),
  FRESH_SECONDS: envInt(0, 7 * 24 * 3600, 55 * 60),
});

export interface Settings {
  readonly acceptPolicy: AcceptPolicy;
  readonly quotas: Quotas;
  /** A `configured` status younger than this skips re-verification on a no-change run. */
  readonly freshSeconds: number;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const s = parseOrThrow(SettingsSchema, env, 'function settings (environment)');
  return {
    acceptPolicy: s.ACCEPT_POLICY,
    quotas: {
      routesPerTable: s.ROUTES_PER_TABLE_QUOTA,
      rulesPerSecurityGroup: s.RULES_PER_SECURITY_GROUP_QUOTA,
    },
    freshSeconds: s.FRESH_SECONDS,
  };
}
