#!/usr/bin/env bash
# Creates .venv with a pinned moto server (our local AWS) unless it is already there.
# Used by the test command, the demo and the bench, so a clean clone needs nothing pre-installed.
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_VERSION="5.2.5"
if [ -x .venv/bin/moto_server ] && .venv/bin/python -c "import moto,sys; sys.exit(moto.__version__ != '${MOTO_VERSION}')" 2>/dev/null; then
  exit 0
fi
echo "setting up .venv with moto[server]==${MOTO_VERSION} ..." >&2
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==${MOTO_VERSION}" >&2
