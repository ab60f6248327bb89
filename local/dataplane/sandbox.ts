/**
 * The private namespace tree the kernel replica lives in, and the one thing done there: build the
 * replica, ping once (bounded), tear it all down. Safety (issue "Real packets"): everything runs in
 * `unshare --user --map-root-user --net --mount`, a network namespace with no link of any kind to
 * the host's, checked before anything is built (refused when its network namespace is the caller's,
 * or when it has any interface but loopback); `ip netns` files live on a tmpfs in the private mount
 * namespace; every ping is `-c <count> -W 1`; the whole tree goes away with the one process that
 * holds it (the namespaces have no other reference), which is ended by its id on timeout.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { renderReplica, type World } from './render.js';

/** Exit status of the tree's script when the isolation check refuses to build. */
export const REFUSED = 97;

/**
 * The check every tree runs before it builds anything (read-only: `readlink`, `ip link show`):
 * refuse when this network namespace is the caller's ($HOST_NETNS), or has any interface but lo.
 */
export const ISOLATION_CHECK = [
  `if [ "$(readlink /proc/self/ns/net)" = "$HOST_NETNS" ]; then echo "refused: this network namespace is the caller's" >&2; exit ${REFUSED}; fi`,
  `if ip -o link show | grep -v ': lo:' | grep -q .; then echo "refused: the private tree has an interface besides loopback" >&2; exit ${REFUSED}; fi`,
].join('\n');

export interface TreeRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Why the kernel replica cannot run on this machine, or undefined when it can. */
export function dataplaneUnavailable(): string | undefined {
  for (const tool of ['unshare', 'ip', 'nft', 'ping']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      return `${tool} is not installed (Debian: util-linux, iproute2, nftables, iputils-ping)`;
    }
  }
  const probe = spawnSync('unshare', ['--user', '--map-root-user', '--net', '--mount', 'true'], {
    timeout: 10_000,
  });
  if (probe.status !== 0)
    return `user namespaces are not available here (${String(probe.stderr).trim() || 'unshare failed'})`;
  return undefined;
}

/** The process that holds a fresh private tree and runs `script` (bash) in it after the checks. */
function tree(script: string, hostNetns: string) {
  const guarded = [
    'set -euo pipefail',
    ISOLATION_CHECK,
    'mount -t tmpfs peering-autopilot /run && mkdir -p /run/netns',
    script,
  ].join('\n');
  return {
    command: 'unshare',
    args: [
      '--user',
      '--map-root-user',
      '--net',
      '--mount',
      '--fork',
      '--kill-child',
      'bash',
      '--norc',
      '--noprofile',
      '-c',
      guarded,
    ],
    env: { PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin`, HOST_NETNS: hostNetns },
  };
}

/**
 * Runs `script` (bash) in a fresh private tree, after the isolation checks. `hostNetns` is the
 * caller's network namespace (tests pass their own to prove the refusal).
 */
export function runInPrivateTree(
  script: string,
  options: { readonly timeoutMs?: number; readonly hostNetns?: string } = {},
): TreeRun {
  const t = tree(script, options.hostNetns ?? readlinkSync('/proc/self/ns/net'));
  const out = spawnSync(t.command, t.args, {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    env: t.env,
  });
  return { status: out.status, stdout: out.stdout ?? '', stderr: out.stderr ?? '' };
}

/** runInPrivateTree without blocking the event loop (the local SSM endpoint answers polls meanwhile). */
export function runInPrivateTreeAsync(script: string, timeoutMs = 60_000): Promise<TreeRun> {
  const t = tree(script, readlinkSync('/proc/self/ns/net'));
  return new Promise((resolve) => {
    const child = spawn(t.command, t.args, { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    // Ended by its id when it overruns: the tree goes with it.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The commands that build `world`'s replica, then `inside` run in `instanceId`'s namespace. */
export function replicaScript(world: World, instanceId: string, inside: string): string {
  const replica = renderReplica(world);
  const ns = replica.namespaceOf.get(instanceId);
  if (!ns) throw new Error(`instance ${instanceId} is not in the described world`);
  return [
    '{',
    ...replica.commands,
    '} >&2',
    'set +e',
    `ip netns exec ${ns} bash --norc --noprofile -c ${shellQuote(inside)}`,
  ].join('\n');
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Builds `world`'s replica and pings `targetIp` from `sourceInstanceId`'s namespace: the real
 * output and exit status of iputils ping.
 */
export function kernelPing(
  world: World,
  sourceInstanceId: string,
  targetIp: string,
  options: { readonly count?: number; readonly timeoutMs?: number } = {},
): TreeRun {
  const script = replicaScript(world, sourceInstanceId, `ping -c ${options.count ?? 3} -W 1 ${targetIp}`);
  return runInPrivateTree(script, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
}
