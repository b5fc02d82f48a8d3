#!/usr/bin/env bash
# Quick start, command 2: install, then run every check CI runs:
#   1. notebooks clean and in sync with the package (nbdev_clean / nbdev_export change no tracked file)
#   2. links and workflows: Colab links, install cells and README install lines follow settings.ini
#      (tools/sync_links.py --check); actionlint (with shellcheck) finds nothing in .github/workflows
#   3. nbdev_test (default flags: `#| slow` cells skipped)
#   4. claims: every number in the notebooks' prose is printed by a cell (tools/check_claims.py)
#   5. pytest tests: the installed package, the CLI, and the docs site built offline (tests/test_docs.py runs
#      tools/build_docs.py: a page per notebook, titles, figures, no tracebacks, every internal link resolves)
#   6. generated files in sync: README.md, nbs/sidebar.yml, the footer of nbs/_quarto.yml (the docs build writes them)
#   7. the whole-page browser check, when Chromium is installed: every page at 1366 and 390 px, full-length
#      screenshots in _docs_screens/ (tools/check_pages.py: raw TeX, overflow without scroll, broken images, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
bash tools/install.sh
. .venv/bin/activate
# In CI the data cache starts empty, as on a fresh machine, so no test leans on files an earlier run left behind
if [ -n "${CI:-}" ] && [ -z "${DLWORKBOOK_DATA:-}" ]; then export DLWORKBOOK_DATA=$(mktemp -d); fi
export DLWORKBOOK_PROGRESS=0 TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore::DeprecationWarning
step() { echo; echo "== [$((SECONDS - start)) s] $*"; }
# TensorFlow's C++ start-up lines (no GPU here) are noise in a CPU-only log
quiet_tf() { sed -E '/absl::InitializeLog|cudart_stub|cuda_platform|cpu_feature_guard|To enable the following instructions|output-file is not read/d'; }
unclean() {
  git status --porcelain -- nbs dlworkbook README.md settings.ini
}

step "1/7 notebooks clean and in sync with dlworkbook/"
before=$(unclean)
nbdev_clean
nbdev_export
after=$(unclean)
if [ "$before" != "$after" ]; then
  echo "FAIL: nbdev_clean/nbdev_export changed files; run them and commit the result:"
  diff <(echo "$before") <(echo "$after") || true
  git --no-pager diff --stat
  exit 1
fi
echo "ok: nothing changed"

step "2/7 links and workflows follow settings.ini and pass actionlint"
python tools/sync_links.py --check
command -v shellcheck >/dev/null 2>&1 || echo "note: shellcheck is not installed, so actionlint skips the run: steps"
actionlint
echo "ok: actionlint found nothing in .github/workflows"

step "3/7 nbdev_test"
t=$SECONDS
nbdev_test --do_print --timing 2>&1 | quiet_tf
echo "nbdev_test: $((SECONDS - t)) s"

step "4/7 claims: every number in the prose is printed by a cell"
python tools/check_claims.py nbs

step "5/7 pytest tests (the package, the CLI, the docs site)"
python -m pytest tests -q -p no:cacheprovider --durations=5

step "6/7 generated files in sync: README.md (nbs/index.ipynb), nbs/sidebar.yml (titles), footer of nbs/_quarto.yml"
[ -f _docs/index.html ] || python tools/build_docs.py --readme 2>&1 | quiet_tf
generated=(README.md nbs/sidebar.yml nbs/_quarto.yml)
if [ -n "$(git status --porcelain -- "${generated[@]}")" ]; then
  echo "FAIL: generated files are out of date; run python tools/build_docs.py --readme and commit them"
  git --no-pager diff -- "${generated[@]}" | head -40
  exit 1
fi
echo "ok"

step "7/7 browser check"
if command -v chromium >/dev/null 2>&1; then
  python tools/check_pages.py _docs --out _docs_screens
else
  echo "skipped: chromium is not installed (apt-get install chromium to run it)"
fi
step "all checks passed in $((SECONDS - start)) s"
