"""Every validation rule of order intake, through the API, with exact field paths."""

import pytest
from support import cbec_import_order, headers


@pytest.fixture
def seller(make_user):
    return make_user("seller")


def errors_for(client, seller, body):
    r = client.post("/api/v1/orders", json=body, headers=headers(seller))
    assert r.status_code == 422, r.json
    assert set(r.json) == {"code", "status", "message", "errors"}
    assert r.json["code"] == 422
    return r.json["errors"]


def with_item(order_payload, index=0, **changes):
    body = order_payload()
    body["items"][index].update(changes)
    return body


def test_country_and_currency_codes(client, seller, order_payload):
    body = order_payload(currency="XYZ")
    body["recipient"]["country"] = "ZZ"
    body["items"][1]["origin_country"] = "China"
    errs = errors_for(client, seller, body)
    assert set(errs) == {"currency", "recipient.country", "items.1.origin_country"}


@pytest.mark.parametrize(
    "hs, reason",
    [
        ("61091", "6 to 10 digits"),
        ("61091000001", "6 to 10 digits"),
        ("9999.10", "chapter 99"),
        ("6199.10", "heading 6199"),
        ("61A910", "6 to 10 digits"),
    ],
)
def test_hs_codes(client, seller, order_payload, hs, reason):
    errs = errors_for(client, seller, with_item(order_payload, hs_code=hs))
    assert list(errs) == ["items.0.hs_code"] and reason in errs["items.0.hs_code"][0]


def test_hs_code_ten_digits_with_dots_accepted(client, seller, order_payload):
    r = client.post(
        "/api/v1/orders",
        json=with_item(order_payload, hs_code="6109.10.00.10"),
        headers=headers(seller),
    )
    assert r.status_code == 201 and r.json["items"][0]["hs_code"] == "6109100010"


@pytest.mark.parametrize(
    "item_id, reason",
    [("EB000717594HK", "expected 5"), ("JA473124829GB", "reserved"), ("RR4731248GB", "2 letters")],
)
def test_s10_item_id(client, seller, order_payload, item_id, reason):
    errs = errors_for(client, seller, order_payload(item_id=item_id))
    assert list(errs) == ["item_id"] and reason in errs["item_id"][0]


# Bad values of each decimal field of an item, and a word of the error each gets.
BAD_DECIMALS = {
    "unit_value": [
        ("-1", "greater than zero"),
        ("0", "greater than zero"),
        ("1.123456", "5 decimal places"),
        ("NaN", "finite"),
        (True, "must be a number"),
    ],
    "quantity": [("1.0001", "3 decimal places"), ("1e13", "less than")],
    "net_weight_kg": [("abc", "not a number")],
}


@pytest.mark.parametrize(
    "field, value, reason",
    [(field, value, reason) for field, cases in BAD_DECIMALS.items() for value, reason in cases],
)
def test_positive_decimals_with_sane_precision(client, seller, order_payload, field, value, reason):
    errs = errors_for(client, seller, with_item(order_payload, **{field: value}))
    assert list(errs) == [f"items.0.{field}"] and reason in errs[f"items.0.{field}"][0]


def test_shipping_cost_may_be_zero_not_negative(client, seller, order_payload):
    errs = errors_for(client, seller, order_payload(shipping_cost="-0.01"))
    assert list(errs) == ["shipping_cost"]


def test_gross_weight_at_least_sum_of_net(client, seller, order_payload):
    errs = errors_for(client, seller, order_payload(gross_weight_kg="0.9"))
    assert list(errs) == ["gross_weight_kg"]
    assert "0.95" in errs["gross_weight_kg"][0]


@pytest.mark.parametrize(
    "desc", ["gift", "Goods", "sample", "stuff", "clothes", "parts", "Spare parts", " GIFT! "]
)
def test_generic_descriptions_refused(client, seller, order_payload, desc):
    errs = errors_for(client, seller, with_item(order_payload, 1, description=desc))
    assert list(errs) == ["items.1.description"] and "generic" in errs["items.1.description"][0]


def test_other_category_needs_explanation(client, seller, order_payload):
    errs = errors_for(client, seller, order_payload(category="other"))
    assert list(errs) == ["category_explanation"]
    r = client.post(
        "/api/v1/orders",
        headers=headers(seller),
        json=order_payload(category="other", category_explanation="repair return"),
    )
    assert r.status_code == 201


def test_recipient_phone_required_where_destination_demands(client, seller, order_payload):
    body = order_payload()
    body["recipient"].update(country="BR", phone=None)
    assert list(errors_for(client, seller, body)) == ["recipient.phone"]
    body["recipient"]["country"] = "DE"
    assert client.post("/api/v1/orders", json=body, headers=headers(seller)).status_code == 201


