"""Loading, in the worker, what every job would otherwise load anew.

A forking worker runs each job in a fresh child process: whatever a job loads on first use
(the ORM's mapper configuration, the tariff and FX tables, the goods-restriction and HS
tables, the official schemas) is thrown away with the child, and the next job loads it
again — a few hundred milliseconds of CPU per job, more than a batch's own work for the
short gateway and periodic jobs. Loaded once in the worker before it forks, it is shared
by every child (copy-on-write). Nothing here touches the database or Redis.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import configure_mappers

from declarations import dxp, xsd
from declarations.ceb import common
from tariff_tables import nomenclature, restrictions

from ..services import quoting
from ..services.risk_rules import wording

log = logging.getLogger(__name__)

#: The official schemas the filings and receipts are checked against.
SCHEMAS = (common.IMPORT_XSD, common.EXPORT_XSD, dxp.SCHEMA_FILE)


def warm(app: Flask) -> float:
    """Load the shared tables and schemas; returns the seconds it took."""
    start = time.perf_counter()
    configure_mappers()
    restrictions.load_goods()
    restrictions.load_tax_ids()
    nomenclature.description("0101")
    wording.retail_terms()
    with app.app_context():
        quoting.tariff()
        schema_dir = app.config.get("CEB_XSD_DIR")
    for name in SCHEMAS if schema_dir else ():
        if (Path(schema_dir) / name).is_file():
            xsd.load_in(schema_dir, name)
    took = time.perf_counter() - start
    log.info("worker caches loaded in %.2f s", took)
    return took
