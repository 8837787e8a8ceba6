"""Declarations through the API: stored snapshots, XML documents, flow checks, signing."""

import pytest
from lxml import etree
from support import REFERENCE, cbec_import_order, headers

from declarations import dxp, itmatt
from declarations.errors import SignatureError
from declarations.signing import verify

CEB_DIR = REFERENCE / "ceb-202205"
needs_reference = pytest.mark.skipif(
    not CEB_DIR.exists(), reason="shared/reference/ceb-202205 is not present"
)

SELLER_PROFILE = {
    "customs_code": "4403960ABC",
    "customs_name": "深圳示例服饰有限公司",
    "dxp_id": "DXPENT0000000003",
}


@pytest.fixture
def declaring_app(app):
    app.config.update(
        OPERATOR_CODE="4403180EMS",
        OPERATOR_NAME="示例国际快递有限公司",
        CUSTOMS_CODE="5304",
        PORT_CODE="5304",
        EXPORT_POD="3040",
        CEB_XSD_DIR=str(CEB_DIR) if CEB_DIR.exists() else None,
    )
    return app


def china_codes(body: dict) -> dict:
    """CEB messages need 8- or 10-digit China tariff codes, not 6-digit HS."""
    for item in body["items"]:
        item["hs_code"] = item["hs_code"].replace(".", "").ljust(10, "0")
    return body


def import_seller(client, make_user):
    """A seller registered with China customs for CBEC imports."""
    seller = make_user("seller")
    profile = {**SELLER_PROFILE, "customs_code": "1105910159"}
    client.put("/api/v1/profile", json=profile, headers=headers(seller))
    return seller


def make_order(client, seller, body):
    body = china_codes(body)
    r = client.post("/api/v1/orders", json=body, headers=headers(seller))
    assert r.status_code == 201, r.json
    return r.json["id"]


def test_export_order_documents(declaring_app, client, make_user, order_payload):
    seller = make_user("seller")
    client.put("/api/v1/profile", json=SELLER_PROFILE, headers=headers(seller))
    oid = make_order(client, seller, order_payload())
    base = f"/api/v1/orders/{oid}/declarations"

    listing = client.get(base, headers=headers(seller)).json
    kinds = ["itmatt", "ceb303", "ceb403", "ceb505", "ceb603", "ceb605", "ceb213"]
    assert [d["kind"] for d in listing["documents"]] == kinds
    assert listing["declaration"] is None

    r = client.get(f"{base}/itmatt", headers=headers(seller))
    assert r.status_code == 200 and r.mimetype == "application/xml"
    itmatt.schema().assertValid(etree.fromstring(r.data))
    again = client.get(f"{base}/itmatt", headers=headers(seller))
    assert again.data == r.data and again.headers["ETag"] == r.headers["ETag"]

    for kind in ("ceb303", "ceb603"):
        r = client.get(f"{base}/{kind}", headers=headers(seller))
        assert r.status_code == 200, r.json
        root = etree.fromstring(r.data)
        assert root.tag == f"{{http://www.chinaport.gov.cn/ceb}}CEB{kind[3:]}Message"
        assert "SO-1001" in r.data.decode()

    wrong = client.get(f"{base}/ceb311", headers=headers(seller))
    assert wrong.status_code == 409
    assert "import" in wrong.json["message"] and wrong.json["errors"]["kind"]
    unknown = client.get(f"{base}/ceb999", headers=headers(seller))
    assert unknown.status_code == 404

    listing = client.get(base, headers=headers(seller)).json
    assert listing["declaration"]["version"] == 1
    fetched = ("itmatt", "ceb303", "ceb603")
    assert all(d["stored"] for d in listing["documents"] if d["kind"] in fetched)


def test_missing_registration_is_a_409_naming_it(declaring_app, client, make_user, order_payload):
    seller = make_user("seller")
    oid = make_order(client, seller, order_payload())
    r = client.get(f"/api/v1/orders/{oid}/declarations/ceb303", headers=headers(seller))
    assert r.status_code == 409
    assert any("ebcCode" in p or "customs" in p.lower() for p in r.json["errors"]["problems"])
    # a new snapshot version after the profile is complete makes it work; old docs kept
    client.put("/api/v1/profile", json=SELLER_PROFILE, headers=headers(seller))
    r = client.post(f"/api/v1/orders/{oid}/declarations", headers=headers(seller))
    assert r.status_code == 201 and r.json["declaration"]["version"] == 2
    r = client.get(f"/api/v1/orders/{oid}/declarations/ceb303", headers=headers(seller))
    assert r.status_code == 200


@needs_reference
def test_cbec_import_set_is_valid_and_inventory_signed(declaring_app, client, make_user):
    seller = import_seller(client, make_user)
    body = cbec_import_order(
        payment={
            "pay_code": "1101110323",
            "pay_name": "示例支付有限公司",
            "transaction_id": "P0242250007",
            "paid_at": "2026-11-20T10:16:30",
        },
    )
    body["items"][0]["description_local"] = "男士纯棉针织T恤"
    oid = make_order(client, seller, body)
    base = f"/api/v1/orders/{oid}/declarations"
    docs = {}
    for kind in ("ceb311", "ceb411", "ceb511", "ceb621", "itmatt"):
        r = client.get(f"{base}/{kind}", headers=headers(seller))
        assert r.status_code == 200, (kind, r.json)
        docs[kind] = r.data
    assert "王小明" in docs["ceb311"].decode()
    assert "男士纯棉针织T恤" in docs["ceb621"].decode()
    verified = verify(docs["ceb621"])
    assert "DEMO" in verified.certificate.subject.rfc4514_string()
    tampered = docs["ceb621"].replace("王小明".encode(), "王大明".encode())
    with pytest.raises(SignatureError):
        verify(tampered)
    assert client.get(f"{base}/ceb303", headers=headers(seller)).status_code == 409
    # the same signed inventory, wrapped for the E-Port transfer client
    r = client.get(f"{base}/ceb621?envelope=dxp", headers=headers(seller))
    assert r.status_code == 200, r.json
    envelope = dxp.unwrap(r.data)
    assert envelope.data == docs["ceb621"] and envelope.msg_type.startswith("CEB621")
    assert client.get(f"{base}/itmatt?envelope=dxp", headers=headers(seller)).status_code == 409


def test_import_without_payment_cannot_make_ceb411(declaring_app, client, make_user):
    seller = import_seller(client, make_user)
    oid = make_order(client, seller, cbec_import_order())
    r = client.get(f"/api/v1/orders/{oid}/declarations/ceb411", headers=headers(seller))
    assert r.status_code == 409 and r.json["errors"]["problems"]


def test_declarations_follow_tenant_walls(declaring_app, client, make_user, order_payload):
    a, b, carrier = make_user("seller"), make_user("seller"), make_user("carrier")
    oid = make_order(client, a, order_payload())
    assert client.get(f"/api/v1/orders/{oid}/declarations", headers=headers(b)).status_code == 404
    r = client.get(f"/api/v1/orders/{oid}/declarations/itmatt", headers=headers(carrier))
    assert r.status_code == 200
