#!/usr/bin/env python3
"""Rebuild the tenth own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own10/make.py            # check labels, render, verify
    python3 tests/cases-own10/make.py --check    # check labels only (no rendering)

The set mixes three styles of request (drugs on the pharmacy and the medical
benefit, procedures and equipment, post-acute and behavioural services) and
writes supported claims as a physician summarizes a chart: synonyms, brand and
generic names, abbreviations, converted units, durations computed from dates,
and latest values with older values still on the page. Each src/<case>/ holds
one .txt per document (form feed \\f = page break) and gold.json. A file that
holds several documents (a fax cover sheet in front of a form) is one .txt with
page breaks and renders to one PDF. Text-layer documents are spread round-robin
over five PDF producers (reportlab, fpdf2, headless Chromium, WeasyPrint,
enscript|ps2pdf) in sorted (case, file) order, so the assignment is stable. The
documents listed in SCANS (here one claim form and two supporting documents: an
outside antibody report and a prosthetist's evaluation) are rendered as
image-only "scans": typeset with fpdf2, rasterized by pdftoppm, rotated
slightly, speckled with seeded noise, and wrapped back into a PDF with img2pdf
(no text layer). Output is deterministic: fixed creation dates, reportlab
invariant mode, Chromium's timestamps and Ghostscript's IDs are overwritten in
place, and the scan noise comes from a seeded generator.

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
    "x02_efgartigimod_gmg_form/outside_lab_achr_musk": (200, 1.1),
    "x05_microprocessor_knee_letter/prosthetist_eval_0805": (240, -1.4),
    "x07_fess_sinus_scanform/pa_form_sinus_surgery_scan": (300, -0.8),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
