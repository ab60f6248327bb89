/**
 * `peering-autopilot` — the operator CLI. Exit codes: 0 configured (or already fine),
 * 1 the workflow failed or an error occurred, 2 the peering was refused, 64 bad usage.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { PEERING_ID } from '../../functions/inspect/inspect.js';
import { runDemo } from './demo.js';
import { runLocalWorkflow } from './local-runner.js';
import { exitCodeFor, renderResult, type WorkflowResult } from './report.js';

export const EXIT = { ok: 0, failed: 1, refused: 2, usage: 64 } as const;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}
const stdio: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};

function peeringId(value: string): string {
  if (!PEERING_ID.test(value)) {
    throw new InvalidArgumentError(
      `"${value}" is not a peering connection id (expected pcx- and 8 or 17 hex digits)`,
    );
  }
  return value;
}

/** Keeps the handlers' structured logs and EMF off stdout for local runs (unless --verbose). */
export function quietLocalHandlers(verbose: boolean): void {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // A local emulator answers GetCommandInvocation at once; a real account needs the ping's time.
  if (/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(process.env.AWS_ENDPOINT_URL ?? '')) {
    process.env.PROBE_FIRST_POLL_MS ??= '100';
  }
  if (!verbose) process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('peering-autopilot')
    .description(
      'Makes AWS VPC peering just work: accept, route both sides, open opted-in security groups, verify.',
    )
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  program
    .command('run')
    .description('Run the peering workflow for one peering connection.')
    .argument('<pcx-id>', 'peering connection id', peeringId)
    .option('--local', 'run the real workflow in-process (aws-local-stepfunctions) against AWS_ENDPOINT_URL')
    .option('--dry-run', 'plan and report every change without making any')
    .option('--json', 'print exactly the workflow result as JSON')
    .option('--verbose', "show the step functions' structured logs (local runs)")
    .addHelpText(
      'after',
      `
Examples:
  AWS_ENDPOINT_URL=http://127.0.0.1:5000 peering-autopilot run pcx-0123456789abcdef0 --local
  peering-autopilot run pcx-0123456789abcdef0 --local --dry-run --json`,
    )
    .action(
      async (pcx: string, opts: { local?: boolean; dryRun?: boolean; json?: boolean; verbose?: boolean }) => {
        if (!opts.local) {
          io.err(
            'run without --local (starting the deployed state machine) is not available in this version; use --local',
          );
          setExit(EXIT.usage);
          return;
        }
        quietLocalHandlers(opts.verbose ?? false);
        const outcome = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: opts.dryRun ?? false });
        if (outcome.status === 'FAILED') {
          if (opts.json)
            io.out(JSON.stringify({ status: 'FAILED', error: outcome.error, cause: outcome.cause }, null, 2));
          io.err(`workflow failed: ${outcome.error}: ${outcome.cause}`);
          setExit(EXIT.failed);
          return;
        }
        const result = outcome.output as unknown as WorkflowResult;
        io.out(opts.json ? JSON.stringify(result, null, 2) : renderResult(result));
        setExit(exitCodeFor(result));
      },
    );

  program
    .command('demo')
    .description(
      "Start a local AWS (moto), build the tutorial's three VPCs, peer them and let the autopilot do the rest.",
    )
    .option('--verbose', "show the step functions' structured logs")
    .addHelpText('after', '\nExample:\n  npx --no-install peering-autopilot demo')
    .action(async (opts: { verbose?: boolean }) => {
      quietLocalHandlers(opts.verbose ?? false);
      setExit(await runDemo(io));
    });
  return program;
}

/** Runs the CLI; returns the process exit code instead of exiting (testable). */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.err(`error: ${oneLine(error)}`);
    return EXIT.failed;
  }
}

/** One readable line for an unexpected error (no stack trace for operators). */
export function oneLine(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'CredentialsProviderError') {
      return 'no AWS credentials found: configure a profile (AWS_PROFILE) or environment credentials';
    }
    return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`.split('\n')[0] as string;
  }
  return String(error);
}
