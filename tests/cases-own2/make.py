#!/usr/bin/env python3
"""Rebuild the second own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own2/make.py            # check labels, render, verify
    python3 tests/cases-own2/make.py --check    # check labels only (no rendering)

Each src/<case>/ holds one .txt per document (form feed \\f = page break) and
gold.json. Documents are spread round-robin over five PDF producers
(reportlab, fpdf2, headless Chromium, WeasyPrint, enscript + Ghostscript ps2pdf)
in sorted (case, file) order, so the assignment is stable. Output is
deterministic: fixed creation dates, reportlab invariant mode, Chromium's and
Ghostscript's timestamps/IDs are overwritten in place (same byte length).

Needs: pip install reportlab fpdf2 weasyprint; apt-get install chromium
enscript ghostscript poppler-utils.
Fails loudly (exit 1) when a label or a rendered PDF does not check out.
"""
import json, re, shutil, subprocess, sys, tempfile
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SRC, DROP = ROOT / "src", ROOT / "drop"
KINDS = {"lmn", "request_form", "clinical_note", "imaging_report", "lab_report",
         "sleep_study", "pt_note", "medication_list", "other"}
LABELS = {"supported", "unsupported", "contradicted", "not_a_claim"}
PRODUCERS = ["reportlab", "fpdf2", "chromium", "weasyprint", "enscript_gs"]
errors = []
reordered = []  # PDFs whose pdftotext word order differs from the source


def norm(s):
    """Whitespace-collapsed text, for verbatim (case-sensitive) comparisons."""
    return " ".join(s.split())


def words(s):
    """Lower-cased word tokens, for comparing PDF text with its source."""
    return re.findall(r"[a-z0-9]+", s.lower())


def check_gold(case):
    """The label checks: shapes, counts, and every quote/anchor verbatim."""
    gold = json.loads((case / "gold.json").read_text())
    texts = {p.stem: p.read_text() for p in case.glob("*.txt")}
    for stem, t in texts.items():
        if not t.isascii():
            errors.append(f"{case.name}/{stem}: non-ASCII text")
    if gold["case_id"] != case.name:
        errors.append(f"{case.name}: case_id {gold['case_id']!r}")
    docs = {d["file"]: d["kind"] for d in gold["documents"]}
    if set(docs) != set(texts):
        errors.append(f"{case.name}: documents {sorted(docs)} != files {sorted(texts)}")
    for f, k in docs.items():
        if k not in KINDS:
            errors.append(f"{case.name}/{f}: bad kind {k}")
    ids = set()
    for c in gold["claims"]:
        where = f"{case.name}/{c['id']}"
        if c["id"] in ids:
            errors.append(f"{where}: duplicate id")
        ids.add(c["id"])
        if c["expected"] not in LABELS:
            errors.append(f"{where}: bad label {c['expected']}")
        src = norm(texts.get(c["source_file"], ""))
        a = norm(c["anchor"])
        n = len(a.split())
        if not 5 <= n <= 15:
            errors.append(f"{where}: anchor has {n} words")
        if src.count(a) != 1:
            errors.append(f"{where}: anchor found {src.count(a)}x in {c['source_file']}: {a!r}")
        if c["expected"] in ("supported", "contradicted") and not c["evidence"]:
            errors.append(f"{where}: {c['expected']} claim without evidence")
        if c["expected"] in ("unsupported", "not_a_claim") and c["evidence"]:
            errors.append(f"{where}: {c['expected']} claim with evidence")
        for e in c["evidence"]:
            q = norm(e["quote"])
            n = len(q.split())
            if e["file"] == c["source_file"]:
                errors.append(f"{where}: evidence from the claim's own document")
            if not 4 <= n <= 25:
                errors.append(f"{where}: quote has {n} words: {q!r}")
            if q not in norm(texts.get(e["file"], "")):
                errors.append(f"{where}: quote not verbatim in {e['file']}: {q!r}")
    return gold, texts


# --- producers: each takes the pages of one document and writes out_pdf ---

def render_reportlab(pages, out_pdf, title):
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(out_pdf), pagesize=letter, invariant=1)
    c.setTitle(title)
    font, size, lead = "Helvetica", 10, 13
    for page in pages:
        y = 740
        for line in page.split("\n"):
            for part in simpleSplit(line, font, size, 500) or [""]:
                if y < 50:  # overflow: continue on a new physical page
                    c.showPage(); y = 740
                c.setFont(font, size); c.drawString(56, y, part); y -= lead
        c.showPage()
    c.save()


def render_fpdf(pages, out_pdf, title):
    from datetime import datetime, timezone
    from fpdf import FPDF, FPDF_VERSION
    pdf = FPDF(format="letter")
    pdf.set_title(title)
    pdf.set_producer(f"PyFPDF/fpdf2 {FPDF_VERSION}")
    pdf.set_creation_date(datetime(2026, 11, 1, tzinfo=timezone.utc))
    pdf.set_margins(18, 18)
    pdf.set_auto_page_break(True, 18)
    for page in pages:
        pdf.add_page()
        pdf.set_font("Courier", size=9.5)
        for line in page.split("\n"):
            pdf.multi_cell(0, 4.6, line or " ", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(out_pdf))


