#!/usr/bin/env bash
# `make bench`: the whole pipeline at scale on a synthetic corpus, against
# pdftotext (text layer) and tesseract (OCR) on the same files in the same run.
# Prints a markdown section and, with WRITE=1 (as `make bench` does), puts it into
# BENCHMARKS.md between the `bench:scale` markers.
#   CASES=300 SCALE=10 OCR_CASES=6 bash tests/bench/scale.sh > /tmp/scale.md
# SCALE=10 also runs a corpus 10x larger for the memory comparison (0 to skip).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-target/release/priorauth}
CASES=${CASES:-300}
SCALE=${SCALE:-10}
OCR_CASES=${OCR_CASES:-6}
SEED=${SEED:-1}
JOBS=$(nproc)
W=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -rf "$W"' EXIT
now() { date +%s.%N; }
calc() { printf "%.${2:-2}f" "$(echo "$1" | bc -l)"; }

# One measured run: wall seconds, CPU% and peak RSS from GNU time; the
# pipeline's own stage line. Sets: wall cpu rss pages ocr stages cpu_split
measure() { # out-dir log args...
    local out=$1 log=$2; shift 2
    # The run and its extraction workers together: the sum of their RSS,
    # sampled every 0.2 s (GNU time's peak is that of the largest process).
    echo 0 > "$W/tree.txt"
    # (`ps -C` fails while none of them runs; under `set -e -o pipefail` that
    # must not end the sampler, or the `kill` below fails and ends the bench.)
    ( peak=0; while :; do
        s=$( (ps -C priorauth -C pdftoppm -C tesseract -o rss= 2>/dev/null || true) | awk '{s+=$1} END{print s+0}')
        [ "$s" -gt "$peak" ] && peak=$s && echo "$peak" > "$W/tree.txt"
        sleep 0.2
      done ) & local sampler=$!
    /usr/bin/time -f "%e %P %M %x" -o "$W/time.txt" "$BIN" run --out "$out" "$@" > "$log" 2>"$W/stderr.txt" || true
    kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
    tree=$(cat "$W/tree.txt")
    # GNU time prefixes "Command exited with non-zero status 2" (quarantined files).
    local rc
    read -r wall cpu rss rc < <(tail -n 1 "$W/time.txt") || true
    # 0: all read; 2: some documents quarantined (the corpus has malformed files).
    if [ "${rc:-}" != 0 ] && [ "${rc:-}" != 2 ]; then
        echo "priorauth run $* failed (exit ${rc:-unknown}); its last log lines:" >&2
        tail -n 20 "$W/stderr.txt" >&2
        exit 1
    fi
    pages=$(grep -o '[0-9]* pages (' "$log" | grep -o '^[0-9]*' || echo 0)
    stages=$(grep 'stage seconds' "$log" | sed 's/.*stage seconds: //' || true)
    cpu_split=$(grep 'analyze CPU seconds' "$log" | sed 's/.*threads): //' || true)
}
stage() { echo "$stages" | grep -o "$1 [0-9.]*" | awk '{print $2}'; }
pdftotext_all() { # dir -> seconds
    local t0 t1
    t0=$(now)
    find "$1" -name '*.pdf' -print0 | xargs -0 -P "$JOBS" -n 16 sh -c 'for f; do timeout 60 pdftotext -q "$f" /dev/null || true; done' _
    t1=$(now)
    echo "$t1 - $t0" | bc -l
}

bench_corpus() { # n label
    local n=$1 label=$2 dir="$W/$2"
    "$BIN" synth --cases "$n" --seed "$SEED" --out "$dir" --scan-share 0 --malformed-share 0.02 > "$W/synth-$label.txt"
    local ref; ref=$(pdftotext_all "$dir")
    measure "$W/out-$label" "$W/run-$label.log" --drop "$dir"
    local full=$wall
    local p=$pages
    echo "| $n cases, $p pages | $(calc "$ref") | $(calc "$full") | $(calc "$full / $ref") | $cpu | $(calc "$rss / 1024" 0) | $(calc "$tree / 1024" 0) |" >> "$W/summary.md"
    {
        echo "| $n cases | $(calc "$p / ($(stage ingest) + 0.005)" 0) | $(calc "$p / $(stage extract)" 0) | $(calc "$p / $(stage chunk)" 0) | $(calc "$p / $(stage index)" 0) | $(calc "$p / $(stage analyze)" 0) | $(calc "$p / $(stage write)" 0) |"
    } >> "$W/stages.md"
    echo "- $n cases: $stages; $cpu_split" >> "$W/stage-seconds.md"
    # A rerun with nothing changed.
    measure "$W/out-$label" "$W/rerun-$label.log" --drop "$dir"
    echo "| $n cases | $(calc "$full") | $(calc "$wall") | $(calc "100 * $wall / $full" 1)% |" >> "$W/rerun.md"
    rm -rf "$dir" "$W/out-$label"
}

