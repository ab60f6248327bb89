/**
 * `run` against the deployed state machine (client-sfn): start an execution, optionally follow
 * its history as it advances, and return the workflow result.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { CliError } from './live.js';

/** The deployed workflow: an explicit ARN, else the one state machine named PeeringAutopilotWorkflow*. */
export async function findStateMachine(sfn: SFNClient, explicit?: string): Promise<string> {
  if (explicit) return explicit;
  const found: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    for (const sm of page.stateMachines ?? []) {
      if (sm.name?.startsWith('PeeringAutopilotWorkflow') && sm.stateMachineArn)
        found.push(sm.stateMachineArn);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  if (found.length === 1) return found[0] as string;
  throw new CliError(
    found.length === 0
      ? 'no deployed Peering Autopilot state machine found in this region (deploy it, or pass --state-machine <arn>)'
      : `several Peering Autopilot state machines found (${found.join(', ')}): pass --state-machine <arn>`,
  );
}

export interface FollowOptions {
  readonly follow: boolean;
  readonly onProgress: (line: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  /** Give up following after this long, ms. */
  readonly deadlineMs: number;
  readonly now: () => number;
}

/** One progress line per history event a person cares about. */
export function describeEvent(e: HistoryEvent): string | undefined {
  switch (e.type) {
    case 'TaskStateEntered':
    case 'ChoiceStateEntered':
    case 'WaitStateEntered':
    case 'PassStateEntered':
      return `  -> ${e.stateEnteredEventDetails?.name}`;
    case 'TaskStateExited':
      return `     ${e.stateExitedEventDetails?.name} done`;
    case 'LambdaFunctionFailed':
    case 'TaskFailed': {
      const d = e.lambdaFunctionFailedEventDetails ?? e.taskFailedEventDetails;
      return `     ! ${d?.error}: ${d?.cause?.slice(0, 200)}`;
    }
    case 'ExecutionSucceeded':
      return '  execution succeeded';
    case 'ExecutionFailed':
      return `  execution failed: ${e.executionFailedEventDetails?.error}: ${e.executionFailedEventDetails?.cause}`;
    case 'ExecutionTimedOut':
      return '  execution timed out';
    default:
      return undefined;
  }
}

export interface DeployedOutcome {
  readonly executionArn: string;
  readonly status: string;
  readonly output?: Record<string, unknown>;
  readonly error?: string;
  readonly cause?: string;
}

export async function runDeployed(
  sfn: SFNClient,
  stateMachineArn: string,
  input: { peeringConnectionId: string; dryRun: boolean },
  options: FollowOptions,
): Promise<DeployedOutcome> {
  const started = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  const executionArn = started.executionArn as string;
  options.onProgress(`started ${executionArn}`);
  if (!options.follow) return { executionArn, status: 'RUNNING' };
  const deadline = options.now() + options.deadlineMs;
  let lastId = 0;
  for (;;) {
    // Read the history from the start each time; print only events not printed yet.
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
      );
      for (const e of page.events ?? []) {
        if ((e.id ?? 0) <= lastId) continue;
        lastId = e.id ?? lastId;
        const line = describeEvent(e);
        if (line) options.onProgress(line);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') {
      return {
        executionArn,
        status: described.status ?? 'UNKNOWN',
        ...(described.output ? { output: JSON.parse(described.output) as Record<string, unknown> } : {}),
        ...(described.error ? { error: described.error } : {}),
        ...(described.cause ? { cause: described.cause } : {}),
      };
    }
    if (options.now() > deadline) return { executionArn, status: 'RUNNING' };
    await options.sleep(2000);
  }
}
