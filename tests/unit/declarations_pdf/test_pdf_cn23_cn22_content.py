"""Every printed field of the CN23, CN22 and address label is found in the PDF text layer."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from pdf_reading import fragments, page_texts, reader, rows, squash

from declarations import examples
from declarations import pdf as forms
from declarations.errors import DeclarationError
from declarations.pdf import fonts
from declarations.snapshot import Line, Party


def _row_with(data: bytes, *cells: str, page: int = 0) -> str:
    """Text within ±7 pt of some baseline (a table row; wrapped cells take two baselines)
    holding all ``cells``."""
    frags = fragments(data, page)
    for anchor in frags:
        band = [f for f in frags if abs(f.y - anchor.y) <= 7]
        text = " | ".join(f.text for f in sorted(band, key=lambda f: (f.x, -f.y)))
        if all(c in text for c in cells):
            return text
    raise AssertionError(f"no row holds {cells}; rows:\n" + "\n".join(rows(data, page)))


def _assert_printed(data: bytes, fields, page: int = 0) -> str:
    """Each of ``fields`` is in the page's text layer; returns that text (whitespace
    removed, as extraction may or may not put spaces between font runs)."""
    text = squash(page_texts(data)[page])
    for field in fields:
        assert squash(field) in text, field
    return text


def _assert_ticked(data: bytes, label: str, page: int = 0) -> None:
    """The "X" tick sits on the label's baseline, just left of it; no other box is ticked."""
    frags = fragments(data, page)
    labels = [f for f in frags if f.text == label]
    ticks = [f for f in frags if f.text == "X"]
    assert labels, f"category {label!r} not printed"
    for lab in labels:
        near = [t for t in ticks if abs(t.y - lab.y) < 3 and 0 < lab.x - t.x < 20]
        assert near, f"{label!r} is not ticked"
    assert len(ticks) == len(labels), "another category is ticked too"


EXPORT_FIELDS = [
    # header
    "CUSTOMS DECLARATION",
    "CN 23",
    "May be opened officially",
    "中国邮政速递物流股份有限公司",
    "LX 806 576 725 CN",
    # From
    "王芳",
    "深圳示例服饰有限公司",
    "南山区科技园 1号",
    "518057 深圳市",
    "广东省",
    "China (CN)",
    "+86 755 1234 5678",
    "shop@fashion.example",
    "91440300MA5EXAMPLE",
    # To
    "Anna Müller",
    "Hauptstraße 5",
    "10115 Berlin",
    "Germany (DE)",
    "IM2760000001",
    "+49 30 123456",
    "anna@example.de",
    # totals and boxes 9-15
    "6.90 EUR",
    "480.00 EUR",
    "INV-2026-0001",
    "Shenzhen IPO",
    "2026-03-03",
    "I certify that the particulars given in this customs declaration are correct",
]


@pytest.mark.parametrize("page", ["a4", "thermal"])
def test_cn23_prints_every_field(export_cn23, page):
    data = forms.render_cn23(export_cn23, page=page)
    text = _assert_printed(data, EXPORT_FIELDS)
    # every article line is one table row with all its columns
    for _ in export_cn23.lines:
        _row_with(data, "Men's cotton T-shirt", "2", "0.360", "160.00", "6109100021", "CN")
    assert sum("6109100021" in r for r in rows(data)) == (6 if page == "a4" else 3)
    # total gross weight (box 4) and total value (box 6)
    _row_with(data, "1.300", "480.00 EUR")
    _assert_ticked(data, "Sale of goods")
    assert squash("男式棉制针织T恤衫") in text


def test_cn23_a4_prints_two_copies_one_copy_on_request(export_cn23):
    two = page_texts(forms.render_cn23(export_cn23))[0]
    one = page_texts(forms.render_cn23(export_cn23, copies=1))[0]
    assert two.count("CUSTOMS DECLARATION") == 2
    assert one.count("CUSTOMS DECLARATION") == 1


def test_cn23_optional_boxes_and_other_category(export_cn23):
    order = replace(
        export_cn23.order,
        category="other",
        category_explanation="Replacement part under warranty",
        comments="Contains lithium batteries UN3481, packed with equipment",
        licence_no="LIC-778",
        certificate_no="CERT-42",
        insurance_cost=Decimal("1.10"),
    )
    data = forms.render_cn23(export_cn23.with_changes(order=order), copies=1)
    _assert_printed(
        data,
        [
            "Replacement part under warranty",
            "Contains lithium batteries UN3481",
            "LIC-778",
            "CERT-42",
            "8.00 EUR",  # postal charges: shipping 6.90 + insurance 1.10
        ],
    )
    _assert_ticked(data, "Other")


def test_chinese_text_round_trips(tmp_path):
    snap = examples.import_snapshot(2)
    data = forms.render_cn23(snap, page="thermal")
    _assert_printed(
        data,
        [
            "电动牙刷",
            "李小宝",
            "中关村软件园8号楼",
            "100094北京市海淀区",
            "示例国际快递有限公司",
        ],
    )
    _row_with(data, "Electric toothbrush", "电动牙刷", "8509800000", "JP")


