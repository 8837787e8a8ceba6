"""Hand-built XLSX packages: the smallest real workbook, and hostile ones (tests, benches).

``write_package`` writes the parts a spreadsheet needs (content types, relationships, a
workbook with one sheet), the sheet XML and, if given, the shared strings, each either
bytes or an iterable of byte chunks (so a part of a gigabyte is streamed into the zip).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{strings}</Types>"
)
STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
PACKAGE_RELS = (
    f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
    f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
    '<sheet name="orders" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    "{strings}</Relationships>"
)
STRINGS_REL = f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'


Part = bytes | Iterable[bytes]


def _write(archive: zipfile.ZipFile, name: str, part: Part) -> None:
    with archive.open(name, "w") as out:
        for chunk in [part] if isinstance(part, bytes) else part:
            out.write(chunk)


def write_package(
    path: Path, sheet: Part, shared_strings: Part | None = None, declare_strings: bool = False
) -> Path:
    """The package; its shared strings are declared if given (or if ``declare_strings``)."""
    declared = shared_strings is not None or declare_strings
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml", CONTENT_TYPES.format(strings=STRINGS_TYPE if declared else "")
        )
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            WORKBOOK_RELS.format(strings=STRINGS_REL if declared else ""),
        )
        _write(archive, "xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            _write(archive, "xl/sharedStrings.xml", shared_strings)
    return path


def _column(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def shared_row(number: int, first_index: int, count: int) -> bytes:
    """A row whose cells refer to shared strings ``first_index`` … in turn."""
    cells = "".join(
        f'<c r="{_column(i + 1)}{number}" t="s"><v>{first_index + i}</v></c>' for i in range(count)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def inline_row(number: int, values: list[str]) -> bytes:
    cells = "".join(
        f'<c r="{_column(i + 1)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def sheet(rows: Iterable[bytes]) -> Iterator[bytes]:
    yield f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    yield from rows
    yield b"</sheetData></worksheet>"


def strings(texts: Iterable[str], padding: int = 0, pad_chunk: int = 1 << 20) -> Iterator[bytes]:
    """A shared-string table of ``texts``, then ``padding`` bytes more of one long string
    of ``A``s (it deflates about a thousand to one)."""
    yield f'<sst xmlns="{MAIN}">'.encode()
    for text in texts:
        yield f"<si><t>{escape(text)}</t></si>".encode()
    if padding:
        yield b"<si><t>"
        for _ in range(padding // pad_chunk):
            yield b"A" * pad_chunk
        yield b"</t></si>"
    yield b"</sst>"


def shared_strings_bomb(path: Path, header: list[str], expands_to: int) -> Path:
    """A valid order workbook (header, one order) whose shared strings expand to
    ``expands_to`` bytes: a few kilobytes to a few megabytes on disk."""
    body = ["B-1", "export"]
    rows = [shared_row(1, 0, len(header)), shared_row(2, len(header), len(body))]
    return write_package(path, b"".join(sheet(rows)), strings(header + body, padding=expands_to))
