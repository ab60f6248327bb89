/**
 * Parses real iputils `ping` output (what the SSM probe prints). Pure. Partial loss exits 0 in
 * iputils, so the verdict comes from the summary line, never from the exit code alone.
 */

import type { VerificationStatus } from '../commons/contracts.js';

export interface PingResult {
  readonly transmitted: number;
  readonly received: number;
  readonly lossPercent: number;
  /** Round-trip times in ms, when at least one reply came back. */
  readonly rtt?: { readonly min: number; readonly avg: number; readonly max: number; readonly mdev: number };
  /** Set when ping could not even start (unknown host, no route on the sender). */
  readonly error?: string;
}

const SUMMARY = /(\d+) packets transmitted, (\d+) received,(?: \+\d+ errors,)? ([\d.]+)% packet loss/;
const RTT = /rtt min\/avg\/max\/mdev = ([\d.]+)\/([\d.]+)\/([\d.]+)\/([\d.]+) ms/;
const FATAL = /^ping: (.+)$/m;

/** Returns the figures, or undefined when the text holds no ping output at all (e.g. empty). */
export function parsePing(output: string): PingResult | undefined {
  const summary = SUMMARY.exec(output);
  if (summary) {
    const rtt = RTT.exec(output);
    return {
      transmitted: Number(summary[1]),
      received: Number(summary[2]),
      lossPercent: Number(summary[3]),
      ...(rtt
        ? { rtt: { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]), mdev: Number(rtt[4]) } }
        : {}),
    };
  }
  const fatal = FATAL.exec(output);
  if (fatal) return { transmitted: 0, received: 0, lossPercent: 100, error: (fatal[1] as string).trim() };
  return undefined;
}

/** The probe script: explicit count and per-reply timeout; exits 1 on any loss. */
export function probeScript(targetIp: string, count: number, waitSeconds: number): string[] {
  if (!/^[0-9a-f.:]+$/i.test(targetIp)) throw new Error(`invalid probe target IP "${targetIp}"`);
  return [
    `out=$(ping -c ${count} -W ${waitSeconds} ${targetIp} 2>&1); rc=$?`,
    'echo "$out"',
    `echo "$out" | grep -q ' 0% packet loss' || exit 1`,
    'exit $rc',
  ];
}

/** One probe's outcome as the workflow result reports it (`verification.probes`). */
export interface Probe {
  readonly source?: string;
  readonly sourceName?: string;
  readonly target: string;
  readonly targetName?: string;
  readonly targetIp: string;
  readonly status: VerificationStatus;
  readonly reason: string;
  readonly ping?: PingResult;
  readonly commandId?: string;
  readonly invocationStatus?: string;
}
