"""A seller's clearance pages: hand orders over in bulk from the list, the order page's
case and tracking timeline, and the webhook settings (secret shown once, delete, the
delivery log and redeliver); roles, tenant walls and CSRF."""

# The page fixtures (pages, sign_in) are test_web_pages' own, imported: F811 is pytest's way.
# ruff: noqa: F811

from __future__ import annotations

import html
import re

import pytest
from clearance_support import (
    BROKER_NAME,
    BROKER_PROFILE,
    CEB_DIR,
    SELLER_PROFILE,
    configure,
    create,
    import_body,
    post,
    work,
)
from integration.test_web_pages import _csrf, pages, sign_in  # noqa: F401 (fixtures)
from support import cbec_import_order, headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


@pytest.fixture
def shop(app, pages, sign_in):
    """A registered seller with fileable orders, and the broker who files for it."""
    configure(app)
    configure(pages)
    pages.config["WEBHOOK_ALLOW_PRIVATE"] = True
    seller, broker = sign_in("seller"), sign_in("broker", name=BROKER_NAME)
    api = app.test_client()
    for who, profile in ((seller, SELLER_PROFILE), (broker, BROKER_PROFILE)):
        r = api.put("/api/v1/profile", json=profile, headers=headers(who.auth))
        assert r.status_code == 200, r.json
    return app, api, seller, broker


def _flashes(page_html: str) -> list[str]:
    found = re.search(r'<div class="notice" role="status" id="flash">(.*?)</div>', page_html, re.S)
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", found.group(1))] if found else []


def _cases(api, seller) -> dict[str, str]:
    r = api.get("/api/v1/clearance", headers=headers(seller.auth))
    return {c["order_no"]: c["status"] for c in r.json["items"]}


def test_seller_hands_ticked_orders_over_and_hears_of_each_refusal(shop):
    app, api, seller, broker = shop
    good = [create(api, seller.auth, import_body(n)) for n in (1, 2)]
    postal = create(api, seller.auth, cbec_import_order(order_no="POST-1", regime="postal"))
    listing = seller.get("/orders")
    assert 'id="hand-over-form"' in listing.text
    assert all(f'name="order_id" value="{oid}"' in listing.text for oid in [*good, postal])
    token = re.search(r'name="csrf_token" value="([^"]+)"', listing.text).group(1)
    r = seller.post(
        "/orders/hand-over",
        data={"csrf_token": token, "order_id": [*good, postal], "next": "/orders?flow=import"},
    )
    assert r.status_code == 303 and r.headers["Location"] == "/orders?flow=import"
    messages = _flashes(seller.get("/orders?flow=import").text)
    assert messages[0] == "2 orders were handed over to clearance."
    assert messages[1].startswith("Not handed over: Order POST-1 is a personal postal article")
    assert _cases(api, seller) == {"IM-0001": "handed_over", "IM-0002": "handed_over"}


def test_handing_over_needs_the_token_a_ticked_order_and_the_seller_role(shop):
    app, api, seller, broker = shop
    oid = create(api, seller.auth, import_body(1))
    assert seller.post("/orders/hand-over", data={"order_id": oid}).status_code == 400
    none = seller.post("/orders/hand-over", data={"csrf_token": _csrf(seller, "/orders")})
    assert none.status_code == 303
    assert "Tick at least one order" in seller.get("/orders").text
    r = broker.post(
        "/orders/hand-over", data={"csrf_token": _csrf(broker, "/home"), "order_id": oid}
    )
    assert r.status_code == 403
    assert 'id="hand-over-form"' not in broker.get("/orders").text
    assert _cases(api, seller) == {}


def test_another_sellers_order_is_not_handed_over(shop, sign_in):
    app, api, seller, broker = shop
    oid = create(api, seller.auth, import_body(1))
    other = sign_in("seller")
    r = other.post("/orders/hand-over", data={"csrf_token": _csrf(other, "/home"), "order_id": oid})
    assert r.status_code == 303
    assert "Not handed over: No such order." in _flashes(other.get("/orders").text)
    assert _cases(api, seller) == {}


