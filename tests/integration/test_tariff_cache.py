"""The process's tariff is built once and again only when a rate file it came from changes:
a running web process or worker sees an operator's edited ``FX_RATES_FILE`` (or an ECB
file imported by ``silkpost fx import``) at its next quote, without a restart."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

RATES = """base,quote,rate,valid_from,valid_to,period,source
USD,KRW,{rate},2020-01-01,,test,test fixture rate (not an official figure)
"""


def test_a_changed_rate_file_is_read_at_the_next_quote(app, tmp_path):
    from app.services import quoting

    rates = tmp_path / "rates.csv"
    rates.write_text(RATES.format(rate="1400"))
    app.config["FX_RATES_FILE"] = str(rates)
    first = quoting.tariff()
    assert first.fx("USD", "KRW", date(2026, 12, 1), "KR")[0] == Decimal("1400")
    assert quoting.tariff() is first  # unchanged files: the same table, not built again
    rates.write_text(RATES.format(rate="1450"))
    stat = rates.stat()
    os.utime(rates, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later write
    again = quoting.tariff()
    assert again is not first
    assert again.fx("USD", "KRW", date(2026, 12, 1), "KR")[0] == Decimal("1450")


def test_one_transaction_quotes_with_one_table_and_the_next_sees_a_change(app, tmp_path):
    from app.extensions import db
    from app.services import quoting

    rates = tmp_path / "rates.csv"
    rates.write_text(RATES.format(rate="1400"))
    app.config["FX_RATES_FILE"] = str(rates)
    db.session.execute(db.text("SELECT 1"))  # a transaction begins
    first = quoting.tariff()
    rates.write_text(RATES.format(rate="1450.5"))  # another size: changed
    assert quoting.tariff() is first  # the same transaction: the files were looked at once
    db.session.rollback()
    again = quoting.tariff()
    assert again is not first
    assert again.fx("USD", "KRW", date(2026, 12, 1), "KR")[0] == Decimal("1450.5")
