/**
 * The construct package as a CDK user installs it (issue 20 §6): `npm run package` has built
 * dist/js/*.tgz and dist/python/*.whl; fresh apps made by `cdk init app --generate-only` install
 * them and `cdk synth` three stacks each — the hub alone (PeeringAutopilotStack), the hub with two
 * members and a second region, and the member stack — with a concrete env, the feature flags
 * `cdk init` writes and cdk-nag's AwsSolutions pack applied. TypeScript runs under classic ts-node
 * with cdk init's strict tsconfig plus exactOptionalPropertyTypes; CommonJS and ESM JavaScript run
 * under Node; Python runs from the wheel in a venv with aws-cdk-lib from PyPI.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST } from '../../packaging/build.js';
import { REPO_ROOT } from '../../packaging/bundle.js';

const APPS = join(REPO_ROOT, 'test', 'package', 'apps');
const CDK = join(REPO_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
const repo = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const version = (name: string) => (repo.dependencies[name] ?? repo.devDependencies[name]) as string;
const STACKS = ['Hub', 'HubWithMembers', 'Member'];
const timings: string[] = [];

function artifact(dir: string, suffix: string): string {
  const found = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith(suffix)) : undefined;
  if (!found) throw new Error(`no ${suffix} in ${dir}: run \`npm run package\` first`);
  return join(dir, found);
}

/** Runs a command; on failure, throws with its output. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const started = performance.now();
  const out = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (out.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${out.status}):\n${out.stdout}\n${out.stderr}`);
  }
  return { output: `${out.stdout}\n${out.stderr}`, seconds: (performance.now() - started) / 1000 };
}

/** A fresh `cdk init app` of `language` (files only, as `cdk init` writes them). */
function cdkInit(language: string): string {
  const dir = mkdtempSync(join(tmpdir(), `consumer-${language}-`));
  run(process.execPath, [CDK, 'init', 'app', '--language', language, '--generate-only'], dir);
  return dir;
}

type Manifest = {
  artifacts: Record<
    string,
    { type: string; metadata?: Record<string, Array<{ type: string; data: unknown }>> }
  >;
};

/** `cdk synth` of the app `command` in `dir`; what a user would look at afterwards. */
function synth(kind: string, dir: string, command: string, env?: NodeJS.ProcessEnv) {
  const out = join(dir, `cdk.out.${kind.replace(/\W+/g, '-')}`);
  const { output, seconds } = run(
    process.execPath,
    [CDK, 'synth', '-q', '--app', command, '-o', out],
    dir,
    env,
  );
  timings.push(`${kind}: cdk synth of 3 stacks ${seconds.toFixed(1)} s`);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  const findings = Object.entries(manifest.artifacts).flatMap(([stack, a]) =>
    Object.values(a.metadata ?? {})
      .flat()
      .filter(
        (m) => ['aws:cdk:error', 'aws:cdk:warning'].includes(m.type) && /AwsSolutions-/.test(String(m.data)),
      )
      .map((m) => `${stack}: ${String(m.data).slice(0, 200)}`),
  );
  const template = (stack: string) =>
    JSON.parse(readFileSync(join(out, `${stack}.template.json`), 'utf8')) as {
      Resources: Record<
        string,
        { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }
      >;
    };
  return { output, out, findings, template };
}

