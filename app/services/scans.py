"""Carrier scans: a JSON list or a CSV file of events, each row stored or refused on its own.

A body that cannot be read as a batch at all (not JSON or CSV, not a list, no rows, too
many rows, missing CSV columns) is refused whole with the error envelope. Otherwise every
row is checked (the scan schema, then the tracking rule of ``emsevt.event_problems``): good
rows are stored, repeats counted, bad rows reported with their row number (CSV: the row of
the file, the header being row 1; JSON: the list index) and field names.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError

from declarations import emsevt

from ..errors import (
    DomainError,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    flatten_errors,
)
from ..extensions import db
from ..models import User
from ..schemas.tracking import ScanIn
from . import tracking

MAX_SCAN_BYTES = 5 * 1024 * 1024
MAX_SCAN_ROWS = 10_000
MAX_UNMATCHED_SHOWN = 100
CSV_TYPES = ("text/csv", "application/csv")
_schema = ScanIn()
REQUIRED_COLUMNS = tuple(n for n, f in _schema.fields.items() if f.required)
COLUMNS = tuple(_schema.fields)


def ingest(user: User, body: bytes, mimetype: str) -> dict:
    """Store a batch of scans by ``user`` (a carrier) and commit; the per-row report."""
    if len(body) > MAX_SCAN_BYTES:
        raise PayloadTooLarge(f"A scan batch may hold at most {MAX_SCAN_BYTES} bytes.")
    if mimetype == "application/json":
        rows = _json_rows(body)
    elif mimetype in CSV_TYPES:
        rows = _csv_rows(body)
    else:
        raise UnsupportedMediaType("Send scans as application/json (a list) or text/csv.")
    if not rows:
        raise ValidationFailed("The batch holds no scans.", {"_body": ["no rows"]})
    if len(rows) > MAX_SCAN_ROWS:
        raise PayloadTooLarge(f"A scan batch may hold at most {MAX_SCAN_ROWS} rows.")
    events, errors = [], []
    for row_no, raw in rows:
        event, problems = _event(raw)
        if problems:
            errors.extend({"row": row_no, "field": f, "message": m} for f, m in problems)
        else:
            events.append(tracking.NewEvent(event, "carrier", f"carrier:{user.id}"))
    result = tracking.store(events, checked=True)
    db.session.commit()
    return {
        "received": len(rows),
        "stored": len(result.new),
        "duplicates": result.duplicates,
        "rejected": len(rows) - len(events),
        "errors": errors,
        "unmatched": sorted(result.unmatched)[:MAX_UNMATCHED_SHOWN],
    }


def _json_rows(body: bytes) -> list[tuple[int, Any]]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError("The body is not valid JSON.", {"_body": [str(exc)]}) from None
    if not isinstance(payload, list):
        raise ValidationFailed("Send a JSON list of scans.", {"_body": ["not a list"]})
    return list(enumerate(payload))


def _csv_rows(body: bytes) -> list[tuple[int, Any]]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("The CSV is not UTF-8 text.", {"_body": ["not UTF-8"]}) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        errors = {}
        if missing:
            errors["_header"] = [f"missing columns: {', '.join(missing)}"]
        if unknown:
            errors.setdefault("_header", []).append(
                f"unknown columns: {', '.join(unknown)} (the columns are {', '.join(COLUMNS)})"
            )
        raise ValidationFailed("The CSV header is not a scan header.", errors)
    rows = []
    for row_no, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            rows.append((row_no, {"_row": f"{len(values)} cells for {len(header)} columns"}))
            continue
        rows.append(
            (row_no, {h: v.strip() for h, v in zip(header, values, strict=False) if v.strip()})
        )
    return rows


def _event(raw: Any) -> tuple[emsevt.Event | None, list[tuple[str | None, str]]]:
    """The row's event, or every problem it has: the schema's, and the tracking rule's for
    the fields the schema let through."""
    if not isinstance(raw, dict):
        return None, [(None, "a scan must be an object with s10, code, office and time")]
    if "_row" in raw:
        return None, [(None, raw["_row"])]
    problems: list[tuple[str | None, str]] = []
    try:
        data = _schema.load(raw)
    except ValidationError as exc:
        data = exc.valid_data or {}
        for name, messages in flatten_errors(exc.messages).items():
            problems.extend((None if name == "_schema" else name, m) for m in messages)
    event = emsevt.Event(
        item_id=(data.get("s10") or "").strip().upper().replace(" ", ""),
        code=(data.get("code") or "").strip().upper(),
        at=data.get("time") or _SOME_TIME,
        office=(data.get("office") or "").strip().upper(),
        reason=data.get("reason") or None,
        action=data.get("action") or None,
        note=data.get("note") or None,
    )
    reported = {name for name, _ in problems}
    problems.extend(p for p in emsevt.event_problems(event) if p[0] not in reported)
    return (None if problems else event), problems


_SOME_TIME = datetime(2000, 1, 1, tzinfo=UTC)  # stands in for a time the schema refused
