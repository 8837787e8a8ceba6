"""Risk checks on stored orders: ``app.services.risk.assess`` with the real database.

Each test builds orders through the orders service, freezes the declaration snapshot the
way the declaring service does, and compares the risks with exact expectations (codes,
severities, field paths, and the figures in the explanations).
"""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal

import pytest
from support import BASE_EXPORT_ORDER, cbec_import_order

from app.extensions import db
from app.models import QuotaLedgerEntry
from app.services import declaring, orders, risk, users

CLEAN_ITEMS = [
    {**BASE_EXPORT_ORDER["items"][0], "hs_code": "6109100021"},
    {**BASE_EXPORT_ORDER["items"][1], "hs_code": "6911101900"},
]


@pytest.fixture
def seller(app):
    made = {}

    def make(name: str = "seller-a", customs_code: str | None = "4403960ABC"):
        if name not in made:
            user, _token = users.create_user(name, "seller")
            if customs_code:
                users.update_profile(user, {"customs_code": customs_code, "customs_name": name})
            made[name] = user
        return made[name]

    return make


@pytest.fixture
def place(seller):
    """Store an order (export to DE by default, clean 10-digit lines) for a seller."""
    count = {"n": 0}

    def make(body: dict | None = None, user=None, **changes):
        count["n"] += 1
        data = copy.deepcopy(body or BASE_EXPORT_ORDER)
        data.setdefault("items", CLEAN_ITEMS)
        if body is None:
            data["items"] = copy.deepcopy(CLEAN_ITEMS)
        data["order_no"] = f"SO-{count['n']}"
        data.update(changes)
        user = user or seller()
        order, created = orders.create_order(user.seller, data, user)
        assert created
        return order

    return make


def assess(order, **snapshot_changes):
    snapshot = declaring.build_snapshot(order)
    if snapshot_changes:
        snapshot = snapshot.with_changes(**snapshot_changes)
    return risk.assess(order, snapshot.to_json(), order.quote)


def summary(risks):
    return [(r.code, r.severity, r.field) for r in risks]


def item(description: str, hs_code: str, unit_value: str = "8.50", **more) -> dict:
    return {
        "description": description,
        "hs_code": hs_code,
        "quantity": more.pop("quantity", 1),
        "net_weight_kg": "0.200",
        "unit_value": unit_value,
        "origin_country": "CN",
        **more,
    }


def test_a_clean_export_has_no_risk(place):
    assert assess(place()) == []


def test_six_digit_hs_lines_block_a_ceb_filing(place):
    order = place(items=copy.deepcopy(BASE_EXPORT_ORDER["items"]))  # 6109.10 and 691110
    risks = assess(order)
    assert summary(risks) == [
        ("hs_needs_10_digits", "blocking", "items.0.hs_code"),
        ("hs_needs_10_digits", "blocking", "items.1.hs_code"),
    ]
    assert risks[0].message == "HS code 610910 needs an 8/10-digit China commodity code"
    assert risks[1].explanation == (
        "Line 2 (Porcelain coffee mug) is declared under 691110, 6 digits; a CEB filing names "
        "the China commodity code of 8 or 10 digits. Amend items.1.hs_code."
    )
    assert "ceb-import.xsd" in risks[0].source


def test_an_eight_digit_china_code_is_enough(place):
    order = place(items=[item("Men's cotton T-shirt", "61091000")])
    assert assess(order) == []


def test_a_broker_amendment_is_what_gets_checked(place):
    order = place(items=copy.deepcopy(BASE_EXPORT_ORDER["items"]))
    snapshot = declaring.build_snapshot(order)
    fixed = tuple(
        dataclasses.replace(line, hs_code=code)
        for line, code in zip(snapshot.lines, ("6109100021", "6911101900"), strict=True)
    )
    assert risk.assess(order, snapshot.with_changes(lines=fixed), None) == []


def test_description_that_does_not_match_its_heading(place):
    order = place(items=[item("Lithium battery pack", "6109100021"), CLEAN_ITEMS[1]])
    (found,) = assess(order)
    assert (found.code, found.severity, found.field) == (
        "hs_wording",
        "warning",
        "items.0.description",
    )
    assert found.message == ("'Lithium battery pack' does not match the wording of HS heading 6109")
    assert found.explanation == (
        "None of the words compared (lithium, battery) appears in the wording of heading "
        "6109 or its subheadings: 'T-shirts, singlets and other vests; knitted or crocheted'. "
        "Check the description or the HS code."
    )
    assert "harmonized-system" in found.source


