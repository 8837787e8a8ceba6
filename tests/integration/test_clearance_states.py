"""The case state table: each move listed once, and every move it does not list refused —
by the table itself, by the API (409 naming the state), and by the jobs (no change)."""

import itertools

import pytest
from clearance_support import configure, create, hand_over, import_body, parties, post
from support import headers

from app.services import case_states
from app.services.case_states import STATES, TRANSITIONS, IllegalTransition

#: The API's actions on a case and the table action each is.
API_ACTIONS = {
    "claim": ("claim", None),
    "approve": ("approve", None),
    "request-changes": ("request_changes", {"reason": "why", "fields": ["items.0.sku"]}),
    "reject": ("reject", {"reason": "why"}),
    "amend": ("amend", {"fields": {"items.0.quantity": 5}}),
    "cancel": ("cancel", {"reason": "why"}),
}


def _allowed(action: str, state: str) -> bool:
    if action == "claim":
        return state in case_states.REVIEWABLE
    return case_states.allowed(action, state)


REFUSED = [
    (route, state)
    for route, (action, _) in API_ACTIONS.items()
    for state in STATES
    if not _allowed(action, state)
]


def test_each_move_is_listed_once_and_names_known_states():
    pairs = [(t.source, t.target) for t in TRANSITIONS]
    assert len(pairs) == len(set(pairs))
    assert {t.source for t in TRANSITIONS} | {t.target for t in TRANSITIONS} <= set(STATES)
    assert {t.by for t in TRANSITIONS} == {"user", "job", "customs"}


@pytest.mark.parametrize("action,state", list(itertools.product(case_states.ACTIONS, STATES)))
def test_the_table_refuses_what_it_does_not_list(action, state):
    targets = [t.target for t in TRANSITIONS if t.action == action and t.source == state]
    if not targets:
        with pytest.raises(IllegalTransition, match=f"'{state}'"):
            case_states.move(action, state)
        return
    for target in targets:
        assert case_states.move(action, state, target).target == target
    with pytest.raises(IllegalTransition):
        case_states.move(action, state, "nowhere")


def test_receipt_statuses_map_to_states():
    expected = {
        "2": "submitted",
        "3": "submitted",
        "120": "accepted",
        "300": "manual_review",
        "500": "inspection",
        "501": "detained",
        "599": "detained",
        "399": "decided",
        "800": "released",
        "899": "closed",
        "100": "rejected",
        "-621004": "rejected",
        "700": "returned",
        "42": None,
    }
    assert {s: case_states.customs_state(s) for s in expected} == expected
    assert [case_states.cancel_outcome(s) for s in ("2", "120", "399", "100", "-623005")] == [
        None,
        None,
        "approved",
        "refused",
        "refused",
    ]


@pytest.fixture
def handed_over(app, client, make_user):
    configure(app)
    seller, broker = parties(client, make_user)
    oid = create(client, seller, import_body(1))
    (cid,) = hand_over(client, seller, [oid])
    return cid, seller, broker


def _force(case_id: str, state: str) -> None:
    from app.extensions import db
    from app.models import ClearanceCase

    db.session.get(ClearanceCase, case_id).status = state
    db.session.commit()


@pytest.mark.parametrize("route,state", REFUSED)
def test_the_api_refuses_every_move_the_table_does_not_list(client, handed_over, route, state):
    cid, seller, broker = handed_over
    _force(cid, state)
    before = client.get(f"/api/v1/clearance/{cid}", headers=headers(broker)).json
    r = post(client, broker, cid, route, API_ACTIONS[route][1])
    assert r.status_code == 409, r.json
    assert f"'{state}'" in r.json["message"]
    after = client.get(f"/api/v1/clearance/{cid}", headers=headers(broker)).json
    assert (after["status"], len(after["events"])) == (state, len(before["events"]))


@pytest.mark.parametrize("state", [s for s in STATES if s not in ("handed_over", "preparing")])
def test_preparing_leaves_other_states_alone(handed_over, state):
    from app.services import preparing

    cid, _, _ = handed_over
    _force(cid, state)
    assert preparing.prepare(cid) == "skipped"


@pytest.mark.parametrize("state", [s for s in STATES if s not in ("approved", "submitting")])
def test_submitting_leaves_other_states_alone(handed_over, state):
    from app.services import filing

    cid, _, _ = handed_over
    _force(cid, state)
    assert filing.submit_cases([cid]) == {cid: "skipped"}
