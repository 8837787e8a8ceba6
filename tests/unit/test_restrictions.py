"""The restricted-goods and tax-id tables: every row dated, sourced and on a real HS prefix;
the loader refuses rows that are not; the scope rules pick the rows a route needs."""

import csv
import re
from datetime import date

import pytest
from support import REFERENCE

from declarations import taxids
from tariff_tables import restrictions
from tariff_tables.errors import DataError

HS_CSV = REFERENCE / "hs2022" / "harmonized-system.csv"
ON = date(2026, 11, 20)


def ids(hits):
    return [row.id for row, _prefix in hits]


def test_every_goods_row_is_dated_sourced_and_on_an_hs2022_prefix():
    rows = restrictions.load_goods()
    assert len(rows) >= 25
    categories = {row.category for row in rows}
    assert {"batteries", "liquids", "cosmetics", "weapons", "currency", "tobacco"} <= categories
    for row in rows:
        assert isinstance(row.valid_from, date), row.id
        assert row.source.strip() and ("http" in row.source or "ceb-import.xsd" in row.source)
        assert row.rule.strip(), row.id
        assert row.kind in ("prohibited", "restricted", "licence")
        assert row.hs and all(len(p) in (2, 4, 6) and p.isdigit() for p in row.hs), row.id


@pytest.mark.skipif(not HS_CSV.exists(), reason="shared/reference/hs2022 is not present")
def test_every_hs_prefix_is_in_the_reference_nomenclature():
    with HS_CSV.open(encoding="utf-8") as fh:
        codes = {r["hscode"] for r in csv.DictReader(fh)}
    for row in restrictions.load_goods():
        assert set(row.hs) <= codes, row.id


def test_every_tax_id_row_is_dated_sourced_and_checkable():
    rows = restrictions.load_tax_ids()
    assert {row.id for row in rows} == {
        "eu_ioss",
        "eu_eori",
        "br_cpf",
        "cn_cbec_buyer_id",
        "kr_pccc",
    }
    for row in rows:
        assert isinstance(row.valid_from, date) and row.source.strip(), row.id
        assert row.id_kind in taxids.CHECKS, row.id
        assert row.field in ("sender.tax_id", "recipient.tax_id", "recipient.id_number")


def test_lithium_batteries_on_their_own_are_refused_in_mail_anywhere():
    hits = restrictions.goods_restrictions(
        "8507.60.0010", origin="CN", destination="DE", channel="post", on=ON
    )
    assert [(row.id, prefix, row.severity) for row, prefix in hits] == [
        ("lithium_batteries_alone_in_mail", "850760", "blocking")
    ]
    assert "USPS Postal Bulletin 22474" in hits[0][0].source
    # the rule is about mail: a courier parcel is not covered by this row
    assert (
        restrictions.goods_restrictions(
            "850760", origin="CN", destination="DE", channel="courier", on=ON
        )
        == []
    )
    # and it is dated: before the bulletin the table says nothing
    assert (
        restrictions.goods_restrictions(
            "850760", origin="CN", destination="DE", channel="post", on=date(2017, 8, 16)
        )
        == []
    )


def test_china_outbound_mail_rules_bind_on_origin_not_destination():
    out = restrictions.goods_restrictions(
        "850710", origin="CN", destination="US", channel="post", on=ON
    )
    assert ids(out) == ["cn_mail_wet_batteries"]
    assert (
        restrictions.goods_restrictions(
            "850710", origin="AU", destination="CN", channel="post", on=ON
        )
        == []
    )


def test_imports_into_china_meet_the_gac_order_43_tables():
    hits = restrictions.goods_restrictions(
        "9302000000", origin="US", destination="CN", channel="post", on=ON
    )
    assert ids(hits) == ["cn_import_weapons"]
    assert hits[0][0].severity == "blocking" and "海关总署令第43号" in hits[0][0].source
    wine = restrictions.goods_restrictions(
        "22042100", origin="AU", destination="CN", channel="post", on=ON
    )
    assert [(row.id, row.severity) for row, _ in wine] == [("cn_import_tobacco_alcohol", "warning")]
    # the 1993 tables did not exist before they were issued
    assert (
        restrictions.goods_restrictions(
            "930200", origin="US", destination="CN", channel="post", on=date(1993, 2, 28)
        )
        == []
    )


