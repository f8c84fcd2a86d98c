#!/usr/bin/env python3
"""Drive Debian's chromium (headless, through playwright's own driver, no
browser download) over the review pages of an output folder:

  - index.html lists cases worst first and links to case pages;
  - on a case page, clicking a citation shows the source page with the quoted
    span highlighted, and the highlighted text equals the citation's quote;
  - the case page named by HOSTILE_CASE renders its hostile text inert
    (no dialog, no script run, no navigation, text shown literally);
  - no request leaves file://.

Prints a JSON report; writes a screenshot. Usage:
    python3 tests/py/browser_check.py OUT SCREENSHOT.png HOSTILE_CASE
"""
import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main():
    out, shot, hostile = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    report = {"external_requests": [], "dialogs": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        page.on("request", lambda r: r.url.startswith("file://") or report["external_requests"].append(r.url))
        page.on("dialog", lambda d: (report["dialogs"].append(d.message), d.dismiss()))

        page.goto((out / "review" / "index.html").as_uri())
        rows = page.locator("table tr td:first-child a")
        report["index_cases"] = [rows.nth(i).inner_text() for i in range(rows.count())]
        first = [c for c in report["index_cases"] if c != hostile][0]
        page.locator(f"text={first}").first.click()
        page.wait_for_load_state()
        report["case_url"] = page.url

        # Click the first citation in the claims table.
        link = page.locator("#claims a.c").first
        quote = link.get_attribute("data-quote")
        target = link.get_attribute("href")
        link.click()
        # A cited page is written once: the section holding the target shows,
        # and the citation's own marks (class kN) are the highlighted ones.
        section = page.locator(f"section.cite:has({target})")
        report["citation_visible"] = section.is_visible()
        marks = section.locator(f"mark.k{target[2:]}")
        report["highlight_equals_quote"] = "".join(marks.all_inner_texts()) == quote
        report["highlight_colored"] = marks.first.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 224, 102)"
        report["quote"] = quote
        report["page_heading"] = section.locator("h3").inner_text()
        hidden = page.locator("section.cite:not(:has(:target))").first
        report["other_sources_hidden"] = not hidden.is_visible() if hidden.count() else True
        page.screenshot(path=shot, full_page=False)

        # The hostile case: its text must show literally and run nothing.
        page.goto((out / "review" / f"{hostile}.html").as_uri())
        page.wait_for_timeout(300)
        body = page.locator("body").inner_text()
        report["hostile_text_literal"] = "<script>alert(1)</script>" in body
        report["hostile_img_literal"] = "<img src=x onerror=alert(2)>" in body
        report["script_elements"] = page.locator("script").count()
        report["javascript_links"] = page.locator("a[href^='javascript']").count()
        report["hostile_url_after"] = page.url
        browser.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
