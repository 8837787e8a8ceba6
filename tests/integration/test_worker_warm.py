"""The worker loads its shared tables and schemas before it forks."""

from __future__ import annotations

from pathlib import Path

import pytest
from clearance_support import CEB_DIR

from app.jobs import warm
from declarations import xsd


@pytest.mark.skipif(not CEB_DIR.exists(), reason="official CEB schemas not present")
def test_warm_loads_the_tariff_and_the_official_schemas_once(app):
    app.config["CEB_XSD_DIR"] = str(CEB_DIR)
    app.extensions.pop("silkpost.tariff", None)
    xsd._cache.clear()  # only caches: whatever needs a schema loads it again
    xsd._by_argument.clear()
    warm.warm(app)
    assert "tariff" in app.extensions["silkpost.tariff"]
    loaded = {Path(p).name for p in xsd._cache}
    assert set(warm.SCHEMAS) <= loaded


def test_warm_without_a_schema_directory_loads_the_tables_only(app):
    app.config["CEB_XSD_DIR"] = None
    app.extensions.pop("silkpost.tariff", None)
    warm.warm(app)
    assert "tariff" in app.extensions["silkpost.tariff"]
