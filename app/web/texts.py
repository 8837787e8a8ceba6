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
CASE_STATUS = {
    "handed_over": _l("Handed over"),
    "preparing": _l("Preparing"),
    "awaiting_review": _l("Awaiting review"),
    "changes_requested": _l("Changes requested"),
    "approved": _l("Approved"),
    "submitting": _l("Submitting"),
    "submitted": _l("Submitted"),
    "accepted": _l("Accepted by customs"),
    "manual_review": _l("Manual review"),
    "inspection": _l("Inspection"),
    "detained": _l("Detained"),
    "decided": _l("Decided"),
    "released": _l("Released"),
    "closed": _l("Closed"),
    "rejected": _l("Rejected"),
    "cancel_requested": _l("Cancel requested"),
    "cancelled": _l("Cancelled"),
    "returned": _l("Returned"),
}
CASE_ACTION = {
    "hand_over": _l("Handed over"),
    "prepare": _l("Preparing started"),
    "prepared": _l("Prepared for review"),
    "needs_changes": _l("Needs changes"),
    "claim": _l("Claimed"),
    "claim_released": _l("Claim given up"),
    "claim_expired": _l("Claim expired"),
    "approve": _l("Approved"),
    "request_changes": _l("Changes requested"),
    "reject": _l("Rejected"),
    "amend": _l("Amended"),
    "submit": _l("Submitting"),
    "filed": _l("Filed"),
    "filing_failed": _l("Filing failed"),
    "cancel": _l("Cancel"),
    "cancel_approved": _l("Cancel approved"),
    "cancel_refused": _l("Cancel refused"),
    "receipt": _l("Customs receipt"),
    "cancel_filed": _l("Cancel filed with customs"),
    "requeued": _l("Queued again"),
    "submit_error": _l("Submitting failed; to be retried"),
    "submit_resumed": _l("Submitting resumed"),
}
MODE = {"air": _l("Air"), "rail": _l("Rail"), "road": _l("Road"), "sea": _l("Sea")}
SEVERITY = {"info": _l("Information"), "warning": _l("Warning"), "blocking": _l("Blocking")}
FLOW = {"export": _l("Export from China"), "import": _l("Import into China")}
ROLE = {
    "seller": _l("Seller"),
    "broker": _l("Customs broker"),
    "carrier": _l("Carrier / counter"),
    "admin": _l("Administrator"),
}
COLLECTED_AT = {"border": _l("At the border"), "checkout": _l("At checkout")}
PAYER = {"sender": _l("Sender"), "recipient": _l("Recipient"), "third_party": _l("Third party")}
CATEGORY = {
    "gift": _l("Gift"),
    "documents": _l("Documents"),
    "commercial_sample": _l("Commercial sample"),
    "returned_goods": _l("Returned goods"),
    "sale_of_goods": _l("Sale of goods"),
    "other": _l("Other"),
}
CHANNEL = {"post": _l("Post"), "express": _l("Express courier")}
REGIME = {"cbec": _l("Cross-border e-commerce (CBEC)"), "postal": _l("Postal article")}

#: The label of each field of an order body, by its name (parties and lines share theirs).
FIELD = {
    "flow": _l("Flow"),
    "regime": _l("Regime"),
    "channel": _l("Channel"),
    "incoterm": _l("Incoterm"),
    "freight_payer": _l("Freight paid by"),
    "duty_payer": _l("Duties paid by"),
    "currency": _l("Currency"),
    "shipping_cost": _l("Shipping cost"),
    "insurance_cost": _l("Insurance cost"),
    "category": _l("Category"),
    "category_explanation": _l("Explanation of the category"),
    "item_id": _l("Item id (S10)"),
    "gross_weight_kg": _l("Gross weight (kg)"),
    "ordered_at": _l("Order date"),
    "seller_collects_vat": _l("The seller collects the destination's tax at checkout"),
    "name": _l("Name"),
    "company": _l("Company"),
    "street": _l("Street"),
    "city": _l("City"),
    "postcode": _l("Postcode"),
    "state": _l("State or province"),
    "country": _l("Country (ISO code)"),
    "phone": _l("Phone"),
    "email": _l("Email"),
    "tax_id": _l("Tax id"),
    "id_number": _l("Identity document number"),
    "pay_code": _l("Payment company's customs code"),
    "pay_name": _l("Payment company"),
    "transaction_id": _l("Payment transaction id"),
    "paid_at": _l("Paid at (ISO 8601 with offset)"),
    "sku": _l("SKU"),
    "description": _l("Description"),
    "description_local": _l("Description in Chinese"),
    "hs_code": _l("HS code"),
    "quantity": _l("Quantity"),
    "unit": _l("Unit"),
    "net_weight_kg": _l("Net weight (kg)"),
    "unit_value": _l("Unit value"),
    "origin_country": _l("Country of origin"),
}
GROUP = {"sender": _l("Sender"), "recipient": _l("Recipient"), "payment": _l("Payment")}
#: The names of the codes a field's choices are, where they have names.
CHOICE_NAMES = {
    "flow": FLOW,
    "regime": REGIME,
    "channel": CHANNEL,
    "category": CATEGORY,
    "freight_payer": PAYER,
    "duty_payer": PAYER,
}


def name_of(table: dict, code: str | None) -> str:
    """The translated name of ``code``, or the code itself when it has none."""
    if code is None:
        return ""
    return str(table.get(code, code))


def field_label(path: str) -> str:
    """``recipient.city`` → "Recipient: City"; ``items.0.hs_code`` → "Line 1: HS code"."""
    parts = path.split(".")
    if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit():
        line = str(_l("Line %(n)s", n=int(parts[1]) + 1))
        return f"{line}: {name_of(FIELD, parts[2])}" if len(parts) > 2 else line
    if parts[0] in GROUP:
        group = name_of(GROUP, parts[0])
        return f"{group}: {name_of(FIELD, parts[1])}" if len(parts) > 1 else group
    return name_of(FIELD, path)


GLOBALS = {
    "ORDER_STATUS": ORDER_STATUS,
    "BATCH_STATUS": BATCH_STATUS,
    "FLOW": FLOW,
    "CASE_STATUS": CASE_STATUS,
    "CASE_ACTION": CASE_ACTION,
    "SEVERITY": SEVERITY,
    "MODE": MODE,
    "ROLE": ROLE,
    "PAYER": PAYER,
    "COLLECTED_AT": COLLECTED_AT,
    "CATEGORY": CATEGORY,
    "FIELD": FIELD,
    "CHOICE_NAMES": CHOICE_NAMES,
    "GROUP": GROUP,
    "name_of": name_of,
    "field_label": field_label,
}
