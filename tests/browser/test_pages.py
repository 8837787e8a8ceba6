"""The pages in a real browser: upload and progress, scanning and printing, languages,
security, and an accessibility run with screenshots of every page in both languages."""

from __future__ import annotations

import copy
import csv
import io
import re
from pathlib import Path

import pytest
from browser.steps import axe_findings, sign_in
from support import BASE_EXPORT_ORDER

SELLER, OTHER_SELLER = "Shenzhen Bright Trading", "Other Seller"


def _store_orders(live, seller_name: str, numbers: list[str], **changes) -> list[dict]:
    """Orders stored through the order service, as the API stores them."""
    from app.services import orders, users

    _, app, _ = live
    with app.app_context():
        user = users.find_user(seller_name)
        out = []
        for no in numbers:
            body = copy.deepcopy(BASE_EXPORT_ORDER)
            body.update(changes, order_no=no)
            order, _created = orders.create_order(user.seller, body, user)
            parcel = order.parcels[0]
            out.append(
                {"id": order.id, "item_id": parcel.item_id, "parcel": parcel.id, "order_no": no}
            )
        return out


def _order_file(tmp_path) -> tuple[str, list[tuple[str, str, str]]]:
    """A CSV with four good orders and two bad ones; the row errors it must produce."""
    from app.services.order_files import ALL_COLUMNS
    from app.web.order_template import EXAMPLE_ORDER, rows_of

    rows = []
    for n in range(1, 5):
        rows += rows_of(dict(copy.deepcopy(EXAMPLE_ORDER), order_no=f"WEB-GOOD-{n}"))
    bad_hs = rows_of(dict(copy.deepcopy(EXAMPLE_ORDER), order_no="WEB-BAD-HS"))
    bad_hs[0]["hs_code"] = "9999.10"
    generic = rows_of(dict(copy.deepcopy(EXAMPLE_ORDER), order_no="WEB-BAD-DESC"))
    generic[0]["description"] = "gift"
    rows += bad_hs + generic
    path = tmp_path / "orders.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=ALL_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return str(path), [("6", "WEB-BAD-HS", "hs_code"), ("7", "WEB-BAD-DESC", "description")]


RECORD_PROGRESS = """() => {
  window.seenProgress = [];
  const note = () => {
    const bar = document.querySelector('#import-bar');
    const box = document.querySelector('#import-progress');
    if (!bar || !box) return;
    window.seenProgress.push([box.dataset.status, +bar.dataset.done, +bar.dataset.total]);
  };
  note();
  const live = document.querySelector('#import-live');
  new MutationObserver(note).observe(live, {childList: true, subtree: true});
}"""


def test_seller_uploads_a_file_watches_progress_and_downloads_the_errors(
    page, live, accounts, tmp_path, output_dir
):
    _, _, worker = live
    path, expected_errors = _order_file(tmp_path)
    sign_in(page, SELLER)
    page.get_by_role("link", name="Upload orders").first.click()
    page.get_by_label("Order file (CSV or XLSX)").set_input_files(path)
    worker.pause()
    try:
        page.get_by_role("button", name="Upload and import").click()
        page.wait_for_url(re.compile(r"/imports/[0-9a-f-]{36}$"))
        page.locator('#import-progress[data-status="queued"]').wait_for()
        page.evaluate(RECORD_PROGRESS)
    finally:
        worker.resume()
    page.locator('#import-progress[data-status="done"]').wait_for()
    seen = page.evaluate("window.seenProgress")  # still there: the page was never reloaded
    assert seen[0][0] == "queued" and seen[-1] == ["done", 6, 6], seen
    done = [d for _, d, _ in seen]
    assert done == sorted(done)
    assert page.locator("#count-created").inner_text() == "4"
    assert page.locator("#count-failed").inner_text() == "2"
    table = page.locator("#import-errors tbody tr")
    shown = [tuple(table.nth(i).locator("td").all_inner_texts()[:3]) for i in range(table.count())]
    assert shown == expected_errors
    assert "chapter 99 does not exist" in page.locator("#import-errors").inner_text()
    page.screenshot(path=output_dir / "screenshots" / "import-done-en.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the errors as CSV").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["row"], r["order_no"], r["field"]) for r in rows] == expected_errors
    assert "too generic" in rows[1]["message"]


