#!/usr/bin/env bash
# Extraction benchmark: priorauth against pdftotext (text layer) and tesseract
# (OCR) on the same files, in the same run. Prints a markdown section for
# BENCHMARKS.md. Needs ../shared/corpus/realworld, poppler-utils, tesseract.
#   bash tests/bench/extract.sh > /tmp/bench.md
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=target/release/priorauth
CORPUS=${CORPUS:-../shared/corpus/realworld}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
JOBS=$(nproc)

noocr="$W/no-ocr.toml"
sed 's/^enabled = true/enabled = false/' pipelines/nightly.toml > "$noocr"

# 1. Every real-world PDF, OCR off: failure counts per reason.
mkdir -p "$W/all/realworld"
for f in "$CORPUS"/*.pdf; do cp "$f" "$W/all/realworld/"; done
$BIN run --drop "$W/all" --out "$W/out-all" --config "$noocr" -q || true
python3 - "$W/out-all" > "$W/reasons.md" <<'PY'
import sys, duckdb
rows = duckdb.sql(f"select status, coalesce(status_reason, '-') as reason, count(*) n from read_parquet('{sys.argv[1]}/documents/**/*.parquet') group by all order by n desc").fetchall()
print("| status | reason | files |\n|---|---|---|")
for s, r, n in rows: print(f"| {s} | {r} | {n} |")
PY
# The files we read text from: the text-layer set.
python3 - "$W/out-all" > "$W/ok.txt" <<'PY'
import sys, duckdb
for (f,) in duckdb.sql(f"select file_name from read_parquet('{sys.argv[1]}/documents/**/*.parquet') where status = 'ok' order by 1").fetchall(): print(f)
PY
# Files pdftotext cannot finish in 10 s (pdfjs_bomb_giant.pdf: 2.4 GB in poppler)
# would make the reference meaningless: both sides skip them, and we say so.
mkdir -p "$W/text/realworld"
skipped=""
while read -r f; do
    if timeout 10 pdftotext -q "$CORPUS/$f" /dev/null 2>/dev/null || [ $? -ne 124 ]; then
        cp "$CORPUS/$f" "$W/text/realworld/$f"
    else
        skipped="$skipped $f"
    fi
done < "$W/ok.txt"
n_files=$(ls "$W/text/realworld" | wc -l)

now() { date +%s.%N; }
# 2. Text layer: priorauth (whole pipeline, OCR off) vs pdftotext alone, both on all cores.
t0=$(now); $BIN run --drop "$W/text" --out "$W/out-text" --config "$noocr" > "$W/run-text.log" 2>/dev/null || true; t1=$(now)
pa_text=$(echo "$t1 - $t0" | bc -l)
pages=$(grep -o '[0-9]* pages (' "$W/run-text.log" | grep -o '^[0-9]*')
stages=$(grep 'stage seconds' "$W/run-text.log" | sed 's/.*stage seconds: //')
t0=$(now); ls "$W/text/realworld"/*.pdf | xargs -P "$JOBS" -I{} sh -c 'timeout 60 pdftotext -q "{}" /dev/null || true'; t1=$(now)
ref_text=$(echo "$t1 - $t0" | bc -l)

# 3. OCR: the sample scans and a real fax, priorauth vs tesseract alone on the same page images.
mkdir -p "$W/ocr/scans"
for f in sample_docs/*/*_scan.pdf "$CORPUS/derived_fax-g4-204x196dpi_3pages_ocrmypdf-images.pdf"; do
    cp "$f" "$W/ocr/scans/$(basename "$(dirname "$f")")-$(basename "$f")"
done
t0=$(now); $BIN run --drop "$W/ocr" --out "$W/out-ocr" > "$W/run-ocr.log" 2>/dev/null || true; t1=$(now)
pa_ocr=$(echo "$t1 - $t0" | bc -l)
ocr_pages=$(grep -o '[0-9]* pages (' "$W/run-ocr.log" | grep -o '^[0-9]*')
mkdir -p "$W/png"
for f in "$W/ocr/scans"/*.pdf; do pdftoppm -r 300 -gray -png "$f" "$W/png/$(basename "$f" .pdf)"; done
t0=$(now); ls "$W/png"/*.png | OMP_THREAD_LIMIT=1 xargs -P "$JOBS" -I{} sh -c 'tesseract "{}" stdout --dpi 300 tsv > /dev/null 2>&1'; t1=$(now)
ref_ocr=$(echo "$t1 - $t0" | bc -l)

cat <<MD
### Extraction (\`bash tests/bench/extract.sh\`), $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)

Text layer: the $n_files real-world PDFs (\`../shared/corpus/realworld\`) we read text from, $pages pages,
OCR off. Both sides use all cores (\`pdftotext\` through \`xargs -P $JOBS\`). Left out because
\`pdftotext\` did not finish them in 10 s:${skipped:- none}.

| what | seconds | pages/s | ratio to reference |
|---|---|---|---|
| \`pdftotext\` alone (reference) | $(printf %.2f "$ref_text") | $(printf %.0f "$(echo "$pages / $ref_text" | bc -l)") | 1.00 |
| \`priorauth run\`, whole pipeline | $(printf %.2f "$pa_text") | $(printf %.0f "$(echo "$pages / $pa_text" | bc -l)") | $(printf %.2f "$(echo "$pa_text / $ref_text" | bc -l)") |

priorauth stage seconds: $stages.

OCR: $ocr_pages scanned pages (the three sample scans and a real 3-page G4 fax).

| what | seconds | pages/s | ratio to reference |
|---|---|---|---|
| \`tesseract\` alone on the 300 dpi page images (reference) | $(printf %.2f "$ref_ocr") | $(printf %.2f "$(echo "$ocr_pages / $ref_ocr" | bc -l)") | 1.00 |
| \`priorauth run\` (render + OCR + the pipeline) | $(printf %.2f "$pa_ocr") | $(printf %.2f "$(echo "$ocr_pages / $pa_ocr" | bc -l)") | $(printf %.2f "$(echo "$pa_ocr / $ref_ocr" | bc -l)") |

Outcome per file on the whole real-world corpus (328 PDFs, OCR off):

$(cat "$W/reasons.md")
MD
