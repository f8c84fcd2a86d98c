#!/usr/bin/env python3
"""Write hostile PDFs into a folder, for tests/isolation.rs:

    nested_arrays.pdf   200,000 nested arrays in an object
    flate_bomb.pdf      a 1 MB content stream that inflates to 1 GiB
    page_cycle.pdf      a page tree whose /Kids contains itself
    xref_bomb.pdf       a cross-reference table claiming 2 billion entries
    huge_image.pdf      a page drawing a 100,000 x 100,000 pixel image
"""
import sys
import zlib
from pathlib import Path


def pdf(objs, path):
    out = b"%PDF-1.7\n"
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    path.write_bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def main():
    d = Path(sys.argv[1])
    d.mkdir(parents=True, exist_ok=True)
    cat = b"<< /Type /Catalog /Pages 2 0 R >>"
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>")
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    text = stream(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET")

    pdf([cat, pages, page, text, font, b"[" * 200000 + b"]" * 200000], d / "nested_arrays.pdf")

    z = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    bomb = b"".join(z.compress(chunk) for _ in range(1024)) + z.flush()
    pdf([cat, pages, page, stream(bomb, b"/Filter /FlateDecode"), font], d / "flate_bomb.pdf")

    pdf([cat, b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", page, text, font], d / "page_cycle.pdf")

    tmp = d / "xref_bomb.pdf"
    pdf([cat, pages, page, text, font], tmp)
    b = tmp.read_bytes().replace(b"/Size 6", b"/Size 2000000000").replace(b"xref\n0 6", b"xref\n0 2000000000")
    tmp.write_bytes(b)

    img = stream(zlib.compress(b"\xff" * 1000),
                 b"/Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray "
                 b"/BitsPerComponent 8 /Filter /FlateDecode")
    huge_page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                 b"/Resources << /XObject << /Im1 5 0 R >> >> >>")
    pdf([cat, pages, huge_page, stream(b"q 612 0 0 792 0 0 cm /Im1 Do Q"), img], d / "huge_image.pdf")


if __name__ == "__main__":
    main()
