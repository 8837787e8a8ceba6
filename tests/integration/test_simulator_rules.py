"""The customs simulator's decisions, one rule at a time: each filing is built by the real
builders, signed with the demo signer and wrapped as the gateway wraps it; each refusal
carries its code from app.gateway.simulator.codes.

The simulator uses no database of the service, so these tests are not repeated against
PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from integration.test_simulator_kit import (
    ACCEPTED,
    SIMULATOR_TESTS,
    T0,
    customs,
    declared,
    envelope,
    export_order,
    filing_set,
    import_order,
    other_buyer,
    other_consignee,
    other_signer,
    replace,
)

from app.gateway.simulator import codes
from declarations import dxp
from declarations.ceb import receipts

pytestmark = SIMULATOR_TESTS


def replace_line(line, **changes):
    return dataclasses.replace(line, **changes)


def code(rule: str) -> str:
    return codes.REJECTIONS[rule].code


def test_an_import_set_is_accepted_along_the_whole_path(tmp_path):
    c = customs(tmp_path)
    c.send(filing_set(import_order(1)))
    assert c.statuses("CEB312") == ["2", "120"]
    assert c.statuses("CEB412") == ["2", "120"]
    assert c.statuses("CEB512") == ["2", "120"]
    assert c.statuses("CEB622") == ACCEPTED
    inventory = [s for s in c.got if s.msg_type == "CEB622"]
    assert [s.due - T0 for s in inventory] == [timedelta(seconds=k) for k in range(1, 6)]
    # the receipts go to whoever filed: the order to the seller, the inventory to the broker
    assert {s.receiver for s in c.got if s.msg_type == "CEB312"} == {"DXPENT0000000001"}
    assert {s.receiver for s in inventory} == {"DXPENT0000000002"}
    assert inventory[-1].node["returnTime"] == "20260303090005000"  # China time
    assert len(inventory[0].node["preNo"]) == 18 and inventory[0].node["invtNo"][8] == "I"


def test_an_export_set_is_accepted_along_the_whole_path(tmp_path):
    c = customs(tmp_path)
    c.send(filing_set(export_order(1)))
    assert [c.statuses(r) for r in ("CEB304", "CEB404", "CEB506")] == [["2", "120"]] * 3
    assert c.statuses("CEB604") == ACCEPTED
    (node,) = [s.node for s in c.got if s.msg_type == "CEB604"][:1]
    assert node["invtNo"].startswith("53042026E") and node["statisticsFlag"] == "A"


def test_unreadable_messages_get_a_format_error_receipt(tmp_path):
    c = customs(tmp_path)
    name, env = envelope("ceb311", import_order(1))
    message = dxp.unwrap(env)
    broken = message.data.replace(b"<ceb:orderType>I<", b"<ceb:orderType>II<")
    bad = dxp.wrap(broken, sender_id=message.sender_id, created=message.created, cop_msg_id="M1")
    (receipt,) = c.send(("bad.xml", bad))
    assert receipt.msg_type == "CEB900" and receipt.node["returnStatus"] == codes.FORMAT_STATUS
    assert receipt.node["oriCopMsgId"] == "M1" and "orderType" in receipt.node["returnInfo"]
    assert receipt.receiver == message.sender_id
    (junk,) = c.send(("junk.xml", b"<not-a-dxp/>"))
    assert junk.node["oriMessageType"] == "Unknown" and junk.node["oriBizMessage"] == "junk.xml"
    assert c.send(("junk.xml", b"<not-a-dxp/>")) == [], "answered once"


def test_a_file_taken_twice_is_answered_once(tmp_path):
    c = customs(tmp_path)
    sent = filing_set(import_order(1))
    first = c.send(sent)
    assert first and c.send(sent) == []


def test_signatures_must_verify_and_the_inventory_must_be_signed(tmp_path):
    c = customs(tmp_path, schema_dir=None)  # the schema would already refuse an unsigned one
    snap = import_order(1)
    c.send(filing_set(snap)[:3])
    name, env = envelope("ceb621", snap)
    message = dxp.unwrap(env)
    tampered = message.data.replace("李小宝".encode(), "李大宝".encode())
    wrap = {"sender_id": "DXPENT0000000002", "created": message.created}
    c.send((name, dxp.wrap(tampered, cop_msg_id="T1", **wrap)))
    (info,) = c.info("CEB622")
    assert info.startswith(f"{code('signature')} 验签失败: digest mismatch")
    unsigned = message.data.split(b"<ds:Signature")[0] + b"</ceb:CEB621Message>"
    c.send(("u.xml", dxp.wrap(unsigned, cop_msg_id="U1", **wrap)))
    assert (
        c.info("CEB622")[1]
        == f"{code('signature')} 验签失败: CEB621 must be signed by the declarer"
    )


def test_a_declarer_signs_with_its_own_certificate(tmp_path):
    c = customs(tmp_path)
    c.send(filing_set(import_order(1)))  # the broker's first signature: its certificate
    c.send(filing_set(import_order(2))[:3])
    c.send(envelope("ceb621", import_order(2), signer=other_signer()))
    assert c.statuses("CEB622", "SPINV0001") == ACCEPTED
    assert c.statuses("CEB622", "SPINV0002") == ["100"]
    assert c.info("CEB622")[0].startswith(f"{code('signer')} 申报企业与签名证书不一致")


def test_registered_certificates_are_the_only_ones_accepted(tmp_path):
    from app.gateway.simulator.messages import fingerprint

    mine = fingerprint(other_signer().certificate)
    c = customs(tmp_path, signers={"1101180999": frozenset({mine})})
    c.send(filing_set(import_order(1)))
    assert c.statuses("CEB622") == ["100"]
    c.send(filing_set(import_order(2))[:3])
    c.send(envelope("ceb621", import_order(2), signer=other_signer()))
    assert c.statuses("CEB622", "SPINV0002") == ACCEPTED


@pytest.mark.parametrize(
    ("kind", "receipt", "rule"),
    [
        ("ceb311", "CEB312", "order_exists"),
        ("ceb411", "CEB412", "duplicate"),
        ("ceb511", "CEB512", "waybill_exists"),
        ("ceb621", "CEB622", "inventory_declared"),
        ("ceb303", "CEB304", "order_exists"),
        ("ceb403", "CEB404", "duplicate"),
        ("ceb505", "CEB506", "waybill_exists"),
        ("ceb603", "CEB604", "inventory_declared"),
    ],
)
def test_filing_a_document_new_twice_is_refused(tmp_path, kind, receipt, rule):
    c = customs(tmp_path)
    snap = import_order(1) if kind in ("ceb311", "ceb411", "ceb511", "ceb621") else export_order(1)
    c.send(filing_set(snap))
    c.send(envelope(kind, snap, version=2), at=30)
    assert c.statuses(receipt)[-1] == "100"
    assert c.info(receipt)[0].startswith(f"{code(rule)} ")


def test_a_change_replaces_a_document(tmp_path):
    c = customs(tmp_path)
    snap = import_order(1)
    c.send(filing_set(snap)[:1])
    c.send(envelope("ceb311", snap, app_type="2", version=2), at=5)
    assert c.statuses("CEB312") == ["2", "120", "2", "120"]


def test_a_refused_inventory_is_accepted_as_a_change_and_only_then(tmp_path):
    c = customs(tmp_path)
    snap = import_order(1)
    c.send(filing_set(other_consignee(snap))[:1] + filing_set(snap)[1:])
    assert c.statuses("CEB622") == ["2", "100"]
    assert "consigneeTelephone differs between order and waybill" in c.info("CEB622")[0]
    c.send(envelope("ceb311", snap, app_type="2", version=2), at=10)
    c.send(envelope("ceb621", snap, app_type="2", version=2), at=10)
    assert c.statuses("CEB622") == ["2", "100", *ACCEPTED]
    c.send(envelope("ceb621", snap, app_type="2", version=3), at=20)
    assert c.statuses("CEB622")[-1] == "100"
    assert c.info("CEB622")[-1].startswith(f"{code('inventory_declared')} 清单已申报")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda s: replace(s, "order", shipping_cost=s.order.shipping_cost + 1), "amountPaid"),
        (other_buyer, "buyerIdNumber differs between order and inventory"),
    ],
)
def test_three_document_mismatches_are_refused(tmp_path, change, problem):
    c = customs(tmp_path)
    snap = import_order(1)
    order, payment, waybill, inventory = filing_set(snap)
    if problem == "amountPaid":
        payment = envelope("ceb411", change(snap))
    else:
        inventory = envelope("ceb621", change(snap))
    c.send([order, payment, waybill, inventory])
    assert c.statuses("CEB622") == ["2", "100"]
    (info,) = c.info("CEB622")
    assert info.startswith(f"{code('mismatch')} 单证信息不一致: ") and problem in info


def test_order_and_inventory_lines_must_agree(tmp_path):
    c = customs(tmp_path)
    snap = import_order(1, lines=2)
    fewer = snap.with_changes(lines=snap.lines[:1])
    c.send(filing_set(fewer)[:3] + [envelope("ceb621", snap)])
    assert "inventory line 2 is not on the order" in c.info("CEB622")[0]


def test_the_single_order_limit_spares_a_single_item(tmp_path):
    c = customs(tmp_path)
    c.send(filing_set(import_order(1, price="2600", lines=2)))  # 2 lines, 5,220 CNY
    c.send(filing_set(import_order(2, price="5200", lines=1)))  # one piece of 5,200 CNY
    assert c.statuses("CEB622", "SPINV0001") == ["2", "100"]
    assert c.info("CEB622")[0].startswith(f"{code('order_limit')} 超过单次交易限值: order")
    assert c.statuses("CEB622", "SPINV0002") == ACCEPTED


def test_the_annual_quota_counts_accepted_inventories_and_gives_back_cancelled_ones(tmp_path):
    c = customs(tmp_path, delay_seconds=10)
    buyer = "110108199001011231"
    big = [import_order(n, price="2400", lines=1, buyer=buyer) for n in range(1, 12)]
    for n, snap in enumerate(big):  # 11 orders of 2,420 CNY: 26,620 > 26,000
        c.send(filing_set(snap), at=n)
    assert [c.statuses("CEB622", f"SPINV{n:04d}")[-1] for n in range(1, 12)] == ["899"] * 10 + [
        "100"
    ]
    assert "buyer used 24200 + order 2420 > 26000 CNY" in c.info("CEB622")[0]
    # cancelling one accepted before release gives its amount back
    invt_no = next(s.node["invtNo"] for s in c.got if s.node.get("copNo") == "SPINV0010")
    c.send(envelope("ceb623", declared(big[9], invt_no), reason="买家取消"), at=11)
    assert c.statuses("CEB624") == ["2", "120", "399"]
    c.send(envelope("ceb621", big[10], app_type="2", version=2), at=12)
    assert c.statuses("CEB622", "SPINV0011")[-1] == "899"


def test_an_inventory_waits_for_its_documents_in_any_order(tmp_path):
    snap = import_order(1)
    order, payment, waybill, inventory = filing_set(snap)
    c = customs(tmp_path)
    c.send(inventory)
    assert c.statuses("CEB622") == ["2"]
    c.send([waybill, payment], at=2)
    assert c.statuses("CEB622") == ["2"]
    c.send(order, at=4)
    assert c.statuses("CEB622") == ACCEPTED
    first_customs = [s for s in c.got if s.msg_type == "CEB622"][1]
    assert first_customs.due == T0 + timedelta(seconds=5), "decided when the last one came"


def test_an_inventory_whose_documents_never_come_is_refused_after_the_wait(tmp_path):
    c = customs(tmp_path, match_wait_seconds=10)
    snap = import_order(1)
    c.send(filing_set(snap)[1:])
    assert c.expire(9) == []
    (refused,) = c.expire(10)
    assert refused.node["returnStatus"] == "100"
    assert (
        refused.node["returnInfo"]
        == f"{code('no_match')} 未收到对应的订单、支付单或运单: order 1101110325|SP-IMP-0001"
    )


def test_review_inspection_and_random_refusal_follow_their_rates(tmp_path):
    c = customs(tmp_path / "a", manual_review_rate=1, inspection_rate=1)
    c.send(filing_set(import_order(1)))
    assert c.statuses("CEB622") == ["2", "120", "300", "500", "399", "800", "899"]
    r = customs(tmp_path / "b", manual_review_rate=1, reject_rate=1)
    r.send(filing_set(export_order(1)))
    assert r.statuses("CEB604") == ["2", "120", "300", "100"]
    assert r.info("CEB604") == [codes.REJECTIONS["random"].info()]


def _outcomes(c) -> dict[str, tuple[str, ...]]:
    keys = {s.node["copNo"] for s in c.got if s.msg_type == "CEB622"}
    return {k: tuple(c.statuses("CEB622", k)) for k in sorted(keys)}


def test_outcomes_depend_on_the_seed_and_the_filing_not_on_arrival(tmp_path):
    rates = {"manual_review_rate": 0.4, "inspection_rate": 0.3, "reject_rate": 0.2}
    sets = [filing_set(import_order(n)) for n in range(1, 21)]
    forward = customs(tmp_path / "f", **rates)
    for n, s in enumerate(sets):
        forward.send(s, at=n)
    backward = customs(tmp_path / "b", **rates)
    for n, s in enumerate(reversed(sets)):
        backward.send(list(reversed(s)), at=3 * n)
    other_seed = customs(tmp_path / "o", seed=8, **rates)
    for s in sets:
        other_seed.send(s)
    assert _outcomes(forward) == _outcomes(backward)
    assert len(set(_outcomes(forward).values())) > 2, "the rates produce different paths"
    assert _outcomes(forward) != _outcomes(other_seed)


def _invt_no(c, cop_no: str) -> str:
    return next(s.node["invtNo"] for s in c.got if s.node.get("copNo") == cop_no)


def test_a_cancel_before_release_stops_the_inventory(tmp_path):
    c = customs(tmp_path)
    snap = import_order(1)
    c.send(filing_set(snap))
    invt_no = _invt_no(c, "SPINV0001")
    c.send(envelope("ceb623", declared(snap, invt_no), reason="买家取消订单"), at=2.5)
    assert c.statuses("CEB624") == ["2", "120", "399"]
    files = c.sim.due(T0 + timedelta(hours=1))
    written = [receipts.parse(dxp.unwrap(f.content).data) for f in files]
    inventory = sorted(
        (e.time, e.status) for events in written for e in events if e.kind == "inventory"
    )
    assert [status for _, status in inventory] == ["2", "120"], "the release never comes"


def test_a_cancel_after_release_or_of_an_unknown_inventory_is_refused(tmp_path):
    c = customs(tmp_path)
    snap = import_order(1)
    c.send(filing_set(snap))
    invt_no = _invt_no(c, "SPINV0001")
    c.send(envelope("ceb623", declared(snap, invt_no), reason="r"), at=4)  # 800 came at 4 s
    c.send(envelope("ceb623", declared(import_order(2), "0101" + "9" * 14), reason="r"), at=5)
    assert c.statuses("CEB624") == ["100", "100"]
    released, unknown = c.info("CEB624")
    state = f"inventory {invt_no} is accepted, last status 800"
    assert released == f"{code('cancel_state')} 清单状态不允许撤销: {state}"
    assert "is not one customs issued for this order" in unknown


def test_an_export_cancel_names_the_inventory_by_its_number(tmp_path):
    c = customs(tmp_path)
    snap = export_order(1)
    c.send(filing_set(snap))
    invt_no = _invt_no(c, "SPEXP0001")
    c.send(envelope("ceb605", declared(snap, invt_no), reason="买家取消"), at=1.5)
    assert c.statuses("CEB606") == ["2", "120", "399"]
    c.send(envelope("ceb605", declared(snap, invt_no), reason="again", version=2), at=2)
    (again,) = c.info("CEB606")
    assert again.startswith(f"{code('cancel_state')} ") and "is cancelled" in again


def test_a_return_needs_a_released_inventory_and_its_lines(tmp_path):
    c = customs(tmp_path)
    snap = import_order(1)
    c.send(filing_set(snap))
    invt_no = _invt_no(c, "SPINV0001")
    early = envelope("ceb625", declared(snap, invt_no), reason="质量问题")
    c.send(early, at=1)
    assert c.info("CEB626")[0].startswith(f"{code('return_state')} 清单状态不允许退货")
    more = snap.with_changes(lines=(replace_line(snap.lines[0], quantity=5), snap.lines[1]))
    c.send(envelope("ceb625", declared(more, invt_no), reason="质量问题", version=2), at=9)
    assert "line 1 returns 5, more than 1" in c.info("CEB626")[1]
    late = envelope("ceb625", declared(snap, invt_no), reason="质量问题", version=3)
    c.send(late, at=10)
    assert c.statuses("CEB626") == ["100", "100", "2", "120", "399"]
    assert c.statuses("CEB622") == [*ACCEPTED, "700"]
