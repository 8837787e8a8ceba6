"""Declaring an order: freeze a snapshot, then produce and store its documents.

Each document is a pure function of the stored snapshot (``declarations`` does the work);
this module decides which documents fit an order, stores each once, and never silently
regenerates one.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from declarations import dxp, forms
from declarations.ceb.common import declarer
from declarations.errors import DeclarationError
from declarations.kinds import KINDS, DocumentKind, Supplied
from declarations.snapshot import (
    BrokerRegistration,
    CustomsFiling,
    DeclarationSnapshot,
    Line,
    LogisticsOperator,
    Party,
    Payment,
    SellerRegistration,
)
from declarations.snapshot import (
    Order as SnapOrder,
)
from tariff_tables import NotCovered

from ..errors import Conflict, NotFound
from ..extensions import db
from ..models import (
    AuditEntry,
    ClearanceCase,
    Declaration,
    DeclarationDocument,
    Order,
    Parcel,
    Seller,
    User,
    Warehouse,
)
from ..models.base import new_id
from . import appends, audit, quoting, signing_keys, stock
from .orders import get_order

__all__ = [
    "ORDER_KINDS",
    "declare",
    "document",
    "freeze",
    "get_order",
    "overview",
    "render",
    "snapshot_json",
]

#: The kinds served per order (XML), in the order the listing shows them.
ORDER_KINDS = tuple(name for name, kind in KINDS.items() if not kind.per_parcel)


# -- snapshot --------------------------------------------------------------------------------


def _party(data: dict) -> Party:
    return Party(**{k: (v or "") for k, v in data.items() if k in Party.__dataclass_fields__})


def _profile_value(user: User | None, attr: str) -> str:
    profile = user.profile if user else None
    return (getattr(profile, attr) if profile else None) or ""


def _seller_registration(user: User | None) -> SellerRegistration:
    """The seller's customs registration; a seller with no platform sells on its own."""
    code, name = _profile_value(user, "customs_code"), _profile_value(user, "customs_name")
    return SellerRegistration(
        customs_code=code,
        name=name,
        dxp_id=_profile_value(user, "dxp_id"),
        platform_code=_profile_value(user, "platform_code") or code,
        platform_name=_profile_value(user, "platform_name") or name,
    )


def _broker_registration(broker_name: str | None) -> BrokerRegistration | None:
    """The configured broker (agent clearance), if that broker has an account."""
    if not broker_name:
        return None
    user = db.session.execute(
        db.select(User).where(User.name == broker_name, User.role == "broker")
    ).scalar_one_or_none()
    if user is None:
        return None
    return BrokerRegistration(
        customs_code=_profile_value(user, "customs_code"),
        name=_profile_value(user, "customs_name"),
        dxp_id=_profile_value(user, "dxp_id"),
    )


def _payment(stored: dict | None) -> Payment | None:
    if not stored:
        return None
    return Payment(
        pay_code=stored["pay_code"],
        pay_name=stored["pay_name"],
        transaction_id=stored["transaction_id"],
        paid_at=datetime.fromisoformat(stored["paid_at"]).replace(tzinfo=None),
    )


def _snapshot_order(order: Order) -> SnapOrder:
    """The order's commercial facts; the first parcel's S10 id is the item and waybill id."""
    item_id = order.parcels[0].item_id if order.parcels else ""
    ordered = order.ordered_at or order.created_at.date()
    return SnapOrder(
        order_no=order.order_no,
        flow=order.flow,
        regime=order.regime or "cbec",
        currency=order.currency,
        ordered_at=datetime(ordered.year, ordered.month, ordered.day),
        item_id=item_id,
        incoterm=order.incoterm,
        shipping_cost=order.shipping_cost,
        insurance_cost=order.insurance_cost,
        category=order.category,
        category_explanation=order.category_explanation or "",
        gross_weight_kg=order.gross_weight_kg,
        logistics_no=item_id,
        mail_class="E" if order.flow == "export" else "",
    )


