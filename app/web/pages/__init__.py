"""Page families; importing each module adds its routes and navigation entries to ``web``.

A new family (broker review, despatches, webhooks, reports, dashboard) is a module here
plus its templates, listed in ``MODULES``.
"""

from __future__ import annotations

import importlib

MODULES = (
    "account",
    "home",
    "imports",
    "orders",
    "parcels",
    "buyers",
    "reports",
    "amend",
    "dashboard",
    "review",
    "review_actions",
    "review_amend",
    "handover",
    "webhooks",
    "posts",
)


def load() -> None:
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
