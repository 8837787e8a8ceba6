"""The streaming XLSX reader: the cells openpyxl gives, every row, and each limit enforced."""

import datetime
import zipfile

import pytest
from hostile_xlsx import inline_row, shared_row, sheet, strings, write_package
from openpyxl import Workbook, load_workbook

from app.services.xlsx_rows import XlsxLimits, XlsxRows
from app.services.zip_guard import ArchiveError, ArchiveTooLarge, BudgetReader, ZipLimits


def _openpyxl_rows(path) -> list[list]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def _trimmed(row: list) -> list:
    while row and row[-1] is None:
        row = row[:-1]
    return row


def test_cells_match_openpyxl_for_a_workbook_it_wrote(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["order_no", "ordered_at", "quantity", "flag", "value"])
    ws.append(["A-1", datetime.date(2026, 1, 2), 3, True, 8.5])
    ws.append(["A-2", datetime.datetime(2026, 1, 2, 10, 30), 2.25, False, "0615"])
    ws["E6"] = "after a gap"
    ws["B7"] = datetime.timedelta(hours=3)
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    with XlsxRows(path) as reader:
        got = list(reader.rows())
    assert [n for n, _ in got] == [1, 2, 3, 6, 7]
    expected = [_trimmed(r) for r in _openpyxl_rows(path)]
    assert [expected[n - 1] for n, _ in got] == [cells for _, cells in got]
    assert got[1][1] == ["A-1", datetime.datetime(2026, 1, 2), 3, True, 8.5]


def test_shared_rich_text_and_phonetic_runs(tmp_path):
    table = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>order_no</t></si>"
        b"<si><r><t>Bright </t></r><r><rPr><b/></rPr><t>Trading</t></r></si>"
        b"<si><t>\xe6\x9d\xb1\xe4\xba\xac</t><rPh sb='0' eb='2'><t>TOKYO</t></rPh></si>"
        b"</sst>"
    )
    path = write_package(tmp_path / "s.xlsx", b"".join(sheet([shared_row(1, 0, 3)])), table)
    with XlsxRows(path) as reader:
        assert list(reader.rows()) == [(1, ["order_no", "Bright Trading", "東京"])]
    assert _openpyxl_rows(path) == [["order_no", "Bright Trading", "東京"]]


def test_header_only_reads_the_first_row_within_its_budget(tmp_path):
    rows = [inline_row(1, ["order_no"]), *(inline_row(n, [f"A-{n}"]) for n in range(2, 5000))]
    path = write_package(tmp_path / "h.xlsx", b"".join(sheet(rows)))
    with XlsxRows(path, header_only=True) as reader:
        assert list(reader.rows()) == [(1, ["order_no"])]
    padded = [b"<!--" + b"x" * 4000 + b"-->", *rows]
    path = write_package(tmp_path / "late.xlsx", b"".join(sheet(padded)))
    limits = XlsxLimits(header_sheet_bytes=2000)
    with XlsxRows(path, limits, header_only=True) as reader:
        with pytest.raises(ArchiveTooLarge) as refused:
            list(reader.rows())
    assert refused.value.limit == "header_sheet_bytes"


def _strings_book(tmp_path, texts: list[str]):
    rows = [shared_row(1, 0, len(texts))]
    return write_package(tmp_path / "t.xlsx", b"".join(sheet(rows)), b"".join(strings(texts)))


@pytest.mark.parametrize(
    ("limits", "name"),
    [
        (XlsxLimits(max_shared_strings=3), "max_shared_strings"),
        (XlsxLimits(max_shared_chars=10), "max_shared_chars"),
    ],
)
def test_shared_string_limits(tmp_path, limits, name):
    path = _strings_book(tmp_path, ["order_no", "flow", "currency", "incoterm"])
    with XlsxRows(path, limits) as reader:
        with pytest.raises(ArchiveTooLarge) as refused:
            list(reader.rows())
    assert refused.value.limit == name


def test_a_missing_shared_string_and_a_far_column_are_format_errors(tmp_path):
    rows = b"".join(sheet([shared_row(1, 0, 2)]))
    path = write_package(tmp_path / "m.xlsx", rows, declare_strings=True)  # part missing
    with XlsxRows(path) as reader, pytest.raises(ArchiveError, match="shared string 0"):
        list(reader.rows())
    far = b'<row r="1"><c r="ZZ1" t="inlineStr"><is><t>x</t></is></c></row>'
    path = write_package(tmp_path / "far.xlsx", b"".join(sheet([far])))
    with XlsxRows(path, XlsxLimits(max_columns=100)) as reader:
        with pytest.raises(ArchiveError, match="beyond column 100"):
            list(reader.rows())


def test_the_byte_budget_cuts_a_part_off(tmp_path):
    path = write_package(tmp_path / "b.xlsx", b"".join(sheet([inline_row(1, ["x" * 5000])])))
    with zipfile.ZipFile(path) as archive:
        reader = BudgetReader(archive, "xl/worksheets/sheet1.xml", 1000, "test_budget")
        with pytest.raises(ArchiveTooLarge, match="more than the 1000 byte limit"):
            while reader.read(256):
                pass


def test_declared_sizes_are_checked_before_reading(tmp_path):
    path = _strings_book(tmp_path, ["order_no"])
    with pytest.raises(ArchiveTooLarge) as refused:
        XlsxRows(path, XlsxLimits(archive=ZipLimits(max_total_bytes=500)))
    assert refused.value.limit == "max_total_bytes"
    with pytest.raises(ArchiveTooLarge) as refused:
        XlsxRows(path, XlsxLimits(archive=ZipLimits(max_entry_bytes=100)))
    assert refused.value.limit == "max_entry_bytes"


def test_not_a_workbook(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(ArchiveError, match="not a ZIP archive"):
        XlsxRows(junk)
    empty_zip = tmp_path / "empty.xlsx"
    zipfile.ZipFile(empty_zip, "w").close()
    with pytest.raises(ArchiveError, match="no workbook part"):
        XlsxRows(empty_zip)
