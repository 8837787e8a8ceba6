"""Delivery bills (CN 37, CN 38, CN 41) and receptacle labels, read back from the PDF text
layer row by row, and the label's barcode decoded."""

from __future__ import annotations

import despatch_examples as ex
import pytest
from pdf_reading import decode_barcodes, page_texts, rows, squash

from declarations.pdf import delivery_bill, receptacle_label

#: These documents print no Chinese text: any CJK font setting will do.
pytestmark = pytest.mark.any_cjk_font


def _row(data: bytes, page: int, *cells: str) -> str:
    found = [r for r in rows(data, page) if all(c in r for c in cells)]
    assert found, f"no row holds {cells}:\n" + "\n".join(rows(data, page))
    return found[0]


def test_rail_despatch_has_a_cn37_in_three_copies():
    despatch = ex.rail(count=3, per=2)
    data = delivery_bill.render(despatch)
    texts = page_texts(data)
    assert len(texts) == 3
    for page, copy in enumerate(delivery_bill.COPIES["CN37"]):
        text = squash(texts[page])
        for printed in ("DELIVERY BILL", "CN 37", "Delivery bill - surface mails", copy):
            assert squash(printed) in text
    _row(data, 0, "China Post (J1CCNA)", "CNDGGA DONGGUAN", "LTVNOA VNO PASTO")
    _row(data, 0, "CNDGGA LTVNOA C CC 6 0007", "C / C / CC", "2026-05-11 18:00 +08:00", "1 of 1")
    _row(data, 0, "rail", "2026-05-12 10:00 +08:00", "2026-05-27 09:00 +03:00", "CNDGGA-LTVNOA")
    _row(data, 0, "X8012", "TGHU 123456 7", "CN 0042117", "KHORGOS")
    for n, r in enumerate(despatch.receptacles, 1):
        line = _row(data, 0, str(r.s9))
        cells = line.split(" | ")
        assert cells[:6] == [str(n), "CNDGGA", "LTVNOA", "C CC", "0007", f"{n:03d}"]
        assert cells[7:9] == ["2", str(r.gross_weight_kg)]
    assert _row(data, 0, str(despatch.receptacles[-1].s9)).endswith("| Last")
    # each: 2 x 1.2 kg + 0.25 kg tare = 2.65 kg, 2.7 kg in the S9 id
    _row(data, 0, "Category C, subclass CC: 3 receptacles, 6 items, 8.1 kg")
    _row(data, 0, "Total of the despatch: 3 receptacles, 6 items, 8.1 kg")
    _row(data, 0, "Transport service (railway): date and signature")


def test_receptacles_beyond_one_sheet_carry_their_totals_forward():
    despatch = ex.rail(count=30, per=1)
    data = delivery_bill.render(despatch)
    assert len(page_texts(data)) == 6  # two sheets, three copies
    _row(data, 0, "1 of 2")
    _row(data, 0, "Carried forward: 27 receptacles, 27 items, 40.5 kg")  # 1.45 kg → 1.5
    assert _row(data, 1, str(despatch.receptacles[27].s9)).startswith("28 |")
    _row(data, 1, "Brought forward: 27 receptacles, 27 items, 40.5 kg")
    _row(data, 1, "Total of the despatch: 30 receptacles, 30 items, 45.0 kg")
    printed = [line for page in (0, 1) for line in rows(data, page) if "CNDGGALTVNOA" in line]
    assert len(printed) == 30


def test_air_despatch_has_a_cn38_marking_the_registered_receptacle():
    despatch = ex.air()
    data = delivery_bill.render(despatch)
    assert len(page_texts(data)) == 1
    text = squash(page_texts(data)[0])
    assert squash("CN 38") in text and squash("Delivery bill - air mails") in text
    _row(data, 0, "air", "2026-05-12 01:30 +08:00", "Air China", "CNSHAA-DEFRAA-AIR")
    _row(data, 0, "CA931", "PVG", "FRA", "999-12345675")
    registered = _row(data, 0, str(despatch.receptacles[1].s9))
    assert registered.endswith("| R")
    _row(data, 0, "Registered (R): 1 receptacles, 1 items, 1.1 kg")
    _row(data, 0, "Airline or its handling agent: date and signature")


def test_sal_despatch_has_a_cn41():
    data = delivery_bill.render(ex.air("B"))
    text = squash(page_texts(data)[0])
    assert squash("CN 41") in text
    assert squash("Delivery bill - surface airlifted (S.A.L.) mails") in text


def test_same_despatch_same_bytes():
    assert delivery_bill.render(ex.rail()) == delivery_bill.render(ex.rail())


def test_receptacle_label_prints_the_bill_line_and_the_s9_barcode(tmp_path):
    despatch = ex.air()
    registered = despatch.receptacles[1]
    data = receptacle_label.render(despatch, registered)
    text = squash(page_texts(data)[0])
    for printed in (
        "CNSHAA",
        "SHANGHAI",
        "DEFRAA",
        "FRANKFURT/FLUGHAFEN",
        "AIR / PRIORITY",
        "Parcels CC",
        "0007",
        "002",
        "1.1 kg",
        "1 · R",
        "Flight CA931",
        "departs 2026-05-12 01:30 +08:00",
        registered.s9.grouped,
        str(registered.s9),
    ):
        assert squash(printed) in text, printed
    assert "LAST" not in text
    assert decode_barcodes(data, tmp_path) == [f"CODE-128:{registered.s9}"]


def test_last_receptacle_label_says_last():
    despatch = ex.rail(count=3, per=1)
    data = receptacle_label.render(despatch, despatch.receptacles[-1])
    assert squash("003 LAST") in squash(page_texts(data)[0])
