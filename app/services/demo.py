"""Demo accounts, registrations and orders for ``silkpost up --demo``.

Everything here is marked as demo data: the customs codes are placeholders that customs
would reject, and the signing certificate made for the demo says so in its name.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from flask import current_app

from ..auth import user_for_token
from ..errors import NotFound
from ..extensions import db
from . import orders as order_service
from . import users as user_service

DEMO_USERS = (
    ("demo-seller", "seller"),
    ("demo-broker", "broker"),
    ("demo-carrier", "carrier"),
    ("demo-admin", "admin"),
)

#: Settings the declaring paths need, used by ``up --demo`` where the environment has none.
DEMO_SETTINGS = {
    "SILKPOST_OPERATOR_CODE": "DEMO00000O",
    "SILKPOST_OPERATOR_NAME": "Demo postal operator (not registered with customs)",
    "SILKPOST_CUSTOMS_CODE": "0000",
    "SILKPOST_PORT_CODE": "0000",
    "SILKPOST_EXPORT_POD": "0000",
    "SILKPOST_BROKER_NAME": "demo-broker",
}

DEMO_PROFILES = {
    "demo-seller": {
        "customs_code": "DEMO00000S",
        "customs_name": "Demo seller (示例卖家)",
        "dxp_id": "DXPDEMO0000001",
    },
    "demo-broker": {
        "customs_code": "DEMO00000B",
        "customs_name": "Demo broker (示例报关行)",
        "dxp_id": "DXPDEMO0000002",
    },
}

_PARTY_CN = {
    "name": "王芳",
    "company": "深圳示例服饰有限公司",
    "street": "南山区科技园 1号",
    "city": "深圳市",
    "postcode": "518057",
    "country": "CN",
    "phone": "+86 755 1234 5678",
}

DEMO_ORDERS = [
    {
        "order_no": "DEMO-EXPORT-1",
        "flow": "export",
        "currency": "EUR",
        "shipping_cost": "6.90",
        "category": "sale_of_goods",
        "gross_weight_kg": "0.9",
        "ordered_at": "2026-11-20",
        "sender": _PARTY_CN,
        "recipient": {
            "name": "Anna Müller",
            "street": "Hauptstraße 5",
            "city": "Berlin",
            "postcode": "10115",
            "country": "DE",
            "email": "anna@example.de",
        },
        "items": [
            {
                "sku": "TS-01",
                "description": "Men's cotton T-shirt, knitted",
                "description_local": "男式棉制针织T恤衫",
                "hs_code": "6109100021",
                "quantity": 2,
                "net_weight_kg": "0.36",
                "unit_value": "12.50",
                "origin_country": "CN",
            }
        ],
    },
    {
        "order_no": "DEMO-IMPORT-1",
        "flow": "import",
        "regime": "cbec",
        "currency": "CNY",
        "shipping_cost": "20",
        "category": "sale_of_goods",
        "gross_weight_kg": "0.6",
        "ordered_at": "2026-11-20",
        "payment": {
            "pay_code": "DEMO00000P",
            "pay_name": "Demo payment company",
            "transaction_id": "DEMO-PAY-1",
            "paid_at": "2026-11-20T10:16:30",
        },
        "sender": {
            "name": "Kenji Sato",
            "company": "Sato Trading KK",
            "street": "1-2-3 Shibuya",
            "city": "Tokyo",
            "postcode": "150-0002",
            "country": "JP",
        },
        "recipient": {
            "name": "李小宝",
            "street": "中关村软件园 8号楼",
            "city": "北京市海淀区",
            "postcode": "100094",
            "country": "CN",
            "phone": "13256253633",
            "id_number": "110108199001011231",
        },
        "items": [
            {
                "sku": "TB-01",
                "description": "Electric toothbrush, sonic, rechargeable",
                "description_local": "电动牙刷",
                "hs_code": "8509800000",
                "quantity": 1,
                "net_weight_kg": "0.25",
                "unit_value": "300",
                "origin_country": "JP",
            }
        ],
    },
]


def tokens_file() -> Path:
    """Where ``up --demo`` keeps the demo users' plain tokens (demo data only, mode 600)."""
    return Path(current_app.config["SILKPOST_DATA_DIR"]) / "demo-tokens.json"


def seed() -> list[tuple[str, str, str]]:
    """Create the demo accounts, profiles and orders once; return (name, role, token).

    Tokens are stored hashed like any other; for the demo only, the plain tokens are also
    kept in the data dir so a restart can print them again.
    """
    path = tokens_file()
    saved: dict = json.loads(path.read_text()) if path.exists() else {}
    result = []
    for name, role in DEMO_USERS:
        token = saved.get(name)
        if not (token and user_for_token(token) is not None):
            try:
                user = user_service.find_user(name)
                token = user_service.issue_token(user, label="demo")
                db.session.commit()
            except NotFound:
                user, token = user_service.create_user(name, role)
            saved[name] = token
        result.append((name, role, token))
        user = user_service.find_user(name)
        if name in DEMO_PROFILES and user.profile is None:
            user_service.update_profile(user, DEMO_PROFILES[name])
    path.write_text(json.dumps(saved, indent=2))
    path.chmod(0o600)
    seller_user = user_service.find_user("demo-seller")
    for body in DEMO_ORDERS:
        order_service.create_order(seller_user.seller, copy.deepcopy(body), seller_user)
    return result
