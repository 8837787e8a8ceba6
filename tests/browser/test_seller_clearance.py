"""A seller hands orders over to clearance from the orders list in the browser, and
registers a webhook whose secret is shown once."""

from __future__ import annotations

from browser.steps import sign_in
from browser.test_broker_review import declaring  # noqa: F401 (fixture)
from browser.test_pages import SELLER
from clearance_support import import_body


def _orders(app, numbers: list[int]) -> list[str]:
    from app.services import orders, users

    with app.app_context():
        seller = users.find_user(SELLER)
        return [orders.create_order(seller.seller, import_body(n), seller)[0].id for n in numbers]


def test_seller_ticks_orders_and_hands_them_over(page, declaring, output_dir):  # noqa: F811
    app = declaring
    first, second = _orders(app, [9201, 9202])
    sign_in(page, SELLER)
    page.goto("/orders?flow=import")
    page.get_by_label("Select order IM-9201").check()
    page.get_by_label("Select order IM-9202").check()
    page.get_by_role("button", name="Hand the ticked orders over to clearance").click()
    page.wait_for_url("**/orders?flow=import")
    assert "2 orders were handed over to clearance." in page.locator("#flash").inner_text()
    page.screenshot(path=output_dir / "screenshots" / "hand-over-en.png", full_page=True)
    page.goto(f"/orders/{first}")
    section = page.locator("#clearance-case")
    assert section.locator(".status").inner_text() in (
        "Handed over",
        "Preparing",
        "Awaiting review",
    )
    assert page.locator("#hand-over-one").count() == 0


def test_seller_registers_a_webhook_and_sees_the_secret_once(page, live, accounts):
    _, app, _ = live
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True  # the receiver is on this machine
    sign_in(page, SELLER)
    page.goto("/settings/webhooks")
    page.get_by_label("Endpoint URL").fill("http://127.0.0.1:9/silkpost")
    page.get_by_role("button", name="Register", exact=True).click()
    secret = page.locator("#secret").input_value()
    assert secret.startswith("whsec_")
    page.goto("/settings/webhooks")
    assert page.locator("#secret").count() == 0
    assert "http://127.0.0.1:9/silkpost" in page.locator("#webhooks-table").inner_text()
    assert secret not in page.content()
