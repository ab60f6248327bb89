/**
 * Turns the step table's IAM grants (plain data) into policy statements scoped to this stack's
 * partition and account and the configured regions.
 */
import { Arn, type Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Grant } from '../state-machines/steps.js';

/**
 * Path of every hub function role: the member role trusts the hub's roles under it (by
 * `aws:PrincipalArn`), so no other role of the hub account can act in a member.
 */
export const HUB_ROLE_PATH = '/peering-autopilot/';

function resources(grant: Grant, stack: Stack, regions: readonly string[]): string[] {
  const r = grant.resource;
  if (r === '*') return ['*'];
  const account = r.owner === 'any' ? '*' : r.owner === 'aws' ? '' : stack.account;
  return regions.map((region) =>
    Arn.format({ service: r.service, region, account, resource: r.type, resourceName: r.name ?? '*' }, stack),
  );
}

function fill(value: string | readonly string[], stack: Stack, peers: readonly string[]): string | string[] {
  const one = (v: string) =>
    v.replaceAll('<Partition>', stack.partition).replaceAll('<Account>', stack.account);
  const all = (typeof value === 'string' ? [value] : value).flatMap((v) =>
    v.includes('<Peers>') ? peers.map((p) => one(v.replaceAll('<Peers>', p))) : [one(v)],
  );
  return typeof value === 'string' && all.length === 1 ? (all[0] as string) : all;
}

/**
 * One PolicyStatement per grant. `peers` fills `<Peers>`: by default this account and `members`
 * (the hub's roles); a member's role passes `['*']`.
 */
export function statementsFor(
  grants: readonly Grant[],
  stack: Stack,
  regions: readonly string[],
  peers: readonly string[] = [stack.account],
): PolicyStatement[] {
  return grants.map(
    (g) =>
      new PolicyStatement({
        actions: [...g.actions],
        resources: resources(g, stack, regions),
        ...(g.conditions
          ? {
              conditions: Object.fromEntries(
                Object.entries(g.conditions).map(([op, pairs]) => [
                  op,
                  Object.fromEntries(Object.entries(pairs).map(([k, v]) => [k, fill(v, stack, peers)])),
                ]),
              ),
            }
          : {}),
      }),
  );
}

/** What a hub function needs to act in its members: AssumeRole into each member's role, nothing else. */
export function memberRoleStatements(
  stack: Stack,
  members: readonly string[],
  memberRole: string,
): PolicyStatement[] {
  if (members.length === 0) return [];
  return [
    new PolicyStatement({
      actions: ['sts:AssumeRole'],
      resources: members.map((account) =>
        Arn.format(
          { service: 'iam', region: '', account, resource: 'role', resourceName: memberRole },
          stack,
        ),
      ),
    }),
  ];
}
