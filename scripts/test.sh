#!/usr/bin/env bash
# The test command (README and .ci/run): lint, type-check, unit/infra/workflow tests offline,
# then local-integration tests against a moto server this script starts and stops by pid.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-moto.sh

npx --no-install biome check .
npx --no-install tsc --noEmit
npm run --silent test:unit
# Real packets: the kernel replica in a private user+network+mount namespace tree (local/dataplane/),
# judged against the static diagnosis on the same facts.
bash scripts/ensure-dataplane.sh
npm run --silent test:dataplane
# Offline synth: bundles every function with esbuild (packaging/bundle.ts) and fails on any
# unsuppressed cdk-nag finding.
npx --no-install cdk synth -q > /dev/null
# The hub as an organization deploys it (members: AssumeRole grants, the bus policy, member env).
npx --no-install cdk synth -q -o cdk.out.members -c peering-autopilot:members=111111111111,222222222222 \
  PeeringAutopilot > /dev/null
# Every IAM statement of every template against AWS's Service Authorization Reference (offline).
bash scripts/iam-reference-check.sh cdk.out cdk.out.members

# The construct package as users get it (jsii: dist/js tarball, dist/python wheel, API.md), then fresh
# `cdk init` apps in TypeScript, CommonJS, ESM and Python that install it and synthesize with cdk-nag.
npm run --silent package > .package.log 2>&1 || { cat .package.log; exit 1; }
git diff --quiet -- API.md || { echo "API.md is stale: commit the one \`npm run package\` wrote"; exit 1; }
npm run --silent test:package

PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
.venv/bin/moto_server -H 127.0.0.1 -p "$PORT" > .moto.log 2>&1 &
MOTO_PID=$!
trap 'kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:${PORT}/moto-api/" > /dev/null && break
  sleep 0.2
done
export MOTO_ENDPOINT="http://127.0.0.1:${PORT}"
npm run --silent test:integration

# The bench is not part of the tests, but it must keep working: a smoke run (N = 2, own moto).
kill "$MOTO_PID" 2>/dev/null || true
npm run --silent bench -- --smoke > .bench-smoke.log 2>&1 || { cat .bench-smoke.log; exit 1; }
echo "bench smoke run: ok"
