#!/usr/bin/env bash
# Create .venv (if missing) and install the project into it: torch==2.13.0 FIRST (a plain `torch` requirement
# would pull the newest CUDA build, several GB), then the package with its dev and speech extras.
# Idempotent: a second run only checks. Used by tools/run.sh and tools/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
# pip's notes about local mirror folders that do not exist are noise; its errors still show (and fail: pipefail)
quiet_pip() { sed -E '/^WARNING: Location .* is ignored/d'; }
if ! python -c "import torch, sys; sys.exit(0 if torch.__version__.startswith('2.13.0') else 1)" 2>/dev/null; then
  echo "== installing torch==2.13.0 first"
  # TORCH_INDEX_URL picks a build elsewhere, e.g. https://download.pytorch.org/whl/cpu on GitHub's runners
  pip install -q "torch==2.13.0" ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"} 2>&1 | quiet_pip
fi
echo "== installing dlworkbook[dev,speech] (editable)"
pip install -q -e ".[dev,speech]" 2>&1 | quiet_pip
python -c "import dlworkbook, torch; print(f'== dlworkbook {dlworkbook.__version__}, torch {torch.__version__}')"
