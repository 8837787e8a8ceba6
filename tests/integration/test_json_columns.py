"""JSON columns are written with orjson: the same JSON the standard library read and wrote
(what is stored reads back as before), and the same refusals."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app import json_columns
from app.extensions import db
from app.models import AuditEntry

VALUES = [
    {"kind": "ceb621", "keys": {"copNo": "SP-1", "returnStatus": "120"}},
    {"name": "深圳市示例有限公司", "emoji": "📦", "quote": "\u2019"},
    [1, 2.5, -0.1, 1e-7, 12345678901234, True, False, None, "", []],
    {"nested": {"lines": [{"qty": "2", "unit": "035"}]}, "empty": {}},
]


@pytest.mark.parametrize("value", VALUES)
def test_what_is_written_reads_back_as_the_standard_library_reads_it(value):
    text = json_columns.dumps(value)
    assert json.loads(text) == value
    assert json_columns.loads(text) == json.loads(json.dumps(value))
    assert json_columns.loads(json.dumps(value)) == value  # rows written before


def test_non_string_keys_become_strings_as_before():
    value = {7: "a", 2.5: "b", True: "c", None: "d"}
    assert json_columns.loads(json_columns.dumps(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize("value", [Decimal("1.10"), {"amount": Decimal("2")}, {1, 2}])
def test_what_json_cannot_hold_is_still_refused(value):
    with pytest.raises(TypeError):
        json.dumps(value)
    with pytest.raises(TypeError):
        json_columns.dumps(value)


def test_the_database_reads_and_writes_json_columns_with_them(app):
    after = {"name": "深圳市示例有限公司", "lines": [{"qty": "2"}]}
    with app.app_context():
        assert db.engine.dialect._json_serializer is json_columns.dumps
        assert db.engine.dialect._json_deserializer is json_columns.loads
        entry = AuditEntry(action="test.json", entity_type="order", entity_id="o-1", after=after)
        db.session.add(entry)
        db.session.commit()
        raw = db.session.execute(
            db.text("SELECT after FROM audit_log WHERE id = :id"), {"id": entry.id}
        ).scalar_one()
        db.session.expire_all()
        assert db.session.get(AuditEntry, entry.id).after == after
    if isinstance(raw, str):  # SQLite keeps the text as written (PostgreSQL's driver decodes)
        assert raw == json_columns.dumps(after)
    else:
        assert raw == after
