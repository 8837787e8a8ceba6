"""The rows of an XLSX workbook's first sheet, streamed from the XML under limits.

Only what an order file needs is read: the workbook's first sheet, its shared strings and
the cell styles that mark numbers as dates. Rows are parsed one at a time with lxml's
``iterparse`` (entities never resolved, no DTD, no network) and dropped once yielded; the
sheet's ``<dimension>`` is never consulted, so every row that is in the file is read.
Shared strings are parsed only as far as the cells read so far need them. Every part is
read through a byte budget (:mod:`zip_guard`), which bounds the time and memory a hostile
file can take. Cell values come out typed as openpyxl gives them (text, int, float, bool,
datetime), so callers treat both readers' cells alike.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

from .zip_guard import ArchiveError, ArchiveTooLarge, BudgetReader, MiB, ZipLimits, open_checked

_SAFE_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
_SMALL_PART = "max_part_bytes"


@dataclass(frozen=True)
class XlsxLimits:
    """Bounds on what reading one workbook may cost. The header check done while the
    client waits reads only the start of the sheet and of the shared strings."""

    archive: ZipLimits = field(default_factory=ZipLimits)
    max_part_bytes: int = 8 * MiB  # package and workbook relations, workbook, styles
    max_shared_strings: int = 1_000_000
    max_shared_chars: int = 32 * MiB
    max_columns: int = 1024
    header_sheet_bytes: int = MiB
    header_strings_bytes: int = 4 * MiB


DEFAULT_LIMITS = XlsxLimits()


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _refuse_dtd(element) -> None:
    if element.getroottree().docinfo.doctype:
        raise ArchiveError("a workbook part declares a DTD, which XLSX parts never do")


def iter_elements(stream, name: str) -> Iterator[Any]:
    """Each complete ``name`` element of an XML stream, dropped from memory after use."""
    first = True
    try:
        for _, element in etree.iterparse(stream, events=("end",), tag=f"{{*}}{name}", **_SAFE_XML):
            if first:
                _refuse_dtd(element)
                first = False
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise ArchiveError(f"malformed XML in the workbook ({exc})") from exc


def _parse_part(archive: zipfile.ZipFile, name: str, limit: int):
    with BudgetReader(archive, name, limit, _SMALL_PART) as stream:
        data = stream.read()
    try:
        root = etree.fromstring(data, etree.XMLParser(**_SAFE_XML))
    except etree.XMLSyntaxError as exc:
        raise ArchiveError(f"malformed XML in {name} ({exc})") from exc
    _refuse_dtd(root)
    return root


def _relationships(archive: zipfile.ZipFile, part: str, limit: int) -> dict[str, tuple[str, str]]:
    """``Id → (type suffix, target part)`` of a part's relationships (none if absent)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in archive.NameToInfo:
        return {}
    out = {}
    for rel in _parse_part(archive, rels, limit):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out[rel.get("Id")] = ((rel.get("Type") or "").rsplit("/", 1)[-1], posixpath.normpath(path))
    return out


def _by_type(rels: dict[str, tuple[str, str]], kind: str) -> str | None:
    return next((target for k, target in rels.values() if k == kind), None)


@dataclass
class _Package:
    """Where the first sheet, the shared strings and the styles are, and the date epoch."""

    sheet: str
    shared_strings: str | None
    styles: str | None
    epoch: Any


def _locate(archive: zipfile.ZipFile, limit: int) -> _Package:
    workbook = _by_type(_relationships(archive, "", limit), "officeDocument") or "xl/workbook.xml"
    if workbook not in archive.NameToInfo:
        raise ArchiveError("the file is not an XLSX workbook (no workbook part)")
    rels = _relationships(archive, workbook, limit)
    root = _parse_part(archive, workbook, limit)
    epoch = CALENDAR_WINDOWS_1900
    sheet_rid = None
    for element in root.iter():
        name = _local(element.tag)
        if name == "workbookPr" and element.get("date1904") in ("1", "true"):
            epoch = CALENDAR_MAC_1904
        elif name == "sheet" and sheet_rid is None:
            sheet_rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
    sheet = rels.get(sheet_rid, ("", None))[1] if sheet_rid else None
    if sheet is None or sheet not in archive.NameToInfo:
        raise ArchiveError("the workbook has no worksheet")
    present = archive.NameToInfo
    strings, styles = _by_type(rels, "sharedStrings"), _by_type(rels, "styles")
    return _Package(
        sheet, strings if strings in present else None, styles if styles in present else None, epoch
    )


