"""Translated names of the codes pages show (statuses, flows, roles), defined once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ORDER_STATUS = {
    "received": _l("Received"),
    "declared": _l("Declared"),
    "released": _l("Released"),
    "cancelled": _l("Cancelled"),
    "rejected": _l("Rejected"),
    "returned": _l("Returned"),
}
BATCH_STATUS = {
    "queued": _l("Waiting for a worker"),
    "running": _l("In progress"),
    "done": _l("Done"),
    "failed": _l("Failed"),
}
FLOW = {"export": _l("Export from China"), "import": _l("Import into China")}
ROLE = {
    "seller": _l("Seller"),
    "broker": _l("Customs broker"),
    "carrier": _l("Carrier / counter"),
    "admin": _l("Administrator"),
}
COLLECTED_AT = {"border": _l("At the border"), "checkout": _l("At checkout")}
PAYER = {"sender": _l("Sender"), "recipient": _l("Recipient"), "third_party": _l("Third party")}


def name_of(table: dict, code: str | None) -> str:
    """The translated name of ``code``, or the code itself when it has none."""
    if code is None:
        return ""
    return str(table.get(code, code))


GLOBALS = {
    "ORDER_STATUS": ORDER_STATUS,
    "BATCH_STATUS": BATCH_STATUS,
    "FLOW": FLOW,
    "ROLE": ROLE,
    "PAYER": PAYER,
    "COLLECTED_AT": COLLECTED_AT,
    "name_of": name_of,
}
