"""The simulated customs: what they answer to each filing, and when (framework-free).

:meth:`CustomsSimulator.receive` takes one DxpMsg envelope from the outbox and decides every
receipt it causes, at the times they become due (one ``SIMULATOR_DELAY_SECONDS`` apart);
:meth:`CustomsSimulator.due` turns the receipts due into receipt files, as many return nodes
to a file as the schema allows, and :meth:`CustomsSimulator.delivered` forgets them once
written. Everything decided is in the :class:`SimStore` first, so a restart loses nothing.

Checks, in the order customs make them: envelope, XML and schema (else a CEB900); the
signature (CEB621/623/625 must be signed; any signature must verify; a declarer signs with
its own certificate); duplicates and changes (appType 1 twice is refused, appType 2 changes a
document, and changes an inventory only after it was refused); for an inventory, its order,
payment and waybill (it waits for those still missing, up to ``SIMULATOR_MATCH_WAIT_SECONDS``),
the three-document match, the single-order and annual limits; then the seeded draws of
manual review, inspection and random refusal. Cancels need an inventory accepted and not
released; returns one released. Why each refusal is what it is: :mod:`.codes`.

The messages around the clearance documents have answers of their own: a CEB701 summary
application (:mod:`.summaries`: CEB702, then a CEB792 per export declaration), the parcel
movements and export returns (:mod:`.movements`: CEB508/510/608/712/514/214/216).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache

from declarations import dxp
from declarations.ceb import matching, receipts_out
from declarations.ceb.common import EXPORT_MESSAGES, guid
from declarations.ceb.summary import RELEASED
from declarations.xmlfmt import compact_millis
from tariff_tables import load_tariff

from . import movements, rules, summaries
from .codes import FORMAT_STATUS, REJECTIONS
from .config import SimConfig
from .messages import Incoming, Unreadable, read
from .paths import APPROVAL_PATH, APPROVAL_TEXTS, DOCUMENT_PATH, TEXTS, Rates, customs_path, numbers
from .store import Doc, Pending, SimStore, order_key, status_at, waybill_key

Fields = dict[str, str]


@dataclass(frozen=True, slots=True)
class Kind:
    """A declaration as customs treat it: the receipt that answers it, its role, the
    inventory message of its flow and the flow's import/export flag."""

    receipt: str
    role: str
    inventory: str
    ie: str