def test_restricted_goods_for_the_route(place):
    order = place(
        items=[
            item("Lithium-ion battery pack 10000mAh", "8507600010"),
            item("Face cream, moisturising", "3304990000"),
        ]
    )
    risks = assess(order)
    assert summary(risks) == [
        ("restricted_goods", "blocking", "items.0.hs_code"),
        ("restricted_goods", "warning", "items.1.hs_code"),
    ]
    battery, cream = risks
    assert battery.message == (
        "Prohibited goods (batteries) from CN to DE: Lithium-ion battery pack 10000mAh"
    )
    assert battery.explanation.startswith(
        "HS 8507600010 falls under 850760 (rule lithium_batteries_alone_in_mail, in force from "
        "2017-08-17): Lithium-ion and lithium-metal cells or batteries sent on their own"
    )
    assert "USPS Postal Bulletin 22474" in battery.source
    assert cream.message == "Licence goods (cosmetics) from CN to DE: Face cream, moisturising"
    assert "Regulation (EC) No 1223/2009" in cream.source


def test_china_outbound_mail_prohibition(place):
    order = place(items=[item("Fireworks assortment", "3604100000")])
    (found,) = assess(order)
    assert (found.code, found.severity) == ("restricted_goods", "blocking")
    assert "cn_mail_explosives_fireworks" in found.explanation
    assert "禁止寄递物品管理规定" in found.source


# -- unit value against what the service has seen ------------------------------------------


def _history(place, n: int, unit_value: str, currency: str = "USD"):
    for _ in range(n):
        place(items=[item("Men's cotton T-shirt", "6109100021", unit_value)], currency=currency)


def test_low_unit_value_needs_a_large_enough_sample(app, place):
    app.config["RISK_STATS_CACHE_SECONDS"] = 0
    _history(place, 19, "8.50")
    cheap = place(items=[item("Men's cotton T-shirt", "6109100021", "1.00")])
    assert assess(cheap) == []  # 19 stored lines: not enough to say
    _history(place, 1, "9.50")
    (found,) = assess(cheap)
    assert (found.code, found.severity, found.field) == (
        "low_unit_value",
        "warning",
        "items.0.unit_value",
    )
    assert found.message == (
        "Unit value 1.00 USD is far below what this service has seen for HS heading 6109"
    )
    assert found.explanation == (
        "Median unit value of 20 stored lines of heading 6109 per piece in USD: 8.50 USD; "
        "this line's 1.00 is 0.118 of it (flagged below 0.2, with at least 20 lines)."
    )


def test_a_value_near_the_median_is_not_flagged(app, place):
    app.config["RISK_STATS_CACHE_SECONDS"] = 0
    _history(place, 20, "8.50")
    fair = place(items=[item("Men's cotton T-shirt", "6109100021", "1.70")])  # 0.2 × 8.50
    assert assess(fair) == []


def test_other_currencies_join_at_the_official_rate(app, place):
    app.config["RISK_STATS_CACHE_SECONDS"] = 0
    _history(place, 12, "8.50")
    # SAR is pegged at 3.75 per USD (tariff_tables/data/fx/rates.csv): 31.875 SAR = 8.50 USD
    _history(place, 10, "31.875", currency="SAR")
    # KZT has no official rate (the ECB publishes none): those lines stay out of a USD sample
    _history(place, 5, "0.10", currency="KZT")
    cheap = place(items=[item("Men's cotton T-shirt", "6109100021", "1.00")])
    (found,) = assess(cheap)
    assert found.explanation == (
        "Median unit value of 22 stored lines of heading 6109 per piece in USD, 10 of them "
        "converted from SAR at the tariff's official rates for 2026-11-20: 8.50 USD; this "
        "line's 1.00 is 0.118 of it (flagged below 0.2, with at least 20 lines)."
    )


def test_the_sample_minimum_and_ratio_are_settings(app, place):
    app.config.update(
        RISK_STATS_CACHE_SECONDS=0, RISK_LOW_VALUE_MIN_SAMPLE=3, RISK_LOW_VALUE_RATIO="0.5"
    )
    _history(place, 3, "8.00")
    half = place(items=[item("Men's cotton T-shirt", "6109100021", "3.99")])
    (found,) = assess(half)
    assert found.explanation.endswith(
        "this line's 3.99 is 0.499 of it (flagged below 0.5, with at least 3 lines)."
    )


