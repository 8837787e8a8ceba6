"""The simulated customs' answers to parcel movements and export returns, one rule each:

* CEB507 arrival at the site → CEB508: every parcel has its export waybill (CEB505) on file;
* CEB509 departure → CEB510: every parcel's export inventory is released (800/899);
* CEB607 master/sub waybill list → CEB608: signed when declared (appStatus 2, the schema's
  documentation: 「填写2时需要业务加签申报即Signature节点必须填写」); every parcel has an
  export inventory, and the invtNo it names is that inventory's;
* CEB711 entry into a supervised site → CEB712 (2, then 120 海关入库 with the entry number
  rkdNo): every parcel has its import waybill (CEB511) on file — except a bulk entry into
  a bonded warehouse, whose unloadLocation names the bonded ledger it is kept under
  (``账册<emsNo>``, the service's convention): its packages are not parcels declared one by
  one, so each must only be listed once;
* CEB513 signed for → CEB514: status S (「限定S」) and the import waybill on file;
* CEB213 export return → CEB214 (2 → 120 → 800 放行, the schema's last status): the
  inventory it names (invtNo) is the shipper's and released, every returned line is on
  it, in at most the quantity declared;
* CEB215 return tally → CEB216: the parcel's return application (CEB213) is on file.

Accepted movements go 2 → 399; a document filed new twice (same filer, number and part) is
refused as a duplicate. The rules are the simulator's reading of the schemas' documentation;
no public source lists what customs check on these messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from declarations.ceb.summary import RELEASED

from . import rules
from .paths import (
    EXPORT_RETURN_PATH,
    EXPORT_RETURN_TEXTS,
    MOVEMENT_PATH,
    SITE_ENTRY_PATH,
    TEXTS,
    issued,
)
from .store import Doc, status_at, waybill_key

if TYPE_CHECKING:
    from .core import CustomsSimulator, Filing, Scheduled

Fields = dict[str, str]
Refusal = tuple[str, str] | None
Check = Callable[["CustomsSimulator", "Filing"], Refusal]


def _parcels(f: Filing) -> list[str]:
    """The waybill keys (carrier|number) of the parcels a batch lists, in order."""
    code = f.head.get("logisticsCode", "")
    return [waybill_key({**ln, "logisticsCode": code}) for ln in f.lines]


def _named(refs: list[str]) -> str:
    return ", ".join(ref.split("|", 1)[-1] for ref in refs)


def _waybills_on_file(kind: str) -> Check:
    """Every parcel listed has its waybill (``kind``) on file."""

    def check(sim: CustomsSimulator, f: Filing) -> Refusal:
        missing = [ref for ref in _parcels(f) if sim.store.doc(kind, ref) is None]
        return ("no_match", f"no waybill on file for {_named(missing)}") if missing else None

    return check


def _inventories(sim: CustomsSimulator, ref: str) -> list[Doc]:
    return [d for d in sim.store.by_waybill("CEB603", ref) if d.state == "accepted"]


#: How a site entry names the bonded ledger (账册) it enters goods under.
BONDED_LEDGER = "账册"


def _site_entry(sim: CustomsSimulator, f: Filing) -> Refusal:
    """Parcels entering a site have their import waybills on file; a bulk entry into a
    bonded warehouse lists each of its packages once."""
    if not f.head.get("unloadLocation", "").startswith(BONDED_LEDGER):
        return _waybills_on_file("CEB511")(sim, f)
    packages = [ln.get("logisticsNo", "") for ln in f.lines]
    twice = sorted({p for p in packages if packages.count(p) > 1})
    return ("mismatch", f"packages listed twice: {', '.join(twice)}") if twice else None


def _released(sim: CustomsSimulator, f: Filing) -> Refusal:
    """Every departing parcel's export inventory is released."""
    waiting = [
        ref
        for ref in _parcels(f)
        if not any(status_at(d, f.now) in RELEASED for d in _inventories(sim, ref))
    ]
    if waiting:
        return "not_released", f"no released export inventory for {_named(waiting)}"
    return None


def _waybill_list(sim: CustomsSimulator, f: Filing) -> Refusal:
    """Signed when declared; every parcel declared, under the inventory number it names."""
    if f.head.get("appStatus") == "2" and not f.msg.signed:
        return "signature", "CEB607 declared (appStatus 2) must be signed"
    missing, wrong = [], []
    for ref, ln in zip(_parcels(f), f.lines, strict=True):
        found = _inventories(sim, ref)
        if not found:
            missing.append(ref)
        elif ln.get("invtNo") and all(d.invt_no != ln["invtNo"] for d in found):
            wrong.append(f"{ln['invtNo']} is not the inventory of {_named([ref])}")
    if missing:
        return "no_match", f"no export inventory for {_named(missing)}"
    return ("mismatch", "; ".join(wrong)) if wrong else None


