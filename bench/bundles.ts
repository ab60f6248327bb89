/**
 * Lambda bundles, measured exactly as deployed (the construct's esbuild settings): size, and cold
 * import+init against the unbundled baseline, in fresh Node processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { REPO_ROOT } from '../local/local-runner.js';
import { bundleOptions, HANDLERS } from '../packaging/bundle.js';
import { goals, say, table } from './output.js';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export async function bundles(coldRuns: number) {
  say('## 3. Lambda bundles');
  say();
  say(
    `esbuild with the settings the CDK construct uses (ESM, minified, AWS SDK bundled). Cold import+init is the ` +
      `median of ${coldRuns} fresh Node processes importing the handler module, measured round-robin with the bare EC2 client (module-scope clients, logger, ` +
      'settings). The unbundled baseline is the same code with node_modules left external, measured in the same run.',
  );
  say();
  const dir = join(REPO_ROOT, '.bench');
  mkdirSync(dir, { recursive: true });
  const env = {
    ...process.env,
    AWS_REGION: 'us-east-1',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
  };
  const time = (file: string) => {
    const script = `const t=performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now()-t));`;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`import of ${file} failed: ${out.stderr}`);
    return Number(out.stdout);
  };
  /** esbuild with the construct's settings; `extra` makes the unbundled baseline. */
  const bundle = (entry: string, outfile: string, extra: Partial<BuildOptions> = {}) =>
    build(bundleOptions({ entryPoints: [entry], outfile, logLevel: 'silent', ...extra }));
  // The floor of every function's cold start: the bare EC2 client alone — as the package ships
  // (its full credential chain: the goal's yardstick), and with the functions' own environment-only
  // chain (shown for comparison: the floor the functions really stand on).
  const ec2Entry = join(dir, 'ec2-client-only.ts');
  writeFileSync(
    ec2Entry,
    "import { EC2Client } from '@aws-sdk/client-ec2';\nexport const client = new EC2Client({});\n",
  );
  const ec2File = join(dir, 'ec2-client-only.mjs');
  await bundle(ec2Entry, ec2File, { alias: {} });
  const ec2OursFile = join(dir, 'ec2-client-only.env-chain.mjs');
  await bundle(ec2Entry, ec2OursFile);
  const files = new Map<string, { bundled: string; external: string }>();
  for (const fn of HANDLERS) {
    const bundled = join(dir, `${fn.id}.mjs`);
    const external = join(dir, `${fn.id}.external.mjs`);
    await bundle(join(REPO_ROOT, fn.entry), bundled);
    await bundle(join(REPO_ROOT, fn.entry), external, { packages: 'external', minify: false });
    files.set(fn.id, { bundled, external });
  }
  // Round-robin: every file once per round, so the baseline and each function share the machine's
  // state of the moment (measured one after the other, slow drift showed up as a ratio).
  const samples = new Map<string, number[]>();
  const all = [ec2File, ec2OursFile, ...[...files.values()].flatMap((f) => [f.bundled, f.external])];
  for (let round = 0; round < coldRuns; round++) {
    for (const file of all) samples.set(file, [...(samples.get(file) ?? []), time(file)]);
  }
  const ms = (file: string) => median(samples.get(file) ?? []);
  const ec2Ms = ms(ec2File);
  const ec2OursMs = ms(ec2OursFile);
  const rows: Array<Array<string | number>> = [];
  for (const fn of HANDLERS) {
    const { bundled, external } = files.get(fn.id) as { bundled: string; external: string };
    const size = statSync(bundled).size;
    const b = ms(bundled);
    const u = ms(external);
    rows.push([
      fn.id,
      `${(size / 1024).toFixed(0)} KiB`,
      b.toFixed(0),
      u.toFixed(0),
      (u / b).toFixed(1),
      `${(b / ec2Ms).toFixed(2)}x / ${(b / ec2OursMs).toFixed(2)}x`,
    ]);
    goals.push({
      name: `${fn.id} bundle <= 1 MB (1,048,576 bytes)`,
      figure: `${size.toLocaleString('en-US')} bytes`,
      pass: size <= 1_048_576,
    });
    // The EC2 client's own import bounds every function's cold start from below: the goal is to add
    // little to it (a ratio to the unbundled build flapped with machine noise).
    goals.push({
      name: `${fn.id} import+init <= 1.25x the bare EC2 client's`,
      figure: `${(b / ec2Ms).toFixed(2)}x (${b.toFixed(0)} vs ${ec2Ms.toFixed(0)} ms)`,
      pass: b <= 1.25 * ec2Ms,
    });
  }
  table(
    [
      'function',
      'minified size',
      'cold import+init ms (bundled)',
      'unbundled ms',
      'speed-up',
      'vs bare EC2 client / vs EC2 client with env-only chain',
    ],
    rows,
  );
  say(
    `For scale: the bare @aws-sdk/client-ec2 alone (${(statSync(ec2File).size / 1024).toFixed(0)} KiB bundled as the ` +
      `package ships) takes ${ec2Ms.toFixed(0)} ms to import in the same rounds — most of every function's cold import; ` +
      `with the functions' environment-only credential chain it is ${(statSync(ec2OursFile).size / 1024).toFixed(0)} KiB ` +
      `and ${ec2OursMs.toFixed(0)} ms. ` +
      'The Powertools Tracer (X-Ray SDK) is left out of the functions: it added ~125 KB and ~20 ms to each.',
  );
  say();
}
