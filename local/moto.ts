/**
 * Starts and stops our local AWS (moto server) on 127.0.0.1. The venv is created on first use by
 * scripts/ensure-moto.sh, so `demo` and `bench` work on a fresh clone.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { REPO_ROOT } from './local-runner.js';
import { startMotoFront } from './moto-front.js';

export interface MotoServer {
  readonly endpoint: string;
  readonly pid: number;
  /** Requests moto dropped (HTTP 5xx with an HTML page) that were re-sent (with `retryDropped`). */
  readonly retried: readonly string[];
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** Where moto's own output goes (its tracebacks explain a dropped request). @default discarded */
  readonly logFile?: string;
  /** Re-send what moto drops, through a counting front (local/moto-front.ts). @default false */
  readonly retryDropped?: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function ensureMotoInstalled(): string {
  const bin = join(REPO_ROOT, '.venv', 'bin', 'moto_server');
  const setup = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'ensure-moto.sh')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (setup.status !== 0 || !existsSync(bin))
    throw new Error('could not install moto server (scripts/ensure-moto.sh failed)');
  return bin;
}

/** Starts moto on a free loopback port and waits (at most 60 s) until it answers. */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const bin = ensureMotoInstalled();
  const port = await freePort();
  const log = options.logFile ? openSync(options.logFile, 'w') : 'ignore';
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', log, log],
  });
  if (typeof log === 'number') closeSync(log);
  const front = options.retryDropped
    ? await startMotoFront(port, options.logFile ?? 'moto output')
    : undefined;
  const endpoint = front?.endpoint ?? `http://127.0.0.1:${port}`;
  const retried = front?.retried ?? [];
  const stop = async () => {
    await front?.close();
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) return { endpoint, pid: child.pid as number, retried, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error('moto server did not answer within 60 s');
}

/** Clears all moto state (between tests). */
export async function resetMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
}

/** Points the SDK at a local endpoint with dummy credentials (moto accepts any). */
export function useLocalAws(endpoint: string, region = 'us-east-1'): void {
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_REGION ??= region;
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
}

/** The header moto reads to answer as one account (its multi-account support). */
const MOTO_ACCOUNT_HEADER = 'x-moto-account-id';

/** Makes `client` ask moto to answer as `account` (every request carries moto's account header). */
export function answerAs<C extends EC2Client | SSMClient>(client: C, account: string): C {
  (client as EC2Client).middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers[MOTO_ACCOUNT_HEADER] = account;
      return next(args);
    },
    { step: 'build', name: 'motoAccount' },
  );
  return client;
}
