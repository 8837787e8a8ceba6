"""A forking worker loads the tariff before it forks a job's horse, so each horse inherits
it (instead of building its own), and builds it again only after a rate file changed."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from clearance_support import CEB_DIR

from app.jobs.runner import AppWorker, make_worker
from app.services import preload
from declarations import xsd

RATES = "base,quote,rate,valid_from,valid_to,period,source\nUSD,KRW,{},2020-01-01,,t,test fixture\n"


def test_the_worker_loads_the_tariff_once_before_forking(app, tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES.format("1400"))
    app.config["FX_RATES_FILE"] = str(rates)
    app.extensions.pop("silkpost.tariff", None)
    worker = make_worker(app)
    assert isinstance(worker, AppWorker)
    try:
        worker.load_before_fork()
        loaded = app.extensions["silkpost.tariff"]["tariff"]
        assert gc.get_freeze_count() > 0
        worker.load_before_fork()
        assert app.extensions["silkpost.tariff"]["tariff"] is loaded  # not built per job
        rates.write_text(RATES.format("1450.5"))  # a different size: changed
        worker.load_before_fork()
        assert app.extensions["silkpost.tariff"]["tariff"] is not loaded
    finally:
        gc.unfreeze()


@pytest.mark.skipif(not CEB_DIR.exists(), reason="official CEB schemas not present")
def test_the_worker_loads_the_official_schemas_before_forking(app):
    app.config["CEB_XSD_DIR"] = str(CEB_DIR)
    xsd._cache.clear()  # only caches: whatever needs a schema loads it again
    xsd._by_argument.clear()
    worker = make_worker(app)
    try:
        worker.load_before_fork()
        assert set(preload.SCHEMAS) <= {Path(p).name for p in xsd._cache}
    finally:
        gc.unfreeze()
