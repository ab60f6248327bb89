/**
 * A local SSM endpoint for the Verify probe (issue "Real packets" §2). Local runs point the SDK's
 * SSM traffic at it (`AWS_ENDPOINT_URL_SSM`); it forwards every request to moto except the probe:
 * a `SendCommand` of AWS-RunShellScript whose commands are exactly Verify's ping script. For that
 * one it reads moto's current state (so the ping sees what Apply just wrote), builds the kernel
 * replica, runs the very script in the source instance's namespace and keeps its real stdout and
 * exit status for `GetCommandInvocation`. Any other command is refused (`Failed`, "not supported
 * locally"). Verify itself is unchanged: same SDK calls, same parsing. A ping result comes only
 * from the kernel.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import {
  DescribeInstancesCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { instanceFacts } from '../../functions/commons/ec2-instances.js';
import { networkAclFacts } from '../../functions/commons/ec2-network-acls.js';
import { peeringFacts } from '../../functions/commons/ec2-peerings.js';
import { routeTableFacts } from '../../functions/commons/ec2-route-tables.js';
import { securityGroupFacts } from '../../functions/commons/ec2-security-groups.js';
import { probeScript } from '../../functions/network/ping.js';
import { answerAs } from '../moto.js';
import { sendTo } from '../moto-front.js';
import type { World } from './render.js';
import { dataplaneUnavailable, replicaScript, runInPrivateTreeAsync } from './sandbox.js';

export interface ProbeEndpoint {
  readonly endpoint: string;
  /** Probes run in the kernel replica: source, target IP, exit status. */
  readonly probes: ReadonlyArray<{
    readonly instanceId: string;
    readonly targetIp: string;
    readonly exitCode: number;
  }>;
  close(): Promise<void>;
}

interface Invocation {
  status: 'InProgress' | 'Success' | 'Failed';
  stdout: string;
  stderr: string;
  responseCode: number;
}

/** The target of a command list that is exactly Verify's probe script, else undefined. */
export function probeTarget(commands: unknown): { targetIp: string } | undefined {
  if (!Array.isArray(commands) || typeof commands[0] !== 'string') return undefined;
  const m = /^out=\$\(ping -c (\d+) -W (\d+) ([0-9a-f.:]+) 2>&1\); rc=\$\?$/i.exec(commands[0]);
  if (!m) return undefined;
  const expected = probeScript(m[3] as string, Number(m[1]), Number(m[2]));
  return JSON.stringify(expected) === JSON.stringify(commands) ? { targetIp: m[3] as string } : undefined;
}