@pytest.mark.cjk_font
def test_carrier_scans_three_parcels_prints_a_batch_and_downloads_the_pdf(
    page, live, accounts, output_dir
):
    from pypdf import PdfReader

    parcels = _store_orders(live, SELLER, ["SCAN-1", "SCAN-2", "SCAN-3"])
    sign_in(page, "Counter 1")
    page.get_by_role("link", name="Print forms").click()
    box = page.get_by_label(re.compile("S10 item ids"))
    box.click()
    for n, parcel in enumerate(parcels, start=1):
        page.keyboard.type(parcel["item_id"])  # a scanner types the id, then Enter
        page.keyboard.press("Enter")
        page.locator("#parcel-table tbody tr").nth(n - 1).wait_for()
        assert page.locator("#parcel-table tbody tr").count() == n
    listed = page.locator("#parcel-table tbody tr td:first-child").all_inner_texts()
    assert [t.strip() for t in listed] == [p["item_id"] for p in parcels]
    page.get_by_label("Form", exact=True).select_option("label")
    page.get_by_role("button", name="Print").click()
    page.wait_for_url(re.compile(r"/labels/batches/[0-9a-f-]{36}$"))
    page.locator('#batch-progress[data-status="done"]').wait_for()
    assert page.locator("#batch-bar").get_attribute("value") == "3"
    page.screenshot(path=output_dir / "screenshots" / "print-batch-done-en.png", full_page=True)
    with page.expect_download() as download:
        page.locator("#download-batch").click()
    pdf = PdfReader(download.value.path())
    assert len(pdf.pages) == 3
    text = "".join(p.extract_text() for p in pdf.pages).replace(" ", "")
    assert all(p["item_id"] in text for p in parcels)


def test_the_language_switch_changes_the_text_and_is_remembered(page, live, accounts):
    sign_in(page, SELLER)
    page.goto("/orders")
    assert page.locator("h1").inner_text() == "Orders"
    page.get_by_role("button", name="中文").click()
    page.wait_for_url("**/orders")
    assert page.locator("h1").inner_text() == "订单"
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.goto("/imports/new")
    assert page.locator("h1").inner_text() == "上传订单"
    assert page.get_by_label("订单文件（CSV 或 XLSX）").is_visible()
    page.get_by_role("button", name="English").click()
    assert page.locator("h1").inner_text() == "Upload orders"
    cookies = {c["name"]: c for c in page.context.cookies()}
    for name in ("silkpost_session", "silkpost_lang"):
        assert cookies[name]["httpOnly"] and cookies[name]["sameSite"] == "Lax", name


def test_forms_without_their_token_and_other_tenants_are_refused(page, live, accounts):
    other = _store_orders(live, OTHER_SELLER, ["NOT-YOURS-1"])[0]
    sign_in(page, SELLER)
    response = page.goto(f"/orders/{other['id']}")
    assert response.status == 404 and page.locator("h1").inner_text() == "Not found"
    response = page.goto("/buyers/quota")
    assert response.status == 403 and "You may not open this page" in page.content()
    page.goto("/imports/new")
    page.evaluate("document.querySelector('form[enctype] [name=csrf_token]').remove()")
    page.get_by_label("Order file (CSV or XLSX)").set_input_files(
        {"name": "a.csv", "mimeType": "text/csv", "buffer": b"order_no\nA\n"}
    )
    with page.expect_response(lambda r: r.url.endswith("/imports")) as posted:
        page.get_by_role("button", name="Upload and import").click()
    assert posted.value.status == 400
    assert "security token is missing or expired" in page.content()


# -- every page, both languages: screenshots and axe-core -----------------------------------

