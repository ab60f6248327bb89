/**
 * The peering workflow's ASL and the functions behind its `${Placeholder}`s: one list shared by
 * the CDK construct (which substitutes real ARNs) and the local runner (which maps each
 * placeholder to the same handler code in-process).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PEERING_WORKFLOW_ASL = fileURLToPath(new URL('./peering-workflow.asl.json', import.meta.url));

export interface WorkflowFunction {
  /** Construct id and human name of the step. */
  readonly id: string;
  /** The `${…}` placeholder in the ASL that takes this function's ARN. */
  readonly placeholder: string;
  /** Handler module, relative to the repository root. */
  readonly entry: string;
}

export const WORKFLOW_FUNCTIONS: readonly WorkflowFunction[] = [
  { id: 'Inspect', placeholder: 'InspectFunctionArn', entry: 'functions/inspect/handler.ts' },
  { id: 'Activation', placeholder: 'ActivationFunctionArn', entry: 'functions/activation/handler.ts' },
  { id: 'Plan', placeholder: 'PlanFunctionArn', entry: 'functions/plan/handler.ts' },
  { id: 'Apply', placeholder: 'ApplyFunctionArn', entry: 'functions/apply/handler.ts' },
  { id: 'Verify', placeholder: 'VerifyFunctionArn', entry: 'functions/verify/handler.ts' },
  { id: 'Cleanup', placeholder: 'CleanupFunctionArn', entry: 'functions/cleanup/handler.ts' },
  { id: 'Report', placeholder: 'ReportFunctionArn', entry: 'functions/report/handler.ts' },
];

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