def test_the_order_page_shows_its_case_and_the_tracking_timeline(shop, sign_in):
    app, api, seller, broker = shop
    oid = create(api, seller.auth, import_body(1))
    before = seller.get(f"/orders/{oid}").text
    assert 'id="no-case"' in before and 'id="hand-over-one"' in before
    token = re.search(r'name="csrf_token" value="([^"]+)"', before).group(1)
    r = seller.post("/orders/hand-over", data={"csrf_token": token, "order_id": oid, "next": ""})
    assert r.status_code == 303
    work(app)
    waiting = seller.get(f"/orders/{oid}").text
    assert "Awaiting review" in waiting and 'id="hand-over-one"' not in waiting
    assert 'class="no-tracking"' in waiting
    (cid,) = [
        c["id"] for c in api.get("/api/v1/clearance", headers=headers(seller.auth)).json["items"]
    ]
    reason = {"reason": "The buyer's identity document does not match"}
    r = post(api, broker.auth, cid, "reject", reason)
    assert r.status_code == 200, r.json
    page = seller.get(f"/orders/{oid}").text
    case = re.search(r'id="clearance-case">(.*?)</section>', page, re.S).group(1)
    assert "Rejected" in case and "does not match" in case
    assert 'id="case-link"' not in case  # brokers only
    history = re.findall(r"<li><time[^>]*>[^<]*</time> ([^<]+)</li>", case)
    assert [h.strip() for h in history][:1] == ["Handed over"]
    tracking = re.search(r'id="tracking">(.*?)</section>', page, re.S).group(1)
    assert re.findall(r'<li data-code="([A-Z0-9]+)">', tracking) == ["EDA"]  # refused import
    assert 'id="case-link"' in broker.get(f"/orders/{oid}").text
    assert sign_in("seller").get(f"/orders/{oid}").status_code == 404


# -- webhooks ------------------------------------------------------------------------------


def _register(client, url: str, events=("case.*",)):
    token = _csrf(client, "/settings/webhooks")
    return client.post(
        "/settings/webhooks", data={"csrf_token": token, "url": url, "events": list(events)}
    )


def test_a_webhook_is_registered_with_its_secret_shown_once(shop):
    app, api, seller, broker = shop
    r = _register(seller, "http://127.0.0.1:9/hooks", ["case.*", "tracking.*"])
    assert r.status_code == 201 and r.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="secret" value="(whsec_[^"]+)"', r.text).group(1)
    listing = seller.get("/settings/webhooks").text
    assert "http://127.0.0.1:9/hooks" in listing and secret not in listing
    stored = api.get("/api/v1/webhooks", headers=headers(seller.auth)).json
    assert [(h["url"], h["events"]) for h in stored] == [
        ("http://127.0.0.1:9/hooks", ["case.*", "tracking.*"])
    ]


def test_a_refused_webhook_says_why_and_keeps_the_form(shop):
    app, api, seller, broker = shop
    r = _register(seller, "ftp://example.com/hooks", ["case.*"])
    assert r.status_code == 422 and "must be an http:// or https:// URL" in r.text
    assert 'value="ftp://example.com/hooks"' in r.text
    unknown = _register(seller, "http://127.0.0.1:9/h", ["case.nothing"])
    assert unknown.status_code == 422 and "not an event kind" in unknown.text
    none = _register(seller, "http://127.0.0.1:9/h", [])
    assert none.status_code == 422
    assert api.get("/api/v1/webhooks", headers=headers(seller.auth)).json == []


def test_deliveries_are_listed_and_sent_again_and_a_webhook_is_deleted(shop, sign_in):
    app, api, seller, broker = shop
    _register(seller, "http://127.0.0.1:9/hooks", ["case.*"])
    (hook,) = api.get("/api/v1/webhooks", headers=headers(seller.auth)).json
    oid = create(api, seller.auth, import_body(1))
    api.post("/api/v1/clearance", json={"order_ids": [oid]}, headers=headers(seller.auth))
    page = seller.get(f"/settings/webhooks/{hook['id']}")
    delivery = re.search(r'<tr data-delivery="([^"]+)"', page.text).group(1)
    assert "case.handed_over" in page.text
    other = sign_in("seller")
    assert other.get(f"/settings/webhooks/{hook['id']}").status_code == 404
    path = f"/settings/webhooks/deliveries/{delivery}/redeliver"
    assert other.post(path, data={"csrf_token": _csrf(other, "/home")}).status_code == 404
    r = seller.post(path, data={"csrf_token": _csrf(seller, "/home")})
    assert r.status_code == 303 and r.headers["Location"] == f"/settings/webhooks/{hook['id']}"
    assert "The delivery is sent again now." in seller.get(r.headers["Location"]).text
    delete = f"/settings/webhooks/{hook['id']}/delete"
    assert other.post(delete, data={"csrf_token": _csrf(other, "/home")}).status_code == 404
    assert seller.post(delete).status_code == 400  # no token
    assert seller.post(delete, data={"csrf_token": _csrf(seller, "/home")}).status_code == 303
    assert 'id="no-webhooks"' in seller.get("/settings/webhooks").text
    again = seller.post(path, data={"csrf_token": _csrf(seller, "/home")})
    assert again.status_code == 409 and "register it again" in again.text


@pytest.mark.parametrize("role", ["broker", "carrier"])
def test_webhook_settings_are_for_sellers(shop, sign_in, role):
    assert sign_in(role).get("/settings/webhooks").status_code == 403


def test_the_seller_pages_speak_chinese(shop):
    app, api, seller, broker = shop
    seller.set_cookie("silkpost_lang", "zh_Hans")
    assert "注册 Webhook" in seller.get("/settings/webhooks").text
    oid = create(api, seller.auth, import_body(1))
    assert "交付报关" in seller.get(f"/orders/{oid}").text