KINDS = {
    "CEB311": Kind("CEB312", "order", "CEB621", "I"),
    "CEB411": Kind("CEB412", "payment", "CEB621", "I"),
    "CEB511": Kind("CEB512", "waybill", "CEB621", "I"),
    "CEB621": Kind("CEB622", "inventory", "CEB621", "I"),
    "CEB623": Kind("CEB624", "cancel", "CEB621", "I"),
    "CEB625": Kind("CEB626", "return", "CEB621", "I"),
    "CEB303": Kind("CEB304", "order", "CEB603", "E"),
    "CEB403": Kind("CEB404", "payment", "CEB603", "E"),
    "CEB505": Kind("CEB506", "waybill", "CEB603", "E"),
    "CEB603": Kind("CEB604", "inventory", "CEB603", "E"),
    "CEB605": Kind("CEB606", "cancel", "CEB603", "E"),
    "CEB701": Kind("CEB702", "summary", "CEB603", "E"),
    "CEB507": Kind("CEB508", "arrival", "CEB603", "E"),
    "CEB509": Kind("CEB510", "departure", "CEB603", "E"),
    "CEB607": Kind("CEB608", "waybill_list", "CEB603", "E"),
    "CEB213": Kind("CEB214", "export_return", "CEB603", "E"),
    "CEB215": Kind("CEB216", "return_tally", "CEB603", "E"),
    "CEB711": Kind("CEB712", "site_entry", "CEB621", "I"),
    "CEB513": Kind("CEB514", "signed_for", "CEB621", "I"),
}
#: The documents an inventory is matched against (an export's receipt of payment is not).
MATCHED = {
    "CEB621": {"order": "CEB311", "payment": "CEB411", "waybill": "CEB511"},
    "CEB603": {"order": "CEB303", "waybill": "CEB505"},
}
MUST_SIGN = frozenset({"CEB621", "CEB623", "CEB625", "CEB711"})
DECLARER_SIGNS = frozenset(
    {"CEB621", "CEB623", "CEB625", "CEB603", "CEB605", "CEB213", "CEB607", "CEB701"}
)
#: What answers the messages beyond the clearance documents, by role.
ANSWERS: dict[str, Callable[[CustomsSimulator, Filing], list[Scheduled]]] = {
    **movements.ANSWERS,
    "summary": summaries.answer,
}
DUPLICATE = {"order": "order_exists", "payment": "duplicate", "waybill": "waybill_exists"}
#: DXP ids E-Port answers from (DOMAIN.md §5).
EPORT = {"I": dxp.IMPORT_RECEIVER, "E": dxp.EXPORT_RECEIVER}
UNKNOWN_RECEIVER = "DXPUNKNOWN"
_CONTROL = frozenset({"guid", "returnStatus", "returnTime", "returnInfo"})


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A receipt return node decided: when it is due, its receipt type (``CEB622``), the DXP
    id it goes to, and its fields."""

    due: datetime
    msg_type: str
    receiver: str
    node: dict[str, str]


@dataclass(frozen=True, slots=True)
class ReceiptFile:
    """A receipt file to write into the inbox: its name, its bytes (a DxpMsg) and the
    stored receipt nodes it carries (forgotten once it is written)."""

    name: str
    content: bytes
    pending_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _To:
    """Where scheduled receipts go: the receipt type, the receiver, the document they are
    about (so a cancel can drop an inventory's receipts still to come)."""

    receipt: str
    receiver: str
    doc_kind: str
    doc_key: str


@dataclass(slots=True)
class Filing:
    """One business node being decided: the message it came in, its kind, when, its head
    fields and list rows (what the answering functions of other modules receive)."""

    msg: Incoming
    kind: Kind
    now: float
    head: Fields
    lines: list[Fields]

    @property
    def app_type(self) -> str:
        return self.head.get("appType", "1")


class CustomsSimulator:
    """Customs and E-Port as seen from the filer's folders (see the module docstring)."""

    def __init__(self, config: SimConfig, store: SimStore) -> None:
        self.config = config
        self.store = store
        self.rates = Rates(config.manual_review_rate, config.inspection_rate, config.reject_rate)
        self.tariff = load_tariff()  # read once here rather than on the first inventory

    # -- the interface the loop uses --------------------------------------------------------

    def receive(self, envelope: bytes, now: datetime, name: str = "") -> list[Scheduled]:
        """Decide every receipt one outbox file causes (none for a message already taken)."""
        ts = _timestamp(now)
        with self.store.transaction():
            try:
                msg = read(envelope, self.config.schema_dir)
            except Unreadable as exc:
                return self._format_error(exc, ts, name)
            if not self.store.take(msg.msg_id, name, ts):
                return []
            out: list[Scheduled] = []
            for head, lines in msg.nodes:
                out += self._decide(Filing(msg, KINDS[msg.msg_type], ts, head, lines))
            return out

    def expire(self, now: datetime) -> list[Scheduled]:
        """Refuse the inventories whose wait for their documents is over."""
        ts = _timestamp(now)
        out: list[Scheduled] = []
        with self.store.transaction():
            for doc in self.store.expired(ts):
                out += self._evaluate(doc, ts)
        return out

    def due(self, now: datetime, limit: int = 20000) -> list[ReceiptFile]:
        """The receipts due at ``now`` as files: one per receipt type and receiver, up to
        the schema's number of return nodes each."""
        groups: dict[tuple[str, str], list[Pending]] = {}
        for p in self.store.due(_timestamp(now), limit):
            groups.setdefault((p.msg_type, p.receiver), []).append(p)
        files = []
        for (msg_type, receiver), pending in groups.items():
            size = receipts_out.capacity(msg_type)
            for i in range(0, len(pending), size):
                files.append(self._file(msg_type, receiver, pending[i : i + size]))
        return files

    def delivered(self, files: Iterable[ReceiptFile]) -> None:
        with self.store.transaction():
            self.store.delivered(i for f in files for i in f.pending_ids)

    def failed(
        self, envelope: bytes, now: datetime, name: str, error: Exception
    ) -> list[Scheduled]:
        """Answer a file the simulator itself could not process with a CEB900 (so nothing
        waits for an answer that never comes)."""
        msg_id = hashlib.sha256(envelope).hexdigest()
        problem = Unreadable(msg_id, "Unknown", f"simulator error: {error!r}")
        with self.store.transaction():
            return self._format_error(problem, _timestamp(now), name)

    # -- deciding ---------------------------------------------------------------------------

    def _decide(self, f: Filing) -> list[Scheduled]:
        msg = f.msg
        if msg.signature_error or (msg.msg_type in MUST_SIGN and not msg.signed):
            detail = msg.signature_error or f"{msg.msg_type} must be signed by the declarer"
            return self.refuse(f, "signature", detail)
        if msg.signed and msg.msg_type in DECLARER_SIGNS:
            problem = self._signer_problem(f)
            if problem:
                return self.refuse(f, "signer", problem)
        role = f.kind.role
        other = ANSWERS.get(role)
        if other is not None:
            return other(self, f)
        if role in DUPLICATE:
            return self._document(f)
        if role == "inventory":
            return self._inventory(f)
        if role == "cancel":
            return self._cancel(f)
        return self._return(f)

    def _signer_problem(self, f: Filing) -> str:
        """Whether the certificate belongs to the declarer (agentCode): the one registered
        for it, else the first one it signed with."""
        code, fingerprint = f.head.get("agentCode", ""), f.msg.fingerprint or ""
        registered = self.config.signers.get(code)
        if registered is not None:
            known_ok = fingerprint in registered
        else:
            known = self.store.signer(code)
            if known is None:
                self.store.remember_signer(code, fingerprint)
            known_ok = known is None or known == fingerprint
        if known_ok:
            return ""
        return f"agentCode {code} did not sign with certificate {fingerprint[:16]}…"

    def _document(self, f: Filing) -> list[Scheduled]:
        """An order, payment record or waybill: stored (new, or changed by appType 2), its
        receipts 2 → 120, and any inventory waiting for it decided again."""
        role = f.kind.role
        key = waybill_key(f.head) if role == "waybill" else order_key(f.head)
        existing = self.store.doc(f.msg.msg_type, key)
        if existing is not None and f.app_type == "1":
            return self.refuse(f, DUPLICATE[role], f"{role} {key} was filed before")
        last = existing.data.get("last_due", 0.0) if existing else 0.0
        doc = Doc(f.msg.msg_type, key, "accepted", {"head": f.head, "lines": f.lines})
        steps = [(s, TEXTS[s]) for s in DOCUMENT_PATH]
        out, doc.data["last_due"] = self.answer(f, f.head, steps, max(f.now, last), key)
        self.store.put(doc)
        ref = {"waybill_ref": key} if role == "waybill" else {"order_ref": key}
        for waiting in self.store.waiting_for(f.kind.inventory, **ref):
            out += self._evaluate(waiting, f.now)
        return out

    def _inventory(self, f: Filing) -> list[Scheduled]:
        """An inventory: refused when declared before (unless it is a change of a refused
        one), else E-Port's 2, then decided now or when its documents are all there."""
        key = order_key(f.head)
        existing = self.store.doc(f.msg.msg_type, key)
        if existing is not None and (f.app_type == "1" or existing.state != "rejected"):
            detail = f"inventory {key} is {existing.state}"
            numbered = {"preNo": existing.data["preNo"], "invtNo": existing.data["invtNo"]}
            return self.refuse(f, "inventory_declared", detail, {**f.head, **numbered})
        numbered = existing.data if existing else self.numbers_for(f, key)
        data = {
            "head": f.head,
            "lines": f.lines,
            "sender": f.msg.sender,
            "preNo": numbered["preNo"],
            "invtNo": numbered["invtNo"],
            "path": existing.data.get("path", []) if existing else [],
        }
        doc = Doc(f.msg.msg_type, key, "waiting", data, key, waybill_key(f.head))
        doc.invt_no, doc.deadline = data["invtNo"], f.now + self.config.match_wait_seconds
        last = existing.data.get("last_due", 0.0) if existing else 0.0
        out = self._inventory_steps(doc, [("2", TEXTS["2"])], max(f.now, last))
        return out + self._evaluate(doc, f.now)

    def _evaluate(self, doc: Doc, now: float) -> list[Scheduled]:
        """Decide a waiting inventory: wait on, or refuse, or accept along its seeded path."""
        found = {
            role: self.store.doc(kind, doc.waybill_ref if role == "waybill" else doc.order_ref)
            for role, kind in MATCHED[doc.kind].items()
        }
        missing = [f"{role} {kind_key}" for role, kind_key in self._missing(doc, found)]
        if missing and now < (doc.deadline or 0):
            self.store.put(doc)
            return []
        if missing:
            return self._refuse_inventory(doc, "no_match", ", ".join(missing), now)
        refusal = self._rule_refusal(doc, found)
        if refusal is not None:
            return self._refuse_inventory(doc, *refusal, now)
        key = (doc.kind, doc.key, doc.data["head"].get("appType", "1"))
        path, refused = customs_path(self.config.seed, self.rates, *key)
        steps = [(s, TEXTS[s]) for s in path]
        if refused:
            steps.append(("100", REJECTIONS["random"].info()))
        else:
            self._count(doc, +1)
        doc.state, doc.deadline = ("rejected" if refused else "accepted"), None
        out = self._inventory_steps(doc, steps, now)
        self.store.put(doc)
        return out

    @staticmethod
    def _missing(doc: Doc, found: dict[str, Doc | None]) -> list[tuple[str, str]]:
        refs = {"waybill": doc.waybill_ref or ""}
        return [
            (role, refs.get(role, doc.order_ref or "")) for role, d in found.items() if d is None
        ]

    def _rule_refusal(self, doc: Doc, found: dict[str, Doc]) -> tuple[str, str] | None:
        """The first rule the inventory breaks, as (rule, detail): a disagreement between the
        documents, then (imports) a bonded import's stock references, the single-order and
        the annual limit. Trade mode is otherwise free text (the schemas' C4): 9810 and 1210
        are decided like 9610."""
        head, lines = doc.data["head"], doc.data["lines"]
        order = (found["order"].data["head"], found["order"].data["lines"])
        try:
            if doc.kind == "CEB621":
                payment, waybill = found["payment"].data["head"], found["waybill"].data["head"]
                problems = rules.import_problems((head, lines), order, payment, waybill)
            else:
                problems = rules.export_problems((head, lines), order)
            if problems:
                return "mismatch", "; ".join(problems)
            if doc.kind != "CEB621":
                return None
            bonded = matching.bonded_import(head.get("orderNo", ""), head, lines)
            if bonded:
                return "bonded_reference", "; ".join(bonded)
            counted, on = rules.counted(head, lines)
        except rules.NotANumber as exc:
            return "mismatch", str(exc)
        used = self.store.used(counted.buyer, counted.year)
        return rules.limit_refusal(counted, on, lines, used, self.tariff)

    def _count(self, doc: Doc, sign: int) -> None:
        """Count an accepted import inventory against its buyer's year (sign +1), or give
        back what it counted (-1, on a cancel or return)."""
        if doc.kind != "CEB621":
            return
        if sign > 0:
            c, _on = rules.counted(doc.data["head"], doc.data["lines"])
            doc.data["counted"] = [c.buyer, c.year, str(c.value)]
            self.store.add_used(c.buyer, c.year, c.value)
        elif doc.data.get("counted"):
            buyer, year, value = doc.data.pop("counted")
            self.store.add_used(buyer, year, -Decimal(value))

    def _cancel(self, f: Filing) -> list[Scheduled]:
        """A cancel of an accepted inventory not yet released: its remaining receipts are
        dropped, the quota it counted given back, and the cancel approved (2 → 120 → 399)."""
        inv = self._target(f)
        source = self._action_source(f, inv, self._own_pre_no(f))
        status = status_at(inv, f.now)
        if inv is None or inv.state != "accepted" or status in RELEASED:
            detail = _state_detail(f, inv, status)
            return self.refuse(f, "cancel_state", detail, source)
        self.store.drop_pending(inv.kind, inv.key, f.now)
        inv.data["path"] = [p for p in inv.data["path"] if p[1] <= f.now]
        inv.state = "cancelled"
        self._count(inv, -1)
        self.store.put(inv)
        steps = [(s, APPROVAL_TEXTS[s]) for s in APPROVAL_PATH]
        return self.answer(f, source, steps, f.now, source["copNo"])[0]

    def _return(self, f: Filing) -> list[Scheduled]:
        """A return of released goods: every returned line on the inventory, at most the
        quantity declared; approved (2 → 120 → 399), then the inventory reports 700."""
        inv = self._target(f)
        source = self._action_source(f, inv, self._own_pre_no(f))
        status = status_at(inv, f.now)
        if inv is None or inv.state != "accepted" or status not in RELEASED:
            detail = _state_detail(f, inv, status)
            return self.refuse(f, "return_state", detail, source)
        problems = rules.returned_line_problems(f.lines, inv.data["lines"])
        if problems:
            return self.refuse(f, "mismatch", "; ".join(problems), source)
        steps = [(s, APPROVAL_TEXTS[s]) for s in APPROVAL_PATH]
        out, last = self.answer(f, source, steps, f.now, source["copNo"])
        inv.state = "returned"
        self._count(inv, -1)
        out += self._inventory_steps(inv, [("700", TEXTS["700"])], last)
        self.store.put(inv)
        return out

    def _target(self, f: Filing) -> Doc | None:
        """The inventory a cancel or return names: by its order (imports) or by the invtNo
        customs issued (export cancels name no order); the invtNo must be the one issued."""
        invt_no = f.head.get("invtNo", "")
        if f.kind.ie == "I":
            inv = self.store.doc(f.kind.inventory, order_key(f.head))
            return inv if inv is not None and inv.invt_no == invt_no else None
        found = self.store.by_invt_no(f.kind.inventory, invt_no)
        cop_no = f.head.get("copNo", "")
        return next((d for d in found if d.data["head"].get("copNo") == cop_no), None)

    @staticmethod
    def _action_source(f: Filing, inv: Doc | None, pre_no: str) -> Fields:
        """What a cancel or return receipt states: the filing's own fields and preNo, the
        inventory's copNo and invtNo when the inventory is known."""
        source = {**f.head, "preNo": pre_no}
        if inv is not None:
            head = inv.data["head"]
            source["copNo"] = head.get("copNo") or f.head.get("copNo") or head.get("orderNo", "")
            source["invtNo"] = inv.invt_no or ""
        elif not source.get("copNo"):
            source["copNo"] = f.head.get("orderNo") or f.head.get("invtNo", "")
        return source

    # -- receipts ---------------------------------------------------------------------------

    def refuse(
        self, f: Filing, rule: str, detail: str, source: Fields | None = None
    ) -> list[Scheduled]:
        """One 100 receipt for the filing, stating the rule's code and ``detail``; the
        stored documents do not change. ``source``: what the receipt states, by default the
        filing's fields (an inventory's with the numbers E-Port gives it)."""
        if source is None:
            source = dict(f.head)
            if f.kind.role == "inventory":
                source.update(self.numbers_for(f, order_key(f.head)))
            elif f.kind.role in ("cancel", "return"):
                source = self._action_source(f, None, self._own_pre_no(f))
        steps = [("100", REJECTIONS[rule].info(detail))]
        key = f"refused|{f.msg.msg_id}|{order_key(f.head)}"
        return self.answer(f, source, steps, f.now, key)[0]

    def _refuse_inventory(self, doc: Doc, rule: str, detail: str, now: float) -> list[Scheduled]:
        doc.state, doc.deadline = "rejected", None
        out = self._inventory_steps(doc, [("100", REJECTIONS[rule].info(detail))], now)
        self.store.put(doc)
        return out

    def _own_pre_no(self, f: Filing) -> str:
        """The pre-entry number E-Port gives a cancel or return application."""
        key = f"{f.msg.msg_type}|{order_key(f.head)}|{f.head.get('invtNo', '')}"
        return self.numbers_for(f, key)["preNo"]

    def numbers_for(self, f: Filing, key: str) -> dict[str, str]:
        head = f.head
        pre_no, invt_no = numbers(
            self.config.seed, key, head.get("customsCode", ""), head.get("appTime", ""), f.kind.ie
        )
        return {"preNo": pre_no, "invtNo": invt_no}

    def answer(
        self,
        f: Filing,
        source: Fields,
        steps: Sequence[tuple[str, str]],
        after: float,
        doc_key: str,
    ) -> tuple[list[Scheduled], float]:
        """Schedule ``steps`` (status, text) on the filing's receipt, one delay apart from
        ``after``; returns them and the last one's due time."""
        to = _To(f.kind.receipt, f.msg.sender or UNKNOWN_RECEIVER, f.msg.msg_type, doc_key)
        return self._schedule(to, source, steps, after)

    def _inventory_steps(
        self, doc: Doc, steps: Sequence[tuple[str, str]], after: float
    ) -> list[Scheduled]:
        """Schedule ``steps`` on an inventory's own receipt and remember them on it."""
        source = {**doc.data["head"], "preNo": doc.data["preNo"], "invtNo": doc.data["invtNo"]}
        receiver = doc.data.get("sender") or UNKNOWN_RECEIVER
        to = _To(KINDS[doc.kind].receipt, receiver, doc.kind, doc.key)
        out, last = self._schedule(to, source, steps, max(after, doc.data.get("last_due", 0.0)))
        reported = [[s.node["returnStatus"], s.due.timestamp()] for s in out]
        doc.data["path"] = [*doc.data.get("path", []), *reported]
        doc.data["last_due"] = last
        return out

    def _schedule(
        self, to: _To, source: Fields, steps: Sequence[tuple[str, str]], after: float
    ) -> tuple[list[Scheduled], float]:
        """Store ``steps`` as receipt nodes ``to`` a receiver, one delay apart from
        ``after``; returns them and the last one's due time."""
        rows, out, due = [], [], after
        for status, info in steps:
            due += self.config.delay_seconds
            node = _return_node(to.receipt, source, status, info, self.receipt_time(due))
            rows.append(Pending(due, to.receipt, to.receiver, to.doc_kind, to.doc_key, node))
            out.append(Scheduled(datetime.fromtimestamp(due, UTC), to.receipt, to.receiver, node))
        self.store.schedule(rows)
        return out, due

    def _format_error(self, exc: Unreadable, now: float, name: str) -> list[Scheduled]:
        """A CEB900 for a message that cannot be read (once per message id)."""
        if not self.store.take(exc.msg_id, name, now):
            return []
        source = {
            "oriCopMsgId": exc.msg_id[:255],
            "oriMessageType": exc.msg_type[:15],
            "oriBizMessage": name,
        }
        steps = [(FORMAT_STATUS, exc.info[:5000])]
        to = _To("CEB900", exc.sender or UNKNOWN_RECEIVER, "CEB900", exc.msg_id)
        return self._schedule(to, source, steps, now)[0]

    def receipt_time(self, due: float) -> str:
        """returnTime (opDate) of a receipt due at ``due``, on customs' clock."""
        return _return_time(due, self.config.timezone)

    def schedule_nodes(
        self, receipt: str, receiver: str, doc: tuple[str, str], nodes: Sequence[tuple[float, dict]]
    ) -> list[Scheduled]:
        """Store receipt nodes written whole (a CEB792 result: a head and lines) as due at
        their times, about the document ``doc`` (kind, key)."""
        rows = [Pending(due, receipt, receiver, doc[0], doc[1], node) for due, node in nodes]
        self.store.schedule(rows)
        return [
            Scheduled(datetime.fromtimestamp(due, UTC), receipt, receiver, node)
            for due, node in nodes
        ]

    def _file(self, msg_type: str, receiver: str, pending: list[Pending]) -> ReceiptFile:
        content = receipts_out.write(msg_type, [p.node for p in pending])
        ie = "E" if msg_type in EXPORT_MESSAGES else "I"
        created = datetime.fromtimestamp(max(p.due for p in pending), self.config.timezone)
        envelope = dxp.wrap(
            content,
            sender_id=EPORT[ie],
            receiver_ids=(receiver[:16] or UNKNOWN_RECEIVER,),
            created=created.replace(microsecond=0),
            cop_msg_id=guid(msg_type, "receipt", *[str(p.id) for p in pending]),
            msg_type=f"{msg_type}Message",
        )
        name = f"{msg_type}_{hashlib.sha256(envelope).hexdigest()[:20]}.xml"
        return ReceiptFile(name, envelope, tuple(p.id for p in pending if p.id is not None))


def _return_node(msg_type: str, source: Fields, status: str, info: str, when: str) -> Fields:
    """A return node of ``msg_type`` from the fields of the filing (``source``): each field
    of the receipt's layout that the filing has, cut to fit; the import inventory receipts
    fall back on the order number for a missing copNo."""
    node: Fields = {}
    for fld in receipts_out.RECEIPTS[msg_type].fields:
        if fld.name in _CONTROL:
            continue
        value = str(source.get(fld.name) or "")
        if fld.name == "copNo" and not value:
            value = str(source.get("orderNo") or "")
        if not fld.min_len <= len(value) <= fld.max_len:
            if fld.optional:
                continue
            value = value[: fld.max_len]
        node[fld.name] = value
    return {**node, "returnStatus": status, "returnTime": when, "returnInfo": info or status}


@lru_cache(maxsize=4096)
def _return_time(due: float, tz: tzinfo) -> str:
    """returnTime of a receipt due at ``due`` (many nodes of a tick share one)."""
    return compact_millis(datetime.fromtimestamp(due, tz))


def _state_detail(f: Filing, inv: Doc | None, status: str) -> str:
    named = f"inventory {f.head.get('invtNo', '')}"
    if inv is None:
        return f"{named} is not one customs issued for this order"
    return f"{named} is {inv.state}, last status {status or 'none yet'}"


def _timestamp(now: datetime) -> float:
    return (now if now.tzinfo else now.replace(tzinfo=UTC)).timestamp()
