"""China imports: the channel the order declares, CBEC retail (`cn_cbec`) or postal
articles (`cn_postal`).

Assessed in yuan: the CBEC limits and the postal cap and waiver are CNY figures rounded
to the fen. Neither channel charges a line duty except the CBEC single-item exception.
"""

from __future__ import annotations

from . import cn_cbec, cn_postal
from .common import Assessment, Ctx

REGIME = "cn"
NATIONAL_CURRENCY = True
LINE_DUTY = False


def assess(ctx: Ctx) -> Assessment:
    if ctx.req.regime == "cbec":
        return cn_cbec.assess(ctx)
    return cn_postal.assess(ctx)
