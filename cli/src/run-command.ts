/**
 * `peering-autopilot run <pcx>`: one execution of the workflow, on the deployed state machine or
 * in-process (`--local`), then the summary (or the result as JSON) and the exit code Report's
 * outcome gives.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { CLIENT_TIMEOUTS, homeRegion } from '../../functions/commons/aws-clients.js';
import { readSettings } from '../../functions/commons/settings.js';
import { findStateMachine, runDeployed } from './deployed.js';
import { EXIT, type Io, quietLocalHandlers } from './io.js';
import { exitCodeFor, renderResult, type WorkflowResult } from './report.js';

export interface RunOptions {
  local?: boolean;
  dryRun?: boolean;
  json?: boolean;
  verbose?: boolean;
  follow?: boolean;
  stateMachine?: string;
  account?: string;
  region?: string;
}

/** Runs the workflow for `pcx`; returns the exit code (`codeFor` the result's, when it finished). */
export async function runCommand(
  pcx: string,
  opts: RunOptions,
  io: Io,
  codeFor: (result: WorkflowResult) => number = exitCodeFor,
): Promise<number> {
  const input = {
    peeringConnectionId: pcx,
    dryRun: opts.dryRun ?? false,
    ...(opts.account ? { account: opts.account } : {}),
    ...(opts.region ? { region: opts.region } : {}),
  };
  let status: string;
  let output: Record<string, unknown> | undefined;
  let error: string | undefined;
  let cause: string | undefined;
  if (opts.local) {
    quietLocalHandlers(opts.verbose ?? false);
    // The local engine (aws-local-stepfunctions, every handler) loads only for --local.
    // biome-ignore lint/style/noRestrictedImports: the one place the CLI loads local/, lazily, for --local
    const { runLocalWorkflow } = await import('../../local/local-runner.js');
    const outcome = await runLocalWorkflow(input);
    ({ status, output, error, cause } = outcome);
  } else {
    const sfn = new SFNClient({ ...CLIENT_TIMEOUTS });
    const arn = await findStateMachine(sfn, opts.stateMachine);
    const outcome = await runDeployed(sfn, arn, input, {
      follow: opts.follow ?? false,
      onProgress: (line) => (opts.json ? io.err(line) : io.out(line)),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      deadlineMs: 15 * 60_000,
      now: () => Date.now(),
    });
    ({ status, output, error, cause } = outcome);
    if (status === 'RUNNING') {
      io.out(
        opts.json
          ? JSON.stringify({ executionArn: outcome.executionArn, status })
          : `execution ${outcome.executionArn} is running`,
      );
      return EXIT.ok;
    }
  }
  if (status !== 'SUCCEEDED' || !output) {
    if (opts.json) io.out(JSON.stringify({ status, error, cause }, null, 2));
    io.err(`workflow failed: ${error}: ${cause}`);
    return EXIT.failed;
  }
  const result = output as unknown as WorkflowResult;
  const seen = result.seenIn;
  // Say where the workflow found a peering the operator did not place: another region, a member.
  const members = readSettings().members;
  const searched =
    !opts.account && !opts.region && seen && (seen.region !== homeRegion() || members.includes(seen.account));
  io.out(
    opts.json
      ? JSON.stringify(result, null, 2)
      : `${searched ? `Found in account ${seen.account}, region ${seen.region}.\n` : ''}${renderResult(result)}`,
  );
  return codeFor(result);
}
