/**
 * The functions as deployed: bundled with the construct's esbuild settings (the credential chain
 * reduced to the environment provider, as Lambda supplies credentials in AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN), run in a fresh Node process with only those
 * variables, against moto — in the hub account and, through the member role, in a member.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../../local/local-runner.js';
import { buildAccountsScenario } from '../../local/seed.js';
import { bundleOptions } from '../../packaging/bundle.js';
import { motoEndpoint, reset, useMoto } from '../support/local-aws.js';

const { ec2, ec2In } = useMoto();
const dir = join(REPO_ROOT, '.bench', 'bundled-test');

async function bundle(entry: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${entry.split('/')[1]}.mjs`);
  await build(bundleOptions({ entryPoints: [join(REPO_ROOT, entry)], outfile, logLevel: 'silent' }));
  return outfile;
}

/** Invokes a bundle's handler in a fresh process whose environment is what Lambda would give it. */
function invoke(
  file: string,
  event: unknown,
  env: Record<string, string> = {},
): { result?: unknown; error?: string } {
  const script =
    `const { handler } = await import(${JSON.stringify(file)});` +
    `const ctx = { functionName: 'fn', awsRequestId: 'r', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn', getRemainingTimeInMillis: () => 60000 };` +
    `try { process.stdout.write(JSON.stringify({ result: await handler(${JSON.stringify(event)}, ctx) })); }` +
    `catch (e) { process.stdout.write(JSON.stringify({ error: e.name + ': ' + e.message })); }`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    // Nothing from this process: no profile, no config file; only what Lambda sets.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SESSION_TOKEN: 'testing',
      AWS_ENDPOINT_URL: motoEndpoint(),
      AWS_MAX_ATTEMPTS: '1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...env,
    },
  });
  if (out.status !== 0) throw new Error(`bundle ${file} crashed: ${out.stderr}`);
  return JSON.parse(out.stdout) as { result?: unknown; error?: string };
}

it('the bundled Inspect reads with the credentials Lambda puts in its environment, and reaches a member through its role', async () => {
  await reset();
  const s = await buildAccountsScenario(ec2, ec2In('us-east-1', '111111111111'), {
    hub: '123456789012',
    member: '111111111111',
  });
  const inspect = await bundle('functions/inspect/handler.ts');

  // A member's VPC is described as the member (AssumeRole with the environment's credentials).
  const out = invoke(
    inspect,
    { peeringConnectionId: s.peering },
    { PEERING_AUTOPILOT_MEMBER_ACCOUNTS: '111111111111' },
  );
  expect(out.error).toBeUndefined();
  expect(out.result).toMatchObject({
    decision: 'accepted',
    requester: { vpcId: s.marketing.vpcId, ownerId: '111111111111', tags: { Name: 'Marketing' } },
    accepter: { vpcId: s.finance.vpcId, ownerId: '123456789012', tags: { Name: 'Finance' } },
  });

  // Without the member list the same peering is refused, naming the member's account.
  expect(invoke(inspect, { peeringConnectionId: s.peering }).result).toMatchObject({
    decision: 'refused',
    reason: expect.stringContaining('owned by 111111111111'),
  });
}, 60_000);
