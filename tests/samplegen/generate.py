#!/usr/bin/env python3
"""Render the fictional sample cases in tests/samplegen/cases/ into sample_docs/.

Every case folder holds one `.txt` source per document. The first lines of a
source may carry directives, each on its own line:

    %% scan        render as an image-only PDF (a fax or scan, no text layer)
    %% txt         copy as a plain-text document instead of a PDF
    %% file NAME   output file stem (default: the source's stem)

Output is deterministic: reportlab runs in invariant mode and scans are drawn
with a fixed font and no randomness, so rerunning this script leaves
`git status` clean. Needs `pip install reportlab pillow`.

    python3 tests/samplegen/generate.py [--out sample_docs]
"""

import argparse
import io
import shutil
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WRAP = 92  # characters per line on a text page
LINES_PER_PAGE = 54


def parse_source(path: Path):
    directives, body = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("%% ") and not body:
            key, _, value = line[3:].partition(" ")
            directives[key] = value.strip()
        else:
            body.append(line)
    while body and not body[0].strip():
        body.pop(0)
    return directives, "\n".join(body).rstrip() + "\n"


def wrap(text: str):
    lines = []
    for para in text.splitlines():
        if not para.strip():
            lines.append("")
            continue
        indent = len(para) - len(para.lstrip())
        lines.extend(
            textwrap.wrap(para, WRAP, subsequent_indent=" " * indent, break_on_hyphens=False)
        )
    return lines


def paginate(lines):
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    return pages or [[]]


def text_pdf(lines, out: Path):
    c = canvas.Canvas(str(out), pagesize=letter, invariant=1)
    pages = paginate(lines)
    for n, page in enumerate(pages, 1):
        c.setFont("Helvetica", 10)
        y = 740
        for line in page:
            c.drawString(54, y, line)
            y -= 12.5
        c.setFont("Helvetica", 8)
        c.drawString(280, 30, f"Page {n} of {len(pages)}")
        c.showPage()
    c.save()


def scan_pdf(lines, out: Path, banner: str):
    """Draw text into a 200 dpi 1-bit bitmap, like a fax, and wrap it in a PDF."""
    font = ImageFont.truetype(FONT, 27)
    small = ImageFont.truetype(FONT, 22)
    c = canvas.Canvas(str(out), pagesize=letter, invariant=1)
    pages = paginate(lines)
    for n, page in enumerate(pages, 1):
        img = Image.new("L", (1700, 2200), 255)
        draw = ImageDraw.Draw(img)
        draw.text((90, 40), f"{banner}  P.{n:03d}/{len(pages):03d}", font=small, fill=0)
        y = 130
        for line in page:
            draw.text((130, y), line, font=font, fill=0)
            y += 37
        img = img.point(lambda v: 0 if v < 150 else 255, mode="1")
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, width=letter[0], height=letter[1])
        c.showPage()
    c.save()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(HERE.parent.parent / "sample_docs"))
    args = ap.parse_args()
    out_root = Path(args.out)
    for case_dir in sorted((HERE / "cases").iterdir()):
        if not case_dir.is_dir():
            continue
        dest = out_root / case_dir.name
        dest.mkdir(parents=True, exist_ok=True)
        for src in sorted(case_dir.glob("*.txt")):
            directives, body = parse_source(src)
            stem = directives.get("file", src.stem)
            if "txt" in directives:
                (dest / f"{stem}.txt").write_text(body, encoding="utf-8")
            elif "scan" in directives:
                banner = directives.get("banner", "FAX")
                scan_pdf(wrap(body), dest / f"{stem}.pdf", banner)
            else:
                text_pdf(wrap(body), dest / f"{stem}.pdf")
        gold = case_dir / "gold.json"
        if gold.exists():
            shutil.copyfile(gold, dest / "gold.json")
    print(f"wrote cases to {out_root}")


if __name__ == "__main__":
    main()
