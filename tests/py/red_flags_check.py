#!/usr/bin/env python3
"""Drive Debian's chromium (headless, through playwright, no browser download)
over the review pages of an output folder and report what a reviewer sees of
priorities and red flags:

  - the index's case order (it should be soonest due first) and each row's
    due-by and priority cells;
  - on a case page, the first thing under the title (its first section), the
    escalating and the folded non-escalating red flags, and whether clicking a
    red flag's citation highlights exactly its quote.

Prints a JSON report. Usage: python3 tests/py/red_flags_check.py OUT CASE
"""
import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main():
    out, case = Path(sys.argv[1]), sys.argv[2]
    report = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        page.goto((out / "review" / "index.html").as_uri())
        rows = page.locator("#cases tr.case")
        report["index"] = [
            {"case": rows.nth(i).locator("td").nth(0).inner_text(),
             "due_by": rows.nth(i).locator("td").nth(1).inner_text(),
             "priority": rows.nth(i).locator("td").nth(2).inner_text()}
            for i in range(rows.count())
        ]
        page.locator("#cases a", has_text=case).first.click()
        page.wait_for_load_state()
        # The first block after the title, in document order, as the browser laid it out.
        report["first_after_title"] = page.evaluate(
            "() => { const h = document.querySelector('h1'); let e = h.nextElementSibling;"
            " while (e && e.tagName === 'P') e = e.nextElementSibling; return e ? e.id : null; }")
        report["red_flags_top"] = page.locator("#red-flags").bounding_box()["y"]
        report["claims_top"] = page.locator("#claims").bounding_box()["y"]
        report["heading"] = page.locator("#red-flags h2").inner_text()
        report["escalating"] = [e.get_attribute("data-flag") for e in page.locator("#escalating li").all()]
        folded = page.locator("#not-escalating li")
        report["not_escalating_visible_before_open"] = folded.first.is_visible() if folded.count() else False
        report["not_escalating"] = [
            [e.get_attribute("data-flag"), e.get_attribute("data-assertion")] for e in folded.all()
        ]
        link = page.locator("#escalating a.c").first
        quote, target = link.get_attribute("data-quote"), link.get_attribute("href")
        link.click()
        marks = page.locator(f"section.cite:has({target}) mark.k{target[2:]}")
        report["flag_quote"] = quote
        report["flag_highlight_equals_quote"] = "".join(marks.all_inner_texts()) == quote
        browser.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
