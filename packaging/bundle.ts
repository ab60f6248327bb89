/**
 * The build output every deployment uses (`assets/`): each Lambda handler bundled with esbuild
 * into `handlers/<Step>/index.mjs`, and the generated workflow definition. The published package
 * ships this folder (`npm run package`); this repository's app, tests and bench build it from the
 * TypeScript sources with exactly the same settings (`npm run bundle`).
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { HANDLERS_DIR, WORKFLOW_DEFINITION_FILE } from '../infra/handler-assets.js';
import { STARTER_ENTRY, STEPS } from '../state-machines/steps.js';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Where this repository keeps its own build of the assets (git-ignored). */
export const REPO_ASSETS = join(REPO_ROOT, 'build', 'assets');

/** Every function's handler module: the steps' and the starter's, by the id its folder takes. */
export const HANDLERS: ReadonlyArray<{ readonly id: string; readonly entry: string }> = [
  ...STEPS.map((s) => ({ id: s.id, entry: s.entry })),
  { id: 'Starter', entry: STARTER_ENTRY },
];

/**
 * How every function is bundled: ESM, minified, AWS SDK included (a bundled SDK loads ~3x faster
 * than the runtime's, and INIT time is billed), `module` entry points first for tree-shaking. The
 * bench (`npm run bench`) builds with exactly these settings.
 */
export const LAMBDA_BUNDLE = {
  bundle: true,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  mainFields: ['module', 'main'],
  minify: true,
  target: 'node22',
  platform: 'node',
  // Stack traces point at our TypeScript (NODE_OPTIONS=--enable-source-maps on every function);
  // the sources themselves stay out of the map, which keeps each map small.
  sourcemap: true,
  sourcesContent: false,
  // Some dependencies (X-Ray SDK) still call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" },
  // Lambda gives the execution role's credentials in environment variables: the SDK's default
  // chain becomes the environment provider alone (functions/commons/lambda-credentials.ts), about
  // 115 KB less in every bundle. Relative to the project root, where bundling runs.
  alias: { '@aws-sdk/credential-provider-node': './functions/commons/lambda-credentials.ts' },
  absWorkingDir: REPO_ROOT,
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** LAMBDA_BUNDLE as esbuild's mutable options, plus `extra`. */
export function bundleOptions(extra: BuildOptions = {}): BuildOptions {
  return {
    ...LAMBDA_BUNDLE,
    outExtension: { ...LAMBDA_BUNDLE.outExtension },
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { ...LAMBDA_BUNDLE.banner },
    alias: { ...LAMBDA_BUNDLE.alias },
    ...extra,
  };
}

/** Builds the assets folder at `dir` (replacing what was there) and returns `dir`. */
export async function bundleAssets(dir: string = REPO_ASSETS): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await build(
    bundleOptions({
      entryPoints: Object.fromEntries(
        HANDLERS.map((h) => [`${HANDLERS_DIR}/${h.id}/index`, join(REPO_ROOT, h.entry)]),
      ),
      outdir: dir,
    }),
  );
  copyFileSync(
    join(REPO_ROOT, 'state-machines', 'peering-workflow.asl.json'),
    join(dir, WORKFLOW_DEFINITION_FILE),
  );
  return dir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const dir = await bundleAssets(process.argv[2] ?? REPO_ASSETS);
  console.log(`assets: ${dir} (${Math.round(performance.now() - started)} ms)`);
}
