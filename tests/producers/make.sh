#!/usr/bin/env bash
# The producer matrix: the same clinical source texts (src/*.txt) rendered to
# PDF by many real PDF producers, plus image-only scans, so that the end-to-end
# test tests/producer_matrix.rs can hold the text extractor to a word recall per
# producer.
#
#   bash tests/producers/make.sh            regenerate pdf/ and producers.tsv
#   bash tests/producers/make.sh --install  first install the producers
#                                           (Debian packages and PyPI)
#
# Writes tests/producers/pdf/<producer>__<source>.pdf and producers.tsv (file,
# producer, version, kind). The outputs are committed together with this
# script: CI does not install LibreOffice, TeX or the other producers, it only
# reads the PDFs. Rerun this script (and commit its outputs) after editing a
# source text or a producer's settings.
#
# Text-layer producers (file prefix):
#   gs-enscript  enscript (PostScript, Courier) | ps2pdf       Ghostscript
#   gs-a2ps      a2ps (PostScript, Courier) | ps2pdf           Ghostscript
#   gs-groff     groff -Tps (Times, no hyphenation) | ps2pdf   Ghostscript
#   chromium     chromium --headless --print-to-pdf of HTML    Skia/PDF
#   libreoffice  .docx (python-docx) -> soffice --convert-to pdf
#   reportlab    reportlab platypus (Times, Courier)
#   fpdf2        fpdf2 (Helvetica, Courier core fonts)
#   cairo        pycairo PDF surface (DejaVu, embedded subsets)
#   weasyprint   WeasyPrint of the HTML
#   wkhtmltopdf  wkhtmltopdf (Qt WebKit) of the HTML
#   pdftex       pdflatex (Latin Modern, T1; no hyphenation)
# Scans (image-only): libreoffice__<source>.pdf rasterized by pdftoppm at 150,
# 200 and 300 dpi, turned a little (0.7 or -1.2 degrees) with Pillow, as 1-bit
# CCITT G4 (mono) or 8-bit JPEG (gray), wrapped by img2pdf:
#   scan-<mono|gray>-<dpi>dpi
#
# Determinism: TZ=UTC, SOURCE_DATE_EPOCH (Ghostscript, pdfTeX), fixed dates
# where a library takes one (reportlab invariant mode, fpdf2, cairo, WeasyPrint,
# img2pdf); for producers that stamp the wall clock (Chromium, LibreOffice,
# wkhtmltopdf) `render.py pin` overwrites dates and IDs in place with
# same-length values, so the files' structure stays the producer's own.
# Two runs on one machine give the same bytes for every file but the
# wkhtmltopdf ones (Qt subsets fonts in a different order each run).
# Hyphenation is off everywhere: a word split at a line end would measure the
# renderer, not the extractor.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
SRC="$HERE/src"
OUT="$HERE/pdf"
RENDER="python3 $HERE/render.py"

APT_PACKAGES=(enscript a2ps ghostscript groff chromium libreoffice-writer-nogui
    wkhtmltopdf texlive-latex-base texlive-fonts-recommended lmodern
    fonts-dejavu-core fonts-liberation poppler-utils img2pdf libcairo2-dev
    pkg-config)
PIP_PACKAGES=(reportlab fpdf2 pycairo weasyprint python-docx pillow)