LAPTOP, TABLET = {"width": 1280, "height": 800}, {"width": 820, "height": 1180}
PAGES = {  # who: [(path, status)]
    SELLER: [
        ("/home", 200),
        ("/imports/new", 200),
        ("/imports/{import_batch}", 200),
        ("/orders", 200),
        ("/orders/{order}", 200),
        ("/orders/{open_order}/amend", 200),
        ("/orders/no-such-order", 404),
        ("/reports", 200),
        ("/reports/export-rebates?from=2026-11-01&to=2026-11-30", 200),
        ("/reports/fx-settlement?from=2026-11-01&to=2026-11-30", 200),
        ("/settings/webhooks", 200),
        ("/settings/webhooks/{webhook}", 200),
    ],
    "Counter 1": [
        ("/home", 200),
        ("/parcels", 200),
        ("/parcels?scan={item}", 200),
        ("/labels/batches/{label_batch}", 200),
        ("/orders", 200),
        ("/despatches", 200),
        ("/receptacles/new", 200),
        ("/receptacles/{receptacle}", 200),
        ("/despatches/{despatch}", 200),
    ],
    "Broker 1": [
        ("/home", 200),
        ("/buyers/quota?id_number=110108199001011231", 200),
        ("/orders/{order}", 200),
        ("/dashboard?from=2026-11-01&to=2026-12-31", 200),
        ("/reports/export-rebates?from=2026-11-01&to=2026-11-30", 200),
        ("/review", 200),
        ("/review/{case}", 200),
        ("/review/{case}/amend", 200),
    ],
}


def _finished_batches(live, order: dict) -> dict:
    """An import batch and a label batch, queued through the pages' job functions and
    finished by the worker, for their pages to be looked at."""
    import time

    from app.extensions import db
    from app.jobs.documents import enqueue_label_batch
    from app.jobs.intake import enqueue_import
    from app.models import ImportBatch, LabelBatch
    from app.services import imports, labels, users
    from app.web import order_template

    _, app, _ = live
    with app.app_context():
        seller = users.find_user(SELLER)
        data = order_template.template_csv(dict(order_template.EXAMPLE_ORDER, order_no="A11Y-T"))
        batch = imports.create_batch(seller.seller, "orders.csv", data, seller)
        label = labels.create_batch(users.find_user("Counter 1"), "label", [order["parcel"]], {})
        enqueue_import(batch.id)
        enqueue_label_batch(label.id)
        ids = {"import_batch": batch.id, "label_batch": label.id}
        for _ in range(300):
            db.session.expire_all()
            if {
                db.session.get(ImportBatch, batch.id).status,
                db.session.get(LabelBatch, label.id).status,
            } == {"done"}:
                return ids
            time.sleep(0.05)
    raise AssertionError("the worker did not finish the batches")


def _closed_despatch(live, accounts: dict, lang: str) -> dict:
    """Two export parcels released by customs, put in a receptacle on a closed rail
    despatch through the API, for the counter's pages."""
    from posts_support import RAIL_LANE, RAIL_LEG, release_receipt

    _, app, _ = live
    api = app.test_client()
    broker, carrier = (
        {"Authorization": f"Bearer {accounts[name]['token']}"} for name in ("Broker 1", "Counter 1")
    )
    orders = _store_orders(live, SELLER, [f"A11Y-POST-{lang}-{n}" for n in (1, 2)])
    receipt = release_receipt([o["order_no"] for o in orders])
    xml = {**broker, "Content-Type": "application/xml"}
    assert api.post("/api/v1/receipts", data=receipt, headers=xml).status_code == 200
    bag = {
        "origin_office": "CNDGGA",
        "destination_office": "LTVNOA",
        "mail_category": "C",
        "mail_subclass": "CC",
        "parcel_ids": [o["parcel"] for o in orders],
    }
    receptacle = api.post("/api/v1/receptacles", json=bag, headers=carrier).json["id"]
    lane = next(
        lane["id"]
        for lane in api.get("/api/v1/lanes", headers=carrier).json
        if lane["code"] == RAIL_LANE
    )
    body = {"lane_id": lane, "transport": RAIL_LEG, "receptacle_ids": [receptacle]}
    despatch = api.post("/api/v1/despatches", json=body, headers=carrier).json["id"]
    closed = api.post(f"/api/v1/despatches/{despatch}/close", headers=carrier)
    assert closed.status_code == 200, closed.json
    return {"receptacle": receptacle, "despatch": despatch}


