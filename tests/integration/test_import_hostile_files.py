"""Hostile and malformed XLSX uploads: refused early and cheaply, or read in full.

Every workbook here is made by the test: a shared-strings bomb, a sheet whose
``<dimension>`` understates its rows, a sheet broken after its header, a part with a DTD.
"""

import copy
import re
import zipfile

import pytest
from hostile_xlsx import inline_row, shared_strings_bomb, sheet, write_package
from intake_support import count, run_worker, stored_uploads, upload
from openpyxl import Workbook
from support import BASE_EXPORT_ORDER, headers, order_rows

from app.models import ImportBatch
from app.services.order_files import ALL_COLUMNS

MiB = 1024 * 1024


def test_a_shared_strings_bomb_is_refused_with_413_and_not_stored(app, client, make_user, tmp_path):
    seller = make_user("seller")
    bomb = shared_strings_bomb(tmp_path / "bomb.xlsx", ["order_no", "flow"], expands_to=300 * MiB)
    assert bomb.stat().st_size < 2 * MiB
    r = upload(client, seller, bomb)
    assert r.status_code == 413, r.json
    assert set(r.json) == {"code", "status", "message", "errors"}
    assert "max_ratio" in r.json["message"]
    (problem,) = r.json["errors"]["file"]
    assert "xl/sharedStrings.xml" in problem and "100 to 1 limit" in problem
    assert count(ImportBatch) == 0
    assert stored_uploads(app) == []


def test_too_many_entries_are_refused_from_the_end_record(app, client, make_user, tmp_path):
    seller = make_user("seller")
    path = write_package(tmp_path / "many.xlsx", b"".join(sheet([inline_row(1, ["order_no"])])))
    with zipfile.ZipFile(path, "a") as archive:
        for n in range(1000):
            archive.writestr(f"xl/media/pad{n}.bin", b"")
    r = upload(client, seller, path)
    assert r.status_code == 413
    assert r.json["errors"]["file"] == [
        "the workbook is refused: the archive has more than 1000 entries"
    ]
    assert count(ImportBatch) == 0 and stored_uploads(app) == []


def test_a_part_declaring_a_dtd_is_refused(app, client, make_user, tmp_path):
    seller = make_user("seller")
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "order_no">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    r = upload(client, seller, write_package(tmp_path / "dtd.xlsx", xml))
    assert r.status_code == 422
    assert "declares a DTD" in r.json["errors"]["file"][0]
    assert count(ImportBatch) == 0 and stored_uploads(app) == []


def _order_cells(n: int) -> list[list[str]]:
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body["order_no"] = f"H-{n}"
    body["items"] = body["items"][:1]
    return [
        [str(r.get(c, "")) if r.get(c) is not None else "" for c in ALL_COLUMNS]
        for r in order_rows(body)
    ]


def test_the_upload_reads_only_the_header_and_the_worker_fails_a_broken_sheet(
    app, client, make_user, tmp_path
):
    """A sheet broken on row 3 passes the header check (which stops after row 1); the
    worker then fails the batch, saying why, stores nothing and removes the file."""
    seller = make_user("seller")
    rows = [inline_row(1, list(ALL_COLUMNS)), inline_row(2, _order_cells(1)[0])]
    broken = b'<row r="3"><c r="A3" t="inlineStr"><is><t>H-2</t></is></row>'
    path = write_package(tmp_path / "broken.xlsx", b"".join(sheet([*rows, broken])))
    r = upload(client, seller, path)
    assert r.status_code == 202, r.json
    assert len(stored_uploads(app)) == 1
    run_worker(app)
    b = client.get(f"/api/v1/imports/{r.json['id']}", headers=headers(seller)).json
    assert b["status"] == "failed"
    assert b["message"].startswith("not a readable XLSX workbook: malformed XML")
    assert (b["created"], b["processed_rows"]) == (0, 0)
    assert stored_uploads(app) == []


def _with_dimension(path, ref: str) -> None:
    """Rewrite the sheet's ``<dimension ref>`` in place, as a sloppy exporter leaves it."""
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    name = "xl/worksheets/sheet1.xml"
    xml, count = re.subn(
        rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), parts[name]
    )
    assert count == 1
    parts[name] = xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


@pytest.mark.parametrize("ref", ["A1:AX2", "A1"])
def test_rows_beyond_the_declared_dimension_are_imported(app, client, make_user, tmp_path, ref):
    seller = make_user("seller")
    wb = Workbook()
    ws = wb.active
    ws.append(list(ALL_COLUMNS))
    for n in range(3):
        ws.append(_order_cells(n)[0])
    path = tmp_path / "dimension.xlsx"
    wb.save(path)
    _with_dimension(path, ref)
    r = upload(client, seller, path)
    assert r.status_code == 202, r.json
    run_worker(app)
    b = client.get(f"/api/v1/imports/{r.json['id']}", headers=headers(seller)).json
    assert (b["status"], b["total_rows"], b["created"], b["failed"]) == ("done", 3, 3, 0), b
    listing = client.get("/api/v1/orders?per_page=10", headers=headers(seller)).json
    assert sorted(o["order_no"] for o in listing["items"]) == ["H-0", "H-1", "H-2"]
