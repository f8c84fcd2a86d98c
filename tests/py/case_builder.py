"""The builder of the labelled sets `tests/cases-own3/` to
`tests/cases-own14/`: src/<case>/*.txt -> drop/<case>/*.pdf, with each set's
labels checked and each rendered PDF verified against its source. Each set's
make.py names its folder and its scanned documents and calls `build`; the set's
own docstring says what it holds.

Text-layer documents are spread round-robin over five PDF producers
(reportlab, fpdf2, headless Chromium, WeasyPrint, enscript|ps2pdf) in sorted
(case, file) order, so the assignment is stable. Scans are typeset with fpdf2,
rasterized by pdftoppm, rotated slightly, speckled with seeded noise, and
wrapped back into a PDF with img2pdf (no text layer). Output is deterministic:
fixed creation dates, reportlab invariant mode, Chromium's timestamps and
Ghostscript's IDs are overwritten in place, and the scan noise comes from a
seeded generator.

Needs: pip install reportlab fpdf2 weasyprint pillow img2pdf;
apt-get install chromium enscript ghostscript poppler-utils tesseract-ocr.
Fails loudly (exit 1) when a label or a rendered text-layer PDF does not check
out. Scans are checked with tesseract: a low OCR word recall is an error, a
labelled quote or anchor that does not come out of OCR verbatim is only
reported.
"""
import json, re, shutil, subprocess, sys, tempfile
from html import escape
from pathlib import Path

# Set by build(): the set's folder, its sources and its drop folder, and the
# documents rendered as image-only scans (case/stem) -> (dpi, rotation in degrees).
ROOT = SRC = DROP = None
SCANS = {}
KINDS = {"lmn", "request_form", "clinical_note", "imaging_report", "lab_report",
         "sleep_study", "pt_note", "medication_list", "other"}
LABELS = {"supported", "unsupported", "contradicted", "not_a_claim"}
PRODUCERS = ["reportlab", "fpdf2", "chromium", "weasyprint", "enscript_gs"]
# The only non-ASCII character allowed in sources: a bullet, typed by senders of
# bulleted letters. reportlab, fpdf2 (windows-1252 core fonts), Chromium and
# WeasyPrint render it; enscript does not, so render_enscript_gs refuses it.
BULLET = "\u2022"
SCAN_DATE = __import__("datetime").datetime(2026, 11, 1, tzinfo=__import__("datetime").timezone.utc)
errors = []


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
        if not t.replace(BULLET, "").isascii():
            errors.append(f"{case.name}/{stem}: non-ASCII text (other than the bullet U+2022)")
    if gold["case_id"] != case.name:
        errors.append(f"{case.name}: case_id {gold['case_id']!r}")
    svc = gold.get("service") or {}
    if not isinstance(svc.get("description"), str) or not svc["description"]:
        errors.append(f"{case.name}: service.description missing")
    if svc.get("code") is not None and not isinstance(svc["code"], str):
        errors.append(f"{case.name}: service.code must be a string or null")
    if svc.get("code") and not any(svc["code"] in t for t in texts.values()):
        errors.append(f"{case.name}: service.code {svc['code']} not in any document")
    for f in gold.get("summary_facts", []):
        if not f.get("field") or not f.get("must_mention"):
            errors.append(f"{case.name}: bad summary_fact {f}")
        for tok in f.get("must_mention", []):
            if not any(tok.lower() in t.lower() for t in texts.values()):
                errors.append(f"{case.name}: summary token {tok!r} not in any document")
    docs = {d["file"]: d["kind"] for d in gold["documents"]}
    if set(docs) != set(texts):
        errors.append(f"{case.name}: documents {sorted(docs)} != files {sorted(texts)}")
    for f, k in docs.items():
        if k not in KINDS:
            errors.append(f"{case.name}/{f}: bad kind {k}")
    claim_docs = [f for f, k in docs.items() if k in ("lmn", "request_form")]
    if len(claim_docs) != 1:
        errors.append(f"{case.name}: {len(claim_docs)} claim documents (lmn/request_form), want 1")
    if not 2 <= len(docs) - 1 <= 4:
        errors.append(f"{case.name}: {len(docs) - 1} supporting documents, want 2-4")
    ids = set()
    for c in gold["claims"]:
        if c["source_file"] not in claim_docs:
            errors.append(f"{case.name}/{c['id']}: claim outside the claim document")
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
    pdf.core_fonts_encoding = "windows-1252"  # has the bullet U+2022; ASCII is unchanged
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
    body = "".join(f"<div class=p>{escape(p)}</div>" for p in pages)
    html = ("<!doctype html><html><head><meta charset=utf-8>"
            f"<title>{escape(title)}</title><style>"
            "@page{size:letter;margin:0.75in 0.8in}"
            ".p{white-space:pre-wrap;font:10pt/1.3 'Liberation Serif',serif;break-after:page}"
            ".p:last-child{break-after:auto}"
            "</style></head><body>" + body + "</body></html>")
    weasyprint.HTML(string=html).write_pdf(str(out_pdf))