/** Every check a user's synth must pass, whatever the language. */
function expectWorkingSynth(result: ReturnType<typeof synth>) {
  expect(result.findings).toEqual([]);
  for (const stack of STACKS) expect(existsSync(join(result.out, `${stack}.template.json`))).toBe(true);
  // The hub's functions run our pre-built handlers: nodejs22.x, index.handler, code staged from the package's assets.
  const hub = result.template('Hub');
  const functions = Object.values(hub.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  expect(functions).toHaveLength(8);
  for (const fn of functions) {
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
    });
    const staged = join(result.out, String(fn.Metadata?.['aws:asset:path']));
    expect(existsSync(join(staged, 'index.mjs'))).toBe(true);
  }
  expect(Object.values(hub.Resources).some((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toBe(true);
  // outsideAccounts crosses the language boundary, and the exported approver policy attaches to a role.
  const withMembers = result.template('HubWithMembers');
  const approverPolicy = Object.entries(withMembers.Resources).find(
    ([id, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && id.includes('ApproverPolicy'),
  )?.[0];
  const approvers = Object.entries(withMembers.Resources).find(
    ([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith('Approvers'),
  )?.[1];
  expect(JSON.stringify(approvers?.Properties.ManagedPolicyArns)).toContain(String(approverPolicy));
  expect(JSON.stringify(withMembers)).toContain('"PEERING_AUTOPILOT_OUTSIDE_ACCOUNTS":"approve"');
  // The member stack is StackSet-ready: no assets, parameters for the hub.
  const member = readFileSync(join(result.out, 'Member.template.json'), 'utf8');
  expect(member).toContain('"HubAccount"');
  expect(member).not.toContain('aws:asset:path');
  // Prop validation keeps its clear message across the language boundary; the names read results.
  expect(result.output).toContain("members must be 12-digit AWS account ids, got '123'");
  expect(result.output).toContain(
    'names: {"outcomes":["configured","partial","conflict","invalid-tag","refused","cleaned-up","rejected","expired","failed","awaiting-approval"],"ingress":"peering-autopilot:ingress"}',
  );
}

afterAll(() => console.log(`consumer apps:\n${timings.join('\n')}`));

describe("the construct package in a user's own CDK app", () => {
  let node: string;

  beforeAll(() => {
    const tarball = artifact(join(DIST, 'js'), '.tgz');
    timings.push(`tarball ${tarball}: ${readFileSync(tarball).length} bytes`);
    node = cdkInit('typescript');
    const pkg = JSON.parse(readFileSync(join(node, 'package.json'), 'utf8'));
    pkg.dependencies = {
      'peering-autopilot': `file:${tarball}`,
      'aws-cdk-lib': version('aws-cdk-lib'),
      constructs: version('constructs'),
      'cdk-nag': version('cdk-nag'),
    };
    pkg.devDependencies = {
      typescript: version('typescript'),
      'ts-node': '10.9.2',
      '@types/node': version('@types/node'),
    };
    writeFileSync(join(node, 'package.json'), JSON.stringify(pkg, null, 2));
    // cdk init's tsconfig, stricter by exactOptionalPropertyTypes; no jest in this app.
    const tsconfig = JSON.parse(readFileSync(join(node, 'tsconfig.json'), 'utf8'));
    tsconfig.compilerOptions.exactOptionalPropertyTypes = true;
    tsconfig.compilerOptions.types = ['node'];
    writeFileSync(join(node, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    for (const app of ['app.ts', 'app.cjs', 'app.mjs']) copyFileSync(join(APPS, app), join(node, 'bin', app));
    const { seconds } = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], node);
    timings.push(
      `npm install (tarball, aws-cdk-lib, constructs, cdk-nag, typescript, ts-node): ${seconds.toFixed(1)} s`,
    );
  }, 600_000);

  afterAll(() => {
    if (node) rmSync(node, { recursive: true, force: true });
  });

  it('installs with no runtime dependency of its own: only the peers the app already has', () => {
    const installed = JSON.parse(
      readFileSync(join(node, 'node_modules', 'peering-autopilot', 'package.json'), 'utf8'),
    ) as Record<string, Record<string, string> | undefined>;
    expect(installed.dependencies ?? {}).toEqual({});
    expect(Object.keys(installed.peerDependencies ?? {}).sort()).toEqual(['aws-cdk-lib', 'constructs']);
  });

  it.each([
    [
      'TypeScript (classic ts-node, strict + exactOptionalPropertyTypes)',
      'npx ts-node --prefer-ts-exts bin/app.ts',
    ],
    ['CommonJS JavaScript', 'node bin/app.cjs'],
    ['ESM JavaScript', 'node bin/app.mjs'],
  ])(
    '%s: synth of the hub, the hub with members and the member stack is clean under cdk-nag',
    (kind, command) => {
      expectWorkingSynth(synth(kind, node, command));
    },
  );
});

describe("the Python package in a user's own CDK app", () => {
  let python: string;

  beforeAll(() => {
    const wheel = artifact(join(DIST, 'python'), '.whl');
    python = cdkInit('python');
    copyFileSync(join(APPS, 'app.py'), join(python, 'app.py'));
    run('python3', ['-m', 'venv', '.venv'], python);
    // aws-cdk-lib and constructs as cdk init's requirements.txt asks (the newest PyPI serves); cdk-nag at
    // the version this repository checks with (PyPI's 3.0.2 fails on aws-cdk-lib 2.275.0 in Python with
    // "aspectApplication.aspect.visit is not a function", with or without this package).
    const { seconds } = run(
      join(python, '.venv', 'bin', 'pip'),
      [
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '-r',
        'requirements.txt',
        wheel,
        `cdk-nag==${version('cdk-nag')}`,
      ],
      python,
    );
    timings.push(`pip install (wheel, aws-cdk-lib, constructs, cdk-nag): ${seconds.toFixed(1)} s`);
  }, 900_000);

  afterAll(() => {
    if (python) rmSync(python, { recursive: true, force: true });
  });

  it('Python (wheel in a venv): synth of the hub, the hub with members and the member stack is clean under cdk-nag', () => {
    const env = { ...process.env, PATH: `${join(python, '.venv', 'bin')}:${process.env.PATH ?? ''}` };
    expectWorkingSynth(synth('Python', python, 'python app.py', env));
  });
});