def test_eu_rows_apply_to_the_member_states_the_tariff_lists():
    for country in ("DE", "FR", "HR"):
        hits = restrictions.goods_restrictions(
            "330499", origin="CN", destination=country, channel="post", on=ON
        )
        assert [(r.id, r.kind, r.severity) for r, _ in hits] == [
            ("eu_cosmetics_responsible_person", "licence", "warning")
        ]
    assert ids(
        restrictions.goods_restrictions(
            "330499", origin="CN", destination="GB", channel="post", on=ON
        )
    ) == ["gb_cosmetics_responsible_person"]
    assert (
        restrictions.goods_restrictions(
            "330499", origin="CN", destination="US", channel="post", on=ON
        )
        == []
    )
    assert restrictions.in_region("EU", "DE", ON)
    assert not restrictions.in_region("EU", "GB", ON)
    assert not restrictions.in_region("EU", "NO", ON)


def test_vaping_goods_to_australia_by_post_from_march_2024():
    before = restrictions.goods_restrictions(
        "854340", origin="CN", destination="AU", channel="post", on=date(2024, 2, 29)
    )
    after = restrictions.goods_restrictions(
        "854340", origin="CN", destination="AU", channel="post", on=date(2024, 3, 1)
    )
    assert before == [] and ids(after) == ["au_post_vaping_goods"]


def test_most_severe_row_comes_first():
    # a knife into Russia by post meets the bladed-weapons warning; a sword the prohibition
    sword = restrictions.goods_restrictions(
        "930700", origin="CN", destination="RU", channel="post", on=ON
    )
    assert [(r.id, r.severity) for r, _ in sword] == [
        ("ru_mail_weapons", "blocking"),
        ("cn_mail_controlled_knives", "warning"),
    ]


def test_tax_id_requirements_by_destination_flow_and_date():
    def names(**kw):
        return [row.id for row in restrictions.tax_id_requirements(**kw)]

    assert names(destination="DE", flow="export", on=ON) == ["eu_ioss", "eu_eori"]
    assert names(destination="BR", flow="export", on=ON) == ["br_cpf"]
    assert names(destination="CN", flow="import", on=ON) == ["cn_cbec_buyer_id"]
    assert names(destination="KR", flow="export", on=ON) == ["kr_pccc"]
    assert names(destination="KR", flow="export", on=date(2024, 11, 19)) == []
    assert names(destination="DE", flow="export", on=date(2021, 7, 1)) == ["eu_ioss", "eu_eori"]
    # the member states are those the tariff assesses under its EU regime, whose profiles
    # start 2021-07-01: before that the region is not known, and no EU row applies
    assert names(destination="DE", flow="export", on=date(2021, 6, 30)) == []
    assert names(destination="US", flow="export", on=ON) == []


GOOD_ROW = """
rows:
  - id: sample
    category: batteries
    kind: prohibited
    hs: ["850760"]
    origins: null
    destinations: [EU, US]
    channels: [post]
    rule: a rule
    source: https://example.org/a-source
    valid_from: 2020-01-01
    valid_to: null
"""


@pytest.mark.parametrize(
    "change, message",
    [
        (("source: https://example.org/a-source", "source: ''"), "source must be a non-empty text"),
        (("    source: https://example.org/a-source\n", ""), "missing source"),
        (("valid_from: 2020-01-01", "valid_from: soon"), "valid_from must be a date"),
        (("valid_to: null", "valid_to: 2019-01-01"), "valid_to must be null or a date"),
        (('hs: ["850760"]', 'hs: ["850799"]'), "HS prefixes ['850799'] name nothing"),
        (('hs: ["850760"]', "hs: []"), "HS prefixes [] name nothing"),
        (("kind: prohibited", "kind: frowned_upon"), "'frowned_upon' is not one of"),
        (("channels: [post]", "channels: [pigeon]"), "'pigeon' is not allowed here"),
        (("destinations: [EU, US]", "destinations: [Europe]"), "'Europe' is not allowed here"),
    ],
)
def test_loader_refuses_rows_that_break_the_schema(tmp_path, change, message):
    path = tmp_path / "goods.yaml"
    path.write_text(GOOD_ROW.replace(*change), encoding="utf-8")
    with pytest.raises(DataError, match="goods.yaml row 1: .*" + re.escape(message)):
        restrictions.load_goods(path)


def test_loader_reads_a_good_row_and_refuses_a_repeated_id(tmp_path):
    path = tmp_path / "goods.yaml"
    path.write_text(GOOD_ROW, encoding="utf-8")
    (row,) = restrictions.load_goods(path)
    assert (row.id, row.destinations, row.severity) == ("sample", ("EU", "US"), "blocking")
    twice = tmp_path / "twice.yaml"
    twice.write_text(GOOD_ROW + GOOD_ROW.split("rows:\n")[1], encoding="utf-8")
    with pytest.raises(DataError, match="twice.yaml row 2: id sample repeats"):
        restrictions.load_goods(twice)
