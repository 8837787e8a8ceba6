"""Filing approved cases with customs through the gateway: exactly once, crash or not.

A submit takes the case (``approved`` → ``submitting``, compare-and-set, stamped with the
time it was taken), declares the order (filing is what declares: order ``declared``, the
buyer's quota counted), wraps every message of the filing set in its DxpMsg, writes each
under its deterministic name (``<MSG>_<case>_v<version>_a<appType>.xml``; a name already in
the outbox counts as sent), and marks the case ``submitted``. A worker killed half way leaves
the case ``submitting`` with an old stamp; the reaper hands it to a new job, which takes it
over by compare-and-set on the stamp and writes only what is missing.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, insert, or_, select, update

from declarations import dxp
from declarations.ceb import common
from declarations.ceb.common import guid
from declarations.errors import DeclarationError
from declarations.kinds import KINDS
from declarations.snapshot import DeclarationSnapshot

from ..errors import Conflict
from ..extensions import db
from ..gateway import Gateway, gateway_for
from ..models import CaseEvent, ClearanceCase, Declaration, Order, OutboxMessage, StatusEvent
from ..models.base import utcnow
from . import cases, clearance, declaring, quota_ledger
from .filing_kinds import CANCELS, filing_set

log = logging.getLogger(__name__)


class Transient(OSError):
    """The gateway could not take a message now; the job is retried."""


def outbox_name(kind: str, owner_id: str, version: int, app_type: str, suffix: str = "") -> str:
    """The deterministic outbox file name of a message: ``<MSG>_<owner>_v<n>_a<appType>``,
    the owner being a case or a summary application."""
    return f"{kind.upper()}_{owner_id}_v{version}_a{app_type}{suffix}.xml"


def message_name(case: ClearanceCase, kind: str, suffix: str = "") -> str:
    """The deterministic outbox file name of one message of the case's current filing."""
    return outbox_name(kind, case.id, case.version, case.app_type, suffix)


def _sender(kind: str, snapshot: DeclarationSnapshot) -> str:
    """The DxpMsg SenderId: whoever transmits the message (DOMAIN.md §5, who files)."""
    return common.filer(kind.upper(), snapshot).dxp_id


def senders(flow: str, snapshot: DeclarationSnapshot) -> dict[str, str]:
    """The SenderId of each message of the filing set (worked out when a case is prepared;
    an empty one keeps the filing from being made)."""
    return {kind.name: _sender(kind.name, snapshot) for kind in filing_set(flow)}


def sender_problems(found: dict[str, str]) -> list[str]:
    return [
        f"{kind}: the party that sends it has no DXP id (set it in the profile)"
        for kind, dxp_id in found.items()
        if not dxp_id
    ]


def envelope(
    name: str, content: bytes, sender_id: str, created: datetime, msg_type: str | None = None
) -> bytes:
    """The DxpMsg of one message; its CopMsgId is derived from the file name, so the same
    message always travels under the same id and a receiver can drop repeats. ``msg_type``
    (the message's root element) when the caller knows it: else the message is parsed."""
    return dxp.wrap(
        content,
        sender_id=sender_id,
        created=created,
        cop_msg_id=guid("dxp", name),
        msg_type=msg_type,
        file_name=name,
        schema_dir=current_app.config.get("CEB_XSD_DIR"),
    )


def filed_before(case: ClearanceCase) -> bool:
    """Customs has had an inventory of this case: a new filing is a change (appType 2)."""
    return bool(
        db.session.execute(
            select(OutboxMessage.id).where(OutboxMessage.case_id == case.id).limit(1)
        ).first()
    )


#: The receipts of inventories and of their cancels.
RECEIPTS = {"inventory": ("CEB622", "CEB604"), "cancel": ("CEB624", "CEB606")}


def last_receipt_time(case: ClearanceCase, kind: str):
    """The latest receipt time of the case's order for ``kind``: what came before a new
    filing (or cancel request) belongs to an earlier one."""
    return last_receipt_times([case.order_id], kind).get(case.order_id)


