"""Counter and carrier: close receptacles (scanned parcels) and despatches (a lane and a
transport leg), close a despatch, print its delivery bill and receptacle labels.

Views over the posts services of ``/api/v1/receptacles`` and ``/api/v1/despatches``: the
forms are read by the API's own body schemas and every rule (eligibility, weights, a leg's
fields, numbering) is the services'. Carriers and admins only, as for the API.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from declarations import mail_codes
from declarations.despatch import FIELD_RULES, LEG_FIELDS, MODES

from ...errors import ValidationFailed
from ...schemas.posts import DespatchIn, ReceptacleIn
from ...services import despatches, parcel_search, post_network, receptacles
from .. import nav
from .. import web as web_bp
from ..query import load
from ..session import page, signed_in_user

OPERATORS = ("carrier",)
RECEPTACLE_FIELDS = ("origin_office", "destination_office", "mail_category", "mail_subclass")
WEIGHTS = ("gross_weight_kg", "tare_kg")
TRANSPORT_FIELDS = ("mode", "departure", "arrival", "carrier", *FIELD_RULES)

nav.add("web.despatch_desk", _l("Despatches"), *OPERATORS)


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


# -- receptacles -----------------------------------------------------------------------------


def _scanned_parcels(scan: str) -> list[str]:
    """The parcel ids of the scanned S10 ids; an id that is wrong or unknown is a 422."""
    found = parcel_search.find_parcels(signed_in_user(), scan)
    problems = [f"{entry}: {why}" for entry, why in found.invalid]
    problems += [_("%(id)s: no such parcel", id=item) for item in found.not_found]
    if problems or not found.parcels:
        raise ValidationFailed(
            "Scan the parcels' S10 ids.", {"scan": problems or ["no parcel scanned"]}
        )
    return [p["parcel_id"] for p in found.parcels]


def _receptacle_form(code: int = 200, **shown):
    html = render_template(
        "posts/receptacle_form.html",
        offices=post_network.offices(),
        codes=mail_codes.load(),
        values=shown.pop("values", {}),
        **shown,
    )
    return html, code


@web_bp.get("/receptacles/new")
@page(*OPERATORS)
def receptacle_new():
    return _receptacle_form()


@web_bp.post("/receptacles")
@page(*OPERATORS)
def receptacle_create():
    form = request.form
    data = {k: form.get(k, "").strip() for k in (*RECEPTACLE_FIELDS, *WEIGHTS)}
    try:
        data["parcel_ids"] = _scanned_parcels(form.get("scan", ""))
        body = load(ReceptacleIn(), {k: v for k, v in data.items() if v != ""})
        made = receptacles.create(signed_in_user(), body)
    except ValidationFailed as exc:
        return _receptacle_form(exc.code, problem=exc, values=form)
    flash(_("Receptacle %(id)s was closed.", id=made.s9_id))
    return redirect(url_for("web.receptacle_page", receptacle_id=made.id), code=303)


@web_bp.get("/receptacles/<string:receptacle_id>")
@page(*OPERATORS)
def receptacle_page(receptacle_id):
    found = receptacles.get(receptacle_id)
    return render_template("posts/receptacle.html", r=receptacles.view(found))


@web_bp.get("/receptacles/<string:receptacle_id>/label.pdf")
@page(*OPERATORS)
def receptacle_label(receptacle_id):
    return _pdf(despatches.label_pdf(receptacle_id), f"receptacle-{receptacle_id}.pdf")


# -- despatches ------------------------------------------------------------------------------


def _desk(code: int = 200, **shown):
    html = render_template(
        "posts/desk.html",
        lanes=post_network.lanes(),
        open_receptacles=[receptacles.view(r) for r in receptacles.undespatched()],
        recent=[despatches.view(d) for d in despatches.recent()],
        modes=MODES,
        leg_fields=LEG_FIELDS,
        field_rules=FIELD_RULES,
        values=shown.pop("values", {}),
        chosen=shown.pop("chosen", []),
        **shown,
    )
    return html, code


@web_bp.get("/despatches")
@page(*OPERATORS)
def despatch_desk():
    return _desk()


@web_bp.post("/despatches")
@page(*OPERATORS)
def despatch_create():
    form = request.form
    transport = {k: form.get(k, "").strip() for k in TRANSPORT_FIELDS}
    data = {
        "lane_id": form.get("lane_id", ""),
        "transport": {k: v for k, v in transport.items() if v},
        "receptacle_ids": form.getlist("receptacle_id"),
    }
    try:
        made = despatches.create(signed_in_user(), load(DespatchIn(), data))
    except ValidationFailed as exc:
        chosen = data["receptacle_ids"]
        return _desk(exc.code, problem=exc, values=form, chosen=chosen)
    return redirect(url_for("web.despatch_page", despatch_id=made.id), code=303)


@web_bp.get("/despatches/<string:despatch_id>")
@page(*OPERATORS)
def despatch_page(despatch_id):
    return render_template("posts/despatch.html", d=despatches.view(despatches.get(despatch_id)))


@web_bp.post("/despatches/<string:despatch_id>/close")
@page(*OPERATORS)
def despatch_close(despatch_id):
    closed = despatches.close(signed_in_user(), despatch_id)
    flash(
        _(
            "Despatch %(id)s was closed; its pre-advice is sent.",
            id=despatches.view(closed)["despatch_id"],
        )
    )
    return redirect(url_for("web.despatch_page", despatch_id=despatch_id), code=303)


@web_bp.get("/despatches/<string:despatch_id>/delivery-bill.pdf")
@page(*OPERATORS)
def despatch_bill(despatch_id):
    form, pdf = despatches.delivery_bill_pdf(despatch_id)
    return _pdf(pdf, f"{form}-{despatch_id}.pdf")
