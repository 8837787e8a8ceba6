"""Which month the scheduled summary run asks for, and its setting."""

from datetime import date

import pytest

from app.config import ConfigError, load_config
from app.services.summary_schedule import due_month


@pytest.mark.parametrize(
    ("today", "day", "month"),
    [
        (date(2026, 12, 5), 5, "2026-11"),
        (date(2026, 12, 28), 5, "2026-11"),
        (date(2026, 12, 4), 5, None),
        (date(2027, 1, 1), 1, "2026-12"),
        (date(2027, 1, 20), 0, None),
    ],
)
def test_due_month(today, day, month):
    assert due_month(today, day) == month


def test_the_setting_is_a_day_1_to_28_or_off(monkeypatch, tmp_path):
    monkeypatch.setenv("SILKPOST_DATA_DIR", str(tmp_path))
    assert load_config()["SUMMARY_AUTO_DAY"] == 0
    monkeypatch.setenv("SILKPOST_SUMMARY_AUTO_DAY", "12")
    assert load_config()["SUMMARY_AUTO_DAY"] == 12
    for bad in ("29", "-1", "x"):
        monkeypatch.setenv("SILKPOST_SUMMARY_AUTO_DAY", bad)
        with pytest.raises(ConfigError, match="SUMMARY_AUTO_DAY"):
            load_config()
