#!/usr/bin/env python3
"""What a reviewer sees first, in Debian's chromium (headless, playwright's
driver). For each case page of an output folder:

  - the payer policy and the criteria come before the claims and the summary,
    and the overall criteria line and the first open criterion are on the
    first screen (1280x800);
  - a cited page links back to what cites it, and the link lands on that row;
  - OCR'd pages say so, with their confidence;
  - each claim's evidence lists a span once, with its quote;
  - no summary line is an identification header (name, date of birth, ids);
  - no flagged letter sentence is repeated in the summary as a fact.

And on the index: the service's name, the most serious open finding, no Run
column. Prints a JSON report. Usage: python3 tests/py/review_first.py OUT
"""
import json
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDENT = re.compile(r"\b(DOB|MRN|date of birth|member id)\b", re.I)
FACT_SECTIONS = {"relevant history", "prior treatments", "key findings", "functional impact", "diagnoses"}


def case_report(page, url):
    page.goto(url)
    r = {}
    order = page.evaluate("""() => {
        const pos = id => { const e = document.getElementById(id); return e ? [...document.querySelectorAll('*')].indexOf(e) : -1; };
        return {decision: pos('decision'), claims: pos('claims'), summary: pos('summary')};
    }""")
    r["decision_first"] = 0 <= order["decision"] < order["claims"] < order["summary"]
    overall = page.locator("#criteria-overall")
    r["has_criteria"] = overall.count() > 0
    if r["has_criteria"]:
        r["overall_text"] = overall.inner_text()
        r["overall_on_first_screen"] = overall.bounding_box()["y"] < 800
        open_rows = page.locator("#criteria tr.criterion:not([data-status='met'])")
        r["open_criteria"] = open_rows.count()
        if open_rows.count():
            box = open_rows.first.bounding_box()
            r["first_open_on_first_screen"] = box["y"] < 800
    r["policy_text"] = page.locator("#policy").inner_text() if page.locator("#policy").count() else None

    # Evidence: each span once per row, each with its quote.
    dup, unquoted = 0, 0
    rows = page.locator("#claims tr.claim")
    for i in range(rows.count()):
        items = rows.nth(i).locator("li.ev")
        quotes = [items.nth(j).locator("a.c").get_attribute("href") for j in range(items.count())]
        dup += len(quotes) - len(set(quotes))
        unquoted += sum(1 for j in range(items.count()) if not items.nth(j).locator("q").inner_text().strip())
    r["duplicate_evidence"] = dup
    r["evidence_without_quote"] = unquoted

    # Back-link: click the first claim's own citation, then "cited by".
    link = page.locator("#claims tr.claim a.c").first
    if link.count():
        row_id = page.locator("#claims tr.claim").first.get_attribute("id")
        target = link.get_attribute("href")
        link.click()
        back = page.locator(f"{target} a.back[href='#{row_id}']")
        r["back_link_visible"] = back.count() > 0 and back.first.is_visible()
        if back.count():
            back.first.click()
            r["back_link_lands"] = page.url.endswith(f"#{row_id}") and page.locator(f"#{row_id}").is_visible()

    # Summary lines: no identification headers; no flagged letter claim as a fact.
    summary = [page.locator("#summary li").nth(i).inner_text() for i in range(page.locator("#summary li").count())]
    r["ident_in_summary"] = [s for s in summary if IDENT.search(s)]
    flagged = [page.locator("#claims tr.claim:not([data-status='supported']) td:nth-child(2)").nth(i).inner_text().split("[")[0].strip()
               for i in range(page.locator("#claims tr.claim:not([data-status='supported'])").count())]
    repeated = []
    for s in summary:
        sec = s.split(":", 1)[0].strip().lower()
        if sec in FACT_SECTIONS and any(f and f[:60] in s for f in flagged):
            repeated.append(s[:80])
    r["flagged_claim_as_fact"] = repeated

    # OCR'd pages: the documents table and the cited pages say so.
    r["ocr_docs"] = [t for t in page.locator("#documents td:nth-child(4)").all_inner_texts() if "OCR" in t]
    r["ocr_page_marks"] = page.locator("section.cite h3 .ocr").count()
    return r


def main():
    out = Path(sys.argv[1])
    report = {"cases": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto((out / "review" / "index.html").as_uri())
        report["index_headers"] = page.locator("#cases th").all_inner_texts()
        rows = page.locator("#cases tr:has(td)")
        col = {h: i for i, h in enumerate(report["index_headers"])}
        cell = lambda i, name: rows.nth(i).locator("td").nth(col[name]).inner_text()
        report["index_rows"] = [
            {"case": cell(i, "Case"), "service": cell(i, "Service"),
             "finding": cell(i, "Most serious open finding")}
            for i in range(rows.count())
        ]
        for f in sorted((out / "review").glob("*.html")):
            if f.name != "index.html":
                report["cases"][f.stem] = case_report(page, f.as_uri())
        browser.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