def render_enscript_gs(pages, out_pdf, title):
    import hashlib, os
    if not all(p.isascii() for p in pages):
        raise ValueError(f"{title}: enscript_gs renders ASCII only")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1793491200")  # 2026-11-01
    with tempfile.TemporaryDirectory() as tmp:
        txt, ps = Path(tmp) / "doc.txt", Path(tmp) / "doc.ps"
        txt.write_text("\f".join(pages))
        # -B no header, -f font, -w wrap long lines at word boundaries
        subprocess.run(["enscript", "-q", "-B", "-fCourier9", "--word-wrap",
                        "--media=Letter", "-t", title, "-o", str(ps), str(txt)],
                       check=True, capture_output=True, env=env)
        subprocess.run(["ps2pdf", "-dPDFSETTINGS=/default", str(ps), str(out_pdf)],
                       check=True, capture_output=True, env=env)
    data = out_pdf.read_bytes()
    digest = hashlib.sha256(re.sub(rb"<[0-9A-Fa-f]{32}>|uuid:[0-9a-f-]{36}", b"", data)).hexdigest()
    data = re.sub(rb"uuid:[0-9a-f-]{36}",
                  lambda m: b"uuid:" + (digest[:8] + "-" + digest[8:12] + "-" + digest[12:16] + "-"
                                        + digest[16:20] + "-" + digest[20:32]).encode(), data)
    data = re.sub(rb"<[0-9A-Fa-f]{32}>", b"<" + digest[:32].upper().encode() + b">", data)
    out_pdf.write_bytes(data)


def render_scan(pages, out_pdf, title, dpi, angle, seed):
    """Typeset, rasterize, tilt, add speckle noise, and wrap as an image-only PDF."""
    import random, img2pdf
    from PIL import Image, ImageChops, ImageFilter
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean.pdf"
        render_fpdf(pages, clean, title)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(clean),
                        str(Path(tmp) / "pg")], check=True, capture_output=True)
        rng = random.Random(seed)
        imgs = []
        for k, png in enumerate(sorted(Path(tmp).glob("pg*.png"))):
            im = Image.open(png).convert("L")
            im = im.rotate(angle + rng.uniform(-0.15, 0.15), resample=Image.BICUBIC,
                           expand=False, fillcolor=255)
            im = im.filter(ImageFilter.GaussianBlur(0.6))
            w, h = im.size
            # sparse dark specks (about 1 per 4000 pixels at 300 dpi), some 2x2
            dots = Image.new("L", (w, h), 255)
            for _ in range(int(w * h * 0.00025 * (dpi / 300) ** 2)):
                x, y = rng.randrange(w - 2), rng.randrange(h - 2)
                shade = rng.randrange(40, 160)
                dots.paste(shade, (x, y, x + rng.choice((1, 1, 2)), y + rng.choice((1, 1, 2))))
            im = ImageChops.darker(im, dots)
            im = im.point(lambda v: min(v, 242))                      # paper is not white
            out = Path(tmp) / f"scan{k:02d}.png"
            im.save(out, optimize=False)
            imgs.append(str(out))
        layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
        out_pdf.write_bytes(img2pdf.convert(imgs, layout_fun=layout, title=title,
                                            producer="img2pdf scan",
                                            creationdate=SCAN_DATE, moddate=SCAN_DATE,
                                            engine=img2pdf.Engine.internal))