def test_cbec_import_needs_buyer_id_number(client, seller):
    body = cbec_import_order()
    del body["recipient"]["id_number"]
    assert list(errors_for(client, seller, body)) == ["recipient.id_number"]


def test_flow_rules(client, seller, order_payload):
    errs = errors_for(client, seller, order_payload(regime="cbec"))
    assert list(errs) == ["regime"]
    imp = cbec_import_order(regime=None)
    imp["recipient"]["country"] = "JP"
    assert set(errors_for(client, seller, imp)) == {"regime", "recipient.country"}


def test_missing_and_unknown_fields(client, seller, order_payload):
    body = order_payload(colour="red")
    del body["currency"]
    del body["items"][0]["hs_code"]
    body["sender"]["fax"] = "1"
    errs = errors_for(client, seller, body)
    assert set(errs) == {"colour", "currency", "items.0.hs_code", "sender.fax"}
    assert errs["colour"] == ["Unknown field."]


def test_items_count_and_enums(client, seller, order_payload):
    errs = errors_for(
        client, seller, order_payload(items=[], incoterm="XXX", duty_payer="me", flow="sideways")
    )
    assert set(errs) == {"items", "incoterm", "duty_payer", "flow"}


def test_malformed_json_and_wrong_content_type(client, seller, app):
    r = client.post(
        "/api/v1/orders",
        data="{not json",
        headers={**headers(seller), "Content-Type": "application/json"},
    )
    assert r.status_code == 400 and r.json["errors"] == {"_body": ["malformed JSON"]}
    r = client.post(
        "/api/v1/orders",
        data="order_no=1",
        headers={**headers(seller), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 415 and r.json["code"] == 415
    r = client.post("/api/v1/orders", json=[1, 2], headers=headers(seller))
    assert r.status_code == 422
    r = client.post("/api/v1/orders", json="text", headers=headers(seller))
    assert r.status_code == 422


def test_failed_order_leaves_nothing_behind(app, client, seller, order_payload):
    from app.extensions import db
    from app.models import AuditEntry, Order, OrderLine, Parcel

    errors_for(client, seller, order_payload(gross_weight_kg="0.1"))
    for model in (Order, OrderLine, Parcel):
        assert db.session.execute(db.select(db.func.count()).select_from(model)).scalar() == 0
    actions = db.session.execute(db.select(AuditEntry.action)).scalars().all()
    assert "order.created" not in actions


def test_unknown_route_and_method_use_envelope(client, seller):
    r = client.get("/api/v1/nothing", headers=headers(seller))
    assert r.status_code == 404 and set(r.json) == {"code", "status", "message", "errors"}
    r = client.delete("/api/v1/orders", headers=headers(seller))
    assert r.status_code == 405 and r.json["code"] == 405


@pytest.mark.parametrize(
    "given, stored",
    [
        ("PCE", "piece"),
        ("H87", "piece"),
        ("C62", "piece"),
        ("EA", "piece"),
        ("NAR", "piece"),
        ("KGM", "kg"),
        ("GRM", "g"),
        ("LTR", "l"),
        ("MLT", "ml"),
        ("PR", "pair"),
        ("SET", "set"),
        ("kgm", "kg"),
        (" pce ", "piece"),
        ("035", "kg"),
        ("个", "piece"),
    ],
)
def test_rec20_and_customs_units_are_taken_as_the_customs_unit(
    client, seller, order_payload, given, stored
):
    r = client.post(
        "/api/v1/orders", json=with_item(order_payload, unit=given), headers=headers(seller)
    )
    assert r.status_code == 201, r.json
    assert [i["unit"] for i in r.json["items"]] == [stored, "piece"]


def test_unknown_unit_is_refused_with_the_accepted_list(client, seller, order_payload):
    from tariff_tables.request import ACCEPTED_UNITS

    errs = errors_for(client, seller, with_item(order_payload, 1, unit="FURLONG"))
    assert errs == {
        "items.1.unit": [
            "unit 'FURLONG' is not a known unit; accepted: " + ", ".join(ACCEPTED_UNITS)
        ]
    }
    assert "PCE" in ACCEPTED_UNITS and "KGM" in ACCEPTED_UNITS


def test_unknown_unit_stores_nothing(app, client, seller, order_payload):
    from app.extensions import db
    from app.models import Order

    errors_for(client, seller, with_item(order_payload, unit="BX"))
    assert db.session.execute(db.select(db.func.count()).select_from(Order)).scalar() == 0


def test_channel_defaults_to_post_and_takes_express_only(client, seller, order_payload):
    r = client.post("/api/v1/orders", json=order_payload(), headers=headers(seller))
    assert r.status_code == 201 and r.json["channel"] == "post"
    errs = errors_for(client, seller, order_payload(order_no="C-2", channel="courier"))
    assert errs == {"channel": ["Must be one of: post, express."]}
