"""Opening an untrusted ZIP container (an uploaded XLSX) without trusting what it claims.

A few megabytes of deflated XML can expand to gigabytes. Before anything is decompressed,
the archive's directory is checked: how many entries it has (read from the end record, so
a directory of millions of entries is refused before it is parsed), what each entry
declares it expands to, and by what ratio. While a part is read, a byte budget counts the
bytes actually produced, so an entry that lies about its size is cut off at the budget.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024
_EOCD = b"PK\x05\x06"  # end of central directory record
_EOCD_SIZE = 22
_MAX_COMMENT = 0xFFFF


class ArchiveError(ValueError):
    """The file is not a readable archive (or a part of it is malformed)."""


class ArchiveTooLarge(ArchiveError):
    """The archive breaks a limit; ``limit`` names it, as the client sees it."""

    def __init__(self, message: str, limit: str):
        super().__init__(message)
        self.limit = limit


@dataclass(frozen=True)
class ZipLimits:
    """What an order workbook may be. A real one has about ten entries, expands about
    ten-fold, and a 20 MB file to some 250 MB of XML."""

    max_entries: int = 1000
    max_entry_bytes: int = 512 * MiB
    max_total_bytes: int = 512 * MiB
    max_ratio: int = 100
    ratio_floor: int = MiB  # smaller entries may compress better: they cannot hurt


def entry_count(path: Path) -> int:
    """The number of entries the end record declares, without parsing the directory."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        tail_size = min(size, _EOCD_SIZE + _MAX_COMMENT)
        fh.seek(size - tail_size)
        tail = fh.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        raise ArchiveError("not a ZIP archive (no end of central directory)")
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    return entries


def open_checked(path: Path, limits: ZipLimits) -> zipfile.ZipFile:
    """Open the archive once its directory is within ``limits``; raise otherwise."""
    entries = entry_count(path)
    if entries >= min(limits.max_entries, 0xFFFF):  # 0xFFFF: a ZIP64 directory follows
        raise ArchiveTooLarge(
            f"the archive has more than {limits.max_entries} entries", "max_entries"
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveError(f"not a readable ZIP archive ({exc})") from exc
    try:
        check_directory(archive.infolist(), limits)
    except ArchiveError:
        archive.close()
        raise
    return archive


def check_directory(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Entry count, declared sizes and compression ratios, before any entry is read."""
    if len(infos) > limits.max_entries:
        raise ArchiveTooLarge(
            f"the archive has more than {limits.max_entries} entries", "max_entries"
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.max_entry_bytes:
            raise ArchiveTooLarge(
                f"{info.filename} expands to {info.file_size} bytes, more than the "
                f"{limits.max_entry_bytes} byte limit of one part",
                "max_entry_bytes",
            )
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise ArchiveTooLarge(
                f"{info.filename} is compressed {ratio:.0f} to 1, more than the "
                f"{limits.max_ratio} to 1 limit",
                "max_ratio",
            )
    if total > limits.max_total_bytes:
        raise ArchiveTooLarge(
            f"the archive expands to {total} bytes, more than the "
            f"{limits.max_total_bytes} byte limit",
            "max_total_bytes",
        )


class BudgetReader:
    """A part of the archive as a file object that refuses to produce more than ``budget``
    decompressed bytes, whatever the part declares."""

    def __init__(self, archive: zipfile.ZipFile, name: str, budget: int, limit: str):
        try:
            self._raw = archive.open(name)
        except KeyError as exc:
            raise ArchiveError(f"the archive has no part {name}") from exc
        except (zipfile.BadZipFile, NotImplementedError, OSError) as exc:
            raise ArchiveError(f"{name} cannot be read ({exc})") from exc
        self.name, self.budget, self.limit, self.used = name, budget, limit, 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > self.budget - self.used + 1:
            size = self.budget - self.used + 1
        try:
            data = self._raw.read(size)
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise ArchiveError(f"{self.name} is damaged ({exc})") from exc
        self.used += len(data)
        if self.used > self.budget:
            raise ArchiveTooLarge(
                f"{self.name} expands to more than the {self.budget} byte limit", self.limit
            )
        return data

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> BudgetReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
