/**
 * Turns the step table's IAM grants (plain data) into policy statements scoped to this stack's
 * partition and account and the configured regions.
 */
import { Arn, type Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Grant } from '../state-machines/steps.js';

function resources(grant: Grant, stack: Stack, regions: readonly string[]): string[] {
  const r = grant.resource;
  if (r === '*') return ['*'];
  const account = r.owner === 'any' ? '*' : r.owner === 'aws' ? '' : stack.account;
  return regions.map((region) =>
    Arn.format({ service: r.service, region, account, resource: r.type, resourceName: r.name ?? '*' }, stack),
  );
}

function fill(value: string | readonly string[], stack: Stack): string | string[] {
  const one = (v: string) =>
    v.replaceAll('<Partition>', stack.partition).replaceAll('<Account>', stack.account);
  return typeof value === 'string' ? one(value) : value.map(one);
}

/** One PolicyStatement per grant. */
export function statementsFor(
  grants: readonly Grant[],
  stack: Stack,
  regions: readonly string[],
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
                  Object.fromEntries(Object.entries(pairs).map(([k, v]) => [k, fill(v, stack)])),
                ]),
              ),
            }
          : {}),
      }),
  );
}
