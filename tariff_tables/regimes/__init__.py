"""The regimes: every module of this package that names a `REGIME` is one.

A regime module states its law once: the docstring cites the rule, the body reads like
it, and three names tell the engine how to use it:

- `REGIME`: the name destination profiles give in their `regime` field;
- `assess(ctx) -> Assessment`: the rule itself (see `common` for the shared steps);
- `NATIONAL_CURRENCY` (default False): the regime assesses in the destination currency
  whatever the order currency, because its limits and rounding are defined in it (China,
  Japan); the engine converts in and back at the official rate;
- `LINE_DUTY` (default True): every quote needs a per-line duty rate. False where the
  regime charges a consignment-level rate instead (Brazil, Mexico) or no duty at all
  except in an exception (China); the tariff lookup uses it to decide whether a missing
  duty row makes an HS code "not covered".

Adding a regime is adding its module (and its tests); nothing here lists them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from .common import Assessment, Ctx


@dataclass(frozen=True, slots=True)
class Regime:
    name: str
    assess: Callable[[Ctx], Assessment]
    national_currency: bool
    line_duty: bool


def _discover() -> dict[str, Regime]:
    found: dict[str, Regime] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "REGIME", None)
        if name is None:
            continue
        if name in found:
            raise RuntimeError(f"regime {name!r} defined twice (module {info.name})")
        found[name] = Regime(
            name,
            module.assess,
            getattr(module, "NATIONAL_CURRENCY", False),
            getattr(module, "LINE_DUTY", True),
        )
    return found


REGIMES: dict[str, Regime] = _discover()