def _webhook(live) -> str:
    """A webhook of the seller, for its settings and delivery pages."""
    from app.services import users, webhooks

    _, app, _ = live
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True  # the receiver is on this machine
    with app.app_context():
        hook, _secret = webhooks.register(
            users.find_user(SELLER), "http://127.0.0.1:9/a11y", ["case.*"]
        )
        return hook.id


def _reviewable_case(live, order: dict) -> str:
    """The order handed over to clearance and prepared by the worker for review."""
    import time

    from app.services import case_states, cases, users

    _, app, _ = live
    with app.app_context():
        seller = users.find_user(SELLER)
        (case,), _refused = cases.hand_over(seller, [order["id"]])
        for _ in range(300):
            if cases.fresh(case.id).status in case_states.REVIEWABLE:
                return case.id
            time.sleep(0.05)
    raise AssertionError("the worker did not prepare the case")


def _look_at_every_page(page, ids: dict, lang: str, tag: str, out: Path) -> dict:
    check = tag == "laptop"  # the rules axe checks do not depend on the width
    findings = {}
    page.goto("/sign-in")
    findings[f"{tag}:/sign-in"] = axe_findings(page) if check else []
    page.screenshot(path=out / f"sign-in-{lang}-{tag}.png")
    for name, paths in PAGES.items():
        page.context.clear_cookies()
        page.context.add_cookies([{"name": "silkpost_lang", "value": lang, "url": page.url}])
        sign_in_as(page, name)
        for path, status in paths:
            url = path.format(**ids)
            assert page.goto(url).status == status, url
            findings[f"{tag}:{name}:{url}"] = axe_findings(page) if check else []
            slug = re.sub(r"[^a-z0-9]+", "-", f"{name}-{path}".lower()).strip("-")
            page.screenshot(path=out / f"{slug}-{lang}-{tag}.png", full_page=True)
    return findings


@pytest.mark.cjk_font
@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_every_page_has_no_serious_accessibility_finding(browser, live, accounts, output_dir, lang):
    order = _store_orders(live, SELLER, [f"A11Y-{lang}"], currency="EUR")[0]  # quoted
    ids = {"order": order["id"], "item": order["item_id"], **_finished_batches(live, order)}
    ids["open_order"] = _store_orders(live, SELLER, [f"A11Y-OPEN-{lang}"])[0]["id"]  # not declared
    ids["webhook"] = _webhook(live)
    ids.update(_closed_despatch(live, accounts, lang))
    ids["case"] = _reviewable_case(live, _store_orders(live, SELLER, [f"A11Y-CASE-{lang}"])[0])
    findings = {}
    for viewport, tag in ((LAPTOP, "laptop"), (TABLET, "tablet")):
        ctx = browser.new_context(base_url=live[0], bypass_csp=True, viewport=viewport)
        ctx.add_cookies([{"name": "silkpost_lang", "value": lang, "url": live[0]}])
        findings.update(
            _look_at_every_page(ctx.new_page(), ids, lang, tag, output_dir / "screenshots")
        )
        ctx.close()
    serious = {where: found for where, found in findings.items() if found}
    assert not serious


def sign_in_as(page, name: str) -> None:
    """Sign in whatever the page language is (the fields keep their ids)."""
    from browser.steps import PASSWORD

    page.goto("/sign-in")
    page.locator("#username").fill(name)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/sign-in'] button[type=submit]").click()
    page.wait_for_url("**/home")


def test_keyboard_users_reach_the_content_and_see_focus(page, live, accounts):
    sign_in(page, SELLER)
    page.goto("/orders")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "status":
            break
    assert page.evaluate("document.activeElement.id") == "status"
