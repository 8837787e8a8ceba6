"""What requests and jobs look up, loaded into a process before its first request or job.

Built lazily, the tariff (≈0.3 s) and the PDF fonts (≈0.8 s: the CJK TrueType collection
is parsed) made the first quote and the first label of every web process wait, and every
request queued behind them in that process; an RQ work horse that built them itself paid
for them on every job. The web workers (:mod:`app.gunicorn_conf`) and the forking RQ
worker (:class:`app.jobs.runner.AppWorker`) call :func:`load` first.
"""

from __future__ import annotations

import gc

import tariff_tables
from declarations.pdf import fonts

from . import quoting


def load() -> tariff_tables.Tariff:
    """Register the form fonts and build the tariff (in an app context); returns the
    tariff, which is a new one only after a rate file changed."""
    fonts.ensure_registered()
    return quoting.tariff()


def freeze() -> None:
    """Move everything loaded so far out of the garbage collector's way: a full collection
    walks every tracked object (≈265,000 with the tariff loaded, ≈140 ms) and would pause
    whatever runs then; frozen objects are never walked, nor copied into a forked child's
    pages by the collector touching them."""
    gc.collect()
    gc.freeze()