RENDER = {"reportlab": render_reportlab, "fpdf2": render_fpdf, "chromium": render_chromium,
          "weasyprint": render_weasyprint, "enscript_gs": render_enscript_gs}


def verify_pdf(pdf, text, quotes):
    """The PDF's words must be its source's words (reading order may differ where
    the layout has columns), and each quote/anchor must come out contiguous."""
    got = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    if sorted(words(got)) != sorted(words(text)):
        errors.append(f"{pdf.relative_to(ROOT)}: pdftotext words differ from source")
    flat = " " + " ".join(words(got)) + " "
    for q in quotes:
        if " " + " ".join(words(q)) + " " not in flat:
            errors.append(f"{pdf.relative_to(ROOT)}: quote lost in PDF text: {q!r}")


def verify_scan(pdf, text, quotes):
    """Image-only PDF: no text layer; tesseract must recover most of the words.
    Quotes that OCR does not reproduce verbatim are reported, not failed."""
    got = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    if words(got):
        errors.append(f"{pdf.relative_to(ROOT)}: scan has a text layer")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), f"{tmp}/o"],
                       check=True, capture_output=True)
        ocr = ""
        for png in sorted(Path(tmp).glob("o*.png")):
            ocr += subprocess.run(["tesseract", str(png), "-", "--psm", "6"],
                                  capture_output=True, text=True, check=True).stdout + "\n"
    src, got = words(text), words(ocr)
    pool = {}
    for w in got:
        pool[w] = pool.get(w, 0) + 1
    hit = 0
    for w in src:
        if pool.get(w, 0) > 0:
            pool[w] -= 1; hit += 1
    recall = hit / max(1, len(src))
    flat = " " + " ".join(got) + " "
    lost = [q for q in quotes if " " + " ".join(words(q)) + " " not in flat]
    print(f"  scan {pdf.relative_to(ROOT)}: OCR word recall {recall:.3f}, "
          f"{len(quotes) - len(lost)}/{len(quotes)} labelled quotes verbatim in OCR")
    for q in lost:
        print(f"    (OCR differs) {q!r}")
    if recall < 0.9:
        errors.append(f"{pdf.relative_to(ROOT)}: OCR word recall {recall:.3f} < 0.9")


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
            key = f"{case.name}/{stem}"
            pdf = out / f"{stem}.pdf"
            quotes = [e["quote"] for c in gold["claims"] for e in c["evidence"] if e["file"] == stem]
            quotes += [c["anchor"] for c in gold["claims"] if c["source_file"] == stem]
            if key in SCANS:
                dpi, angle = SCANS[key]
                producers[key] = f"scan_{dpi}dpi"
                render_scan(texts[stem].split("\f"), pdf, stem, dpi, angle, seed=key)
                verify_scan(pdf, texts[stem], quotes)
                continue
            prod = PRODUCERS[i % len(PRODUCERS)]; i += 1
            producers[key] = prod
            RENDER[prod](texts[stem].split("\f"), pdf, stem)
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
        vals = list(producers.values())
        print("producers:", {p: vals.count(p) for p in sorted(set(vals))})
    if errors:
        sys.exit(f"{len(errors)} error(s)")
    print("OK")



def build(root, scans):
    """Check, render and verify the set in `root` (src/ -> drop/), with
    `scans` rendered as image-only scans."""
    global ROOT, SRC, DROP, SCANS
    ROOT, SRC, DROP, SCANS = Path(root), Path(root) / "src", Path(root) / "drop", scans
    errors.clear()
    main()