def render_chromium(pages, out_pdf, title):
    body = '<div style="break-after:page"></div>'.join(
        f"<div class=p>{escape(p)}</div>" for p in pages)
    html = ("<!doctype html><html><head><meta charset=utf-8>"
            f"<title>{escape(title)}</title><style>"
            "@page{size:letter;margin:0.7in}"
            ".p{white-space:pre-wrap;font:10.5pt/1.35 'DejaVu Sans',Arial,sans-serif}"
            f"</style></head><body>{body}</body></html>")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.html"
        src.write_text(html)
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
                        f"--print-to-pdf={out_pdf}", src.as_uri()],
                       check=True, capture_output=True, timeout=120)
    # Pin timestamps (same byte length, so the xref table stays valid).
    data = re.sub(rb"\(D:\d{14}", b"(D:20261101000000", out_pdf.read_bytes())
    out_pdf.write_bytes(data)


def render_weasyprint(pages, out_pdf, title):
    import weasyprint
    body = "".join(f'<div class="p">{escape(p)}</div>' for p in pages)
    html = ("<!doctype html><html><head><meta charset=utf-8>"
            f"<title>{escape(title)}</title><style>"
            "@page{size:letter;margin:0.8in 0.75in}"
            ".p{white-space:pre-wrap;font:10pt/1.3 'Liberation Serif',serif;break-after:page}"
            ".p:last-child{break-after:auto}"
            "</style></head><body>" + body + "</body></html>")
    weasyprint.HTML(string=html).write_pdf(str(out_pdf))


def render_enscript_gs(pages, out_pdf, title):
    with tempfile.TemporaryDirectory() as tmp:
        txt, ps = Path(tmp) / "doc.txt", Path(tmp) / "doc.ps"
        txt.write_text("\f".join(pages))
        subprocess.run(["enscript", "-B", "-q", "--word-wrap", "-f", "Courier9",
                        "--margins=54:54:54:54", f"--title={title}", "-p", str(ps), str(txt)],
                       check=True, capture_output=True, timeout=120)
        env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1793491200"}
        subprocess.run(["ps2pdf", "-dPDFSETTINGS=/default", str(ps), str(out_pdf)],
                       check=True, capture_output=True, timeout=120, env=env, cwd=tmp)
    # Ghostscript derives the XMP DocumentID and the trailer /ID from the clock:
    # pin both to a digest of the file (same byte length, xref stays valid).
    import hashlib
    data = out_pdf.read_bytes()
    h = hashlib.md5(re.sub(rb"uuid:[0-9a-f-]{36}|/ID ?\[<[0-9A-F]{32}><[0-9A-F]{32}>\]", b"", data)).hexdigest()
    u = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}".encode()
    data = re.sub(rb"uuid:[0-9a-f-]{36}", b"uuid:" + u, data)
    data = re.sub(rb"/ID ?\[<[0-9A-F]{32}><[0-9A-F]{32}>\]",
                  lambda m: m.group(0)[:m.group(0).index(b"<")] + b"<" + h.upper().encode() + b"><" + h.upper().encode() + b">]", data)
    out_pdf.write_bytes(data)


RENDER = {"reportlab": render_reportlab, "fpdf2": render_fpdf, "chromium": render_chromium,
          "weasyprint": render_weasyprint, "enscript_gs": render_enscript_gs}


def verify_pdf(pdf, text, quotes):
    """The PDF's words must be its source's words (reading order may differ where
    the layout has columns), and each quote/anchor must come out contiguous."""
    got = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    if sorted(words(got)) != sorted(words(text)):
        errors.append(f"{pdf.relative_to(ROOT)}: pdftotext words differ from source")
    if words(got) != words(text):
        reordered.append(str(pdf.relative_to(ROOT)))
    flat = " " + " ".join(words(got)) + " "
    for q in quotes:
        if " " + " ".join(words(q)) + " " not in flat:
            errors.append(f"{pdf.relative_to(ROOT)}: quote lost in PDF text: {q!r}")


def main():
    check_only = "--check" in sys.argv
    cases = sorted(p for p in SRC.iterdir() if p.is_dir())
    loaded = [(case, *check_gold(case)) for case in cases]
    if errors or check_only:
        return report(loaded, {})
    if DROP.exists():
        shutil.rmtree(DROP)
    producers, i = {}, 0
    for case, gold, texts in loaded:
        out = DROP / case.name
        out.mkdir(parents=True)
        shutil.copy(case / "gold.json", out / "gold.json")
        for stem in sorted(texts):
            prod = PRODUCERS[i % len(PRODUCERS)]; i += 1
            producers[f"{case.name}/{stem}"] = prod
            pdf = out / f"{stem}.pdf"
            RENDER[prod](texts[stem].split("\f"), pdf, stem)
            quotes = [e["quote"] for c in gold["claims"] for e in c["evidence"] if e["file"] == stem]
            quotes += [c["anchor"] for c in gold["claims"] if c["source_file"] == stem]
            verify_pdf(pdf, texts[stem], quotes)
    (ROOT / "producers.json").write_text(json.dumps(producers, indent=1) + "\n")
    return report(loaded, producers)


def report(loaded, producers):
    for e in errors:
        print("ERROR:", e)
    total, ndocs = {}, 0
    for case, gold, texts in loaded:
        ndocs += len(texts)
        counts = {}
        for c in gold["claims"]:
            counts[c["expected"]] = counts.get(c["expected"], 0) + 1
            total[c["expected"]] = total.get(c["expected"], 0) + 1
        print(f"{case.name}: {len(texts)} docs, {len(gold['claims'])} claims", counts)
    print(f"TOTAL: {len(loaded)} cases, {ndocs} docs, {sum(total.values())} claims", total)
    if producers:
        print("producers:", {p: list(producers.values()).count(p) for p in PRODUCERS})
    if reordered:
        print("reading order differs from source in:", *reordered, sep="\n  ")
    if errors:
        sys.exit(f"{len(errors)} error(s)")
    print("OK")


if __name__ == "__main__":
    main()
