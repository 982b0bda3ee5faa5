#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -q && apt-get install -y -q chromium
fi
# torch==2.13.0 is the CPU build; a bare "torch" would pull a multi-GB CUDA build.
python -m pip install -q torch==2.13.0
python -m pip install -q -e '.[test]'
# Hundreds of generated cases per property, as CI runs them (HYPOTHESIS_PROFILE=dev for a quick run).
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
exec python -m pytest "$@"
