#!/usr/bin/env bash
# Quick start, command 1: install, then run a chapter's experiment on its bundled data (default: timeseries).
#   bash tools/run.sh [CHAPTER] [dlworkbook run options, e.g. --full --seed 1 --out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
. .venv/bin/activate
chapter=${1:-timeseries}; shift || true
exec dlworkbook run "$chapter" --out "runs/$chapter" "$@"
