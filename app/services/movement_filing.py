"""Movement messages filed through the clearance gateway, exactly as cases are filed.

A :class:`~app.models.MovementFiling` (an export return CEB213 or its tally CEB215, a
batch's arrival CEB507, departure CEB509 or waybill list CEB607, a bonded entry's CEB711,
an import parcel's signed-for CEB513) is stored ``queued`` and filed by a job: its
message is built by the flow that asked for it (:mod:`.export_returns`,
:mod:`.export_movements`, :mod:`.site_entries`, :mod:`.delivery_reports`), wrapped by the
cases' :func:`app.services.filing.envelope` under the deterministic name
``<MSG>_<movement>_v1_a1.xml`` (``_p<n>`` for the parts of a long batch), handed to the
gateway, and noted with :func:`app.services.filing.record_outbox_rows` (a name already in the
outbox counts as sent). A message that cannot be made leaves the movement ``failed`` with
the problem; a gateway error is retried. Customs' answers are read by
:mod:`.movement_receipts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from declarations.ceb import movements
from declarations.errors import DeclarationError

from ..extensions import db
from ..gateway import Gateway, gateway_for
from ..models import ClearanceCase, MovementFiling, OutboxMessage
from ..models.base import utcnow
from . import cases, filing, movement_receipts

#: A movement still standing: asking again for the same thing gives this one.
STANDING = ("queued", "filed", "accepted")


@dataclass(frozen=True)
class Built:
    """The message(s) of a movement and the DXP id that sends them."""

    contents: list[bytes]
    sender_id: str


def _builders() -> dict[str, Callable[[MovementFiling], Built]]:
    from . import delivery_reports, export_movements, export_returns, site_entries

    return {
        "export_return": export_returns.build_return,
        "return_tally": export_returns.build_tally,
        "arrival": export_movements.build,
        "departure": export_movements.build,
        "waybill_list": export_movements.build,
        "site_entry": site_entries.build,
        "signed_for": delivery_reports.build,
    }


def site_operator() -> movements.Company:
    """The operator of the supervised site and, for post, the carrier: the configured
    logistics operator (the schemas: 「邮政运输用邮政物流企业」)."""
    cfg = current_app.config
    return movements.Company(
        cfg.get("OPERATOR_CODE", ""), cfg.get("OPERATOR_NAME", ""), cfg.get("OPERATOR_DXP_ID", "")
    )


def latest_cases(parcel_ids: Iterable[str]) -> dict[str, ClearanceCase]:
    """The latest clearance case of each parcel, by parcel id."""
    stmt = (
        select(ClearanceCase)
        .where(ClearanceCase.parcel_id.in_(list(parcel_ids)))
        .order_by(ClearanceCase.created_at)
    )
    return {c.parcel_id: c for c in db.session.execute(stmt).scalars()}


def queue(movement: MovementFiling) -> None:
    """Queue the job filing a stored movement (quietly: the periodic task re-queues it)."""
    from ..jobs.movements import enqueue_movement

    enqueue_movement(movement.id, quiet=True)


_PENDING_KEY = "silkpost.movements_to_queue"


def queue_after_commit(movement: MovementFiling) -> None:
    """Queue the movement's job once the caller's transaction commits (a flow that stores a
    movement inside another's transaction: a stock entry, a tracking event); a rolled
    back transaction queues nothing, and a queue outage leaves it to the periodic task."""
    if movement.id is None:
        raise ValueError("a movement is queued by its id: give it one before it is stored")
    db.session.info.setdefault(_PENDING_KEY, []).append(movement.id)


@sa_event.listens_for(Session, "after_commit")
def _queue_committed(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, None)
    if pending:
        from ..jobs.movements import enqueue_movement

        for movement_id in pending:
            enqueue_movement(movement_id, quiet=True)


@sa_event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def messages(movement: MovementFiling) -> list[tuple[str, bytes]]:
    """(file name, DxpMsg) of every part of the movement's message."""
    built = _builders()[movement.kind](movement)
    if not built.sender_id:
        raise DeclarationError(f"{movement.message}: the party that sends it has no DXP id")
    out = []
    for seq, content in enumerate(built.contents, 1):
        suffix = f"_p{seq}" if len(built.contents) > 1 else ""
        name = filing.outbox_name(movement.message, movement.id, 1, "1", suffix)
        out.append((name, filing.envelope(name, content, built.sender_id, movement.created_at)))
    return out


def file(movement_id: str, gateway: Gateway | None = None) -> str:
    """Build and write the movement's message; returns its status."""
    movement = db.session.get(MovementFiling, movement_id)
    if movement is None or movement.status != "queued":
        return "skipped"
    try:
        written = messages(movement)
    except DeclarationError as exc:
        error = "; ".join([exc.summary, *exc.problems])
        movement.status, movement.error = "failed", error
        _noted(movement, "movement_failed", error)
        db.session.commit()
        return "failed"
    gw = gateway or gateway_for(current_app.config)
    try:
        gw.submit_all(written)
    except OSError as exc:
        db.session.rollback()
        raise filing.Transient(f"the gateway refused {movement.message}: {exc}") from exc
    of = {"version": 1, "app_type": "1", "movement_id": movement.id}
    filing.record_outbox_rows(
        [filing.outbox_row(movement.message, name, body, **of) for name, body in written]
    )
    movement.status, movement.filed_at, movement.error = "filed", utcnow(), None
    _noted(movement, "movement_filed", None, {"messages": [name for name, _ in written]})
    db.session.commit()
    return "filed"


def _noted(movement: MovementFiling, action: str, reason: str | None, extra=None) -> None:
    """A case event on the case of every parcel the movement lists."""
    details = {"movement_id": movement.id, "message": movement.message, **(extra or {})}
    for case in movement_receipts.cases_of(movement):
        cases.record(case, action, None, reason=reason, details=details)


def outbox_names(movement: MovementFiling) -> list[str]:
    found = select(OutboxMessage.name).where(OutboxMessage.movement_id == movement.id)
    return sorted(db.session.execute(found.order_by(OutboxMessage.name)).scalars())


__all__ = [
    "STANDING",
    "Built",
    "file",
    "latest_cases",
    "messages",
    "outbox_names",
    "queue",
    "queue_after_commit",
    "site_operator",
]
