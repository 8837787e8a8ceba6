"""The counter's posts pages: a receptacle closed from scanned S10 ids, a despatch on a
lane and a transport leg, closing it, its delivery bill and labels; refusals beside the
form, roles and CSRF."""

# The page fixtures (pages, sign_in) are test_web_pages' own, imported: F811 is pytest's way.
# ruff: noqa: F811

from __future__ import annotations

import re

import pytest
from integration.test_web_pages import _csrf, pages, sign_in  # noqa: F401 (fixtures)
from posts_support import RAIL_LANE, RAIL_LEG, export_orders, lane_id, release
from support import headers

BAG = {
    "origin_office": "CNDGGA",
    "destination_office": "LTVNOA",
    "mail_category": "C",
    "mail_subclass": "CC",
}


@pytest.fixture
def counter(app, sign_in, make_user):
    """A carrier at the counter and four export parcels released by customs."""
    seller, broker = make_user("seller"), make_user("broker")
    orders = export_orders(app, seller, 4)
    release(app.test_client(), broker, orders)
    return sign_in("carrier"), orders


def _bag(carrier, orders, **changes):
    scan = "\n".join(o["item_id"] for o in orders)
    data = {"csrf_token": _csrf(carrier, "/receptacles/new"), **BAG, "scan": scan, **changes}
    return carrier.post("/receptacles", data=data)


def _api(carrier, path):
    return carrier.application.test_client().get(path, headers=headers(carrier.auth))


def test_a_receptacle_is_closed_from_scanned_parcels(counter):
    carrier, orders = counter
    r = _bag(carrier, orders[:2])
    assert r.status_code == 303
    receptacle_id = r.headers["Location"].rsplit("/", 1)[1]
    stored = _api(carrier, f"/api/v1/receptacles/{receptacle_id}").json
    assert [p["item_id"] for p in stored["parcels"]] == [o["item_id"] for o in orders[:2]]
    page = carrier.get(r.headers["Location"]).text
    assert f"Receptacle {stored['s9_id']} was closed." in page
    assert all(o["item_id"] in page for o in orders[:2])


def test_a_bad_scan_or_weight_is_refused_beside_the_form(counter):
    carrier, orders = counter
    unknown = _bag(carrier, orders[:1], scan=f"{orders[0]['item_id']}\nRR000000000CN\nnonsense")
    assert unknown.status_code == 422
    assert "RR000000000CN" in unknown.text and "nonsense" in unknown.text
    assert 'id="receptacle-form"' in unknown.text and 'value="CNDGGA" selected' in unknown.text
    heavy = _bag(carrier, orders[:1], gross_weight_kg="50")
    assert heavy.status_code == 422 and "gross_weight_kg" in heavy.text
    assert 'id="no-open-receptacles"' in carrier.get("/despatches").text


def test_a_despatch_is_made_closed_and_its_bill_printed(counter, app):
    carrier, orders = counter
    bags = [_bag(carrier, orders[i : i + 2]).headers["Location"].rsplit("/", 1)[1] for i in (0, 2)]
    desk = carrier.get("/despatches").text
    assert all(f'value="{b}"' in desk for b in bags)
    lane = lane_id(app.test_client(), carrier.auth, RAIL_LANE)
    leg = {k: v for k, v in RAIL_LEG.items()}
    r = carrier.post(
        "/despatches",
        data={
            "csrf_token": _csrf(carrier, "/despatches"),
            "lane_id": lane,
            "receptacle_id": bags,
            **leg,
        },
    )
    assert r.status_code == 303, r.text
    page_path = r.headers["Location"]
    despatch_id = page_path.rsplit("/", 1)[1]
    page = carrier.get(page_path).text
    assert 'id="close-despatch"' in page and 'id="delivery-bill"' not in page
    assert carrier.get(f"{page_path}/delivery-bill.pdf").status_code == 409
    closed = carrier.post(f"{page_path}/close", data={"csrf_token": _csrf(carrier, page_path)})
    assert closed.status_code == 303
    page = carrier.get(page_path).text
    assert "was closed; its pre-advice is sent." in page and "CN37" in page
    stored = _api(carrier, f"/api/v1/despatches/{despatch_id}").json
    assert stored["status"] == "closed" and stored["transport"]["train"] == "X8012"
    bill = carrier.get(f"{page_path}/delivery-bill.pdf")
    assert bill.status_code == 200 and bill.data.startswith(b"%PDF")
    assert bill.data == _api(carrier, f"/api/v1/despatches/{despatch_id}/delivery-bill.pdf").data
    label = carrier.get(f"/receptacles/{bags[0]}/label.pdf")
    assert label.status_code == 200 and label.data.startswith(b"%PDF")


def test_a_leg_of_the_wrong_fields_is_refused_by_field(counter, app):
    carrier, orders = counter
    bag = _bag(carrier, orders[:2]).headers["Location"].rsplit("/", 1)[1]
    lane = lane_id(app.test_client(), carrier.auth, RAIL_LANE)
    r = carrier.post(
        "/despatches",
        data={
            "csrf_token": _csrf(carrier, "/despatches"),
            "lane_id": lane,
            "receptacle_id": bag,
            "mode": "rail",
            "departure": "2026-05-12T10:00:00+08:00",
            "flight": "CA931",
        },
    )
    assert r.status_code == 422
    assert re.search(r"<code>transport\.train</code>: required for a rail leg", r.text)
    assert "transport.flight" in r.text
    assert f'value="{bag}" checked' in r.text


def test_posts_pages_are_for_carriers_and_want_the_token(counter, sign_in):
    carrier, orders = counter
    for role in ("seller", "broker"):
        client = sign_in(role)
        assert client.get("/despatches").status_code == 403
        assert client.get("/receptacles/new").status_code == 403
    assert (
        carrier.post("/receptacles", data={**BAG, "scan": orders[0]["item_id"]}).status_code == 400
    )
    assert carrier.get("/despatches/no-such").status_code == 404


def test_the_posts_pages_speak_chinese(counter):
    carrier, orders = counter
    carrier.set_cookie("silkpost_lang", "zh_Hans")
    assert "关闭总包" in carrier.get("/receptacles/new").text
    assert "发运" in carrier.get("/despatches").text