def _line(ln, item_records: dict[str, str]) -> Line:
    return Line(
        sku=ln.sku or f"L{ln.line_no}",
        description=ln.description,
        description_local=ln.description_local or "",
        hs_code=ln.hs_code,
        quantity=ln.quantity,
        unit=ln.unit,
        net_weight_kg=ln.net_weight_kg,
        unit_value=ln.unit_value,
        origin_country=ln.origin_country,
        item_record_no=item_records.get(ln.sku or "", ""),
    )


def _bonded_warehouse(order: Order) -> Warehouse | None:
    """The bonded warehouse a 1210 order is released from (its account book and company)."""
    if order.trade_mode != "1210" or not order.warehouse_id:
        return None
    return db.session.get(Warehouse, order.warehouse_id)


def _item_records(order: Order, warehouse: Warehouse | None) -> dict[str, str]:
    if warehouse is None:
        return {}
    skus = [ln.sku for ln in order.lines if ln.sku]
    return stock.item_record_numbers(warehouse.id, order.seller_id, skus)


def _filing(cfg, order: Order, warehouse: Warehouse | None) -> CustomsFiling:
    """The filing particulars the deployment configures (customs office, port, modes) and,
    for a bonded import, the warehouse's account book (emsNo) and company (area code/name)."""
    return CustomsFiling(
        customs_code=cfg.get("CUSTOMS_CODE", ""),
        port_code=cfg.get("PORT_CODE", ""),
        trade_mode=order.trade_mode,
        traf_mode=cfg.get("TRAF_MODE", "5"),
        cop_no=order.order_no,
        pod=cfg.get("EXPORT_POD", "") if order.flow == "export" else "",
        ems_no=(warehouse.ems_no or "") if warehouse else "",
        area_code=(warehouse.area_code or "") if warehouse else "",
        area_name=warehouse.operator if warehouse else "",
        statistics_flag=cfg.get("EXPORT_STATISTICS_FLAG", "B"),
    )


def _registrations(order: Order, memo: dict | None) -> tuple:
    """The seller's and the broker's registrations (``memo``: kept for a batch of cases,
    whose orders share them)."""
    memo = {} if memo is None else memo
    if order.seller_id not in memo:
        memo[order.seller_id] = _seller_registration(db.session.get(Seller, order.seller_id).user)
    if "broker" not in memo:
        memo["broker"] = _broker_registration(current_app.config.get("BROKER_NAME"))
    return memo[order.seller_id], memo["broker"]


def build_snapshot(
    order: Order, now: datetime | None = None, memo: dict | None = None
) -> DeclarationSnapshot:
    """Freeze everything the documents need: order, parties, registrations, quote."""
    cfg = current_app.config
    seller, broker = _registrations(order, memo)
    logistics = None
    if cfg.get("OPERATOR_CODE"):
        logistics = LogisticsOperator(code=cfg["OPERATOR_CODE"], name=cfg["OPERATOR_NAME"])
    warehouse = _bonded_warehouse(order)
    item_records = _item_records(order, warehouse)
    snapshot = DeclarationSnapshot(
        order=_snapshot_order(order),
        sender=_party(order.sender),
        recipient=_party(order.recipient),
        lines=tuple(_line(ln, item_records) for ln in order.lines),
        seller=seller,
        created_at=now or datetime.now(UTC).replace(tzinfo=None, microsecond=0),
        quote=order.quote,
        broker=broker,
        logistics=logistics,
        payment=_payment(order.payment),
        filing=_filing(cfg, order, warehouse),
    )
    return _with_form_choice(snapshot)


def _with_form_choice(snapshot: DeclarationSnapshot) -> DeclarationSnapshot:
    """Record the CN22/CN23 choice (300 SDR rule) when an official SDR rate is on file.

    Without one the snapshot records no choice, and the forms default to a CN23, which
    customs accept at any value.
    """
    on = snapshot.created_at.date()
    currency = snapshot.order.currency
    try:
        per_sdr, row = quoting.tariff().fx("XDR", currency, on)
    except NotCovered:
        return snapshot
    rate = forms.SdrRate(currency, per_sdr, on, source=row.source if row else "")
    return forms.record(snapshot, rate)