#: A recipient whose address is all Cyrillic.
MOSCOW = {
    "name": "Иван Петров",
    "street": "ул. Тверская, д. 7, кв. 12",
    "city": "Москва",
    "postcode": "125009",
    "country": "RU",
    "phone": "+7 495 123-45-67",
}


def test_cyrillic_and_accented_latin():
    if not fonts.source().covers_cyrillic:
        pytest.skip(f"main font {fonts.source().family} has no Cyrillic (install fontpkg-pt-sans)")
    snap = examples.export_snapshot(1)
    recipient = Party(**MOSCOW)
    line = replace(snap.lines[0], description="Pâte à crêpes — Ærøskøbing Łódź çğş")
    data = forms.render_cn23(snap.with_changes(recipient=recipient, lines=(line,)), copies=1)
    text = squash(page_texts(data)[0])
    for field in (recipient.name, recipient.street, "125009 Москва", line.description):
        assert fonts.covers(field)
        assert squash(field) in text, field


def test_cn22_prints_every_field(export_cn22):
    data = forms.render_cn22(export_cn22)
    _assert_printed(
        data,
        [
            "CUSTOMS DECLARATION",
            "CN 22",
            "May be opened officially",
            "LX 806 576 725 CN",
            "(1) Quantity and detailed description of contents",
            "(6) Total weight (kg)",
            "75.00 EUR",
            "1.300",
            "(8) Date and sender's signature",
            "2026-03-03",
            "王芳",
        ],
    )
    assert sum("6109100021" in r for r in rows(data)) == 3
    _row_with(data, "2 × Men's cotton T-shirt", "0.360", "25.00", "6109100021", "CN")
    _assert_ticked(data, "Sale of goods")


def test_label_combines_addresses_barcode_and_cn22(export_cn22):
    data = forms.render_label(export_cn22)
    (page,) = reader(data).pages
    assert [round(float(v)) for v in page.mediabox.upper_right] == [288, 432]  # 4 × 6 in
    _assert_printed(
        data,
        [
            "Anna Müller",
            "Hauptstraße 5",
            "10115 Berlin",
            "王芳",
            "深圳示例服饰有限公司",
            "LX 806 576 725 CN",
            "CN 22",
            "75.00 EUR",
            "(8) Date and sender's signature",
        ],
    )
    assert sum("6109100021" in r for r in rows(data)) == 3


def test_label_of_a_cn23_item_points_to_the_cn23(export_cn23):
    text = page_texts(forms.render_label(export_cn23))[0]
    assert "CN 23 customs declaration attached" in text
    assert "Date and sender's signature" not in text
    assert "480.00 EUR" in text


def test_automatic_choice_follows_the_recorded_300_sdr_rule(export_cn22, export_cn23):
    assert forms.choose_form(export_cn22) == "CN22"
    assert forms.choose_form(export_cn23) == "CN23"
    assert forms.choose_form(export_cn22, force_cn23=True) == "CN23"
    assert forms.choose_form(examples.export_snapshot(1)) == "CN23"  # nothing recorded

    small = page_texts(forms.render_customs_form(export_cn22))[0]
    assert "CN 22" in small and "CN 23" not in small
    forced = page_texts(forms.render_customs_form(export_cn22, force_cn23=True))[0]
    assert "CN 23" in forced and "CN 22" not in forced
    dear = page_texts(forms.render_customs_form(export_cn23))[0]
    assert "CN 23" in dear
    assert "CN 23" in page_texts(forms.render_label(export_cn22, force_cn23=True))[0]


def test_cn22_refused_for_an_item_that_needs_a_cn23(export_cn23):
    with pytest.raises(DeclarationError, match="needs a CN23") as err:
        forms.render_cn22(export_cn23)
    assert "SDR" in err.value.problems[0]


def test_long_description_is_cut_with_an_ellipsis_not_spilled(export_cn23):
    long = "Stainless steel vacuum insulated travel mug with lid " * 12
    line = Line(
        sku="X",
        description=long,
        hs_code="9617000000",
        quantity=Decimal(1),
        unit="piece",
        net_weight_kg=Decimal("0.3"),
        unit_value=Decimal("10"),
        origin_country="CN",
    )
    data = forms.render_cn23(export_cn23.with_changes(lines=(line,)), copies=1)
    text = page_texts(data)[0]
    assert "…" in text
    # the description column ends where "(2) Quantity" begins: no fragment of the
    # description starts right of it, and the quantity cell still reads "1"
    frags = fragments(data)
    qty_x = next(f.x for f in frags if f.text == "(2) Quantity")
    assert all(f.x < qty_x for f in frags if "travel mug" in f.text)
    _row_with(data, "9617000000", "0.300", "10.00")
