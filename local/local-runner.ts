/**
 * Runs the real ASL in-process with aws-local-stepfunctions, each Lambda task mapped to the real
 * handler module. Only the transport differs from AWS: the handlers' SDK clients go wherever
 * AWS_ENDPOINT_URL points (moto in our tests and demo).
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { callerAccount } from '../functions/commons/aws-clients.js';
import { substitute } from '../state-machines/builder.js';
import { readWorkflowDefinition } from '../state-machines/peering-workflow.js';
import { STEPS, type StepSpec } from '../state-machines/steps.js';

/** One execution event (StateEntered, StateRetried, ExecutionFailed, …) as the library emits it. */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type TaskFunction = (payload: unknown) => Promise<unknown>;

const LOCAL_ARN_PREFIX = 'arn:aws:lambda:local:000000000000:function:peering-autopilot-';

const repoRoot = new URL('../', import.meta.url);

export interface LocalRunOptions {
  /** Replace a step's handler (by placeholder name) — workflow-path tests inject faults here. */
  readonly functions?: Partial<Record<string, TaskFunction>>;
  /** Milliseconds each Wait state waits (default: what the ASL says). */
  readonly waitMs?: number;
  /** Milliseconds between retries (default: what the ASL says). */
  readonly retryMs?: number;
  /** Called for every execution event as it happens (progress output). */
  readonly onEvent?: (event: EventLog) => void;
}

export interface LocalRunOutcome {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: Record<string, unknown>;
  readonly error?: string;
  readonly cause?: string;
  readonly events: EventLog[];
}

function fakeContext(fn: StepSpec, accountId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `peering-autopilot-${fn.id}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:${accountId}:function:peering-autopilot-${fn.id}`,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/local/peering-autopilot-${fn.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Which function (step id, or `Starter`) is running: lets a call recorder attribute each AWS call. */
export const runningFunction = new AsyncLocalStorage<string>();

const realHandlers = new Map<string, Promise<TaskFunction>>();

/** Loads the real handler module for a step (once per process, as a warm Lambda would). */
function realHandler(fn: StepSpec, accountId: string): Promise<TaskFunction> {
  let loaded = realHandlers.get(fn.placeholder);
  if (!loaded) {
    const url = new URL(fn.entry, repoRoot).href;
    loaded = import(url).then((mod: { handler: (e: unknown, c: Context) => Promise<unknown> }) => {
      return (payload: unknown) =>
        runningFunction.run(fn.id, () => mod.handler(payload, fakeContext(fn, accountId)));
    });
    realHandlers.set(fn.placeholder, loaded);
  }
  return loaded;
}

/** Collects every Task state name (Parallel branches and Map iterators included). */
function taskStates(
  states: Record<string, { Type: string; Branches?: unknown[]; Iterator?: unknown; ItemProcessor?: unknown }>,
) {
  const names: string[] = [];
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') names.push(name);
    for (const sub of [...(state.Branches ?? []), state.Iterator, state.ItemProcessor]) {
      const inner = (sub as { States?: typeof states } | undefined)?.States;
      if (inner) names.push(...taskStates(inner));
    }
  }
  return names;
}

/** Runs one execution of the peering workflow locally and returns its outcome and event log. */
export async function runLocalWorkflow(
  input: unknown,
  options: LocalRunOptions = {},
): Promise<LocalRunOutcome> {
  const arns = Object.fromEntries(STEPS.map((f) => [f.placeholder, `${LOCAL_ARN_PREFIX}${f.id}`]));
  const definition = JSON.parse(substitute(readWorkflowDefinition(), arns));
  const byArn = new Map(STEPS.map((f) => [`${LOCAL_ARN_PREFIX}${f.id}`, f]));

  const invoke = async (params: JsonValue): Promise<JsonValue> => {
    const { FunctionName, Payload } = params as { FunctionName: string; Payload: unknown };
    const fn = byArn.get(FunctionName);
    if (!fn) throw new Error(`no local function for ${FunctionName}`);
    const run = options.functions?.[fn.placeholder] ?? (await realHandler(fn, await callerAccount()));
    const result = await run(structuredClone(Payload));
    return { StatusCode: 200, Payload: (result ?? null) as JsonValue };
  };
  const names = taskStates(definition.States);
  const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
  const execution = machine.run(input as JsonValue, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(names.map((n) => [n, invoke])),
      ...(options.waitMs === undefined
        ? {}
        : {
            waitTimeOverrides: Object.fromEntries(
              waitStates(definition.States).map((n) => [n, options.waitMs as number]),
            ),
          }),
      ...(options.retryMs === undefined
        ? {}
        : { retryIntervalOverrides: Object.fromEntries(names.map((n) => [n, options.retryMs as number])) }),
    },
    context: {
      Execution: {
        Id: `local-${Date.now()}`,
        Name: 'local',
        StartTime: new Date().toISOString(),
        Input: input as JsonValue,
      },
    },
  });
  const events: EventLog[] = [];
  const collect = (async () => {
    for await (const event of execution.eventLogs) {
      events.push(event);
      options.onEvent?.(event);
    }
  })();
  try {
    const output = (await execution.result) as Record<string, unknown>;
    await collect;
    return { status: 'SUCCEEDED', output, events };
  } catch (error) {
    await collect.catch(() => undefined);
    if (!(error instanceof ExecutionError)) throw error;
    const failed = events.find((e) => e.type === 'ExecutionFailed') as
      | { Error?: string; Cause?: unknown }
      | undefined;
    return {
      status: 'FAILED',
      error: failed?.Error ?? error.name,
      cause: typeof failed?.Cause === 'string' ? failed.Cause : error.message,
      events,
    };
  }
}

function waitStates(states: Record<string, { Type: string }>): string[] {
  return Object.entries(states)
    .filter(([, s]) => s.Type === 'Wait')
    .map(([n]) => n);
}

export const REPO_ROOT = fileURLToPath(repoRoot);
