"""Example snapshots for demos, benchmarks and tests.

Why in the package: the benchmark, the embedded demo stack and the tests all need a
realistic, complete snapshot of each flow; keeping one definition here keeps them in step.
The codes are made up and carry no meaning with customs.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from declarations.snapshot import (
    BrokerRegistration,
    CustomsFiling,
    DeclarationSnapshot,
    Line,
    LogisticsOperator,
    Order,
    Party,
    Payment,
    SellerRegistration,
)


def import_snapshot(n_lines: int = 2) -> DeclarationSnapshot:
    """A CBEC direct-purchase import (9610) into China, amounts in CNY, Chinese text."""
    lines = tuple(
        Line(
            sku=f"SKU-{i:03d}",
            description="Electric toothbrush, sonic, rechargeable",
            description_local="电动牙刷",
            hs_code="8509800000",
            quantity=Decimal(1 + i % 3),
            unit="piece",
            net_weight_kg=Decimal("0.25"),
            unit_value=Decimal("149.90"),
            origin_country="JP",
            spec="声波型 充电式",
            barcode="4901234567894",
        )
        for i in range(n_lines)
    )
    goods = sum((ln.quantity * ln.unit_value for ln in lines), Decimal(0))
    freight = Decimal("20.00")
    tax = ((goods + freight) * Decimal("0.091")).quantize(Decimal("0.01"))
    return DeclarationSnapshot(
        order=Order(
            order_no="SP-IMP-0001",
            flow="import",
            regime="cbec",
            currency="CNY",
            ordered_at=datetime(2026, 3, 2, 10, 15, 0),
            item_id="RR473124829GB",
            incoterm="DDP",
            shipping_cost=freight,
            gross_weight_kg=Decimal("0.4") * n_lines + Decimal("0.2"),
            buyer_reg_no="buyer-778812",
        ),
        sender=Party(
            name="Kenji Sato",
            company="Sato Trading KK",
            street="1-2-3 Shibuya",
            city="Tokyo",
            postcode="150-0002",
            country="JP",
            phone="+81 3 1234 5678",
            email="export@sato.example",
        ),
        recipient=Party(
            name="李小宝",
            street="中关村软件园 8号楼",
            city="北京市海淀区",
            postcode="100094",
            country="CN",
            phone="13256253633",
            id_number="110108199001011234",
        ),
        lines=lines,
        quote={
            "currency": "CNY",
            "duty_total": "0.00",
            "tax_total": str(tax),
            "taxes": [
                {"kind": "vat", "base": str(goods + freight), "rate": "0.091", "amount": str(tax)}
            ],
            "total": str(tax),
        },
        seller=SellerRegistration(
            customs_code="1105910159",
            name="东方示例科技有限公司",
            dxp_id="DXPENT0000000001",
            platform_code="1101110325",
            platform_name="示例跨境平台",
        ),
        broker=BrokerRegistration(
            customs_code="1101180999", name="示例报关有限公司", dxp_id="DXPENT0000000002"
        ),
        logistics=LogisticsOperator(code="1101180326", name="示例国际快递有限公司"),
        payment=Payment(
            pay_code="1101110323",
            pay_name="示例支付有限公司",
            transaction_id="P0242250007",
            paid_at=datetime(2026, 3, 2, 10, 16, 30),
        ),
        filing=CustomsFiling(
            customs_code="0101",
            port_code="0101",
            trade_mode="9610",
            traf_mode="5",
            traf_name="CA926",
            voyage_no="CA926",
            bill_no="999-12345675",
            assure_code="1105910159",
            declared_on=date(2026, 3, 3),
            cop_no="SPINV0001",
        ),
        created_at=datetime(2026, 3, 3, 9, 0, 0),
    )


def export_snapshot(n_lines: int = 2) -> DeclarationSnapshot:
    """A CBEC export (9610) from China to a buyer in Germany, amounts in EUR."""
    lines = tuple(
        Line(
            sku=f"TS-{i:03d}",
            description="Men's cotton T-shirt, knitted",
            description_local="男式棉制针织T恤衫",
            hs_code="6109100021",
            quantity=Decimal(2),
            unit="piece",
            net_weight_kg=Decimal("0.36"),
            unit_value=Decimal("12.50"),
            origin_country="CN",
            spec="100%棉 M码",
            barcode="6901234567892",
        )
        for i in range(n_lines)
    )
    return DeclarationSnapshot(
        order=Order(
            order_no="SP-EXP-0001",
            flow="export",
            regime="cbec",
            currency="EUR",
            ordered_at=datetime(2026, 3, 2, 8, 0, 0),
            item_id="LX806576725CN",
            incoterm="DAP",
            shipping_cost=Decimal("6.90"),
            gross_weight_kg=Decimal("0.4") * n_lines + Decimal("0.1"),
            posting_office="Shenzhen IPO",
            mail_class="U",
            invoice_no="INV-2026-0001",
        ),
        sender=Party(
            name="王芳",
            company="深圳示例服饰有限公司",
            street="南山区科技园 1号",
            city="深圳市",
            state="广东省",
            postcode="518057",
            country="CN",
            phone="+86 755 1234 5678",
            email="shop@fashion.example",
            tax_id="91440300MA5EXAMPLE",
        ),
        recipient=Party(
            name="Anna Müller",
            street="Hauptstraße 5",
            city="Berlin",
            postcode="10115",
            country="DE",
            phone="+49 30 123456",
            email="anna@example.de",
            tax_id="IM2760000001",
        ),
        lines=lines,
        quote={
            "currency": "EUR",
            "duty_total": "3.00",
            "tax_total": "10.64",
            "taxes": [
                {"kind": "duty", "base": "56.90", "rate": "flat", "amount": "3.00"},
                {"kind": "vat", "base": "59.90", "rate": "0.19", "amount": "10.64"},
            ],
            "total": "13.64",
        },
        seller=SellerRegistration(
            customs_code="4403960ABC",
            name="深圳示例服饰有限公司",
            dxp_id="DXPENT0000000003",
            platform_code="4403960XYZ",
            platform_name="示例出口平台",
        ),
        broker=BrokerRegistration(
            customs_code="4403980DEF", name="深圳示例报关行", dxp_id="DXPENT0000000004"
        ),
        logistics=LogisticsOperator(code="4403180EMS", name="中国邮政速递物流股份有限公司"),
        filing=CustomsFiling(
            customs_code="5304",
            port_code="5304",
            trade_mode="9610",
            traf_mode="6",
            bill_no="CN2026030200001",
            wrap_type="2",
            pod="3040",
            statistics_flag="A",
            cop_no="SPEXP0001",
            ie_date=date(2026, 3, 3),
            declared_on=date(2026, 3, 3),
        ),
        created_at=datetime(2026, 3, 3, 9, 0, 0),
    )
