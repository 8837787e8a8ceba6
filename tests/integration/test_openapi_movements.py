"""The OpenAPI document lists what the movement flows added: the waybill list kind, a
bonded entry's transport and customs confirmation, unconfirmed stock, the registration of
who files a bonded warehouse's entries."""

import pytest


@pytest.fixture
def schemas(client):
    return client.get("/api/v1/openapi.json").json["components"]["schemas"]


def test_the_new_fields_are_documented(schemas):
    assert "waybill_list" in schemas["ExportMovementIn"]["properties"]["kind"]["enum"]
    kinds = schemas["CustomsMovementOut"]["properties"]["kind"]["enum"]
    assert {"waybill_list", "site_entry", "signed_for"} <= set(kinds)
    assert "entry_id" in schemas["CustomsMovementOut"]["properties"]
    transport = schemas["EntryTransportIn"]
    assert set(transport["required"]) == {
        "traf_no",
        "voyage_no",
        "bill_no",
        "logistics_code",
        "logistics_name",
        "packages",
    }
    assert transport["properties"]["packages"]["maxItems"] == 1000
    assert transport["properties"]["bill_no"]["maxLength"] == 37
    assert "transport" in schemas["EntryIn"]["properties"]
    customs = schemas["EntryCustomsOut"]["properties"]
    assert {"status", "confirmed", "rkd_no", "movement_id"} <= set(customs)
    assert "customs" in schemas["EntryOut"]["properties"]
    assert "unconfirmed" in schemas["StockLevelOut"]["properties"]
    warehouse = schemas["WarehouseIn"]["properties"]
    assert warehouse["customs_code"]["pattern"] == r"^\d{4}$"
    assert {"operator_code", "operator_dxp_id"} <= set(warehouse)
