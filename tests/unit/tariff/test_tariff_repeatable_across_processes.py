"""A quote is the same in every process: nothing may depend on the hash seed."""

import os
import subprocess
import sys

SCRIPT = """
import json
from datetime import date
from decimal import Decimal
from tariff_tables import QuoteLine, QuoteRequest, quote
line = QuoteLine("s", "coat", "62019300", Decimal(1), "piece", None, Decimal(800), "JP")
for origin in ("JP", "HK"):
    req = QuoteRequest(flow="import", currency="CNY", origin_country=origin,
                       destination_country="CN", regime="postal", lines=(line,))
    print(json.dumps(quote(req, date(2026, 11, 15)).to_json(), sort_keys=True))
"""


def test_postal_quote_identical_under_different_hash_seeds():
    outputs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
        ).stdout
        outputs.add(out)
    assert len(outputs) == 1
