/**
 * The peering workflow's generated ASL file and its `${Placeholder}`s: the CDK construct substitutes
 * real ARNs, the local runner maps each placeholder to the same handler code in-process. The steps
 * behind the placeholders are the step table (steps.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STEPS, type StepSpec } from './steps.js';

export const PEERING_WORKFLOW_ASL = fileURLToPath(new URL('./peering-workflow.asl.json', import.meta.url));

/** A workflow step's function (the step table's row). */
export type WorkflowFunction = StepSpec;

/** The functions behind the ASL's placeholders: the step table, in flow order. */
export const WORKFLOW_FUNCTIONS: readonly WorkflowFunction[] = STEPS;

export function readWorkflowDefinition(): string {
  return readFileSync(PEERING_WORKFLOW_ASL, 'utf8');
}

/** Every `${Name}` placeholder in an ASL text. */
export function placeholdersIn(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1] as string))].sort();
}

/** Replaces each `${Name}` with its value; throws naming any placeholder left without one. */
export function substitute(definition: string, values: Readonly<Record<string, string>>): string {
  const missing = placeholdersIn(definition).filter((p) => values[p] === undefined);
  if (missing.length > 0) throw new Error(`no substitution for ASL placeholder(s): ${missing.join(', ')}`);
  return definition.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, name: string) => values[name] as string);
}
