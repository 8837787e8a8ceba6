"""Amending and cancelling an order on the pages: the diff before saving, the order
service's rules and errors, tenants, roles and CSRF."""

# The page fixtures (pages, sign_in) are test_web_pages' own, imported: F811 is pytest's way.
# ruff: noqa: F811

from __future__ import annotations

import re

import pytest
from integration.test_web_pages import _csrf, _order, pages, sign_in  # noqa: F401 (fixtures)
from support import headers


def _form(page_html: str) -> dict[str, object]:
    """The amend form's fields as the browser would send them (checked boxes only)."""
    form = re.search(r'<form method="post"[^>]*id="amend-form".*?</form>', page_html, re.S).group(0)
    data: dict[str, object] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else "on"
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = chosen.group(1) if chosen else ""
    return {k: _unescape(v) if isinstance(v, str) else v for k, v in data.items()}


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _api_order(client, order_id: str) -> dict:
    r = client.application.test_client().get(
        f"/api/v1/orders/{order_id}", headers=headers(client.auth)
    )
    return r.json


def _review(client, order_id: str, form: dict):
    return client.post(f"/orders/{order_id}/amend", data={**form, "action": "review"})


def test_the_diff_is_shown_before_saving_and_saving_changes_the_order(app, sign_in):
    seller = sign_in("seller")
    order_id = _order(seller, "AM-1")
    page = seller.get(f"/orders/{order_id}")
    assert 'id="amend-link"' in page.text and 'id="cancel-order"' in page.text
    form = _form(seller.get(f"/orders/{order_id}/amend").text)
    assert form["recipient.city"] == "Berlin" and form["items.0.hs_code"] == "610910"
    assert form["items.1.description"] == "Porcelain coffee mug" and form["line_count"] == "3"
    form.update({"recipient.city": "München", "items.0.quantity": "4"})
    reviewed = _review(seller, order_id, form)
    assert reviewed.status_code == 200
    rows = re.findall(
        r'<tr data-path="([^"]+)">.*?class="before">(.*?)</td><td class="after">(.*?)</td>',
        reviewed.text,
        re.S,
    )
    assert [(p, b, a) for p, b, a in rows] == [
        ("recipient.city", "Berlin", "München"),
        ("items.0.quantity", "3", "4"),
    ]
    assert _api_order(seller, order_id)["recipient"]["city"] == "Berlin"  # nothing saved yet

    saved = seller.post(
        f"/orders/{order_id}/amend", data={**_form(reviewed.text), "action": "save"}
    )
    assert saved.status_code == 303 and saved.headers["Location"] == f"/orders/{order_id}#main"
    stored = _api_order(seller, order_id)
    assert stored["recipient"]["city"] == "München" and stored["items"][0]["quantity"] == "4"
    assert stored["totals"]["goods_value"] == "40"  # 4 × 8.50 + 6.00: quoted again
    assert "Order AM-1 was changed." in seller.get(f"/orders/{order_id}").text

    from app.extensions import db
    from app.models import AuditEntry

    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "order.replaced")
    ).scalar_one()
    assert entry.after["recipient"]["city"] == "München"


def test_a_form_is_saved_only_as_it_was_reviewed(app, sign_in):
    seller = sign_in("seller")
    order_id = _order(seller, "AM-2")
    form = _form(seller.get(f"/orders/{order_id}/amend").text)
    form["recipient.city"] = "Hamburg"
    unreviewed = seller.post(f"/orders/{order_id}/amend", data={**form, "action": "save"})
    assert unreviewed.status_code == 200 and 'id="changes"' in unreviewed.text
    reviewed = _form(unreviewed.text)
    reviewed["recipient.city"] = "Köln"  # changed after the review: reviewed again
    again = seller.post(f"/orders/{order_id}/amend", data={**reviewed, "action": "save"})
    assert again.status_code == 200 and "Köln" in again.text
    assert _api_order(seller, order_id)["recipient"]["city"] == "Berlin"


def test_an_unchanged_form_changes_nothing(app, sign_in):
    seller = sign_in("seller")
    order_id = _order(seller, "AM-3")
    r = _review(seller, order_id, _form(seller.get(f"/orders/{order_id}/amend").text))
    assert 'id="no-changes"' in r.text and 'id="save-changes"' not in r.text


