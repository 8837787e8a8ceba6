"""GET /api/v1/tariffs/{dest}/{hs}: the dated measures from the shipped tables."""

import pytest
from support import headers


@pytest.fixture
def carrier(make_user):
    return make_user("carrier")


def lookup(client, who, path, **query):
    return client.get(f"/api/v1/tariffs/{path}", query_string=query, headers=headers(who))


def test_gb_cotton_tshirt(client, carrier):
    r = lookup(client, carrier, "GB/6109.10", as_of="2026-11-20")
    assert r.status_code == 200, r.json
    body = r.json
    assert (body["destination"], body["hs_code"], body["as_of"]) == ("GB", "610910", "2026-11-20")
    assert body["valuation"] == "CIF" and body["currency"] == "GBP" and body["covered"] is True
    assert [(d["kind"], d["expression"], d["rate"]) for d in body["duties"]] == [
        ("mfn", "12%", "0.12")
    ]
    assert "UK Trade Tariff" in body["duties"][0]["source"]
    assert body["duties"][0]["valid_from"] == "2021-01-01"
    assert [(t["kind"], t["name"], t["rate"], t["applies"]) for t in body["taxes"]] == [
        ("vat", "standard", "0.20", "always")
    ]
    low = next(t for t in body["thresholds"] if t["id"] == "gb_low_value")
    assert (low["amount"], low["currency"], low["base"], low["scope"]) == (
        "135",
        "GBP",
        "intrinsic",
        "consignment",
    )
    assert low["excluded_for_this_code"] is False
    assert body["table_version"].startswith("tt-")


def test_uncovered_hs_is_404_naming_what_is_missing(client, carrier):
    r = lookup(client, carrier, "GB/490199", as_of="2026-11-20")
    # GB has no duty row for books: a line duty is needed there, so this is not covered.
    assert r.status_code == 404
    assert "not covered" in r.json["errors"]["hs_code"][0]
    assert "HS 490199" in r.json["message"] and "GB" in r.json["message"]


def test_us_tshirt_origin_cn_adds_section_301(client, carrier):
    plain = lookup(client, carrier, "US/61091000", as_of="2026-11-20", origin="DE").json
    assert [(d["measure"], d["rate"]) for d in plain["duties"]] == [("mfn", "0.165")]
    assert plain["valuation"] == "FOB" and plain["taxes"] == []
    cn = lookup(client, carrier, "US/6109.10.00", as_of="2026-11-20", origin="cn").json
    assert cn["origin"] == "CN"
    assert [(d["kind"], d["measure"], d["rate"], d["origins"]) for d in cn["duties"]] == [
        ("mfn", "mfn", "0.165", None),
        ("additional", "section_301_list_4a", "0.075", ["CN"]),
    ]


def test_us_without_origin_lists_origin_specific_measures_with_their_origins(client, carrier):
    body = lookup(client, carrier, "US/610910", as_of="2026-11-20").json
    extra = [d for d in body["duties"] if d["kind"] == "additional"]
    assert [(d["measure"], d["origins"]) for d in extra] == [("section_301_list_4a", ["CN"])]


def test_us_de_minimis_dates(client, carrier):
    before = lookup(client, carrier, "US/610910", as_of="2025-08-28").json["thresholds"]
    assert [(t["id"], t["amount"], t["origins"]) for t in before] == [
        ("duty_de_minimis", "800", None),
        ("duty_de_minimis", None, ["CN", "HK"]),
    ]
    after = lookup(client, carrier, "US/610910", as_of="2025-08-29").json["thresholds"]
    assert after == []


def test_eu_flat_duty_from_2026_07_01(client, carrier):
    before = lookup(client, carrier, "DE/610910", as_of="2026-06-30").json
    after = lookup(client, carrier, "DE/610910", as_of="2026-07-01").json
    assert before["fees"] == []
    assert [(f["id"], f["amount"], f["currency"], f["per"]) for f in after["fees"]] == [
        ("eu_flat_duty", "3", "EUR", "distinct_hs6")
    ]
    assert after["fees"][0]["valid_to"] == "2028-06-30"
    assert after["duties"][0]["rate"] == "0.12"


def test_recorded_gap_is_shown_and_flagged(client, carrier):
    r = lookup(client, carrier, "SG/220300", as_of="2026-11-20")
    assert r.status_code == 200
    assert r.json["covered"] is False
    assert r.json["duties"][0]["expression"] is None and r.json["duties"][0]["note"]
    assert "not covered: duty not tabulated" in r.json["not_covered"][0]


def test_cn_cbec_parameters_and_no_line_duty_needed(client, carrier):
    r = lookup(client, carrier, "CN/610910", as_of="2026-11-20")
    assert r.status_code == 200, r.json
    params = {p["name"]: p["value"] for p in r.json["parameters"]}
    assert params["cbec_annual_limit"] == "26000"
    taxes = {(t["kind"], t["rate"]) for t in r.json["taxes"]}
    assert ("vat", "0.13") in taxes and ("postal_articles_tax", "0.20") in taxes
    assert r.json["duties"] == [] and "no duty rate tabulated" in r.json["not_covered"][0]


def test_unknown_destination_and_bad_input(client, carrier):
    r = lookup(client, carrier, "ZZ/610910")
    assert r.status_code == 404 and "destination ZZ" in r.json["message"]
    assert r.json["message"].startswith("Not covered")
    r = lookup(client, carrier, "GB/61")
    assert r.status_code == 422 and "hs_code" in r.json["errors"]
    r = lookup(client, carrier, "GB/610910", as_of="soon", origin="XX1")
    assert r.status_code == 422 and set(r.json["errors"]) == {"as_of", "origin"}


def test_needs_a_token(client):
    assert client.get("/api/v1/tariffs/GB/610910").status_code == 401