if [ "${1:-}" = "--install" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${APT_PACKAGES[@]}" >/dev/null
    python3 -m pip install --quiet "${PIP_PACKAGES[@]}"
fi

export TZ=UTC LC_ALL=C.UTF-8
export SOURCE_DATE_EPOCH=1751371200 # 2025-07-01T12:00:00Z
export FORCE_SOURCE_DATE=1          # pdfTeX: use it for every date
export QT_QPA_PLATFORM=offscreen    # wkhtmltopdf without an X server

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

rm -rf "$OUT"
mkdir -p "$OUT"
TSV="$HERE/producers.tsv"
printf 'file\tproducer\tversion\tkind\n' >"$TSV"

first_line() { "$@" 2>&1 | head -n 1; }
PYV() { $RENDER versions | awk -F'\t' -v k="$1" '$1 == k { print $2 }'; }

GS_V="$(gs --version)"
declare -A LABEL VERSION
LABEL[gs-enscript]="Ghostscript ps2pdf of GNU enscript PostScript"
VERSION[gs-enscript]="GPL Ghostscript $GS_V; $(first_line enscript --version)"
LABEL[gs-a2ps]="Ghostscript ps2pdf of a2ps PostScript"
VERSION[gs-a2ps]="GPL Ghostscript $GS_V; $(first_line a2ps --version)"
LABEL[gs-groff]="Ghostscript ps2pdf of groff -Tps"
VERSION[gs-groff]="GPL Ghostscript $GS_V; $(first_line groff --version)"
LABEL[chromium]="Chromium headless --print-to-pdf (Skia/PDF)"
# (Debian's wrapper script may print a shell warning before the version)
VERSION[chromium]="$(chromium --version 2>/dev/null | grep -m 1 Chromium)"
LABEL[libreoffice]="LibreOffice Writer headless --convert-to pdf of a .docx"
VERSION[libreoffice]="$(first_line soffice --version); python-docx $(PYV python-docx)"
LABEL[reportlab]="ReportLab platypus"
VERSION[reportlab]="reportlab $(PYV reportlab)"
LABEL[fpdf2]="fpdf2"
VERSION[fpdf2]="fpdf2 $(PYV fpdf2)"
LABEL[cairo]="Cairo PDF surface (pycairo)"
VERSION[cairo]="pycairo $(PYV pycairo)"
LABEL[weasyprint]="WeasyPrint"
VERSION[weasyprint]="$(first_line weasyprint --version)"
LABEL[wkhtmltopdf]="wkhtmltopdf (Qt WebKit)"
VERSION[wkhtmltopdf]="$(first_line wkhtmltopdf --version)"
LABEL[pdftex]="pdfTeX (pdflatex)"
VERSION[pdftex]="$(first_line pdflatex --version)"
PRODUCERS=(gs-enscript gs-a2ps gs-groff chromium libreoffice reportlab fpdf2 cairo
    weasyprint wkhtmltopdf pdftex)

# Monospaced PostScript producers neither wrap at word boundaries nor read
# UTF-8: fold at 80 columns on spaces and hand them Latin-1.
latin1_folded() { fold -s -w 80 "$1" | iconv -f UTF-8 -t LATIN1; }
ps2pdf_to() { ps2pdf -sPAPERSIZE=letter - "$1"; }

render() { # producer source.txt out.pdf
    local p="$1" src="$2" out="$3" stem
    stem="$(basename "$src" .txt)"
    case "$p" in
    gs-enscript)
        latin1_folded "$src" | enscript -q -B -X latin1 -f Courier10 -M Letter -o - | ps2pdf_to "$out" ;;
    gs-a2ps)
        latin1_folded "$src" | a2ps -q -1 -B --borders=no -X latin1 -M Letter -o - | ps2pdf_to "$out" ;;
    gs-groff)
        $RENDER roff "$src" "$TMP/$stem.roff"
        groff -k -Tps -P-pletter -dpaper=letter "$TMP/$stem.roff" | ps2pdf_to "$out" ;;
    chromium)
        $RENDER html "$src" "$TMP/$stem.html"
        chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$TMP/chromium-profile" --no-pdf-header-footer \
            --print-to-pdf="$out" "file://$TMP/$stem.html" >"$TMP/chromium.log" 2>&1
        $RENDER pin "$out" ;;
    libreoffice)
        $RENDER docx "$src" "$TMP/$stem.docx"
        mkdir -p "$TMP/lo"
        soffice -env:UserInstallation="file://$TMP/lo-profile" --headless \
            --convert-to pdf --outdir "$TMP/lo" "$TMP/$stem.docx" >"$TMP/lo.log" 2>&1
        mv "$TMP/lo/$stem.pdf" "$out"
        $RENDER pin "$out" ;;
    reportlab | fpdf2 | cairo)
        $RENDER "$p" "$src" "$out" ;;
    weasyprint)
        $RENDER html "$src" "$TMP/$stem.html"
        weasyprint --pdf-identifier "producer-matrix-$stem" "$TMP/$stem.html" "$out" ;;
    wkhtmltopdf)
        $RENDER html "$src" "$TMP/$stem.html"
        wkhtmltopdf --quiet -s Letter -T 25.4mm -B 25.4mm -L 25.4mm -R 25.4mm \
            "$TMP/$stem.html" "$out" 2>"$TMP/wk.log"
        $RENDER pin "$out" ;;
    pdftex)
        $RENDER latex "$src" "$TMP/$stem.tex"
        (cd "$TMP" && pdflatex -interaction=nonstopmode -halt-on-error "$stem.tex" >"$TMP/tex.log")
        mv "$TMP/$stem.pdf" "$out" ;;
    *) echo "unknown producer $p" >&2; exit 1 ;;
    esac
    [ -s "$out" ] || { echo "$p gave no PDF for $src" >&2; exit 1; }
}

for src in "$SRC"/*.txt; do
    name="$(basename "$src" .txt)"
    for p in "${PRODUCERS[@]}"; do
        f="${p}__${name}.pdf"
        echo "  $f" >&2
        render "$p" "$src" "$OUT/$f"
        printf '%s\t%s\t%s\ttext\n' "$f" "${LABEL[$p]}" "${VERSION[$p]}" >>"$TSV"
    done
done

# Scans of the LibreOffice rendering: (mode dpi angle).
SCAN_V="pdftoppm $(pdftoppm -v 2>&1 | head -n 1 | awk '{print $3}'); Pillow $(PYV pillow); $(first_line img2pdf --version)"
SCANS=("mono 150 0.7" "gray 150 -1.2" "mono 200 -1.2" "gray 200 0.7" "mono 300 0.7" "gray 300 -1.2")
for src in "$SRC"/*.txt; do
    name="$(basename "$src" .txt)"
    for s in "${SCANS[@]}"; do
        read -r mode dpi angle <<<"$s"
        f="scan-${mode}-${dpi}dpi__${name}.pdf"
        echo "  $f" >&2
        $RENDER scan "$OUT/libreoffice__${name}.pdf" "$OUT/$f" "$dpi" "$mode" "$angle"
        printf '%s\t%s\t%s\tscan\n' "$f" \
            "scan of libreoffice__${name}.pdf: ${dpi} dpi ${mode}, turned ${angle} degrees, img2pdf" \
            "$SCAN_V" >>"$TSV"
    done
done

du -ch "$OUT"/*.pdf | tail -n 1 >&2
