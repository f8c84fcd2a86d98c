#!/usr/bin/env bash
# Measure priorauth on the labelled sets (see measure.py for the figures).
#   bash tests/measure/measure.sh all                 # sample_docs, tune, check, autoauth, own, own2 .. own6
#   bash tests/measure/measure.sh tune check          # some sets
#   EXISTING=1 bash tests/measure/measure.sh tune     # read /tmp/measure-tune, do not run
#   BUILD=1 bash tests/measure/measure.sh all         # cargo build --release --locked first
# Each set runs `priorauth run --drop <set> --out $OUT_ROOT/measure-<set> --force` (exit 0 or 2),
# prints one markdown table per set (plus an overview for several) and writes
# $OUT_ROOT/measure.json (or measure-<set>.json for one set) and $OUT_ROOT/measure.md.
# Sets live in ../shared/corpus (PRIORAUTH_CORPUS overrides). `check` is held out: measure it,
# never tune on it.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT_ROOT=${OUT_ROOT:-/tmp}
[ $# -gt 0 ] || set -- all

if [ "${BUILD:-0}" = 1 ]; then cargo build --release --locked; fi
[ -x target/release/priorauth ] || { echo "target/release/priorauth missing: cargo build --release --locked" >&2; exit 1; }
# OCR of the scans needs tesseract and pdftoppm (the project's own install step); without them
# scans are quarantined as ocr_unavailable and the figures say so.
if [ -z "${EXISTING:-}" ] && { ! command -v tesseract >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; }; then
    make -s sysdeps || true
fi
python3 -c "import duckdb" 2>/dev/null || python3 -m pip install --quiet duckdb

args=()
[ -n "${EXISTING:-}" ] && args+=(--existing)
python3 tests/measure/measure.py "$@" --out-root "$OUT_ROOT" --md "$OUT_ROOT/measure.md" "${args[@]}"