def _signed_for(sim: CustomsSimulator, f: Filing) -> Refusal:
    status = f.head.get("logisticsStatus", "")
    if status != "S":
        return "status_code", f"logisticsStatus {status!r}, only S (signed for) is reported"
    if sim.store.doc("CEB511", waybill_key(f.head)) is None:
        return "no_match", f"no waybill on file for {f.head.get('logisticsNo', '')}"
    return None


def _export_return(sim: CustomsSimulator, f: Filing) -> Refusal:
    """The inventory returned from is the shipper's and released; the lines are on it."""
    invt_no = f.head.get("invtNo", "")
    found = [
        d
        for d in sim.store.by_invt_no("CEB603", invt_no)
        if d.state == "accepted" and d.data["head"].get("ebcCode") == f.head.get("ebcCode")
    ]
    if not found:
        return "return_state", f"inventory {invt_no} is not one customs issued to this shipper"
    status = status_at(found[0], f.now)
    if status not in RELEASED:
        return "return_state", f"inventory {invt_no} is not released (status {status or 'none'})"
    problems = rules.returned_line_problems(f.lines, found[0].data["lines"])
    return ("mismatch", "; ".join(problems)) if problems else None


def _return_applied(sim: CustomsSimulator, f: Filing) -> Refusal:
    ref = waybill_key(f.head)
    if any(d.state == "accepted" for d in sim.store.by_waybill("CEB213", ref)):
        return None
    return "no_match", f"no return application for waybill {f.head.get('logisticsNo', '')}"


def _no_numbers(sim: CustomsSimulator, f: Filing, key: str) -> Fields:
    return {}


def _entry_number(sim: CustomsSimulator, f: Filing, key: str) -> Fields:
    """The entry record number customs issue (rkdNo)."""
    customs, when = f.head.get("customsCode", ""), f.head.get("appTime", "")
    return {"rkdNo": issued(sim.config.seed, "rkdNo", key, customs, when)}


@dataclass(frozen=True, slots=True)
class Movement:
    """How customs answer one kind of movement: the fields its document is known by, the
    check, the statuses of an accepted one (and their texts), the numbers they issue, and
    whether the document is filed under the parcel's waybill (a return, for its tally)."""

    key_fields: tuple[str, ...]
    check: Check
    path: tuple[str, ...] = MOVEMENT_PATH
    texts: dict[str, str] = field(default_factory=lambda: TEXTS)
    numbers: Callable[[CustomsSimulator, Filing, str], Fields] = _no_numbers
    by_waybill: bool = False

    def answer(self, sim: CustomsSimulator, f: Filing) -> list[Scheduled]:
        msg_type = f.msg.msg_type
        key = "|".join(f.head.get(k, "") for k in self.key_fields)
        pre_no = sim.numbers_for(f, f"{msg_type}|{key}")["preNo"]
        source = {**f.head, "preNo": pre_no, **self.numbers(sim, f, key)}
        if sim.store.doc(msg_type, key) is not None and f.app_type == "1":
            return sim.refuse(f, "duplicate", f"{msg_type} {key} was filed before", source)
        refusal = self.check(sim, f)
        if refusal is not None:
            return sim.refuse(f, *refusal, source)
        out, _ = sim.answer(f, source, [(s, self.texts[s]) for s in self.path], f.now, key)
        ref = waybill_key(f.head) if self.by_waybill else None
        data = {"head": f.head, "lines": f.lines, "preNo": pre_no}
        sim.store.put(Doc(msg_type, key, "accepted", data, waybill_ref=ref))
        return out


_BATCH = ("copNo", "msgSeqNo")
MOVEMENTS = {
    "arrival": Movement(("operatorCode", *_BATCH), _waybills_on_file("CEB505")),
    "departure": Movement(("logisticsCode", *_BATCH), _released),
    "waybill_list": Movement(("agentCode", *_BATCH), _waybill_list),
    "site_entry": Movement(
        ("operatorCode", "copNo"),
        _site_entry,
        SITE_ENTRY_PATH,
        numbers=_entry_number,
    ),
    "signed_for": Movement(("logisticsCode", "logisticsNo"), _signed_for),
    "export_return": Movement(
        ("agentCode", "coElNo"),
        _export_return,
        EXPORT_RETURN_PATH,
        EXPORT_RETURN_TEXTS,
        by_waybill=True,
    ),
    "return_tally": Movement(("operatorCode", "coElNo"), _return_applied),
}
#: The simulator's answer per role.
ANSWERS: dict[str, Callable[[CustomsSimulator, Filing], list[Scheduled]]] = {
    role: movement.answer for role, movement in MOVEMENTS.items()
}
