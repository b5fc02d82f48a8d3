#!/usr/bin/env bash
# Create .venv (if missing) and install the project into it: torch==2.13.0 FIRST, then the package with its
# dev and speech extras (a plain `torch` requirement would pull the newest build from PyPI, which on Linux is
# the CUDA one: several GB). Idempotent: a second run only checks. Used by tools/run.sh and tools/test.sh.
#
# Which torch build (printed as "== torch build: ..."):
#   TORCH_INDEX_URL=URL     that package index (e.g. https://download.pytorch.org/whl/cuXXX, from pytorch.org)
#   TORCH_INDEX_URL=pypi    PyPI's default build (CUDA on Linux, CPU on macOS and Windows)
#   otherwise               a torch==2.13.0 wheel pip already finds without an index (a local wheel folder);
#                           else PyPI's build when an NVIDIA driver is present; else, on Linux, the CPU build
#                           from https://download.pytorch.org/whl/cpu (about 200 MB instead of several GB)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
TORCH_VERSION=2.13.0
CPU_INDEX=https://download.pytorch.org/whl/cpu
export PIP_DISABLE_PIP_VERSION_CHECK=1
# pip's notes about local mirror folders that do not exist are noise; its errors still show (and fail: pipefail)
quiet_pip() { sed -E '/^WARNING: Location .* is ignored/d'; }

has_nvidia_driver() { command -v nvidia-smi >/dev/null 2>&1 || [ -e /proc/driver/nvidia/version ]; }
# pip resolves torch==X from a local wheel (find-links) without asking any index: no download, no network
has_local_torch() {
  "$PIP_PY" -m pip install --dry-run --no-index --no-deps --ignore-installed -q "torch==$TORCH_VERSION" >/dev/null 2>&1
}
# Set `index` (the package index for torch; empty: pip's default) and `reason` (what to tell the user).
choose_torch_index() {
  index=""
  if [ -n "${TORCH_INDEX_URL:-}" ]; then
    if [ "$TORCH_INDEX_URL" = pypi ]; then reason="PyPI (TORCH_INDEX_URL=pypi)"
    else index=$TORCH_INDEX_URL; reason="$index (TORCH_INDEX_URL)"; fi
  elif has_local_torch; then reason="a local wheel that pip finds without an index"
  elif has_nvidia_driver; then reason="PyPI's CUDA build (an NVIDIA driver is present)"
  elif [ "$(uname -s)" = Linux ]; then
    index=$CPU_INDEX; reason="the CPU build from $CPU_INDEX (no NVIDIA driver found)"
  else reason="PyPI (its $(uname -s) build runs on the CPU)"
  fi
}

if [ "${1:-}" = --torch-build ]; then  # only say which build a fresh install would pick; change nothing
  if [ -x .venv/bin/python ]; then PIP_PY=.venv/bin/python; else PIP_PY=$PY; fi
  choose_torch_index; echo "torch build: $reason"; echo "index: ${index:-the default}"; exit 0
fi
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
. .venv/bin/activate
PIP_PY=python
if ! python -c "import torch, sys; sys.exit(0 if torch.__version__.startswith('$TORCH_VERSION') else 1)" 2>/dev/null; then
  choose_torch_index
  echo "== torch build: $reason"
  echo "== installing torch==$TORCH_VERSION first"
  pip install -q "torch==$TORCH_VERSION" ${index:+--index-url "$index"} 2>&1 | quiet_pip
fi
echo "== installing dlworkbook[dev,speech] (editable)"
pip install -q -e ".[dev,speech]" 2>&1 | quiet_pip
python -c "import dlworkbook, torch; print(f'== dlworkbook {dlworkbook.__version__}, torch {torch.__version__}')"
