"""The broker's review: claims, approve, request changes, reject, cancel.

One broker reviews a case at a time: a claim is taken (compare-and-set: free, expired or
already the caller's) for ``CLAIM_MINUTES`` and refreshed by every review action; another
broker's live claim is a 409 naming its holder and expiry. The reaper releases expired
claims.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import ClearanceCase, User
from ..models.base import utcnow
from . import case_states, cases, filing

MAX_REASON = 2000


def reason_text(reason: str | None, required: bool = True) -> str | None:
    text = (reason or "").strip()
    if required and not text:
        raise ValidationFailed("Say why.", {"reason": ["required"]})
    if len(text) > MAX_REASON:
        raise ValidationFailed("The reason is too long.", {"reason": [f"at most {MAX_REASON}"]})
    return text or None


# -- claims ----------------------------------------------------------------------------------


def _holder(case: ClearanceCase) -> str:
    user = db.session.get(User, case.claimed_by) if case.claimed_by else None
    until = case.claim_expires_at.isoformat() if case.claim_expires_at else "?"
    return f"{user.name if user else 'another reviewer'} until {until}"


def hold_claim(user: User, case: ClearanceCase) -> None:
    """Take or refresh the caller's claim on ``case`` (in the caller's transaction); a live
    claim of someone else is a 409."""
    if case.status not in case_states.REVIEWABLE:
        raise cases.refused(case_states.IllegalTransition("claim", case.status))
    refused = hold_claims(user, [case])
    if refused:
        raise refused[case.id]


def hold_claims(user: User, batch: list[ClearanceCase]) -> dict[str, Conflict]:
    """:func:`hold_claim` for reviewable cases, one compare-and-set for all (free, expired
    or already the caller's); returns the refusal of each case someone else holds."""
    if not batch:
        return {}
    now = utcnow()
    until = now + timedelta(minutes=current_app.config["CLAIM_MINUTES"])
    taken = set(
        db.session.execute(
            update(ClearanceCase)
            .where(
                ClearanceCase.id.in_([c.id for c in batch]),
                ClearanceCase.status.in_(case_states.REVIEWABLE),
                or_(
                    ClearanceCase.claimed_by.is_(None),
                    ClearanceCase.claimed_by == user.id,
                    ClearanceCase.claim_expires_at < now,
                ),
            )
            .values(claimed_by=user.id, claim_expires_at=until)
            .returning(ClearanceCase.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    refused = {}
    for case in batch:
        if case.id not in taken:  # nothing of it is written: the caller's transaction stands
            fresh = cases.fresh(case.id)
            refused[case.id] = Conflict(
                f"The case is claimed by {_holder(fresh)}.",
                {"claimed_by": [fresh.claimed_by or ""]},
            )
            continue
        expires = case.claim_expires_at
        if not (case.claimed_by == user.id and expires is not None and expires > now):
            cases.record(case, "claim", user, details={"until": until.isoformat()})
    return refused


def claim(user: User, case_id: str) -> ClearanceCase:
    case = cases.get_case(user, case_id)
    hold_claim(user, case)
    db.session.commit()
    return cases.fresh(case_id)


def release_claim(user: User, case_id: str) -> ClearanceCase:
    case = cases.get_case(user, case_id)
    if case.claimed_by not in (None, user.id) and user.role != "admin":
        raise Conflict(f"The case is claimed by {_holder(case)}.")
    if case.claimed_by is not None:
        cases.record(case, "claim_released", user)
        case.claimed_by, case.claim_expires_at = None, None
    db.session.commit()
    return case


def expire_claims(now=None) -> int:
    """Release every claim past its expiry; returns how many."""
    now = now or utcnow()
    expired = list(
        db.session.execute(
            select(ClearanceCase).where(
                ClearanceCase.claimed_by.is_not(None), ClearanceCase.claim_expires_at < now
            )
        ).scalars()
    )
    for case in expired:
        cases.record(case, "claim_expired", None, details={"claimed_by": case.claimed_by})
        case.claimed_by, case.claim_expires_at = None, None
    db.session.commit()
    return len(expired)


# -- decisions -------------------------------------------------------------------------------


def _blocking(case: ClearanceCase) -> list[dict]:
    return list(case.problems or [])


def _approvable(case: ClearanceCase) -> None:
    """Raise why the case cannot be approved, if it cannot."""
    if case.status == "awaiting_review" and _blocking(case):
        raise Conflict(
            "The case has blocking problems; amend it or request changes.",
            {"problems": [p["message"] for p in _blocking(case)]},
        )
    if not case_states.allowed("approve", case.status):
        raise cases.refused(case_states.IllegalTransition("approve", case.status))


def approve(user: User, case_id: str) -> ClearanceCase:
    return approve_many(user, [case_id], strict=True)["cases"][0]


def approve_many(user: User, case_ids: list[str], *, strict: bool = False) -> dict:
    """Approve several cases at once (their claims taken together, the moves made
    together, one commit); per case id the result or why it was refused. ``strict``: a
    refusal is raised instead (one case)."""
    if not case_ids or len(case_ids) > cases.MAX_BULK:
        raise ValidationFailed(
            f"Send 1 to {cases.MAX_BULK} case ids.", {"case_ids": [f"1 to {cases.MAX_BULK}"]}
        )
    wanted = list(dict.fromkeys(case_ids))
    found = cases.get_cases(user, wanted)
    refused: dict[str, Conflict | NotFound] = {}
    ready = []
    for case_id in wanted:
        try:  # a refusal is raised before anything of its case is written
            case = found.get(case_id)
            if case is None:
                raise NotFound("No such clearance case.")
            _approvable(case)
            ready.append(case)
        except (Conflict, NotFound) as exc:
            refused[case_id] = exc
    if strict and refused:
        raise next(iter(refused.values()))
    refused |= hold_claims(user, ready)
    if strict and refused:
        raise next(iter(refused.values()))
    moves = [
        cases.Move(c, "approve", values={"claimed_by": None, "claim_expires_at": None})
        for c in ready
        if c.id not in refused
    ]
    ids = [c.id for c in cases.transition_many(moves, user, strict=strict)]
    db.session.commit()  # the approvals together
    found = cases.fresh_many(ids)  # read back in one query, not one each
    approved = [found[i] for i in ids if i in found]
    from ..jobs.gateway import enqueue_submit

    enqueue_submit(approved, quiet=True)
    return {
        "approved": [c.id for c in approved],
        "refused": {k: exc.message for k, exc in refused.items()},
        "cases": approved,
    }


def request_changes(user: User, case_id: str, reason: str, fields: list[str]) -> ClearanceCase:
    case = cases.get_case(user, case_id)
    text = reason_text(reason)
    if not case_states.allowed("request_changes", case.status):
        raise cases.refused(case_states.IllegalTransition("request_changes", case.status))
    hold_claim(user, case)
    asked = [{"source": "broker", "field": f, "message": text} for f in fields or [None]]
    cases.transition(
        case,
        "request_changes",
        user,
        reason=text,
        details={"fields": fields},
        values={"problems": [*(case.problems or []), *asked]},
    )
    db.session.commit()
    return case


def reject(user: User, case_id: str, reason: str) -> ClearanceCase:
    case = cases.get_case(user, case_id)
    text = reason_text(reason)
    if not case_states.allowed("reject", case.status):
        raise cases.refused(case_states.IllegalTransition("reject", case.status))
    hold_claim(user, case)
    cases.transition(case, "reject", user, reason=text, values={"error": text})
    db.session.commit()
    return case


def cancel(user: User, case_id: str, reason: str) -> ClearanceCase:
    """Withdraw the case: at once before filing; after filing the cancel is filed with
    customs (CEB623/CEB605) and the case waits for their answer."""
    case = cases.get_case(user, case_id)
    text = reason_text(reason)
    if not case_states.allowed("cancel", case.status):
        raise cases.refused(case_states.IllegalTransition("cancel", case.status))
    if user.role == "broker" and case.status in case_states.REVIEWABLE:
        hold_claim(user, case)
    if case.status not in case_states.AT_CUSTOMS:
        cases.transition(case, "cancel", user, reason=text)
        db.session.commit()
        return case
    values = {
        "customs_status": case.status,
        "cancel_reason": text,
        "cancel_epoch": filing.last_receipt_time(case, "cancel"),
    }
    cases.transition(case, "cancel", user, reason=text, values=values)
    db.session.commit()
    from ..jobs.gateway import enqueue_cancel

    enqueue_cancel(case, filing.cancel_number(case), quiet=True)
    return case