# -- CBEC import limits ----------------------------------------------------------------------


def _import(place, user, **changes):
    body = cbec_import_order(**changes)
    return place(body=body, user=user)


def _counted(order, amount: str):
    db.session.add(
        QuotaLedgerEntry(
            order_id=order.id,
            buyer_id=order.recipient["id_number"],
            year=2026,
            amount=Decimal(amount),
            state="declared",
        )
    )
    db.session.commit()


def _import_items(value: str, quantity: int = 1):
    return [item("Electric toothbrush", "8509800000", value, quantity=quantity)]


def test_cbec_quota_near_and_over(seller, place):
    user = seller()
    earlier = _import(place, user, items=_import_items("100.00"))
    _counted(earlier, "20000")
    near = _import(place, user, items=_import_items("1187.50"))  # + 12.50 freight = 1,200
    (found,) = assess(near)
    assert (found.code, found.severity, found.field) == (
        "quota_near",
        "warning",
        "recipient.id_number",
    )
    assert found.message == "The buyer is near the annual CBEC quota (81.5 % used with this order)"
    assert found.explanation == (
        "The buyer has used 20000.00 CNY of the 26000 CNY annual limit for 2026; this order "
        "adds 1200.00 CNY, 21200.00 CNY in all (81.5 %). Warned from 80 %."
    )
    assert "财关税〔2018〕49号" in found.source

    _counted(near, "4900")  # now 24,900 used by other orders
    over = _import(place, user, items=_import_items("1187.50"))
    (found,) = assess(over)
    assert (found.code, found.severity) == ("quota_over", "blocking")
    assert found.explanation.startswith(
        "The buyer has used 24900.00 CNY of the 26000 CNY annual limit for 2026; this order "
        "adds 1200.00 CNY, 26100.00 CNY in all (100.4 %)."
    )


def test_single_order_limit_blocks_several_items(seller, place):
    order = _import(place, seller(), items=_import_items("2600.00", quantity=2))
    assert order.quote is None and "-621005" in order.quote_error
    (found,) = assess(order)
    assert (found.code, found.severity, found.field) == ("single_order_limit", "blocking", None)
    assert found.message == "Over the CBEC single-order limit (customs error -621005)"
    assert found.explanation.startswith(
        "The order's customs value 5212.50 CNY is over the single-order limit of 5000 CNY "
        "(from 2019-01-01). It is not one indivisible item (the tariff refused the quote: "
    )


def test_single_indivisible_item_over_the_limit_is_a_warning(seller, place):
    laptop = [item("Laptop computer 14 inch", "8471300000", "6000.00")]
    order = _import(place, seller(), items=laptop)
    assert order.quote["regime"] == "cn_cbec_single_item_general_trade"
    (found,) = assess(order)
    assert (found.code, found.severity) == ("single_order_limit", "warning")
    assert found.explanation == (
        "The order's customs value 6012.50 CNY is over the single-order limit of 5000 CNY "
        "(from 2019-01-01). It holds a single indivisible item, which may still clear under "
        "CBEC but pays full general-trade tax (MFN duty, consumption tax and VAT without the "
        "70 % reduction) and counts against the annual quota."
    )


# -- duplicates ------------------------------------------------------------------------------


def test_same_order_number_under_the_same_company_code(seller, place):
    first = place(user=seller("seller-a", "4403960ABC"))
    twin = place(user=seller("seller-b", "4403960ABC"), order_no=first.order_no)
    other_company = place(user=seller("seller-c", "3100000XYZ"), order_no=first.order_no)
    (found,) = assess(twin)
    assert (found.code, found.severity, found.field) == (
        "duplicate_order_no",
        "blocking",
        "order_no",
    )
    assert found.explanation == (
        f"1 other order(s) of a seller account registered under customs code 4403960ABC "
        f"carry order number {first.order_no}; customs accept one new order per number "
        "(error -301010)."
    )
    assert assess(other_company) == []


