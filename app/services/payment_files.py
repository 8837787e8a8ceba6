"""Reading receipts of payment from a bank statement CSV or a JSON list, row by row.

A CSV has a header row naming its columns (``amount, currency, date, payer,
bank_reference`` required; ``order_no, settled_cny, settled_on`` optional; any order).
Each row is validated on its own: a bad row is reported with its row number (the header
is row 1) and field, and the good rows are stored all the same. A JSON list is validated
whole: any bad item refuses the list (422 with ``<index>.<field>`` paths), nothing stored.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from marshmallow import ValidationError

from ..errors import PayloadTooLarge, ValidationFailed, flatten_errors
from ..schemas.payments import PaymentIn

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_ITEMS = 1000
REQUIRED = ("amount", "currency", "date", "payer", "bank_reference")

_schema = PaymentIn()


def _too_large(body: bytes) -> None:
    if len(body) > MAX_BYTES:
        raise PayloadTooLarge(f"The statement is larger than the {MAX_BYTES} byte limit.")


def read_csv(body: bytes) -> tuple[list[tuple[int, dict]], list[dict]]:
    """``(valid rows as (row number, data), row problems)`` of a CSV statement."""
    _too_large(body)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The file is not UTF-8 text.", {"file": [str(exc)]}) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    _check_header(header)
    rows, problems = [], []
    for n, cells in enumerate(reader, start=2):
        if n - 1 > MAX_ROWS:
            raise PayloadTooLarge(f"A statement holds at most {MAX_ROWS} rows.")
        if not any(c.strip() for c in cells):
            continue
        raw = {k: v.strip() for k, v in zip(header, cells, strict=False) if v.strip()}
        try:
            rows.append((n, _schema.load(raw)))
        except ValidationError as exc:
            for field, messages in flatten_errors(exc.messages).items():
                problems.extend({"row": n, "field": field, "error": m} for m in messages)
    return rows, problems


def _check_header(header: list[str]) -> None:
    known = PaymentIn.columns()
    errors: dict[str, list[str]] = {}
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        errors["file"] = [f"missing column(s): {', '.join(missing)}"]
    unknown = [c for c in header if c and c not in known]
    if unknown:
        errors.setdefault("file", []).append(
            f"unknown column(s): {', '.join(unknown)}; columns are {', '.join(known)}"
        )
    if len(set(header)) != len(header):
        errors.setdefault("file", []).append("a column is named twice")
    if errors:
        raise ValidationFailed("The statement's header row is not usable.", errors)


def read_json(payload: Any) -> list[tuple[int, dict]]:
    """``(index, data)`` of a JSON list of receipts, all valid (422 otherwise)."""
    if not isinstance(payload, list) or not 1 <= len(payload) <= MAX_ITEMS:
        raise ValidationFailed(
            "Send a JSON list of 1 to 1000 receipts.", {"_body": ["a list of 1 to 1000 receipts"]}
        )
    try:
        loaded = _schema.load(payload, many=True)
    except ValidationError as exc:
        raise ValidationFailed(
            "Some receipts have invalid fields; see errors.", flatten_errors(exc.messages)
        ) from exc
    return list(enumerate(loaded))


__all__ = ["MAX_BYTES", "read_csv", "read_json"]
