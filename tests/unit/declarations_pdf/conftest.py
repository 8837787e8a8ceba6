"""Set-up for the PDF form tests: make the PDF reading functions importable, example
snapshots with the CN22/CN23 choice recorded, and a skip (saying why) when no TrueType CJK
font is installed: the examples carry Chinese text, which is refused without one."""

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
from declarations.pdf import fonts  # noqa: E402

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


def pytest_configure(config):
    config.addinivalue_line("markers", "any_cjk_font: the test chooses the CJK font (or none)")


def pytest_runtest_setup(item):
    """Skip unless a CJK font is there; tests marked ``any_cjk_font`` set up their own."""
    if item.get_closest_marker("any_cjk_font") is None and fonts.cjk_source() is None:
        pytest.skip(f"no TrueType CJK font ({fonts.cjk_problem()}); {fonts.HOW_TO_GET_CJK}")
