"""A seller changes an order after reviewing the diff, cancels one, and downloads reports."""

from __future__ import annotations

import csv
import io
import re

from browser.steps import sign_in
from browser.test_pages import SELLER, _store_orders


def test_seller_reviews_the_diff_then_saves_the_change(page, live, accounts, output_dir):
    order = _store_orders(live, SELLER, ["CHANGE-1"])[0]
    sign_in(page, SELLER)
    page.goto(f"/orders/{order['id']}")
    page.get_by_role("link", name="Change this order").click()
    page.wait_for_url(f"**/orders/{order['id']}/amend")
    page.locator("#f-recipient-city").fill("Hamburg")
    page.locator("#f-items-0-quantity").fill("5")
    page.get_by_role("button", name="Review the changes", exact=True).click()
    rows = page.locator("#changes tbody tr")
    rows.first.wait_for()
    assert [rows.nth(i).get_attribute("data-path") for i in range(rows.count())] == [
        "recipient.city",
        "items.0.quantity",
    ]
    assert rows.nth(0).locator("td").all_inner_texts() == ["Berlin", "Hamburg"]
    page.screenshot(path=output_dir / "screenshots" / "amend-review-en.png", full_page=True)
    assert page.url.endswith("#review")  # the page opens at the changes
    page.get_by_role("button", name="Save these changes").click()
    page.wait_for_url(f"**/orders/{order['id']}#main")
    assert "Order CHANGE-1 was changed." in page.locator("#flash").inner_text()
    assert "Hamburg" in page.locator("address").nth(1).inner_text()


def test_seller_cancels_an_order_before_filing(page, live, accounts):
    order = _store_orders(live, SELLER, ["CANCEL-1"])[0]
    sign_in(page, SELLER)
    page.goto(f"/orders/{order['id']}")
    page.get_by_text("Cancel this order").click()
    page.get_by_role("button", name="Cancel order CANCEL-1").click()
    page.wait_for_url(f"**/orders/{order['id']}")
    assert page.locator("h1 .status").inner_text() == "Cancelled"
    assert page.get_by_role("link", name="Change this order").count() == 0


def test_seller_downloads_the_rebate_report_as_csv_and_xlsx(page, live, accounts):
    from openpyxl import load_workbook

    _store_orders(live, SELLER, ["REPORT-1"])
    sign_in(page, SELLER)
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("link", name="Export VAT rebates").click()
    page.get_by_label("From", exact=True).fill("2026-11-20")
    page.get_by_label("To", exact=True).fill("2026-11-20")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"from=2026-11-20&to=2026-11-20"))
    assert "REPORT-1" in page.locator("#rebate-lines").inner_text()
    with page.expect_download() as download:
        page.locator("#download-csv").click()
    assert download.value.suggested_filename == "export-rebates_20261120-20261120.csv"
    rows = list(
        csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read()))
    )
    mine = [r for r in rows if r["order_no"] == "REPORT-1"]
    assert [(r["hs_code"], r["rebate_rate"]) for r in mine] == [("610910", "0.13"), ("691110", "")]
    with page.expect_download() as download:
        page.locator("#download-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["order_id", "order_no", "seller_id"]
    assert sum(1 for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "REPORT-1") == 2
