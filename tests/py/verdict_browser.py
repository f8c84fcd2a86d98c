#!/usr/bin/env python3
"""Open a case's review page in Debian's chromium (headless, playwright's
driver) and print, as JSON, what a reviewer sees in the Review cell of one
claim's row: whether it is visible, its text, and the verdicts it shows.

    python3 tests/py/verdict_browser.py OUT CASE_PAGE_NAME CLAIM_ID
"""
import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

out, page_name, claim_id = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    page = browser.new_page()
    page.goto((out / "review" / page_name).as_uri())
    row = page.locator(f'tr.claim[data-claim-id="{claim_id}"]')
    cell = row.locator("td.review")
    report = {
        "rows": row.count(),
        "header": page.locator("#claims tr").first.inner_text(),
        "visible": cell.count() == 1 and cell.is_visible(),
        "text": cell.inner_text() if cell.count() == 1 else "",
        "verdicts": [v.get_attribute("data-verdict") for v in cell.locator(".verdict").all()],
        "other_rows_with_verdicts": page.locator("tr.claim td.review .verdict").count()
        - cell.locator(".verdict").count(),
    }
    browser.close()
print(json.dumps(report))
