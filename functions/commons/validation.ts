/**
 * Parse at the edge: zod schemas through the Powertools parser, with failures turned into one
 * InputValidationError whose message names each bad field and its value.
 */
import { parse } from '@aws-lambda-powertools/parser';
import type * as z from 'zod/mini';
import { InputValidationError } from './errors.js';
import './zod.js';

interface Issue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = data;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Formats schema issues as `field: message (got value)`, one per issue. */
export function describeIssues(what: string, data: unknown, issues: readonly Issue[]): string {
  const parts = issues.map((issue) => {
    const path = (issue.path ?? []).map((p) => (typeof p === 'object' ? p.key : p));
    const field = path.length > 0 ? path.map(String).join('.') : '(root)';
    return `${field}: ${issue.message} (got ${show(valueAt(data, path))})`;
  });
  return `invalid ${what}: ${parts.join('; ')}`;
}

/** Validates `data` or throws InputValidationError naming the field and value. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, data: unknown, what: string): z.output<S> {
  const result = parse(data, undefined, schema, true);
  if (result.success) return result.data as z.output<S>;
  const issues = (result.error.cause ?? []) as readonly Issue[];
  throw new InputValidationError(describeIssues(what, data, issues));
}
