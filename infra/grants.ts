/**
 * Turns the step table's IAM grants (plain data) into policy statements scoped to this stack's
 * partition and account and the configured regions.
 */
import { Arn, type Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Grant, StepId } from '../state-machines/steps.js';

/**
 * Path of every hub function role: the member role trusts the hub's roles under it (by
 * `aws:PrincipalArn`), so no other role of the hub account can act in a member.
 */
export const HUB_ROLE_PATH = '/peering-autopilot/';

/**
 * The IAM role tag that names a hub function's step. Each member role trusts only the hub role whose
 * tag names its step (`aws:PrincipalTag`), so Inspect can assume only the read-only Inspect role.
 */
export const STEP_TAG = 'peering-autopilot:step';

/** Who acts in a member: a workflow step, or the starter (its event and sweep reads). */
export type MemberRoleUser = StepId | 'Starter';

/**
 * The member role one step assumes: `<memberRoleName>-<Step>` (e.g. `PeeringAutopilotMember-Apply`).
 * One role per step, each with that step's statements only: a step can do no more in a member
 * than in the hub.
 */
export function memberRoleFor(memberRoleName: string, user: MemberRoleUser): string {
  return `${memberRoleName}-${user}`;
}

/** The longest step suffix (`-Activation`): the base name leaves room for it in IAM's 64 characters. */
export const MEMBER_ROLE_NAME_MAX = 64 - '-Activation'.length;

function resources(grant: Grant, stack: Stack, regions: readonly string[]): string[] {
  const r = grant.resource;
  if (r === '*') return ['*'];
  const account = r.owner === 'any' ? '*' : r.owner === 'aws' ? '' : stack.account;
  return regions.map((region) =>
    Arn.format({ service: r.service, region, account, resource: r.type, resourceName: r.name ?? '*' }, stack),
  );
}

function fill(value: string | readonly string[], stack: Stack, peers: readonly string[]): string | string[] {
  // split/join, not replaceAll: the package compiles for ES2020 (jsii), where strings have no replaceAll.
  const put = (v: string, name: string, text: string) => v.split(name).join(text);
  const one = (v: string) => put(put(v, '<Partition>', stack.partition), '<Account>', stack.account);
  const all = (typeof value === 'string' ? [value] : value).flatMap((v) =>
    v.includes('<Peers>') ? peers.map((p) => one(put(v, '<Peers>', p))) : [one(v)],
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
