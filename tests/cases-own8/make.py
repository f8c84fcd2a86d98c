#!/usr/bin/env python3
"""Rebuild the eighth own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own8/make.py            # check labels, render, verify
    python3 tests/cases-own8/make.py --check    # check labels only (no rendering)

Ten cases v01-v10 in domains not used by the earlier sets (EoE budesonide,
inclisiran, olaparib, pediatric somatropin, IVIG for CIDP, aflibercept after
bevacizumab, NPWT, TAVR, kyphoplasty, 3-month paliperidone). The claim documents
are letterhead letters (one without a RE: line, one behind a fax cover in the
same PDF, one with a criteria table), a bulleted appeal, a narrative appeal,
and payer forms with [X]/[ ] boxes, a Y/N column and blank fields, one of them
scanned. Each src/<case>/ holds one .txt per document (form feed \\f = page
break) and gold.json. A file that holds several documents (a fax cover and a
letter) is one .txt with page breaks and renders to one PDF. Text-layer
documents are spread round-robin over five PDF producers (reportlab, fpdf2,
headless Chromium, WeasyPrint, enscript|ps2pdf) in sorted (case, file) order,
so the assignment is stable. The documents listed in SCANS (here one claim form
and two supporting documents) are rendered as image-only "scans": typeset with
fpdf2, rasterized by pdftoppm, rotated slightly, speckled with seeded noise,
and wrapped back into a PDF with img2pdf (no text layer). Output is
deterministic: fixed creation dates, reportlab invariant mode, Chromium's
timestamps and Ghostscript's IDs are overwritten in place, and the scan noise
comes from a seeded generator.

Needs: pip install reportlab fpdf2 weasyprint pillow img2pdf;
apt-get install chromium enscript ghostscript poppler-utils tesseract-ocr.
Fails loudly (exit 1) when a label or a rendered text-layer PDF does not check
out. Scans are checked with tesseract: a low OCR word recall is an error, a
labelled quote or anchor that does not come out of OCR verbatim is only
reported.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
import case_builder  # noqa: E402

# Documents rendered as image-only scans (case/stem) -> (dpi, rotation in degrees).
SCANS = {
    "v04_somatropin_peds_form/growth_chart_20270419": (200, -0.9),
    "v07_npwt_wound_dme_form/wound_measurement_log_20270614": (300, 0.7),
    "v10_invega_lai_scanned_form/pa_form_paliperidone": (300, -0.5),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
