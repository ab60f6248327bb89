/**
 * `npm run package`: the construct library as CDK users install it, built with jsii like the
 * libraries they already trust. It stages the construct's sources (the import closure of
 * infra/index.ts: the constructs, the step table and the contracts module — nothing that needs a
 * runtime dependency), the pre-built assets (packaging/bundle.ts), a manifest, the README section
 * "Use it in your own CDK app", LICENSE and CHANGELOG; then jsii compiles it (JavaScript, `.d.ts`,
 * the `.jsii` assembly), jsii-docgen writes API.md, and jsii-pacmak packs
 * `dist/js/peering-autopilot-<version>.tgz` and `dist/python/peering_autopilot-<version>-py3-none-any.whl`.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleAssets, REPO_ROOT } from './bundle.js';

/** Where the package is assembled (git-ignored) and where the artifacts land. */
const STAGE = join(REPO_ROOT, 'build', 'package');
export const DIST = join(REPO_ROOT, 'dist');

const OLDEST_CDK = '2.220.0';
const OLDEST_CONSTRUCTS = '10.0.5';

/** The only modules the construct code may import: the peer dependencies and Node's own. */
const ALLOWED_IMPORTS = /^(aws-cdk-lib(\/.*)?|constructs|node:[a-z_]+)$/;

const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  description: string;
  license: string;
  repository: { type: string; url: string };
  author: { name: string; url: string };
};

/** The published manifest: no runtime dependencies; aws-cdk-lib and constructs as peers with ranges. */
const MANIFEST = {
  name: 'peering-autopilot',
  version: root.version,
  description: root.description,
  license: root.license,
  author: { ...root.author, organization: false },
  repository: root.repository,
  homepage: `${root.repository.url.replace(/\.git$/, '')}#readme`,
  keywords: ['aws', 'aws-cdk', 'cdk', 'construct', 'vpc', 'vpc-peering', 'step-functions', 'self-healing'],
  engines: { node: '>= 18.0.0' },
  main: 'lib/infra/index.js',
  types: 'lib/infra/index.d.ts',
  exports: {
    '.': { types: './lib/infra/index.d.ts', default: './lib/infra/index.js' },
    './.jsii': './.jsii',
    './package.json': './package.json',
  },
  files: [
    'lib/**/*.js',
    'lib/**/*.d.ts',
    'assets/',
    '.jsii',
    'API.md',
    'CHANGELOG.md',
    'LICENSE',
    'README.md',
  ],
  // The oldest aws-cdk-lib a user may bring, and the one the package is compiled against (so every
  // API the constructs use exists there); PyPI serves it too (the wheel resolves the same range).
  // The consumer tests synthesize with the newest this repository and PyPI have.
  peerDependencies: { 'aws-cdk-lib': `^${OLDEST_CDK}`, constructs: `^${OLDEST_CONSTRUCTS}` },
  devDependencies: { 'aws-cdk-lib': OLDEST_CDK, constructs: OLDEST_CONSTRUCTS },
  stability: 'experimental',
  jsii: {
    outdir: 'dist',
    versionFormat: 'short',
    tsc: { outDir: 'lib', rootDir: 'src' },
    targets: { python: { distName: 'peering-autopilot', module: 'peering_autopilot' } },
  },
} as const;

/** The files infra/index.ts imports, transitively (repository-relative), and checks what else they import. */
async function constructSources(): Promise<string[]> {
  const result = await build({
    entryPoints: ['infra/index.ts'],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    logLevel: 'silent',
  });
  const inputs = Object.entries(result.metafile.inputs);
  const foreign = inputs.flatMap(([file, m]) =>
    m.imports.filter((i) => i.external && !ALLOWED_IMPORTS.test(i.path)).map((i) => `${file} -> ${i.path}`),
  );
  if (foreign.length > 0) {
    throw new Error(
      `the construct package may import only aws-cdk-lib, constructs and node: modules, but ${foreign.join(', ')}`,
    );
  }
  return inputs.map(([file]) => file).sort();
}

/** README.md's "Use it in your own CDK app" section: the package's README on npm and PyPI. */
function packageReadme(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use it in your own CDK app');
  if (start < 0) throw new Error('README.md has no "## Use it in your own CDK app" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end).replace(/^## /, '## ');
  return (
    `# Peering Autopilot\n\n${root.description}\n\n` +
    `The whole story (tags, CLI, workflow contract, runbook): ${MANIFEST.homepage}\n\n${section.trim()}\n`
  );
}

function run(command: string, args: string[], cwd: string): void {
  const bin = join(REPO_ROOT, 'node_modules', '.bin', command);
  const out = spawnSync(bin, args, { cwd, stdio: 'inherit' });
  if (out.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${out.status})`);
}

function npm(args: string[], cwd: string): void {
  const out = spawnSync('npm', args, { cwd, stdio: 'inherit' });
  if (out.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${out.status})`);
}

export async function buildPackage(): Promise<{ tarball: string; wheel: string }> {
  rmSync(STAGE, { recursive: true, force: true });
  rmSync(DIST, { recursive: true, force: true });
  for (const file of await constructSources()) {
    const to = join(STAGE, 'src', file);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(REPO_ROOT, file), to);
  }
  await bundleAssets(join(STAGE, 'assets'));
  writeFileSync(join(STAGE, 'package.json'), `${JSON.stringify(MANIFEST, null, 2)}\n`);
  writeFileSync(join(STAGE, 'README.md'), packageReadme());
  for (const file of ['LICENSE', 'CHANGELOG.md']) copyFileSync(join(REPO_ROOT, file), join(STAGE, file));

  // The oldest supported aws-cdk-lib and constructs (the manifest's devDependencies), in the stage.
  npm(['install', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund'], STAGE);
  run('jsii', ['--silence-warnings=reserved-word'], STAGE);
  run('jsii-docgen', ['--output', 'API.md'], STAGE);
  copyFileSync(join(STAGE, 'API.md'), join(REPO_ROOT, 'API.md'));
  run('jsii-pacmak', ['--targets', 'js', 'python', '--outdir', DIST], STAGE);

  // jsii-pacmak names it peering-autopilot@<version>.jsii.tgz; npm pack's name is what users expect.
  const packed = readdirSync(join(DIST, 'js')).find((f) => f.endsWith('.tgz'));
  const tarball = `${MANIFEST.name}-${MANIFEST.version}.tgz`;
  if (packed) renameSync(join(DIST, 'js', packed), join(DIST, 'js', tarball));
  const wheel = readdirSync(join(DIST, 'python')).find((f) => f.endsWith('.whl'));
  if (!packed || !wheel) throw new Error(`jsii-pacmak made no tarball or wheel in ${DIST}`);
  return { tarball: join(DIST, 'js', tarball), wheel: join(DIST, 'python', wheel) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const { tarball, wheel } = await buildPackage();
  console.log(
    `package: ${tarball}\npackage: ${wheel}\n(${Math.round(performance.now() - started) / 1000} s)`,
  );
}