def test_invalid_changes_are_refused_beside_their_field_and_nothing_is_stored(app, sign_in):
    seller = sign_in("seller")
    order_id = _order(seller, "AM-4")
    form = _form(seller.get(f"/orders/{order_id}/amend").text)
    form.update({"items.1.hs_code": "9999.10", "recipient.country": "XX"})
    r = _review(seller, order_id, form)
    assert r.status_code == 422
    assert re.search(r'id="f-items-1-hs_code"[^>]*aria-invalid="true"', r.text)
    assert "chapter 99 does not exist" in r.text
    assert "&#39;XX&#39; is not an ISO 3166-1 alpha-2 country code" in r.text
    assert re.search(r'id="f-recipient-country"[^>]*aria-invalid="true"', r.text)
    assert 'id="save-changes"' not in r.text
    assert _api_order(seller, order_id)["items"][1]["hs_code"] == "691110"


def test_lines_are_removed_and_added(app, sign_in):
    seller = sign_in("seller")
    order_id = _order(seller, "AM-5")
    form = _form(seller.get(f"/orders/{order_id}/amend").text)
    form["items.1.remove"] = "on"
    form.update(
        {
            "items.2.description": "Bamboo cutting board",
            "items.2.hs_code": "441900",
            "items.2.quantity": "1",
            "items.2.net_weight_kg": "0.4",
            "items.2.unit_value": "9.90",
            "items.2.origin_country": "CN",
        }
    )
    reviewed = _review(seller, order_id, form)
    assert 'data-path="items.1.description"' in reviewed.text
    assert "Bamboo cutting board" in reviewed.text and "Porcelain coffee mug" in reviewed.text
    seller.post(f"/orders/{order_id}/amend", data={**_form(reviewed.text), "action": "save"})
    items = _api_order(seller, order_id)["items"]
    assert [i["description"] for i in items] == [
        "Men's cotton T-shirt, knitted",
        "Bamboo cutting board",
    ]


def test_the_form_gives_back_the_stored_body(app, sign_in):
    from app.extensions import db
    from app.models import Order
    from app.services import orders
    from app.web import order_form

    seller = sign_in("seller")
    order = db.session.get(Order, _order(seller, "AM-6"))
    body = orders.order_body(order)
    values = order_form.values_of(body)
    values["line_count"] = str(len(body["items"]) + 1)
    assert order_form.body_from(values, "AM-6") == body


def test_cancel_before_filing_then_nothing_changes_any_more(app, sign_in):
    seller = sign_in("seller")
    order_id = _order(seller, "AM-7")
    token = _csrf(seller, f"/orders/{order_id}")
    r = seller.post(f"/orders/{order_id}/cancel", data={"csrf_token": token})
    assert r.status_code == 303
    page = seller.get(f"/orders/{order_id}").text
    assert "Order AM-7 was cancelled." in page and 'class="status status-cancelled"' in page
    assert 'id="amend-link"' not in page
    assert _api_order(seller, order_id)["status"] == "cancelled"
    refused = seller.get(f"/orders/{order_id}/amend")
    assert refused.status_code == 409 and "is cancelled; it can no longer change" in refused.text


def test_a_filed_order_is_not_changed_or_cancelled_here(app, sign_in):
    from app.extensions import db
    from app.models import Order

    seller = sign_in("seller")
    order_id = _order(seller, "AM-8")
    db.session.get(Order, order_id).status = "declared"  # what filing it does
    db.session.commit()
    assert 'id="amend-link"' not in seller.get(f"/orders/{order_id}").text
    assert seller.get(f"/orders/{order_id}/amend").status_code == 409
    token = _csrf(seller, f"/orders/{order_id}")
    r = seller.post(f"/orders/{order_id}/cancel", data={"csrf_token": token})
    assert r.status_code == 409 and "filed with customs" in r.text


@pytest.mark.parametrize("role", ["seller", "broker", "carrier"])
def test_only_the_orders_seller_changes_it(app, sign_in, role):
    owner = sign_in("seller")
    order_id = _order(owner, "AM-9")
    form = _form(owner.get(f"/orders/{order_id}/amend").text)
    other = sign_in(role)
    expected = 404 if role == "seller" else 403
    assert other.get(f"/orders/{order_id}/amend").status_code == expected
    token = _csrf(other, "/home")
    assert (
        other.post(
            f"/orders/{order_id}/amend", data={**form, "csrf_token": token, "action": "review"}
        ).status_code
        == expected
    )
    assert (
        other.post(f"/orders/{order_id}/cancel", data={"csrf_token": token}).status_code == expected
    )
    assert _api_order(owner, order_id)["status"] == "received"


def test_amend_and_cancel_need_the_csrf_token(app, sign_in):
    seller = sign_in("seller")
    order_id = _order(seller, "AM-10")
    form = _form(seller.get(f"/orders/{order_id}/amend").text)
    form.pop("csrf_token")
    assert (
        seller.post(f"/orders/{order_id}/amend", data={**form, "action": "review"}).status_code
        == 400
    )
    assert seller.post(f"/orders/{order_id}/cancel").status_code == 400
    assert _api_order(seller, order_id)["status"] == "received"
