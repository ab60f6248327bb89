/**
 * A small typed builder for JSONPath ASL: what repeats in the workflow is written once here — the
 * Lambda task with the shared retry policy and the standard Catch, and the result states built from
 * one field list. Pure data out; `generate.ts` writes it to the committed `.asl.json`.
 */
import { type StepId, step } from './steps.js';

export type State = Record<string, unknown>;
export type States = Record<string, State>;

/**
 * Retry policy for every Lambda task. Lambda service errors never reach our code, so they get their
 * own budget (3 retries, 2 s base). AWS throttling and 5xx that outlast the SDK's own 3 attempts get
 * 2 more state attempts (5 s, then 10 s, capped at 30 s): at most 9 calls per AWS call in all.
 */
export const LAMBDA_RETRY = {
  ErrorEquals: [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.TooManyRequestsException',
  ],
  IntervalSeconds: 2,
  MaxAttempts: 3,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
} as const;
export const AWS_RETRY = {
  ErrorEquals: ['RequestLimitExceeded', 'ThrottlingException', 'InternalError', 'ServiceUnavailable'],
  IntervalSeconds: 5,
  MaxAttempts: 2,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
} as const;

export interface TaskOptions {
  readonly comment: string;
  /** `Payload.$` path, or a Payload object (JSONPath `.$` keys allowed). */
  readonly payload: string | Record<string, unknown>;
  readonly resultSelector?: Record<string, string>;
  readonly resultPath: string | null;
  readonly next?: string;
  readonly end?: boolean;
  /** Where failures go. Default: `$.error` and the report-failure state. */
  readonly catch?: { readonly next: string; readonly resultPath?: string | null };
  /** Retry AWS throttling and 5xx at the state level (not for best-effort steps). @default true */
  readonly retryAws?: boolean;
}

/** Names of the states every task fails to, unless it says otherwise. */
export const REPORT_FAILURE = 'ReportFailure';

/** A `lambda:invoke` Task for a step of the table: placeholder, timeout, retry and catch applied once. */
export function task(stepId: StepId, o: TaskOptions): State {
  const spec = step(stepId);
  const caught = o.catch ?? { next: REPORT_FAILURE, resultPath: '$.error' };
  return {
    Type: 'Task',
    Comment: o.comment,
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: {
      FunctionName: `\${${spec.placeholder}}`,
      ...(typeof o.payload === 'string' ? { 'Payload.$': o.payload } : { Payload: o.payload }),
    },
    ...(o.resultSelector
      ? {
          ResultSelector: Object.fromEntries(Object.entries(o.resultSelector).map(([k, v]) => [`${k}.$`, v])),
        }
      : {}),
    ResultPath: o.resultPath,
    TimeoutSeconds: spec.taskTimeoutSeconds,
    Retry: o.retryAws === false ? [LAMBDA_RETRY] : [LAMBDA_RETRY, AWS_RETRY],
    Catch: [
      {
        ErrorEquals: ['States.ALL'],
        ...(caught.resultPath === undefined ? {} : { ResultPath: caught.resultPath }),
        Next: caught.next,
      },
    ],
    ...(o.end ? { End: true } : { Next: o.next }),
  };
}

/** Every field of the workflow result (ARCHITECTURE.md), and where a finished run finds it. */
export const RESULT_FIELDS = {
  peeringConnectionId: '$.inspection.peeringConnectionId',
  decision: '$.inspection.decision',
  reason: '$.inspection.reason',
  approval: '$.inspection.approval',
  invalidTag: '$.inspection.invalidTag',
  status: '$.inspection.status',
  seenIn: '$.inspection.seenIn',
  recordedStatus: '$.inspection.recordedStatus',
  dryRun: '$.inspection.dryRun',
  trigger: '$.inspection.trigger',
  requester: '$.inspection.requester',
  accepter: '$.inspection.accepter',
  routes: '$.changes.routes',
  securityGroupRules: '$.changes.securityGroupRules',
  options: '$.changes.options',
  verification: '$.verification',
} as const;
export type ResultField = keyof typeof RESULT_FIELDS;

/**
 * A Pass state that shapes the workflow result from the one field list. `literal` replaces a
 * field's path with a fixed value; `extra` adds fields (paths when the key ends in `.$`).
 */
export function resultState(
  comment: string,
  next: string,
  literal: Partial<Record<ResultField, unknown>> = {},
  extra: Record<string, unknown> = {},
): State {
  const fields = Object.entries(RESULT_FIELDS).map(([field, path]) =>
    field in literal ? [field, literal[field as ResultField]] : [`${field}.$`, path],
  );
  return {
    Type: 'Pass',
    Comment: comment,
    Parameters: { ...Object.fromEntries(fields), ...extra },
    Next: next,
  };
}

/** A skipped verification, for results that never ping (refused, cleaned up). */
export function skippedVerification(reason: string) {
  return { status: 'skipped', reason, probes: [], diagnosis: [] };
}

/** `{Variable, <test>: value, Next}` — one Choice rule. */
export function when(
  variable: string,
  test: Record<string, unknown>,
  next?: string,
): Record<string, unknown> {
  return { Variable: variable, ...test, ...(next ? { Next: next } : {}) };
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