def last_receipt_times(order_ids: list[str], kind: str) -> dict:
    """:func:`last_receipt_time` of several orders, by order id (one query)."""
    rows = db.session.execute(
        select(StatusEvent.order_id, func.max(StatusEvent.occurred_at))
        .where(StatusEvent.order_id.in_(order_ids), StatusEvent.message_type.in_(RECEIPTS[kind]))
        .group_by(StatusEvent.order_id)
    )
    return {order_id: at for order_id, at in rows}


# -- taking a case ---------------------------------------------------------------------------


def _stale():
    return utcnow() - timedelta(seconds=current_app.config["SUBMIT_STUCK_SECONDS"])


def _takeable(case: ClearanceCase) -> bool:
    if case.status == "approved":
        return True
    stamp = case.submit_started_at
    return case.status == "submitting" and (stamp is None or stamp < _stale())


def _take(case: ClearanceCase, epoch: datetime | None) -> bool:
    """Take the case for submitting: from ``approved``, or from a ``submitting`` whose
    stamp is older than SUBMIT_STUCK_SECONDS (its worker died). ``epoch``: the order's
    :func:`last_receipt_time` of inventories."""
    now = utcnow()
    if case.status == "approved":
        return bool(cases.transition_many([_submit_move(case, epoch, now)], None))
    if case.status != "submitting":
        return False
    done = db.session.execute(
        update(ClearanceCase)
        .where(
            ClearanceCase.id == case.id,
            ClearanceCase.status == "submitting",
            or_(
                ClearanceCase.submit_started_at.is_(None),
                ClearanceCase.submit_started_at < _stale(),
            ),
        )
        .values(submit_started_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done:
        cases.record(case, "submit_resumed", None, before="submitting", after="submitting")
    return bool(done)


def _submit_move(case: ClearanceCase, epoch: datetime | None, now: datetime) -> cases.Move:
    """Taking an approved case: stamped (the reaper's clock) with the inventory epoch."""
    return cases.Move(case, "submit", values={"submit_started_at": now, "customs_epoch": epoch})


def _refuse(case_id: str, message: str, field: str | None, source: str) -> str:
    """The filing cannot be made: the case goes back for changes, with the problem (in
    the caller's transaction)."""
    case = cases.fresh(case_id)
    if case is None or not _take(case, last_receipt_time(case, "inventory")):
        return "skipped"
    return _fail_taken(case, message, field, source)


def _fail_taken(case: ClearanceCase, message: str, field: str | None, source: str) -> str:
    problem = {"source": source, "field": field, "message": message}
    cases.transition(
        case,
        "filing_failed",
        None,
        reason=message,
        values={"error": message, "problems": [problem], "submit_started_at": None},
        strict=False,
    )
    return "failed"


# -- submitting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filing:
    """A case taken for submitting and the messages it sends: (kind, file name, envelope)."""

    case_id: str
    order_id: str
    messages: list[tuple[str, str, bytes]]


def submit_cases(case_ids: list[str], gateway: Gateway | None = None) -> dict[str, str]:
    """Submit the cases (a batch): take and declare them (one commit), write every file,
    then note them filed together; returns what happened to each (submitted, skipped,
    failed)."""
    gw = gateway or gateway_for(current_app.config)
    outcomes: dict[str, str] = {}
    batch = _load_batch(case_ids)
    ready = []
    for case_id in case_ids:
        outcomes[case_id], made = _make(case_id, batch)
        if made is not None:
            ready.append(made)
    taken = []
    for case, order, messages in _take_all(ready, batch):
        outcomes[case.id], filing = _declare(case, order, messages)
        if filing is not None:
            taken.append(filing)
    db.session.commit()
    batch.held.clear()
    db.session.expunge_all()
    written = _write_all(taken, gw)
    _finish(written)
    return outcomes


def submit(case_id: str, gateway: Gateway) -> str:
    return submit_cases([case_id], gateway)[case_id]


@dataclass
class _Batch:
    """What submitting a batch reads up front: its cases with their orders and
    declarations (held: the session keeps only what is referenced), the declarations'
    documents and the orders' latest inventory receipt times."""

    held: list
    documents: dict[str, dict]
    epochs: dict[str, datetime]
    created: dict[str, str]  # the snapshot time of each declaration (its envelopes' time)


def _load_batch(case_ids: list[str]) -> _Batch:
    batch = list(cases.fresh_many(case_ids).values())
    order_ids = [c.order_id for c in batch]
    orders = list(db.session.execute(select(Order).where(Order.id.in_(order_ids))).scalars())
    decl_ids = [c.declaration_id for c in batch if c.declaration_id]
    created = db.session.execute(  # one field of each snapshot, not the whole documents
        select(Declaration.id, Declaration.snapshot["created_at"].as_string()).where(
            Declaration.id.in_(decl_ids)
        )
    )
    quota_ledger.look_up(order_ids, [b for o in orders if (b := clearance.quota_buyer(o))])
    return _Batch(
        [*batch, *orders],
        declaring.documents_of(decl_ids),
        last_receipt_times(order_ids, "inventory"),
        dict(created.all()),
    )


_Ready = tuple[ClearanceCase, Order, list[tuple[str, str, bytes]]]


def _make(case_id: str, batch: _Batch) -> tuple[str, _Ready | None]:
    """The case's envelopes, made before anything is written (a case that cannot be filed
    goes back with the reason, nothing of its filing written)."""
    case = db.session.get(ClearanceCase, case_id)
    if case is None or not _takeable(case):
        return "skipped", None
    order = db.session.get(Order, case.order_id)
    try:
        messages = _messages(
            case,
            order,
            batch.documents.get(case.declaration_id, {}),
            batch.created.get(case.declaration_id),
        )
    except DeclarationError as exc:
        return _refuse(case_id, exc.summary, None, "filing"), None
    return "skipped", (case, order, messages)  # until taken


def _take_all(ready: list[_Ready], batch: _Batch) -> list[_Ready]:
    """Take the ready cases for submitting (the approved ones together); those another
    run took first are left out."""
    now = utcnow()
    moves = [
        _submit_move(case, batch.epochs.get(order.id), now)
        for case, order, _ in ready
        if case.status == "approved"
    ]
    taken = {c.id for c in cases.transition_many(moves, None)}
    stuck = [r for r in ready if r[0].status == "submitting" and r[0].id not in taken]
    taken |= {case.id for case, order, _ in stuck if _take(case, batch.epochs.get(order.id))}
    return [r for r in ready if r[0].id in taken]


def _declare(case: ClearanceCase, order: Order, messages) -> tuple[str, Filing | None]:
    """Declare the taken case's order (in the batch's transaction); over the quota, the
    case goes back with the reason."""
    try:
        clearance.declare_order(order, None)  # refuses before it writes anything
    except Conflict as exc:
        return _fail_taken(case, exc.message, next(iter(exc.errors), None), "quota"), None
    return "submitted", Filing(case.id, order.id, messages)


def _messages(
    case: ClearanceCase, order: Order, stored: dict, created_at: str | None = None
) -> list[tuple[str, str, bytes]]:
    """Every message of the filing, wrapped (made before anything is written, so a
    message that cannot be made stops the filing before customs sees any of it);
    ``stored``: the declaration's documents by kind; ``created_at``: its snapshot's time.
    The declaration itself is read only for what was not stored with the case."""
    kinds = filing_set(case.flow)
    decl = None
    if created_at is None or not case.senders or any(k.name not in stored for k in kinds):
        decl = db.session.get(Declaration, case.declaration_id)
        created_at = decl.snapshot["created_at"]
    created = datetime.fromisoformat(created_at)
    ids = case.senders or senders(case.flow, DeclarationSnapshot.from_json(decl.snapshot))
    out = []
    for kind in kinds:
        doc = stored.get(kind.name) or declaring.document_of(decl, kind, None, order, commit=False)
        name = message_name(case, kind.name)
        body = envelope(name, doc.content, ids[kind.name], created, kind.message_type)
        out.append((kind.name, name, body))
    return out


def _write_all(taken: list[Filing], gateway: Gateway) -> list[Filing]:
    """Hand every message to the gateway (at once; or the first file alone, then the rest,
    when a fault pause is set). A gateway error releases the cases for the retry and is
    raised as :class:`Transient`."""
    messages = [(name, body) for f in taken for _, name, body in f.messages]
    pause = current_app.config.get("FAULT_PAUSE_AFTER_FIRST_FILE") or 0
    try:
        if pause and messages:
            gateway.submit(*messages[0])
            time.sleep(pause)
        gateway.submit_all(messages)
    except OSError as exc:
        db.session.rollback()
        for filing in taken:
            _release(filing.case_id, str(exc))
        raise Transient(f"the gateway refused a message: {exc}") from exc
    return taken


def _finish(written: list[Filing]) -> None:
    """Record the messages sent and move each case to ``submitted`` (one commit); then let
    any receipt that beat the job move its case on."""
    if not written:
        return
    now = utcnow()
    taken = cases.fresh_many([f.case_id for f in written])
    filed = {"submitted_at": now, "submit_started_at": None, "error": None}
    moves, rows = [], []
    for filing in written:
        case = taken[filing.case_id]
        rows += [_outbox_row(case, kind, name, body) for kind, name, body in filing.messages]
        moves.append(cases.Move(case, "filed", values=filed))
    record_outbox_rows(rows)
    cases.transition_many(moves, None)
    db.session.commit()
    clearance.recompute_all(_with_receipts([f.order_id for f in written]), None)
    db.session.commit()


def _with_receipts(order_ids: list[str]) -> list[Order]:
    ids = set(
        db.session.execute(
            select(StatusEvent.order_id).where(
                StatusEvent.order_id.in_(order_ids),
                StatusEvent.message_type.in_(RECEIPTS["inventory"]),
            )
        ).scalars()
    )
    return [db.session.get(Order, i) for i in ids]


def _outbox_row(case: ClearanceCase, kind: str, name: str, body: bytes) -> dict:
    of = {"version": case.version, "app_type": case.app_type, "case_id": case.id}
    return outbox_row(kind, name, body, **of)


def outbox_row(
    kind: str,
    name: str,
    body: bytes,
    *,
    version: int,
    app_type: str,
    case_id: str | None = None,
    summary_application_id: str | None = None,
    movement_id: str | None = None,
) -> dict:
    """The outbox record of a message handed to the gateway: a case's, a summary
    application's or a movement's."""
    return {
        "case_id": case_id,
        "summary_application_id": summary_application_id,
        "movement_id": movement_id,
        "kind": kind,
        "version": version,
        "app_type": app_type,
        "name": name,
        "sha256": hashlib.sha256(body).hexdigest(),
        "size": len(body),
    }


def record_outbox_rows(rows: list[dict]) -> set[str]:
    """Note messages handed to the gateway (:func:`outbox_row`), in the caller's
    transaction, except those the outbox has a record of already (a message written again
    after a retry); the names newly noted. One statement for a batch's messages (as ORM
    objects, a filing's four records cost more than the rest of writing it)."""
    known = sent_names([row["name"] for row in rows])
    new = [row for row in rows if row["name"] not in known]
    if new:
        db.session.execute(insert(OutboxMessage), new)
    return {row["name"] for row in new}


def sent_names(names: list[str]) -> set[str]:
    """Those of ``names`` the outbox has a record of."""
    if not names:
        return set()
    found = select(OutboxMessage.name).where(OutboxMessage.name.in_(names))
    return set(db.session.execute(found).scalars())


def _release(case_id: str, error: str) -> None:
    """Let the retry take the case at once (it stays ``submitting``), with the error."""
    db.session.execute(
        update(ClearanceCase)
        .where(ClearanceCase.id == case_id, ClearanceCase.status == "submitting")
        .values(submit_started_at=None, error=error, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    case = cases.fresh(case_id)
    cases.record(case, "submit_error", None, reason=error)
    db.session.commit()


# -- cancelling a filed case -----------------------------------------------------------------


def file_cancel(case_id: str, n: int, gateway: Gateway | None = None) -> str:
    """File the cancel (CEB623 import / CEB605 export) of a case whose cancel is pending."""
    gw = gateway or gateway_for(current_app.config)
    case = cases.fresh(case_id)
    if case is None or case.status != "cancel_requested":
        return "skipped"
    kind = KINDS[CANCELS[case.flow]]
    decl = db.session.get(Declaration, case.declaration_id)
    snapshot = DeclarationSnapshot.from_json(decl.snapshot)
    snapshot = replace(snapshot, filing=replace(snapshot.filing, invt_no=case.invt_no or ""))
    try:
        content = declaring.render(kind, snapshot, "1", case.cancel_reason or "")
        name = cancel_name(case, n)
        sender = _sender(kind.name, snapshot)
        body = envelope(name, content, sender, snapshot.created_at, kind.message_type)
    except DeclarationError as exc:
        return _cancel_failed(case, exc.summary)
    try:
        gw.submit(name, body)
    except OSError as exc:
        raise Transient(f"the gateway refused {name}: {exc}") from exc
    if record_outbox_rows([_outbox_row(case, kind.name, name, body)]):
        cases.record(case, "cancel_filed", None, details={"message": name})
    db.session.commit()
    return "filed"


def _cancel_failed(case: ClearanceCase, message: str) -> str:
    cases.transition(
        case,
        "cancel_refused",
        None,
        target=case.customs_status or "submitted",
        reason=message,
        values={"error": message},
        strict=False,
    )
    db.session.commit()
    return "failed"


# -- the reaper ------------------------------------------------------------------------------


def cancel_number(case: ClearanceCase) -> int:
    """The number of the case's current cancel request (1 for the first): part of its job
    id and of its message's name."""
    return db.session.execute(
        select(func.count()).where(
            CaseEvent.case_id == case.id, CaseEvent.to_status == "cancel_requested"
        )
    ).scalar_one()


def cancel_name(case: ClearanceCase, n: int) -> str:
    return message_name(case, CANCELS[case.flow], "" if n == 1 else f"_r{n}")


def _cancel_unfiled(case: ClearanceCase) -> bool:
    name = cancel_name(case, cancel_number(case))
    return (
        db.session.execute(select(OutboxMessage.id).where(OutboxMessage.name == name)).first()
        is None
    )


def stuck(now=None) -> dict[str, list[ClearanceCase]]:
    """Cases waiting for work no job is doing: submits whose worker died, and cases left
    handed over, preparing, approved or with an unfiled cancel (the queue was down)."""
    now = now or utcnow()
    old = now - timedelta(seconds=current_app.config["SUBMIT_STUCK_SECONDS"])
    waiting = db.session.execute(
        select(ClearanceCase).where(
            ClearanceCase.updated_at < old,
            or_(
                ClearanceCase.status.in_(
                    ("handed_over", "preparing", "approved", "cancel_requested")
                ),
                (ClearanceCase.status == "submitting")
                & or_(
                    ClearanceCase.submit_started_at.is_(None),
                    ClearanceCase.submit_started_at < old,
                ),
            ),
        )
    ).scalars()
    found: dict[str, list[ClearanceCase]] = {"prepare": [], "submit": [], "cancel": []}
    for case in waiting:
        if case.status == "cancel_requested":
            if _cancel_unfiled(case):
                found["cancel"].append(case)
        elif case.status in ("handed_over", "preparing"):
            found["prepare"].append(case)
        else:
            found["submit"].append(case)
    return found


def requeued(found: list[ClearanceCase]) -> None:
    """Note that the reaper queued these cases again (and restart their clock, so the next
    reap leaves them to the queue for another SUBMIT_STUCK_SECONDS)."""
    if not found:
        return
    db.session.execute(
        update(ClearanceCase)
        .where(ClearanceCase.id.in_([c.id for c in found]))
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    for case in found:
        cases.record(case, "requeued", None, details={"status": case.status})
    db.session.commit()
