"""The simulated customs' answer to inbound postal items: CUSITM in, CUSRSP out.

Each CUSITM file in the outbox is answered by one CUSRSP file (``CUSRSP_<CUSITM name>``)
with a decision per item, made by these rules in order:

- an item the post could not assess (``NotAssessed``: e.g. over the postal value cap) is
  referred (``refer``, reason ``documents``): customs assess it with the addressee;
- an item with a blocking risk finding is held (``hold``, reason ``restricted``);
- otherwise a seeded draw per item id: returned at ``SIMULATOR_POSTAL_RETURN_RATE``,
  referred (``documents``) at ``SIMULATOR_POSTAL_REFER_RATE``, held (``inspection``) at
  ``SIMULATOR_POSTAL_HOLD_RATE``, else released with the tax the post assessed.

The decision is taken ``SIMULATOR_DELAY_SECONDS`` after the CUSITM's creation time and the
answer is a pure function of the CUSITM and the settings, so a file taken twice (a crash
before it moved to ``sent/``) is answered with the same bytes under the same name.
Framework-free, like the rest of the simulator's core.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from lxml import etree

from declarations import cusitm, cusrsp, safexml, xsd

from .config import SimConfig
from .paths import draw

_NS = f"{{{cusitm.NS}}}"


def is_cusitm(name: str) -> bool:
    return name.startswith("CUSITM_")


def _decide(config: SimConfig, item: etree._Element) -> tuple[str, str]:
    """(outcome, reason) for one presented item."""
    if item.find(f"{_NS}NotAssessed") is not None:
        return "refer", "documents"
    severities = {r.get("severity") for r in item.iterfind(f"{_NS}Risks/{_NS}Risk")}
    if "blocking" in severities:
        return "hold", "restricted"
    u = draw(config.seed, "postal", item.findtext(f"{_NS}ItemId") or "")
    for outcome, reason, rate in (
        ("return", "", config.postal_return_rate),
        ("refer", "documents", config.postal_refer_rate),
        ("hold", "inspection", config.postal_hold_rate),
    ):
        if u < rate:
            return outcome, reason
        u -= rate
    return "release", ""


def _decision(config: SimConfig, item: etree._Element, msg_id: str, at: datetime):
    outcome, reason = _decide(config, item)
    tax, currency = None, ""
    assessment = item.find(f"{_NS}Assessment")
    if outcome == "release" and assessment is not None:
        tax = Decimal(assessment.findtext(f"{_NS}TaxTotal") or "0")
        currency = assessment.get("currency", "")
    return cusrsp.Decision(
        item_id=item.findtext(f"{_NS}ItemId") or "",
        cusitm_message_id=msg_id,
        decision=outcome,
        at=at,
        reason=reason,
        tax=tax,
        currency=currency,
    )


def answer(config: SimConfig, name: str, data: bytes) -> tuple[str, bytes]:
    """The CUSRSP file answering one CUSITM file: (name, bytes). Raises a
    :class:`DeclarationError` for a file that is not a valid CUSITM."""
    root = safexml.parse(data)
    xsd.validate(root, cusitm.schema(), "CUSITM message")
    created = datetime.fromisoformat(root.get("created", ""))
    at = (created + timedelta(seconds=config.delay_seconds)).astimezone(config.timezone)
    msg_id = root.get("messageId", "")
    decisions = [_decision(config, item, msg_id, at) for item in root.iterfind(f"{_NS}Item")]
    content = cusrsp.build(
        decisions,
        created=at,
        sender=root.get("recipient", ""),
        recipient=root.get("sender", ""),
    )
    return f"CUSRSP_{name.removeprefix('CUSITM_')}", content