: > "$W/summary.md"; : > "$W/stages.md"; : > "$W/rerun.md"; : > "$W/stage-seconds.md"
bench_corpus "$CASES" base
if [ "$SCALE" -gt 1 ]; then bench_corpus $((CASES * SCALE)) scaled; fi

# OCR: image-only cases; tesseract alone on the same page images as the reference.
"$BIN" synth --cases "$OCR_CASES" --seed "$SEED" --out "$W/ocr" --scan-share 1 --malformed-share 0 > "$W/synth-ocr.txt"
measure "$W/out-ocr" "$W/run-ocr.log" --drop "$W/ocr"
ocr_wall=$wall; ocr_pages=$(grep -o '(.*OCR)' "$W/run-ocr.log" | grep -o '[0-9]*'); ocr_rss=$rss; ocr_cpu=$cpu
mkdir -p "$W/png"
find "$W/ocr" -name '*.pdf' | while read -r f; do pdftoppm -r 300 -gray -png "$f" "$W/png/$(basename "$(dirname "$f")")-$(basename "$f" .pdf)"; done
t0=$(now); ls "$W/png"/*.png | OMP_THREAD_LIMIT=1 xargs -P "$JOBS" -I{} sh -c 'tesseract "{}" stdout --dpi 300 tsv > /dev/null 2>&1'; t1=$(now)
ref_ocr=$(echo "$t1 - $t0" | bc -l)
n_png=$(ls "$W/png" | wc -l)

cat > "$W/section.md" <<MD
### At scale (\`make bench\` = \`bash tests/bench/scale.sh\`), $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB

Corpus: \`priorauth synth --seed $SEED --scan-share 0 --malformed-share 0.02\` (text-layer PDFs, 1-20 pages
per document, a few truncated files). Reference: \`pdftotext\` alone on the same PDFs, all cores
(\`xargs -P $JOBS\`), measured in the same run. \`priorauth run\` is the whole pipeline (ingest, extract in
isolated workers, chunk, index, summarize, evidence, facts, parquet and HTML), OCR on, LLM off. Wall time,
CPU and peak RSS from GNU time (the largest process: the run itself); "with workers" is the sum of the
RSS of the run and its extraction workers, sampled every 0.2 s.

| corpus | pdftotext s | priorauth s | ratio | CPU | peak RSS MiB | with workers MiB |
|---|---|---|---|---|---|---|
$(cat "$W/summary.md")

Pages per second by stage (stage wall time; analyze = summarize + evidence + facts; ingest, which lists
and hashes, is shown as pages / (s + 0.005)). One batch is extracted while the previous one is indexed,
checked and written, so the stages share the cores and their times add up to more than the run.

| corpus | ingest | extract | chunk | index | analyze | write |
|---|---|---|---|---|---|---|
$(cat "$W/stages.md")

Stage seconds as printed by the run:
$(cat "$W/stage-seconds.md")

Rerun over the unchanged drop folder (change detection reads hashes only):

| corpus | full run s | rerun s | share |
|---|---|---|---|
$(cat "$W/rerun.md")

OCR: $OCR_CASES image-only cases, $ocr_pages OCR pages ($n_png page images at 300 dpi for the reference).

| what | seconds | pages/s | ratio |
|---|---|---|---|
| \`tesseract\` alone on the page images, $JOBS in parallel, OMP_THREAD_LIMIT=1 (reference) | $(calc "$ref_ocr") | $(calc "$n_png / $ref_ocr") | 1.00 |
| \`priorauth run\` (render + OCR + pipeline), CPU $ocr_cpu, peak RSS $(calc "$ocr_rss / 1024" 0) MiB | $(calc "$ocr_wall") | $(calc "$ocr_pages / $ocr_wall") | $(calc "$ocr_wall / $ref_ocr") |
MD
cat "$W/section.md"
if [ "${WRITE:-0}" = 1 ]; then
    python3 - "$W/section.md" <<'PY'
import sys
section = open(sys.argv[1]).read().rstrip("\n")
text = open("BENCHMARKS.md").read()
start, end = "<!-- bench:scale -->", "<!-- /bench:scale -->"
a, b = text.index(start) + len(start), text.index(end)
open("BENCHMARKS.md", "w").write(text[:a] + "\n" + section + "\n" + text[b:])
PY
fi