def test_waybill_used_by_another_order(place):
    first = place(item_id="RR123456785CN")
    second = place()
    snapshot = declaring.build_snapshot(second)
    amended = snapshot.with_changes(
        order=dataclasses.replace(snapshot.order, logistics_no=first.parcels[0].item_id)
    )
    (found,) = risk.assess(second, amended, None)
    assert (found.code, found.severity, found.field) == ("duplicate_waybill", "blocking", "item_id")
    assert found.message == "Waybill RR123456785CN is already used by another order"


# -- tax ids ---------------------------------------------------------------------------------


def _to(country: str, **recipient) -> dict:
    return {**BASE_EXPORT_ORDER["recipient"], "country": country, **recipient}


def test_brazil_needs_a_valid_cpf(place):
    missing = place(recipient=_to("BR"))
    (found,) = assess(missing)
    assert (found.code, found.severity, found.field) == (
        "missing_tax_id",
        "blocking",
        "recipient.tax_id",
    )
    assert found.message == "CPF missing for BR"
    assert found.explanation.startswith("recipient.tax_id is empty. Rule br_cpf (from 2020-01-02)")
    wrong = place(recipient=_to("BR", tax_id="111.444.777-36"))
    (found,) = assess(wrong)
    assert found.message == "CPF for BR is not valid"
    assert found.explanation.startswith(
        "recipient.tax_id holds '111.444.777-36': check digits 36 are wrong (mod 11 gives 35)."
    )
    assert assess(place(recipient=_to("BR", tax_id="111.444.777-35"))) == []


def test_eu_ioss_when_the_seller_collects_vat(place):
    sender = dict(BASE_EXPORT_ORDER["sender"])
    order = place(seller_collects_vat=True, sender=sender)
    (found,) = assess(order)
    assert summary([found]) == [("missing_tax_id", "blocking", "sender.tax_id")]
    assert found.message == "EU IOSS number missing for DE"
    bad = place(seller_collects_vat=True, sender={**sender, "tax_id": "IM27600000"})
    (found,) = assess(bad)
    assert found.explanation.startswith(
        "sender.tax_id holds 'IM27600000': an IOSS number is IM followed by 10 digits "
        "(IMxxxyyyyyyz)."
    )
    good = place(seller_collects_vat=True, sender={**sender, "tax_id": "IM2760000011"})
    assert assess(good) == []


def test_eori_for_a_business_recipient_in_the_eu(place):
    order = place(recipient=_to("FR", company="Boutique Paris SARL"))
    (found,) = assess(order)
    assert summary([found]) == [("missing_tax_id", "warning", "recipient.tax_id")]
    assert found.message == "EORI number missing for FR"
    ok = place(recipient=_to("FR", company="Boutique Paris SARL", tax_id="FR12345678901"))
    assert assess(ok) == []


def test_korea_pccc_format(place):
    (found,) = assess(place(recipient=_to("KR")))
    assert summary([found]) == [("missing_tax_id", "warning", "recipient.tax_id")]
    (found,) = assess(place(recipient=_to("KR", tax_id="P12345678901")))
    assert found.message == "personal customs clearance code (PCCC) for KR is not valid"
    assert assess(place(recipient=_to("KR", tax_id="P123456789012"))) == []


def test_cbec_import_buyer_id_check_digit(seller, place):
    user = seller()
    good = _import(place, user, items=_import_items("100.00"))
    assert assess(good) == []
    body_recipient = {**cbec_import_order()["recipient"], "id_number": "310101199001011235"}
    bad = _import(place, user, items=_import_items("100.00"), recipient=body_recipient)
    (found,) = assess(bad)
    assert summary([found]) == [("missing_tax_id", "blocking", "recipient.id_number")]
    assert found.explanation.startswith(
        "recipient.id_number holds '310101199001011235': check character 5 is wrong "
        "(ISO 7064 MOD 11-2 gives 4)."
    )


def test_risks_come_blocking_first_and_serialise(place):
    order = place(items=[item("Lithium battery pack", "6109100021"), item("Cotton tee", "610910")])
    risks = assess(order)
    assert summary(risks) == [
        ("hs_needs_10_digits", "blocking", "items.1.hs_code"),
        ("hs_wording", "warning", "items.0.description"),
    ]
    as_json = [r.to_json() for r in risks]
    assert as_json[0]["code"] == "hs_needs_10_digits" and set(as_json[0]) == {
        "code",
        "severity",
        "field",
        "message",
        "explanation",
        "source",
    }
    assert [risk.Risk.from_json(d) for d in as_json] == risks
