"""A broker reviews cases in the browser: claims and approves one with the keyboard and
follows it to ``released`` on the customs simulator; asks the seller to change another."""

from __future__ import annotations

import time

import pytest
from browser.steps import sign_in
from browser.test_pages import SELLER
from clearance_support import (
    BROKER_PROFILE,
    CEB_DIR,
    DECLARING,
    SELLER_PROFILE,
    Simulator,
    import_body,
)

BROKER = "Broker 1"
pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


@pytest.fixture
def declaring(live, accounts):
    """The live app files for the demo seller, with ``Broker 1`` as the declaring agent."""
    from app.extensions import db
    from app.services import users

    _, app, _ = live
    app.config.update(DECLARING, BROKER_NAME=BROKER)
    with app.app_context():
        users.update_profile(users.find_user(SELLER), dict(SELLER_PROFILE))
        users.update_profile(users.find_user(BROKER), dict(BROKER_PROFILE))
        db.session.commit()
    return app


def _handed_over(app, n: int) -> str:
    """An order of the seller handed over; its case once the worker prepared it."""
    from app.services import cases, orders, users

    with app.app_context():
        seller = users.find_user(SELLER)
        order, _ = orders.create_order(seller.seller, import_body(n), seller)
        (case,), refused = cases.hand_over(seller, [order.id])
        assert refused == {}
        case_id = case.id
    _wait_for(app, case_id, "awaiting_review")
    return case_id


def _status(app, case_id: str) -> str:
    from app.services import cases

    with app.app_context():
        return cases.fresh(case_id).status


def _wait_for(app, case_id: str, *states: str) -> str:
    for _ in range(600):
        status = _status(app, case_id)
        if status in states:
            return status
        time.sleep(0.05)
    raise AssertionError(f"the case stayed {status}, not {states}")


def test_broker_claims_and_approves_with_the_keyboard_and_the_case_is_released(
    page, declaring, output_dir
):
    app = declaring
    case_id = _handed_over(app, 9101)
    sign_in(page, BROKER)
    page.goto("/review?status=awaiting_review")
    page.locator(f'tr[data-case="{case_id}"] a').click()
    page.wait_for_url(f"**/review/{case_id}")
    page.screenshot(path=output_dir / "screenshots" / "review-case-en.png", full_page=True)
    page.keyboard.press("c")
    page.locator("#flash").wait_for()
    assert "You hold the claim." in page.locator("#flash").inner_text()
    assert BROKER in page.locator("#claim-holder").inner_text()
    page.keyboard.press("a")
    page.wait_for_function("document.querySelector('#flash')?.innerText.includes('Approved')")
    assert _wait_for(app, case_id, "submitted", "accepted", "released") != "approved"
    simulator = Simulator(app)
    try:
        from app.services import inbox

        with app.app_context():
            simulator.drain()
            inbox.poll()
    finally:
        simulator.close()
    _wait_for(app, case_id, "released", "closed")  # the simulator closes released records
    page.reload()
    assert page.locator("h1 .status").inner_text() in ("Released", "Closed")
    page.locator("#case-summary a").first.click()  # the order: released by customs
    assert page.locator("h1 .status").inner_text() == "Released"
    assert page.locator("#clearance-events li").count() >= 1


def test_broker_requests_changes_naming_the_fields(page, declaring):
    app = declaring
    case_id = _handed_over(app, 9102)
    sign_in(page, BROKER)
    page.goto(f"/review/{case_id}")
    page.keyboard.press("c")
    page.locator("#flash").wait_for()
    page.keyboard.press("r")
    reason = page.locator("#changes-reason")
    assert page.evaluate("document.activeElement.id") == "changes-reason"
    reason.type("Name the mug's material")  # typed keys are text, not shortcuts
    page.locator("#changes-fields").fill("items.1.description")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_function("document.querySelector('#flash')?.innerText.includes('Changes')")
    assert page.locator("h1 .status").inner_text() == "Changes requested"
    assert _status(app, case_id) == "changes_requested"
    row = page.locator('#case-events tr[data-action="request_changes"]')
    assert "Name the mug's material" in row.inner_text()
