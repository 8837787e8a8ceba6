"""The broker's pages: the review queue with its filters and counts, the case page, the
decisions (claim, approve, request changes, reject), the amendment with its diff, roles,
tenant walls and CSRF."""

# The page fixtures (pages, sign_in) are test_web_pages' own, imported: F811 is pytest's way.
# ruff: noqa: F811

from __future__ import annotations

import re

import pytest
from clearance_support import (
    BROKER_NAME,
    BROKER_PROFILE,
    CEB_DIR,
    SELLER_PROFILE,
    case_of,
    configure,
    create,
    export_body,
    hand_over,
    import_body,
    work,
)
from integration.test_web_amend import _form
from integration.test_web_pages import _csrf, pages, sign_in  # noqa: F401 (fixtures)
from support import headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


@pytest.fixture
def desk(app, pages, sign_in):
    """A registered seller and the broker who files for it, signed in to the pages; the
    seller's cases prepared and waiting for review."""
    configure(app)
    configure(pages)
    seller, broker = sign_in("seller"), sign_in("broker", name=BROKER_NAME)
    api = app.test_client()
    for who, profile in ((seller, SELLER_PROFILE), (broker, BROKER_PROFILE)):
        r = api.put("/api/v1/profile", json=profile, headers=headers(who.auth))
        assert r.status_code == 200, r.json

    def cases(*bodies) -> list[str]:
        ids = [create(api, seller.auth, b) for b in bodies]
        made = hand_over(api, seller.auth, ids)
        work(app)
        return made

    return app, api, seller, broker, cases


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": _csrf(client, "/home"), **data})


def test_the_queue_lists_cases_oldest_first_with_counts_and_filters(desk, sign_in):
    app, api, seller, broker, cases = desk
    first, second = cases(import_body(1), export_body(2))
    page = broker.get("/review")
    assert page.status_code == 200
    rows = re.findall(r'<tr data-case="([^"]+)">', page.text)
    assert rows == [first, second]
    count = r'data-state="([a-z_]+)">[^<]*<strong class="count-n">(\d+)'
    counts = dict(re.findall(count, page.text))
    states = {case_of(api, broker.auth, c)["status"] for c in (first, second)}
    assert sum(int(n) for n in counts.values()) == 2 and set(counts) == states
    only_cn = broker.get("/review?destination=cn")
    assert re.findall(r'<tr data-case="([^"]+)">', only_cn.text) == [first]
    only_de = broker.get("/review?destination=DE&flow=export")
    assert re.findall(r'<tr data-case="([^"]+)">', only_de.text) == [second]
    none = broker.get("/review?risk=no_such_risk")
    assert 'id="no-cases"' in none.text
    bad = broker.get("/review?destination=Germany")
    assert bad.status_code == 422 and "destination" in bad.text


def test_sellers_and_carriers_may_not_open_the_broker_pages(desk, sign_in):
    app, api, seller, broker, cases = desk
    (case_id,) = cases(import_body(1))
    carrier = sign_in("carrier")
    for client in (seller, carrier):
        assert client.get("/review").status_code == 403
        assert client.get(f"/review/{case_id}").status_code == 403
        assert _post(client, f"/review/{case_id}/claim").status_code == 403
    assert broker.get("/review/no-such-case").status_code == 404


def test_the_case_page_shows_declaration_quote_risks_xml_and_audit(desk):
    app, api, seller, broker, cases = desk
    (case_id,) = cases(import_body(1))
    case = case_of(api, broker.auth, case_id)
    page = broker.get(f"/review/{case_id}")
    assert page.status_code == 200
    text = page.text
    assert 'id="declaration-lines"' in text and 'id="quote"' in text
    for doc in case["documents"]:
        assert f'data-kind="{doc["kind"]}"' in text
    assert "&lt;ceb:" in text or "&lt;CEB" in text  # the XML itself, escaped
    for risk in case["risks"]:
        assert risk["explanation"] in text
    assert 'id="audit-trail"' in text and "case.hand_over" in text
    kind = case["documents"][0]["kind"]
    xml = broker.get(f"/review/{case_id}/documents/{kind}.xml")
    assert xml.status_code == 200 and xml.data.startswith(b"<?xml")


