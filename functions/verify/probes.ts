/**
 * Probe selection and the SSM ping: which instance pings which, sending the command, and
 * polling its invocation to a verdict with a deadline. Clients and clock come in as arguments.
 */
import {
  GetCommandInvocationCommand,
  type GetCommandInvocationCommandOutput,
  SendCommandCommand,
  type SendCommandCommandOutput,
} from '@aws-sdk/client-ssm';
import { isAwsError, type SsmFor } from '../commons/aws-clients.js';
import type { VerificationStatus } from '../commons/contracts.js';
import type { InstanceFacts } from '../network/path-model.js';
import { type PingResult, type Probe, parsePing, probeScript } from '../network/ping.js';

export type ProbeStatus = VerificationStatus;

export interface ProbeInstance extends InstanceFacts {
  /** The instance's account and region: the command is sent there, as that owner. */
  readonly ownerId: string;
  readonly region: string;
  readonly role?: string;
}

export interface ProbeSettings {
  readonly count: number;
  readonly waitSeconds: number;
  /** SSM executionTimeout for the script, seconds. */
  readonly commandTimeoutSeconds: number;
  /** Give up polling GetCommandInvocation after this long, ms. */
  readonly pollDeadlineMs: number;
  /** First poll after this long (ping needs ~count x 1 s), then every pollIntervalMs. */
  readonly firstPollMs: number;
  readonly pollIntervalMs: number;
}

export const DEFAULT_PROBE_SETTINGS: ProbeSettings = {
  count: 3,
  waitSeconds: 2,
  commandTimeoutSeconds: 30,
  pollDeadlineMs: 45_000,
  firstPollMs: 4_000,
  pollIntervalMs: 2_000,
};

export interface ProbeDeps {
  readonly ssmFor: SsmFor;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly settings: ProbeSettings;
  /**
   * When the whole verification must be done (epoch ms, inside the function's timeout): a probe
   * that cannot finish by then is `inconclusive`, never a failed run.
   */
  readonly deadline?: number;
}

/** Errors that mean "no answer in time" (SDK request timeout, aborted socket), not a verdict. */
const NO_ANSWER = ['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException'];

/** Statuses after which nothing more will happen to an invocation. */
const INCONCLUSIVE: Record<string, string> = {
  DeliveryTimedOut: 'the SSM agent never picked the command up (delivery timed out)',
  Undeliverable: 'the command could not be delivered (instance unknown to SSM, or agent offline)',
  Terminated: 'the command was terminated on the instance',
  InvalidPlatform: 'the source is not a Linux instance (AWS-RunShellScript)',
  AccessDenied: 'SSM was denied running the command (instance profile permissions)',
  Canceled: 'the command was cancelled',
  Cancelled: 'the command was cancelled',
  ExecutionTimedOut: 'the ping script did not finish within its timeout',
  TimedOut: 'the command timed out',
};
const RUNNING = ['Pending', 'InProgress', 'Delayed'];

/** Turns a finished invocation into a verdict. Success with no output is never a pass. */
export function verdictOf(inv: Pick<GetCommandInvocationCommandOutput, 'Status' | 'StandardOutputContent'>): {
  status: ProbeStatus;
  reason: string;
  ping?: PingResult;
} {
  const status = inv.Status ?? 'Unknown';
  const ping = parsePing(inv.StandardOutputContent ?? '');
  if (status === 'Success' || status === 'Failed') {
    if (!ping)
      return {
        status: 'inconclusive',
        reason: `SSM said ${status} but the ping printed nothing (no data plane?)`,
      };
    if (ping.error) return { status: 'failed', reason: `ping could not run: ${ping.error}`, ping };
    if (ping.lossPercent === 0 && ping.received > 0) {
      return {
        status: 'passed',
        reason: `${ping.received}/${ping.transmitted} replies, avg ${ping.rtt?.avg ?? '?'} ms`,
        ping,
      };
    }
    return {
      status: 'failed',
      reason: `${ping.received}/${ping.transmitted} replies, ${ping.lossPercent}% loss`,
      ping,
    };
  }
  return { status: 'inconclusive', reason: INCONCLUSIVE[status] ?? `unexpected invocation status ${status}` };
}

/** Sends the ping from `source` to `target` and polls to a verdict within the deadline. */
export async function runProbe(
  source: ProbeInstance,
  target: ProbeInstance,
  deps: ProbeDeps,
): Promise<Probe> {
  const base = {
    source: source.instanceId,
    ...(source.name ? { sourceName: source.name } : {}),
    target: target.instanceId,
    ...(target.name ? { targetName: target.name } : {}),
    targetIp: target.privateIp,
  };
  const { settings } = deps;
  const ssm = deps.ssmFor(source);
  const budget = deps.deadline ?? Number.POSITIVE_INFINITY;
  if (budget - deps.now() < settings.firstPollMs + settings.pollIntervalMs) {
    return {
      ...base,
      status: 'inconclusive',
      reason: 'no time left in this verification run for another probe',
    };
  }
  const noAnswer = (error: unknown, commandId?: string): Probe => ({
    ...base,
    status: 'inconclusive',
    reason: `SSM did not answer in time (${(error as Error).name})`,
    ...(commandId ? { commandId } : {}),
  });
  let sent: SendCommandCommandOutput;
  try {
    sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [source.instanceId],
        Comment: `peering-autopilot ping ${target.privateIp}`.slice(0, 100),
        TimeoutSeconds: 60,
        Parameters: {
          commands: probeScript(target.privateIp, settings.count, settings.waitSeconds),
          executionTimeout: [String(settings.commandTimeoutSeconds)],
        },
      }),
    );
  } catch (error) {
    if (isAwsError(error, ...NO_ANSWER)) return noAnswer(error);
    throw error;
  }
  const commandId = sent.Command?.CommandId;
  if (!commandId) return { ...base, status: 'inconclusive', reason: 'SSM returned no command id' };
  const started = deps.now();
  const deadline = Math.min(started + settings.pollDeadlineMs, budget);
  await deps.sleep(settings.firstPollMs);
  let last = 'Pending';
  for (;;) {
    try {
      const inv = await ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: source.instanceId }),
      );
      last = inv.Status ?? 'Unknown';
      if (!RUNNING.includes(last)) return { ...base, ...verdictOf(inv), commandId, invocationStatus: last };
    } catch (error) {
      // Just after SendCommand the invocation may not exist yet: wait and ask again.
      if (isAwsError(error, ...NO_ANSWER)) return noAnswer(error, commandId);
      if (!isAwsError(error, 'InvocationDoesNotExist')) throw error;
    }
    if (deps.now() + settings.pollIntervalMs > deadline) {
      return {
        ...base,
        status: 'inconclusive',
        reason: `no result within ${Math.round((deadline - started) / 1000)} s (last status ${last})`,
        commandId,
        invocationStatus: last,
      };
    }
    await deps.sleep(settings.pollIntervalMs);
  }
}
