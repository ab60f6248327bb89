/**
 * `peering-autopilot` — the operator CLI. Exit codes: 0 configured (or already fine),
 * 1 the workflow failed or an error occurred, 2 the peering was refused (or waits for a person), 64 bad usage.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import Table from 'cli-table3';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { PEERING_ID } from '../../functions/commons/schemas.js';
import { type DecideOptions, decidePeering, waitingPeerings, withDecisions } from './approvals.js';
import { oneLine } from './errors.js';
import { EXIT, type Io, quietLocalHandlers, stdio } from './io.js';
import { CliError, doctor, livePlan, peeringStatus } from './live.js';
import { exitCodeFor, PLAIN, renderResult, type WorkflowResult } from './report.js';
import { type RunOptions, runCommand } from './run-command.js';

function accountId(value: string): string {
  if (!/^\d{12}$/.test(value))
    throw new InvalidArgumentError(`expected a 12-digit AWS account id, got "${value}"`);
  return value;
}

function regionName(value: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) {
    throw new InvalidArgumentError(`expected an AWS region name such as "us-east-1", got "${value}"`);
  }
  return value;
}

function peeringId(value: string): string {
  if (!PEERING_ID.test(value)) {
    throw new InvalidArgumentError(
      `"${value}" is not a peering connection id (expected pcx- and 8 or 17 hex digits)`,
    );
  }
  return value;
}

/**
 * Standard AWS profiles and regions: the functions read AWS_REGION (always set in Lambda); for the
 * CLI, resolve the region the SDK would use (environment, then the profile's config) once, up front.
 */