def test_claim_then_approve_files_the_case(desk):
    app, api, seller, broker, cases = desk
    (case_id,) = cases(import_body(1))
    assert case_of(api, broker.auth, case_id)["status"] == "awaiting_review"
    r = _post(broker, f"/review/{case_id}/claim")
    assert r.status_code == 303 and r.headers["Location"] == f"/review/{case_id}"
    page = broker.get(f"/review/{case_id}")
    assert "You hold the claim." in page.text and 'id="release"' in page.text
    assert case_of(api, broker.auth, case_id)["claimed_by"] == broker.auth["_user_id"]
    assert _post(broker, f"/review/{case_id}/approve").status_code == 303
    assert case_of(api, broker.auth, case_id)["status"] == "approved"
    work(app)
    assert case_of(api, broker.auth, case_id)["status"] == "submitted"


def test_another_brokers_claim_is_shown_and_refused(desk, sign_in):
    app, api, seller, broker, cases = desk
    (case_id,) = cases(import_body(1))
    assert _post(broker, f"/review/{case_id}/claim").status_code == 303
    other = sign_in("broker")
    r = _post(other, f"/review/{case_id}/approve")
    assert r.status_code == 409 and broker.auth["_name"] in r.text
    assert 'id="case-summary"' in r.text  # the case page again, with the refusal
    assert case_of(api, broker.auth, case_id)["status"] == "awaiting_review"


def test_request_changes_names_fields_and_the_seller_sees_it(desk):
    app, api, seller, broker, cases = desk
    (case_id,) = cases(import_body(1))
    empty = _post(broker, f"/review/{case_id}/request-changes", reason="", fields="")
    assert empty.status_code == 422 and "reason" in empty.text
    r = _post(
        broker,
        f"/review/{case_id}/request-changes",
        reason="Describe the mug's material",
        fields="items.1.description, items.1.hs_code",
    )
    assert r.status_code == 303
    case = case_of(api, broker.auth, case_id)
    assert case["status"] == "changes_requested"
    event = case["events"][-1]
    assert event["reason"] == "Describe the mug's material"
    assert event["details"] == {"fields": ["items.1.description", "items.1.hs_code"]}


def test_reject_needs_a_reason(desk):
    app, api, seller, broker, cases = desk
    (case_id,) = cases(import_body(1))
    assert _post(broker, f"/review/{case_id}/reject").status_code == 422
    assert _post(broker, f"/review/{case_id}/reject", reason="Not ours to file").status_code == 303
    case = case_of(api, broker.auth, case_id)
    assert case["status"] == "rejected" and case["error"] == "Not ours to file"


def test_a_decision_without_the_csrf_token_is_refused(desk):
    app, api, seller, broker, cases = desk
    (case_id,) = cases(import_body(1))
    r = broker.post(f"/review/{case_id}/approve")
    assert r.status_code == 400
    assert case_of(api, broker.auth, case_id)["status"] == "awaiting_review"


NEW_DESCRIPTION = "Men's T-shirt, knitted, 100% cotton"


def test_the_amendment_shows_its_diff_before_it_is_saved(desk):
    app, api, seller, broker, cases = desk
    (case_id,) = cases(import_body(1))
    form = _form(broker.get(f"/review/{case_id}/amend").text)
    form.update({"items.0.description": NEW_DESCRIPTION, "reason": "Say the material"})
    reviewed = broker.post(f"/review/{case_id}/amend", data={**form, "action": "review"})
    assert reviewed.status_code == 200
    rows = re.findall(r'<tr data-path="([^"]+)">', reviewed.text)
    assert rows == ["items.0.description"]
    before = case_of(api, broker.auth, case_id)
    assert before["status"] == "awaiting_review" and before["version"] == 1  # nothing saved
    saved = broker.post(f"/review/{case_id}/amend", data={**_form(reviewed.text), "action": "save"})
    assert saved.status_code == 303 and saved.headers["Location"] == f"/review/{case_id}"
    after = case_of(api, broker.auth, case_id)
    amended = [e for e in after["events"] if e["action"] == "amend"][0]
    assert amended["reason"] == "Say the material"
    old = import_body(1)["items"][0]["description"]
    assert amended["details"]["diff"] == {
        "items.0.description": {"before": old, "after": NEW_DESCRIPTION}
    }
    assert after["version"] == 2


def test_the_broker_pages_speak_chinese(desk):
    app, api, seller, broker, cases = desk
    (case_id,) = cases(import_body(1))
    broker.set_cookie("silkpost_lang", "zh_Hans")
    assert "审核队列" in broker.get("/review").text
    page = broker.get(f"/review/{case_id}")
    assert "订单 IM-0001 的报关案件" in page.text and "待审核" in page.text and "认领" in page.text
