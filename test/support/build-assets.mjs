// Jest global setup (infra and integration projects): the assets every synth reads
// (packaging/bundle.ts: handlers bundled from our sources and the generated ASL), built once per run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildAssets() {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(`${root}node_modules/.bin/tsx`, ['packaging/bundle.ts'], { cwd: root, stdio: 'pipe' });
}