/** The caller's credentials from its request (moto tells accounts apart by access key). */
function callerCredentials(headers: IncomingHttpHeaders): AwsCredentialIdentity {
  const key = /Credential=([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? 'testing';
  const token = headers['x-amz-security-token'];
  return {
    accessKeyId: key,
    secretAccessKey: 'local',
    ...(typeof token === 'string' ? { sessionToken: token } : {}),
  };
}

/** The credentials of moto's default account; any account is read through them with `answerAs`. */
const LOCAL: AwsCredentialIdentity = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** The account a request acts in: moto's own account header, else its credentials' account (STS). */
async function accountOf(
  motoEndpoint: string,
  region: string,
  credentials: AwsCredentialIdentity,
  header?: string | string[],
): Promise<string> {
  if (typeof header === 'string') return header;
  const sts = new STSClient({ endpoint: motoEndpoint, region, credentials });
  const account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
  if (!account) throw new Error('the local AWS names no account for these credentials');
  return account;
}

/**
 * Everything the caller's account, the default account and every account peered with one of them
 * (followed peering by peering: each side's owner) see in moto, as replica facts. Each account is
 * read once.
 */
async function describeWorld(
  motoEndpoint: string,
  headers: IncomingHttpHeaders,
  region: string,
): Promise<World> {
  const caller = await accountOf(
    motoEndpoint,
    region,
    callerCredentials(headers),
    headers['x-moto-account-id'],
  );
  const accounts = [...new Set([caller, await accountOf(motoEndpoint, region, LOCAL)])];
  const world = { instances: [], peerings: [], routeTables: [], securityGroups: [], networkAcls: [] } as {
    [K in keyof Required<Omit<World, 'prefixLists'>>]: Array<World[K][number]>;
  };
  const seen = new Set<string>();
  const add = <T>(list: T[], id: string, item: T | undefined) => {
    if (item !== undefined && !seen.has(id)) {
      seen.add(id);
      list.push(item);
    }
  };
  // (An account found through a peering is appended, and this loop reaches it too.)
  for (const account of accounts) {
    const ec2 = answerAs(new EC2Client({ endpoint: motoEndpoint, region, credentials: LOCAL }), account);
    for (const r of (await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []) {
      for (const i of r.Instances ?? []) add(world.instances, i.InstanceId ?? '', instanceFacts(i));
    }
    for (const p of (await ec2.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections ??
      []) {
      add(world.peerings, p.VpcPeeringConnectionId ?? '', peeringFacts(p));
      for (const owner of [p.RequesterVpcInfo?.OwnerId, p.AccepterVpcInfo?.OwnerId]) {
        if (owner && !accounts.includes(owner)) accounts.push(owner);
      }
    }
    for (const t of (await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables ?? []) {
      add(world.routeTables, t.RouteTableId ?? '', routeTableFacts(t));
    }
    for (const g of (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? []) {
      add(world.securityGroups, g.GroupId ?? '', securityGroupFacts(g));
    }
    for (const n of (await ec2.send(new DescribeNetworkAclsCommand({}))).NetworkAcls ?? []) {
      add(world.networkAcls, n.NetworkAclId ?? '', networkAclFacts(n));
    }
  }
  return world;
}

/** Starts the endpoint on a free loopback port in front of moto at `motoEndpoint`. */
export async function startProbeEndpoint(motoEndpoint: string, region = 'us-east-1'): Promise<ProbeEndpoint> {
  const motoPort = Number(new URL(motoEndpoint).port);
  const invocations = new Map<string, Invocation>();
  const probes: Array<{ instanceId: string; targetIp: string; exitCode: number }> = [];
  const json = (status: number, value: unknown) => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(JSON.stringify(value)),
  });

  async function answer(headers: IncomingHttpHeaders, body: Buffer, method: string, path: string) {
    const target = String(headers['x-amz-target'] ?? '');
    const input = target.startsWith('AmazonSSM.')
      ? (JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>)
      : {};
    if (target === 'AmazonSSM.SendCommand') {
      const instanceId = (input.InstanceIds as string[] | undefined)?.[0] ?? '';
      const commands = (input.Parameters as Record<string, unknown> | undefined)?.commands;
      const probe = input.DocumentName === 'AWS-RunShellScript' ? probeTarget(commands) : undefined;
      const commandId = randomUUID();
      const key = `${commandId}/${instanceId}`;
      if (!probe) {
        invocations.set(key, {
          status: 'Failed',
          stdout: '',
          stderr: 'not supported locally',
          responseCode: 1,
        });
      } else {
        invocations.set(key, { status: 'InProgress', stdout: '', stderr: '', responseCode: -1 });
        const world = await describeWorld(motoEndpoint, headers, region);
        const script = (commands as string[]).join('\n');
        void runInPrivateTreeAsync(replicaScript(world, instanceId, script)).then((run) => {
          const exitCode = run.status ?? 1;
          probes.push({ instanceId, targetIp: probe.targetIp, exitCode });
          invocations.set(key, {
            status: exitCode === 0 ? 'Success' : 'Failed',
            stdout: run.stdout,
            stderr: run.stderr.slice(-2000),
            responseCode: exitCode,
          });
        });
      }
      return json(200, {
        Command: {
          CommandId: commandId,
          DocumentName: input.DocumentName,
          InstanceIds: [instanceId],
          Status: 'Pending',
        },
      });
    }
    if (target === 'AmazonSSM.GetCommandInvocation') {
      const inv = invocations.get(`${String(input.CommandId)}/${String(input.InstanceId)}`);
      if (inv) {
        return json(200, {
          CommandId: input.CommandId,
          InstanceId: input.InstanceId,
          DocumentName: 'AWS-RunShellScript',
          Status: inv.status,
          StatusDetails: inv.status,
          ResponseCode: inv.responseCode,
          StandardOutputContent: inv.stdout,
          StandardErrorContent: inv.stderr,
        });
      }
    }
    return sendTo(motoPort, method, path, headers, body);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      answer(req.headers, Buffer.concat(chunks), req.method ?? 'POST', req.url ?? '/')
        .then((a) => {
          res.writeHead(a.status, a.headers);
          res.end(a.body);
        })
        .catch((error: Error) => {
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(
            JSON.stringify({
              __type: 'InternalServerError',
              message: `local SSM endpoint: ${error.message}`,
            }),
          );
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    probes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Real packets for a local run, when this machine can build the replica; else why not. */
export interface RealPackets {
  readonly endpoint?: ProbeEndpoint;
  readonly unavailable?: string;
  stop(): Promise<void>;
}

/**
 * Starts the endpoint in front of moto when the replica can run here and points the SDK's SSM
 * traffic at it (`AWS_ENDPOINT_URL_SSM`); `stop` undoes both. Without it, moto answers SSM as before.
 */
export async function useRealPackets(motoEndpoint: string): Promise<RealPackets> {
  const unavailable = dataplaneUnavailable();
  if (unavailable) return { unavailable, stop: async () => {} };
  const endpoint = await startProbeEndpoint(motoEndpoint);
  process.env.AWS_ENDPOINT_URL_SSM = endpoint.endpoint;
  return {
    endpoint,
    stop: async () => {
      delete process.env.AWS_ENDPOINT_URL_SSM;
      await endpoint.close();
    },
  };
}
