"""Regime registry: profile.regime name → (assess function, assesses in national currency).

China and Japan assess in their own currency because their limits and rounding rules
(fen half-up on CNY limits, ¥1,000/¥100 truncation) are defined in it.
"""

from __future__ import annotations

from collections.abc import Callable

from . import au, br, cn_cbec, cn_postal, eaeu, eu, gb, jp, mx, my, sg, standard
from .common import Assessment, Ctx
from .plan import Plan
from .plan_band import BrPlan, MxPlan
from .plan_cn import CnPlan
from .plan_eaeu import EaeuPlan
from .plan_eu import EuPlan
from .plan_import import AuPlan, GbPlan, MyPlan, SgPlan, StandardPlan
from .plan_jp import JpPlan


def _cn(ctx: Ctx) -> Assessment:
    if ctx.req.regime == "cbec":
        return cn_cbec.assess(ctx)
    return cn_postal.assess(ctx)


REGIMES: dict[str, tuple[Callable[[Ctx], Assessment], bool]] = {
    "standard": (standard.assess, False),
    "eu": (eu.assess, False),
    "gb": (gb.assess, False),
    "au": (au.assess, False),
    "sg": (sg.assess, False),
    "my": (my.assess, False),
    "jp": (jp.assess, True),
    "eaeu": (eaeu.assess, False),
    "br": (br.assess, False),
    "mx": (mx.assess, False),
    "cn": (_cn, True),
}


# Regimes with a compiled per-order-shape fast path (see `plan`); the others always run
# their `assess` function.
PLANS: dict[str, type[Plan] | type[CnPlan]] = {
    "eu": EuPlan,
    "standard": StandardPlan,
    "gb": GbPlan,
    "au": AuPlan,
    "sg": SgPlan,
    "jp": JpPlan,
    "my": MyPlan,
    "eaeu": EaeuPlan,
    "br": BrPlan,
    "mx": MxPlan,
    "cn": CnPlan,
}