export async function useProfileRegion(): Promise<void> {
  if (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION) return;
  let region: string | undefined;
  try {
    region = await new SFNClient({}).config.region();
  } catch {
    region = undefined;
  }
  if (!region)
    throw new CliError('no AWS region configured: set AWS_REGION, or a region in your AWS profile');
  process.env.AWS_REGION = region;
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('peering-autopilot')
    .description(
      'Makes AWS VPC peering just work: accept, route both sides, open opted-in security groups, verify.',
    )
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .hook('preAction', async (_program, command) => {
      if (command.name() !== 'demo') await useProfileRegion();
    });

  program
    .command('run')
    .description(
      'Run the peering workflow for one peering connection (the deployed state machine, or --local).',
    )
    .argument('<pcx-id>', 'peering connection id', peeringId)
    .option('--local', 'run the real workflow in-process (aws-local-stepfunctions) against AWS_ENDPOINT_URL')
    .option('--dry-run', 'plan and report every change without making any')
    .option('--follow', 'show progress as the execution history advances, then the summary (deployed runs)')
    .option(
      '--state-machine <arn>',
      'the deployed state machine (default: the one named PeeringAutopilotWorkflow*)',
    )
    .option(
      '--account <id>',
      'the account whose view to describe the peering in (default: the hub, then each member)',
      accountId,
    )
    .option(
      '--region <region>',
      'the region to describe the peering in (default: the home region, then each configured region)',
      regionName,
    )
    .option('--json', 'print exactly the workflow result as JSON')
    .option('--verbose', "show the step functions' structured logs (local runs)")
    .addHelpText(
      'after',
      `
Exit codes: 0 configured or already fine, 1 failed, 2 refused or waiting for a person, 64 bad usage.
Without --account/--region the workflow looks for the peering in the hub's home region, then in
the hub and every member in every configured region, and says where it found it.
A run whose ping failed, or that a quota or a cross-Region group reference left partly
unconfigured, is failed (1).

Examples:
  peering-autopilot run pcx-0123456789abcdef0 --follow
  peering-autopilot run pcx-0123456789abcdef0 --dry-run --follow --json
  AWS_ENDPOINT_URL=http://127.0.0.1:5000 peering-autopilot run pcx-0123456789abcdef0 --local`,
    )
    .action(async (pcx: string, opts: RunOptions) => setExit(await runCommand(pcx, opts, io)));

  program
    .command('status')
    .description(
      "List peerings with the autopilot's last outcome (peering-autopilot:status) and when it was checked.",
    )
    .argument('[pcx-id]', 'one peering connection id', peeringId)
    .option('--account <id>', 'only this account (the hub or a member); default: the hub and every member')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  peering-autopilot status\n  peering-autopilot status --account 111111111111\n  peering-autopilot status pcx-0123456789abcdef0 --json',
    )
    .action(async (pcx: string | undefined, opts: { json?: boolean; account?: string }) => {
      const rows = await withDecisions(await peeringStatus(pcx, opts.account));
      if (opts.json) {
        io.out(JSON.stringify(rows, null, 2));
        return;
      }
      const decided = rows.some((r) => r.approval);
      const t = new Table({
        style: PLAIN,
        head: [
          'peering',
          'name',
          'account',
          'state',
          'last outcome',
          'checked at',
          'requester',
          'accepter',
          ...(decided ? ['decided by a person'] : []),
        ],
      });
      for (const r of rows)
        t.push([
          r.peeringConnectionId,
          r.name ?? '',
          r.account,
          r.state,
          r.outcome ?? '(never run)',
          r.checkedAt ?? '',
          r.requester,
          r.accepter,
          ...(decided
            ? [
                r.approval
                  ? `${r.approval.decision} by ${r.approval.by} at ${r.approval.at}: ${r.approval.reason}`
                  : '',
              ]
            : []),
        ]);
      io.out(rows.length > 0 ? t.toString() : 'no peering connections in this region');
    });

  program
    .command('plan')
    .description('Compute the full plan for a peering from live, read-only calls. Changes nothing.')
    .argument('<pcx-id>', 'peering connection id', peeringId)
    .option(
      '--account <id>',
      'the account whose view to describe it in (default: found as a run finds it)',
      accountId,
    )
    .option(
      '--region <region>',
      'the region to describe it in (default: found as a run finds it)',
      regionName,
    )
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  peering-autopilot plan pcx-0123456789abcdef0')
    .action(async (pcx: string, opts: { json?: boolean; account?: string; region?: string }) => {
      const { inspection, changes } = await livePlan(pcx, opts);
      const result: WorkflowResult = {
        peeringConnectionId: pcx,
        ...(inspection.seenIn ? { seenIn: inspection.seenIn } : {}),
        decision: inspection.decision,
        ...(inspection.reason ? { reason: inspection.reason } : {}),
        dryRun: true,
        requester: inspection.requester,
        accepter: inspection.accepter,
        routes: changes?.routes ?? [],
        securityGroupRules: changes?.securityGroupRules ?? [],
        options: changes?.options ?? [],
        verification: { status: 'skipped', reason: 'plan only', probes: [], diagnosis: [] },
      };
      io.out(opts.json ? JSON.stringify(result, null, 2) : renderResult(result));
      setExit(exitCodeFor(result));
    });

  program
    .command('doctor')
    .description('Why can (not) the source reach the target? Static path diagnosis against live state.')
    .argument('<source-instance-id>', 'the instance that sends the ping')
    .argument('<target>', 'target instance id or private IP')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 path complete, 2 something is missing, 1 error.\n\nExamples:\n  peering-autopilot doctor i-0abc1234def567890 172.31.5.10\n  peering-autopilot doctor i-0abc1234def567890 i-0fed9876cba543210 --json',
    )
    .action(async (source: string, target: string, opts: { json?: boolean }) => {
      const { diagnosis, source: s, target: t } = await doctor(source, target);
      if (opts.json) {
        io.out(JSON.stringify({ source: s, target: t, ...diagnosis }, null, 2));
      } else {
        io.out(
          `${s.name ?? s.instanceId} (${s.privateIp}) -> ${t.name ?? t.instanceId} (${t.privateIp}): ${diagnosis.reachable ? 'path complete' : 'BLOCKED'}`,
        );
        if (diagnosis.missing) io.out(`missing: ${diagnosis.missing}`);
        for (const f of diagnosis.findings)
          io.out(`  ${f.ok ? 'ok  ' : 'FAIL'} ${f.check.padEnd(12)} ${f.message}`);
        io.out('(static analysis of the described state; it proves configuration, not traffic)');
      }
      setExit(diagnosis.reachable ? EXIT.ok : EXIT.refused);
    });

  program
    .command('approvals')
    .description(
      'List the peerings that wait for a person (an outside account, a VPC tagged accept=approval).',
    )
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  peering-autopilot approvals\n  peering-autopilot approvals --json')
    .action(async (opts: { json?: boolean }) => {
      const rows = await waitingPeerings();
      if (opts.json) {
        io.out(JSON.stringify(rows, null, 2));
        return;
      }
      const t = new Table({
        style: PLAIN,
        head: ['peering', 'account', 'state', 'requester', 'accepter', 'waiting since', 'why'],
      });
      for (const r of rows)
        t.push([
          r.peeringConnectionId,
          r.account,
          r.state,
          r.requester,
          r.accepter,
          r.checkedAt ?? '',
          r.why,
        ]);
      io.out(rows.length > 0 ? t.toString() : 'nothing waits for approval');
    });

  for (const [name, decision, what] of [
    ['approve', 'approved', 'accept it and configure our side as an automatic accept would'],
    ['reject', 'rejected', 'RejectVpcPeeringConnection'],
  ] as const) {
    const command = program
      .command(name)
      .description(
        `Record a person's decision about a peering that waits for one, then run the workflow: ${what}.`,
      )
      .argument('<pcx-id>', 'peering connection id', peeringId);
    if (decision === 'rejected') command.requiredOption('--reason <text>', 'why (kept with the decision)');
    else command.option('--reason <text>', 'why (kept with the decision)');
    command
      .option(
        '--local',
        'run the real workflow in-process (aws-local-stepfunctions) against AWS_ENDPOINT_URL',
      )
      .option(
        '--state-machine <arn>',
        'the deployed state machine (default: the one named PeeringAutopilotWorkflow*)',
      )
      .option('--json', 'print exactly the workflow result as JSON')
      .option('--verbose', "show the step functions' structured logs (local runs)")
      .addHelpText(
        'after',
        `
Exit codes: 0 done, 1 failed, 2 refused (it does not wait for a person, or cannot be approved:
overlapping CIDRs, accept=false, an expired or deleted request), 64 bad usage.
The decision (your ARN, the time, the reason) is kept in the SSM parameter
/peering-autopilot/approvals/<pcx-id> of the hub's home region; it needs the construct's approver policy.

Example:
  peering-autopilot ${name} pcx-0123456789abcdef0 --reason "vendor VPN, ticket NET-42"`,
      )
      .action(async (pcx: string, opts: DecideOptions) =>
        setExit(await decidePeering(pcx, decision, opts, io)),
      );
  }

  program
    .command('demo')
    .description(
      "Start a local AWS (moto), build the tutorial's three VPCs, peer them and let the autopilot do the rest.",
    )
    .option(
      '--accounts',
      'the same story across two accounts: Marketing in a member account, Finance in the hub',
    )
    .option(
      '--approval',
      'a partner outside the organization asks to peer with Finance: the request waits, a person approves it',
    )
    .option('--verbose', "show the step functions' structured logs")
    .addHelpText(
      'after',
      '\nExamples:\n  npx --no-install peering-autopilot demo\n  npx --no-install peering-autopilot demo --accounts\n  npx --no-install peering-autopilot demo --approval',
    )
    .action(async (opts: { verbose?: boolean; accounts?: boolean; approval?: boolean }) => {
      quietLocalHandlers(opts.verbose ?? false);
      // The demos (moto, the local engine) load only for `demo`.
      setExit(
        await (opts.approval
          ? (await import('./demo-approval.js')).runApprovalDemo(io)
          : opts.accounts
            ? (await import('./demo-accounts.js')).runAccountsDemo(io)
            : (await import('./demo.js')).runDemo(io)),
      );
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
