"""``silkpost summaries run --month YYYY-MM``: the monthly summary declarations (汇总申报).

Customs expect the previous month's released export inventories summarised before the
15th (海关总署公告2018年第194号, see :mod:`declarations.ceb.summary`); this asks for the summary
of every seller with released exports (or the one named), exactly as ``POST
/api/v1/summaries`` does, and prints what each became.
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext


@click.group()
def summaries() -> None:
    """Summary declarations of released exports."""


@summaries.command("run")
@click.option("--month", required=True, help="YYYY-MM: the month whose releases are summarised.")
@click.option("--seller", "seller_id", default=None, help="Only this seller (id).")
@click.option("--now", is_flag=True, help="File in this process instead of queueing a job.")
@with_appcontext
def summaries_run(month: str, seller_id: str | None, now: bool) -> None:
    from .errors import ValidationFailed
    from .services import summary_filing
    from .services.summary_schedule import sellers_with_releases

    out = {}
    for seller in sellers_with_releases(seller_id):
        try:
            found = summary_filing.request_for(seller, month, None)
        except ValidationFailed as exc:
            out[seller.id] = {"refused": exc.message}
            continue
        status = summary_filing.file(found.id) if now else found.status
        out[seller.id] = {"summary": found.id, "status": status}
    click.echo(json.dumps(out, sort_keys=True))
