/**
 * cdk-nag suppressions, written as the template metadata cdk-nag reads (`cdk_nag.rules_to_suppress`
 * on each resource, the format its README documents for suppressing in a template), so that users
 * who run cdk-nag see our justified findings suppressed, and users who do not need no cdk-nag at
 * synth. Same shape and the same merge as cdk-nag's NagSuppressions.addResourceSuppressions.
 */
import { Buffer } from 'node:buffer';
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One rule suppressed, with its reason; `appliesTo` narrows it to findings (strings or `{regex}`). */
export interface Suppression {
  readonly id: string;
  readonly reason: string;
  readonly appliesTo?: ReadonlyArray<string | { readonly regex: string }>;
}

/** Adds `suppressions` to `construct`'s resource, or to every resource under it with `applyToChildren`. */
export function suppressFindings(
  construct: IConstruct,
  suppressions: readonly Suppression[],
  applyToChildren = false,
): void {
  for (const s of suppressions) {
    if (s.reason.length < 10) throw new Error(`cdk-nag suppression ${s.id}: the reason must say why`);
  }
  for (const child of applyToChildren ? construct.node.findAll() : [construct]) {
    const resource = child.node.defaultChild ?? child;
    if (!(resource instanceof CfnResource)) continue;
    const existing: unknown[] = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
    const rules = [...existing, ...suppressions.map(toMetadata)].map((r) => JSON.stringify(r));
    resource.addMetadata('cdk_nag', { rules_to_suppress: [...new Set(rules)].map((r) => JSON.parse(r)) });
  }
}

/** cdk-nag's metadata form: `applies_to`, and a reason outside Latin-1 base64-encoded. */
function toMetadata(s: Suppression): Record<string, unknown> {
  const encoded = [...s.reason].some((c) => (c.codePointAt(0) ?? 0) > 255);
  return {
    reason: encoded ? Buffer.from(s.reason).toString('base64') : s.reason,
    id: s.id,
    ...(s.appliesTo ? { applies_to: s.appliesTo } : {}),
    ...(encoded ? { is_reason_encoded: true } : {}),
  };
}