def _text(element) -> str:
    """A string item's text: its ``t``, or its rich-text runs' ``t`` (phonetic runs left out)."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


class SharedStrings:
    """The workbook's string table, parsed only as far as the cells read so far reach."""

    def __init__(self, archive: zipfile.ZipFile, part: str | None, budget: int, limits: XlsxLimits):
        self._items: list[str] = []
        self._chars = 0
        self._limits = limits
        self._stream = BudgetReader(archive, part, budget, "max_entry_bytes") if part else None
        self._elements = iter_elements(self._stream, "si") if self._stream else iter(())

    def get(self, index: int) -> str:
        while index >= len(self._items):
            element = next(self._elements, None)
            if element is None:
                raise ArchiveError(f"a cell refers to shared string {index}, which does not exist")
            self._add(_text(element))
        return self._items[index]

    def _add(self, text: str) -> None:
        self._chars += len(text)
        if len(self._items) >= self._limits.max_shared_strings:
            raise ArchiveTooLarge(
                f"the workbook has more than {self._limits.max_shared_strings} shared strings",
                "max_shared_strings",
            )
        if self._chars > self._limits.max_shared_chars:
            raise ArchiveTooLarge(
                f"the workbook's shared strings exceed {self._limits.max_shared_chars} characters",
                "max_shared_chars",
            )
        self._items.append(text)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()


def _date_styles(archive: zipfile.ZipFile, part: str | None, limit: int) -> dict[int, bool]:
    """Cell style index → whether numbers in it are dates (False) or durations (True)."""
    if part is None:
        return {}
    root = _parse_part(archive, part, limit)
    formats = dict(BUILTIN_FORMATS)
    xfs = []
    for element in root.iter():
        name = _local(element.tag)
        if name == "numFmt":
            fmt_id = _number(element.get("numFmtId") or "-1", "a number format id")
            formats[fmt_id] = element.get("formatCode") or ""
        elif name == "cellXfs":
            xfs = [
                _number(xf.get("numFmtId") or "0", "a cell style")
                for xf in element
                if _local(xf.tag) == "xf"
            ]
    out = {}
    for index, fmt_id in enumerate(xfs):
        code = formats.get(fmt_id, "General")
        if is_date_format(code):
            out[index] = is_timedelta_format(code)
    return out


def _column(ref: str) -> int:
    """1-based column of a cell reference such as ``AB12``."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
    return number


def _number(text: str, ref: str) -> int | float:
    try:
        return float(text) if ("." in text or "e" in text or "E" in text) else int(text)
    except ValueError as exc:
        raise ArchiveError(f"{ref} holds {text[:40]!r}, which is not a number") from exc


class XlsxRows:
    """The first sheet of a workbook; ``rows()`` yields ``(row number, cell values)``.

    With ``header_only``, only the first row is read, under the small header budgets.
    """

    def __init__(self, path: Path, limits: XlsxLimits | None = None, header_only: bool = False):
        self._limits = limits = limits or DEFAULT_LIMITS
        self._header_only = header_only
        self._archive = open_checked(path, limits.archive)
        try:
            self._package = _locate(self._archive, limits.max_part_bytes)
            self._dates = _date_styles(self._archive, self._package.styles, limits.max_part_bytes)
            budget = limits.header_strings_bytes if header_only else limits.archive.max_entry_bytes
            self._strings = SharedStrings(
                self._archive, self._package.shared_strings, budget, limits
            )
        except Exception:
            self._archive.close()
            raise

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        limits = self._limits
        budget = limits.header_sheet_bytes if self._header_only else limits.archive.max_entry_bytes
        limit = "header_sheet_bytes" if self._header_only else "max_entry_bytes"
        rownum = 0
        with BudgetReader(self._archive, self._package.sheet, budget, limit) as stream:
            for row in iter_elements(stream, "row"):
                rownum = int(_number(row.get("r") or str(rownum + 1), "a row number"))
                yield rownum, self._cells(row, rownum)
                if self._header_only:
                    return

    def _cells(self, row, rownum: int) -> list[Any]:
        values: list[Any] = []
        for cell in row:
            if _local(cell.tag) != "c":
                continue
            ref = cell.get("r")
            column = _column(ref) if ref else len(values) + 1
            value = self._value(cell, f"cell {ref}" if ref else f"a cell of row {rownum}")
            if value is None:
                continue
            if column > self._limits.max_columns:
                raise ArchiveError(
                    f"cell {ref} is beyond column {self._limits.max_columns}; an order file "
                    "has far fewer columns"
                )
            if column > len(values) + 1:
                values.extend([None] * (column - 1 - len(values)))
            if column <= len(values):
                values[column - 1] = value
            else:
                values.append(value)
        return values

    def _value(self, cell, ref: str) -> Any:
        kind = cell.get("t") or "n"
        if kind == "inlineStr":
            inline = next((c for c in cell if _local(c.tag) == "is"), None)
            return None if inline is None else _text(inline)
        text = next((c.text for c in cell if _local(c.tag) == "v"), None)
        if text is None:
            return None
        if kind == "s":
            return self._strings.get(int(_number(text, ref)))
        if kind in ("str", "e"):
            return text
        if kind == "b":
            return text.strip() in ("1", "true")
        try:
            if kind == "d":
                return from_ISO8601(text)
            value = _number(text, ref)
            style = int(_number(cell.get("s") or "0", ref))
            if style in self._dates:
                return from_excel(value, self._package.epoch, timedelta=self._dates[style])
        except (ValueError, OverflowError) as exc:
            raise ArchiveError(f"{ref} holds {text[:40]!r}, which is not a date") from exc
        return value

    def close(self) -> None:
        self._strings.close()
        self._archive.close()

    def __enter__(self) -> XlsxRows:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
