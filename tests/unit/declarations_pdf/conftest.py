"""Set-up for the PDF form tests: make the PDF reading functions importable, example
snapshots with the CN22/CN23 choice recorded; the tests are marked as needing the CJK font
(they skip, saying why, without one): the examples carry Chinese text."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

from declarations import examples  # noqa: E402
from declarations.forms import SdrRate, record  # noqa: E402

#: EUR per SDR on the examples' declaration date (a test value).
EUR_PER_SDR = SdrRate("EUR", Decimal("1.10"), date(2026, 3, 1), "test")


@pytest.fixture
def export_cn22():
    """Export example (3 T-shirts, EUR 75) recorded under 300 SDR: a CN22 item."""
    return record(examples.export_snapshot(3), EUR_PER_SDR)


@pytest.fixture
def export_cn23():
    """The same parcel with dear contents: 3 × 2 × EUR 80 = 480 EUR, over 300 SDR."""
    snap = examples.export_snapshot(3)
    lines = tuple(replace(line, unit_value=Decimal("80.00")) for line in snap.lines)
    return record(snap.with_changes(lines=lines), EUR_PER_SDR)


def pytest_collection_modifyitems(items):
    """Every form test here draws Chinese text, except those choosing the font themselves."""
    here = str(_HERE)
    for item in items:
        if str(item.path).startswith(here) and item.get_closest_marker("any_cjk_font") is None:
            item.add_marker(pytest.mark.cjk_font)


def pytest_configure(config):
    config.addinivalue_line("markers", "any_cjk_font: the test chooses the CJK font (or none)")