def _audit(actor: User | None, action: str, order: Order, **change: dict) -> None:
    audit.record(actor.id if actor else None, action, "order", order.id, **change)


def latest_declaration(order: Order) -> Declaration | None:
    return db.session.execute(
        db.select(Declaration)
        .where(Declaration.order_id == order.id)
        .order_by(Declaration.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def freeze(
    order: Order, actor: User | None, snapshot: DeclarationSnapshot | None = None
) -> Declaration:
    """Freeze a new snapshot version of the order (``snapshot``: one built already), in the
    caller's transaction, flushed.

    Freezing records what would be filed; it declares nothing: the order becomes
    ``declared`` and counts against the buyer's quota only when a clearance case files it
    (:mod:`app.services.filing`).
    """
    return freeze_many([(order, snapshot or build_snapshot(order))], actor)[0]


def freeze_many(
    items: list[tuple[Order, DeclarationSnapshot]], actor: User | None
) -> list[Declaration]:
    """:func:`freeze` for several orders (their latest versions read in one query, the
    new ones written in one flush)."""
    if not items:
        return []
    latest = dict(
        db.session.execute(
            db.select(Declaration.order_id, db.func.max(Declaration.version))
            .where(Declaration.order_id.in_([order.id for order, _ in items]))
            .group_by(Declaration.order_id)
        ).all()
    )
    made = [
        Declaration(
            id=new_id(),
            order_id=order.id,
            version=latest.get(order.id, 0) + 1,
            schema_version=snapshot.schema_version,
            snapshot=snapshot.to_json(),
            created_by=actor.id if actor else None,
        )
        for order, snapshot in items
    ]
    db.session.add_all(made)
    db.session.flush()
    for (order, _), decl in zip(items, made, strict=True):
        created = {"declaration_id": decl.id, "version": decl.version}
        _audit(actor, "declaration.created", order, after=created)
    return made


def declare(order: Order, actor: User | None, new_version: bool = False) -> Declaration:
    """The order's current declaration; freeze one (or a new version) when asked or absent.

    While a clearance case is reviewing or filing the order, its snapshot changes only by
    amending the case, so a new version is refused here.
    """
    current = latest_declaration(order)
    if current is not None and not new_version:
        return current
    if current is not None:
        case = open_case_of(order.id)
        if case is not None:
            raise Conflict(
                f"Order {order.order_no} is in clearance (case {case.id} is {case.status}); "
                "amend the case instead.",
                {"case": [case.status]},
            )
    try:
        decl = freeze(order, actor)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # a concurrent request froze the same version first
        return latest_declaration(order)
    return decl


def open_case_of(order_id: str) -> ClearanceCase | None:
    """The order's clearance case that has not ended, if any."""
    return db.session.execute(
        db.select(ClearanceCase).where(
            ClearanceCase.order_id == order_id, ClearanceCase.open_parcel_id.is_not(None)
        )
    ).scalar_one_or_none()


def _app_type(decl: Declaration) -> str:
    """appType of the documents of ``decl``: the filing's (a change after a customs
    rejection) when a clearance case files this version, else new."""
    found = db.session.execute(
        db.select(ClearanceCase.app_type).where(ClearanceCase.declaration_id == decl.id)
    ).scalar()
    return found or "1"


# -- documents -------------------------------------------------------------------------------


def render(
    kind: DocumentKind, snapshot: DeclarationSnapshot, app_type: str = "1", reason: str = ""
) -> bytes:
    """The bytes of one document of ``snapshot``, built and validated by its kind."""
    cfg = current_app.config
    supplied = Supplied(
        schema_dir=cfg.get("CEB_XSD_DIR"),
        operator=cfg.get("OPERATOR_CODE", ""),
        signer=signing_keys.signer() if kind.signed else None,
        app_type=app_type,
        reason=reason,
    )
    return kind.build(snapshot, supplied)


def _order_kind(order: Order, kind: str) -> DocumentKind:
    """The order document ``kind`` (404 if there is none), if it fits the order's flow."""
    found = KINDS.get(kind)
    if found is None or found.per_parcel:
        raise NotFound(f"No document kind {kind!r}; kinds are {', '.join(ORDER_KINDS)}.")
    if order.flow not in found.flows:
        raise Conflict(
            f"{kind} is for {' and '.join(found.flows)} orders; "
            f"order {order.order_no} is an {order.flow}.",
            {"kind": [f"not available for {order.flow} orders"]},
        )
    return found


def document(user: User, order_id: str, kind: str) -> DeclarationDocument:
    """The stored XML document of ``kind`` for the order's declaration, made on first ask."""
    order = get_order(user, order_id)
    return stored_document(order, _order_kind(order, kind), user)


def parcel_document(user: User, parcel_id: str, kind: str) -> DeclarationDocument:
    """A stored CN23/CN22/label PDF for a parcel the user may see."""
    parcel = db.session.get(Parcel, parcel_id)
    if parcel is None:
        raise NotFound("No such parcel.")
    order = get_order(user, parcel.order_id)  # tenant walls: another seller's parcel is 404
    form = KINDS.get(kind)
    if form is None or not form.per_parcel:
        raise NotFound(f"No parcel form {kind!r}.")
    return stored_document(order, form, user)


def stored_document(order: Order, kind: DocumentKind, actor: User | None) -> DeclarationDocument:
    """The document of ``kind`` for the order's current snapshot: stored once, never redone."""
    decl = declare(order, actor)
    try:
        return document_of(decl, kind, actor, order)
    except DeclarationError as exc:
        raise Conflict(
            f"{kind.title} cannot be produced for order {order.order_no}: {exc.summary}",
            {"problems": exc.problems or [exc.summary]},
        ) from exc


def document_of(
    decl: Declaration,
    kind: DocumentKind,
    actor: User | None,
    order: Order,
    commit: bool = True,
) -> DeclarationDocument:
    """The stored document of ``kind`` for ``decl``, built and stored on first ask; raises
    :class:`DeclarationError` when the snapshot cannot make it. ``commit=False`` leaves the
    new row in the caller's transaction (a job storing many at once)."""
    existing = _stored(decl, kind.name)
    if existing is not None:
        return existing
    snapshot = DeclarationSnapshot.from_json(decl.snapshot)
    content = render(kind, snapshot, _app_type(decl))
    if not commit:
        return store(decl, kind, content, actor, order)
    try:  # the audit insert flushes the document: a concurrent first ask fails there
        doc = store(decl, kind, content, actor, order)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # a concurrent request stored the same document first
        return _stored(decl, kind.name)
    return doc


def store(
    decl: Declaration, kind: DocumentKind, content: bytes, actor: User | None, order: Order
) -> DeclarationDocument:
    """Add a built document of ``decl`` (and its audit entry) to the caller's transaction."""
    doc = DeclarationDocument(**_document_row(decl, kind, content))
    db.session.add(doc)
    appends.add(AuditEntry.__table__, [_stored_entry(decl, doc.sha256, kind, actor, order)])
    return doc


def store_many(
    built: list[tuple[Declaration, DocumentKind, bytes, Order]], actor: User | None
) -> None:
    """:func:`store` for a batch's documents, in one statement (a job stores thousands)."""
    if not built:
        return
    rows = [_document_row(decl, kind, content) for decl, kind, content, _ in built]
    db.session.execute(insert(DeclarationDocument), rows)
    entries = [
        _stored_entry(decl, row["sha256"], kind, actor, order)
        for (decl, kind, _, order), row in zip(built, rows, strict=True)
    ]
    appends.add(AuditEntry.__table__, entries)


def _document_row(decl: Declaration, kind: DocumentKind, content: bytes) -> dict:
    return {
        "declaration_id": decl.id,
        "kind": kind.name,
        "media_type": kind.media_type,
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "content": content,
    }


def _stored_entry(
    decl: Declaration, sha256: str, kind: DocumentKind, actor: User | None, order: Order
) -> dict:
    stored = {"kind": kind.name, "declaration_version": decl.version, "sha256": sha256}
    return audit.entry(
        actor.id if actor else None, "document.created", "order", order.id, after=stored
    )


def documents(decl: Declaration) -> dict[str, DeclarationDocument]:
    """The stored documents of ``decl`` by kind."""
    return documents_of([decl.id]).get(decl.id, {})


def documents_of(decl_ids: list[str]) -> dict[str, dict[str, DeclarationDocument]]:
    """:func:`documents` of several declarations, by declaration id (one query)."""
    found: dict[str, dict[str, DeclarationDocument]] = {}
    rows = db.session.execute(
        db.select(DeclarationDocument).where(DeclarationDocument.declaration_id.in_(decl_ids))
    ).scalars()
    for d in rows:
        found.setdefault(d.declaration_id, {})[d.kind] = d
    return found


def stored_kinds(decl: Declaration) -> set[str]:
    return set(
        db.session.execute(
            db.select(DeclarationDocument.kind).where(DeclarationDocument.declaration_id == decl.id)
        ).scalars()
    )


def dxp_envelope(user: User, order_id: str, kind: str) -> bytes:
    """The stored CEB message wrapped in a ``DxpMsg`` for the E-Port transfer client.

    The sender is the declarer's DXP id (the broker's when one files, else the seller's);
    the envelope time is the snapshot's, so the same document always wraps the same way.
    """
    known = KINDS.get(kind)
    if known is not None and not known.dxp:
        raise Conflict(
            f"Only CEB messages travel in a DXP envelope, not {kind}.",
            {"envelope": ["dxp is for ceb* kinds"]},
        )
    doc = document(user, order_id, kind)
    snapshot = DeclarationSnapshot.from_json(doc.declaration.snapshot)
    sender_id = declarer(snapshot).dxp_id
    if not sender_id:
        raise Conflict(
            "The declarer has no DXP id; set it in the profile.",
            {"problems": ["declarer dxp_id is empty"]},
        )
    try:
        return dxp.wrap(
            doc.content,
            sender_id=sender_id,
            created=snapshot.created_at,
            schema_dir=current_app.config.get("CEB_XSD_DIR"),
        )
    except DeclarationError as exc:
        raise Conflict(
            f"The DXP envelope cannot be made: {exc.summary}",
            {"problems": exc.problems or [exc.summary]},
        ) from exc


def _stored(decl: Declaration, kind: str) -> DeclarationDocument | None:
    return db.session.execute(
        db.select(DeclarationDocument).where(
            DeclarationDocument.declaration_id == decl.id, DeclarationDocument.kind == kind
        )
    ).scalar_one_or_none()


def overview(user: User, order_id: str) -> dict:
    """What can be declared for the order and what is already stored."""
    order = get_order(user, order_id)
    decl = latest_declaration(order)
    stored = {d.kind: d for d in (decl.documents if decl else [])}
    base = f"/api/v1/orders/{order.id}/declarations"
    return {
        "order_id": order.id,
        "flow": order.flow,
        "declaration": None
        if decl is None
        else {
            "id": decl.id,
            "version": decl.version,
            "schema_version": decl.schema_version,
            "created_at": decl.created_at,
        },
        "documents": [
            {
                "kind": kind,
                "title": KINDS[kind].title,
                "url": f"{base}/{kind}",
                "stored": kind in stored,
                "sha256": stored[kind].sha256 if kind in stored else None,
                "created_at": stored[kind].created_at if kind in stored else None,
            }
            for kind in ORDER_KINDS
            if order.flow in KINDS[kind].flows
        ],
    }


def snapshot_json(user: User, order_id: str) -> dict:
    order = get_order(user, order_id)
    return declare(order, user).snapshot
