"""The snapshot is a frozen record whose JSON form round-trips exactly."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from decimal import Decimal

import pytest

from declarations import examples
from declarations.snapshot import (
    SCHEMA_VERSION,
    DeclarationSnapshot,
    Line,
    Order,
    SnapshotError,
)


@pytest.mark.parametrize("make", [examples.import_snapshot, examples.export_snapshot])
def test_json_round_trip_is_exact(make):
    snap = make(3)
    data = snap.to_json()
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    back = DeclarationSnapshot.from_json(json.loads(text))
    assert back == snap
    assert back.to_json() == data
    assert data["schema_version"] == SCHEMA_VERSION


def test_decimals_are_strings_and_keep_their_exponent():
    snap = examples.import_snapshot(1)
    data = snap.to_json()
    assert data["lines"][0]["unit_value"] == "149.90"
    assert data["order"]["ordered_at"] == "2026-03-02T10:15:00"
    back = DeclarationSnapshot.from_json(data)
    assert str(back.lines[0].unit_value) == "149.90"


def test_records_are_frozen():
    snap = examples.import_snapshot(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.order = None  # type: ignore[misc]
    assert isinstance(snap.lines, tuple)


def test_constructor_coerces_plain_values():
    line = Line(
        sku="A",
        description="Mug",
        hs_code="6912000000",
        quantity=2,
        unit="piece",
        net_weight_kg="0.5",
        unit_value=3.1,
        origin_country="CN",
    )
    assert line.quantity == Decimal(2) and line.unit_value == Decimal("3.1")
    order = Order(
        order_no="X",
        flow="export",
        regime="postal",
        currency="EUR",
        ordered_at="2026-01-02T03:04:05",
        item_id="RR473124829GB",
    )
    assert order.ordered_at == datetime(2026, 1, 2, 3, 4, 5)


def test_missing_quote_means_zero_tax():
    snap = examples.import_snapshot(1).with_changes(quote=None)
    assert snap.quote_amount("tax_total") == Decimal(0)


def test_newer_or_malformed_versions_are_refused():
    data = examples.export_snapshot(1).to_json()
    with pytest.raises(SnapshotError):
        DeclarationSnapshot.from_json({**data, "schema_version": SCHEMA_VERSION + 1})
    with pytest.raises(SnapshotError):
        DeclarationSnapshot.from_json({k: v for k, v in data.items() if k != "schema_version"})
    with pytest.raises(SnapshotError):
        DeclarationSnapshot.from_json({**data, "surprise": 1})
