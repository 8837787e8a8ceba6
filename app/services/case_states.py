"""The clearance case state machine as one table, and customs' receipt statuses as states.

Pure: no database, no Flask. Every allowed move is one row of :data:`TRANSITIONS`
(action, from, to, and who makes it); no two rows join the same pair of states. Anything
not in the table is refused with :class:`IllegalTransition`, which names the current state.

Customs is authoritative over a filed case: a receipt moves it to whatever state the folded
inventory status maps to (:func:`customs_state`), so those rows cover every filed state to
every customs outcome rather than a single path.
"""

from __future__ import annotations

from dataclasses import dataclass

STATES = (
    "handed_over",
    "preparing",
    "awaiting_review",
    "changes_requested",
    "approved",
    "submitting",
    "submitted",
    "accepted",
    "manual_review",
    "inspection",
    "detained",
    "decided",
    "released",
    "closed",
    "rejected",
    "cancel_requested",
    "cancelled",
    "returned",
)

#: Before anything reached customs: a cancel ends the case at once.
BEFORE_FILING = (
    "handed_over",
    "preparing",
    "awaiting_review",
    "changes_requested",
    "approved",
    "rejected",
)
#: Customs holds an inventory for the case: a cancel must be filed (CEB623/CEB605).
AT_CUSTOMS = (
    "submitted",
    "accepted",
    "manual_review",
    "inspection",
    "detained",
    "decided",
    "released",
    "closed",
)
#: Where a receipt may take a filed case.
CUSTOMS_OUTCOMES = (*AT_CUSTOMS, "rejected", "returned")
#: A broker may claim, review and amend a case in these states.
REVIEWABLE = ("awaiting_review", "changes_requested", "rejected")
#: A case in these states no longer blocks a new hand-over of its parcel.
ENDED = ("cancelled", "returned")


@dataclass(frozen=True, slots=True)
class Transition:
    action: str
    source: str
    target: str
    by: str  # "user", "job" or "customs"


def _rows() -> tuple[Transition, ...]:
    user, job, customs = "user", "job", "customs"
    return (
        Transition("prepare", "handed_over", "preparing", job),
        Transition("prepared", "preparing", "awaiting_review", job),
        Transition("needs_changes", "preparing", "changes_requested", job),
        Transition("approve", "awaiting_review", "approved", user),
        Transition("request_changes", "awaiting_review", "changes_requested", user),
        Transition("reject", "awaiting_review", "rejected", user),
        Transition("reject", "changes_requested", "rejected", user),
        *(Transition("amend", s, "preparing", user) for s in REVIEWABLE),
        Transition("submit", "approved", "submitting", job),
        Transition("filed", "submitting", "submitted", job),
        Transition("filing_failed", "submitting", "changes_requested", job),
        *(Transition("cancel", s, "cancelled", user) for s in BEFORE_FILING),
        *(Transition("cancel", s, "cancel_requested", user) for s in AT_CUSTOMS),
        Transition("cancel_approved", "cancel_requested", "cancelled", customs),
        # refused by customs, or a cancel that cannot be made: back where customs had it
        *(Transition("cancel_refused", "cancel_requested", s, customs) for s in AT_CUSTOMS),
        # an inventory receipt may beat the job that wrote the file (which then notes
        # ``filed`` itself, so not to "submitted")
        *(
            Transition("receipt", s, t, customs)
            for s in ("submitting", *AT_CUSTOMS)
            for t in CUSTOMS_OUTCOMES
            if s != t and (s, t) != ("submitting", "submitted")
        ),
    )


TRANSITIONS: tuple[Transition, ...] = _rows()
ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))
_BY_ACTION: dict[tuple[str, str], dict[str, Transition]] = {}
for _t in TRANSITIONS:
    _BY_ACTION.setdefault((_t.action, _t.source), {})[_t.target] = _t


class IllegalTransition(Exception):
    """``action`` is not allowed from ``state``."""

    def __init__(self, action: str, state: str, target: str | None = None):
        self.action, self.state, self.target = action, state, target
        verb = action.replace("_", " ")
        to = f" to {target!r}" if target else ""
        super().__init__(f"Cannot {verb}{to}: the case is {state!r}.")


def sources(action: str) -> tuple[str, ...]:
    """The states ``action`` is allowed from."""
    return tuple(dict.fromkeys(t.source for t in TRANSITIONS if t.action == action))


def move(action: str, state: str, target: str | None = None) -> Transition:
    """The table row for ``action`` from ``state`` (to ``target`` where the action has
    several), or :class:`IllegalTransition`."""
    targets = _BY_ACTION.get((action, state))
    if not targets:
        raise IllegalTransition(action, state, target)
    if target is None:
        if len(targets) > 1:
            raise ValueError(f"{action} from {state} needs a target: {sorted(targets)}")
        return next(iter(targets.values()))
    found = targets.get(target)
    if found is None:
        raise IllegalTransition(action, state, target)
    return found


def allowed(action: str, state: str) -> bool:
    return (action, state) in _BY_ACTION


# -- customs receipt statuses (DOMAIN.md §5) ---------------------------------------------

_CUSTOMS = {
    "1": "submitted",
    "2": "submitted",
    "3": "submitted",
    "4": "rejected",  # E-Port could not send it on: nothing reached customs
    "100": "rejected",
    "120": "accepted",
    "300": "manual_review",
    "399": "decided",
    "500": "inspection",
    "700": "returned",
    "800": "released",
    "899": "closed",
}


def customs_state(status: str) -> str | None:
    """The case state an inventory receipt status stands for (None: not a known status).
    501-599 are the kinds of detention; a negative status is a processing error, which
    refuses the filing like a rejection."""
    if status in _CUSTOMS:
        return _CUSTOMS[status]
    if status.startswith("-") and status[1:].isdigit():
        return "rejected"
    if status.isdigit() and 501 <= int(status) <= 599:
        return "detained"
    return None


def cancel_outcome(status: str) -> str | None:
    """What a cancel receipt (CEB624/CEB606) status means for the request: ``approved`` at
    399 (海关审结, the schemas' final status of a cancel), ``refused`` at 100 (退单) or a
    processing error, None while E-Port or customs still handle it (1/2/3/4/120)."""
    if status == "399":
        return "approved"
    if status == "100" or (status.startswith("-") and status[1:].isdigit()):
        return "refused"
    return None
