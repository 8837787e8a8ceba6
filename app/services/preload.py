"""What requests and jobs look up, loaded into a process before its first request or job.

Built lazily, the tariff (≈0.3 s) and the PDF fonts (≈0.8 s: the CJK TrueType collection
is parsed) made the first quote and the first label of every web process wait, and every
request queued behind them in that process; an RQ work horse that built them itself paid
for them on every job. The web workers (:mod:`app.gunicorn_conf`) and the forking RQ
worker (:class:`app.jobs.runner.AppWorker`) call :func:`load` first. So do the other
tables a first request or job would read (the ORM's mapper configuration, the goods
restrictions, the HS descriptions and retail terms, the official schemas, the ECB rates
file behind every cross and SDR rate, the operator's signing key): in a forked
horse each was a few hundred milliseconds of CPU per job, more than a batch's own work for
the short gateway and periodic jobs. Nothing here touches the database or Redis.
"""

from __future__ import annotations

import gc
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import configure_mappers

import tariff_tables
from declarations import dxp, xsd
from declarations.ceb import common
from declarations.pdf import fonts
from tariff_tables import nomenclature, restrictions

from . import quoting, signing_keys
from .risk_rules import wording

#: The official schemas the filings and receipts are checked against.
SCHEMAS = (common.IMPORT_XSD, common.EXPORT_XSD, dxp.SCHEMA_FILE)


def load() -> tariff_tables.Tariff:
    """Register the form fonts, load the tables and schemas and build the tariff (in an
    app context); returns the tariff, which is a new one only after a rate file changed.
    Each is loaded once per process: calling again costs next to nothing."""
    fonts.ensure_registered()
    configure_mappers()
    restrictions.load_goods()
    restrictions.load_tax_ids()
    nomenclature.description("0101")
    wording.retail_terms()
    schema_dir = current_app.config.get("CEB_XSD_DIR")
    for name in SCHEMAS if schema_dir else ():
        if (Path(schema_dir) / name).is_file():
            xsd.load_in(schema_dir, name)
    signing_keys.signer()
    table = quoting.tariff()
    if table.ecb_file is not None:
        table.ecb_file.rates  # noqa: B018 - parsed now (the SDR and cross rates read it)
    return table


def freeze() -> None:
    """Move everything loaded so far out of the garbage collector's way: a full collection
    walks every tracked object (≈265,000 with the tariff loaded, ≈140 ms) and would pause
    whatever runs then; frozen objects are never walked, nor copied into a forked child's
    pages by the collector touching them."""
    gc.collect()
    gc.freeze()
