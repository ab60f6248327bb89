/**
 * The CLI's exit codes and its two output streams (tests pass their own), and the quiet mode the
 * in-process handlers run in.
 */

export const EXIT = { ok: 0, failed: 1, refused: 2, usage: 64 } as const;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}
export const stdio: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};

/** Keeps the handlers' structured logs and EMF off stdout for local runs (unless --verbose). */
export function quietLocalHandlers(verbose: boolean): void {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // A local emulator answers GetCommandInvocation at once; a real account needs the ping's time.
  if (/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(process.env.AWS_ENDPOINT_URL ?? '')) {
    process.env.PROBE_FIRST_POLL_MS ??= '100';
  }
  if (!verbose) process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
}
