"""Receptacles: released export parcels closed into a receptacle with an S9 id and weight;
every refusal in the one envelope with field paths, nothing stored by a refused request."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from posts_support import export_orders, receptacle, release
from support import cbec_import_order, headers


@pytest.fixture
def people(make_user):
    return {role: make_user(role) for role in ("seller", "broker", "carrier", "admin")}


@pytest.fixture
def released(app, client, people):
    orders = export_orders(app, people["seller"], 6)
    release(client, people["broker"], orders)
    return orders


def _count(model) -> int:
    from app.extensions import db

    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_receptacle_gets_its_s9_id_and_weight(client, people, released):
    ids = [o["parcel_id"] for o in released[:3]]
    r = receptacle(client, people["carrier"], ids, tare_kg="0.2", gross_weight_kg="3.83")
    assert r.status_code == 201, r.json
    body = r.json
    year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    assert body["s9_id"] == f"CNDGGALTVNOACCC{year % 10}0001001000038"
    assert body["s9_grouped"] == f"CNDGGA LTVNOA C CC {year % 10} 0001 001 0 0 0038"
    assert (body["gross_weight_kg"], body["contents_weight_kg"], body["tare_kg"]) == (
        "3.83",
        "3.6",
        "0.2",
    )
    assert (body["status"], body["final"], body["mail_class"], body["year"]) == (
        "open",
        False,
        "C",
        year,
    )
    assert [p["item_id"] for p in body["parcels"]] == [o["item_id"] for o in released[:3]]
    assert body["label_url"] is None  # the id is final when the despatch closes
    second = receptacle(client, people["carrier"], [released[3]["parcel_id"]], registered=True)
    assert second.json["s9_id"] == f"CNDGGALTVNOACCC{year % 10}0001002010012"  # joins 0001
    got = client.get(f"/api/v1/receptacles/{body['id']}", headers=headers(people["admin"]))
    assert got.status_code == 200 and got.json["s9_id"] == body["s9_id"]


def test_a_parcel_not_released_for_export_is_refused(app, client, people, released):
    from app.models import Receptacle

    declared = export_orders(app, people["seller"], 1, prefix="HOLD")
    ids = [released[0]["parcel_id"], declared[0]["parcel_id"]]
    r = receptacle(client, people["carrier"], ids)
    assert r.status_code == 409
    assert r.json["errors"] == {
        "parcel_ids.1": ["order HOLD-0000 is received, not released for export"]
    }
    assert _count(Receptacle) == 0


def test_an_import_or_express_parcel_is_refused(app, client, people, released):
    from app.services import orders as order_service

    express = export_orders(app, people["seller"], 1, prefix="EXP", channel="express")
    release(client, people["broker"], express)
    from app.extensions import db
    from app.models import Seller

    seller = db.session.execute(db.select(Seller)).scalars().first()
    imported, _ = order_service.create_order(
        seller, cbec_import_order(), db.session.get(type(seller.user), seller.user_id)
    )
    ids = [express[0]["parcel_id"], imported.parcels[0].id]
    r = receptacle(client, people["carrier"], ids)
    assert r.status_code == 409
    assert r.json["errors"] == {
        "parcel_ids.0": ["order EXP-0000 travels by express, not by post"],
        "parcel_ids.1": ["order IM-1 is an import, not an export"],
    }


def test_a_parcel_already_in_a_receptacle_is_refused(client, people, released):
    first = receptacle(client, people["carrier"], [released[0]["parcel_id"]])
    assert first.status_code == 201
    again = receptacle(
        client, people["carrier"], [released[1]["parcel_id"], released[0]["parcel_id"]]
    )
    assert again.status_code == 409
    item = released[0]["item_id"]
    assert again.json["errors"] == {
        "parcel_ids.1": [f"{item} is already in receptacle {first.json['s9_id']}"]
    }


def test_unknown_and_repeated_parcels_are_refused_by_position(client, people, released):
    pid = released[0]["parcel_id"]
    twice = receptacle(client, people["carrier"], [pid, pid])
    assert twice.status_code == 422 and twice.json["errors"] == {"parcel_ids.1": ["listed twice"]}
    unknown = receptacle(client, people["carrier"], [pid, "no-such-parcel"])
    assert unknown.status_code == 422
    assert unknown.json["errors"] == {"parcel_ids.1": ["no such parcel"]}
    empty = receptacle(client, people["carrier"], [])
    assert empty.status_code == 422 and set(empty.json["errors"]) == {"parcel_ids"}


def test_a_weight_that_does_not_add_up_is_refused(client, people, released):
    ids = [o["parcel_id"] for o in released[:3]]  # 3 x 1.2 kg
    r = receptacle(client, people["carrier"], ids, tare_kg="0.2", gross_weight_kg="3.95")
    assert r.status_code == 422
    assert r.json["errors"] == {
        "gross_weight_kg": [
            "3.95 kg declared, but the parcels weigh 3.6 kg and the empty receptacle "
            "0.2 kg: 3.8 kg, more than 0.1 kg apart"
        ]
    }
    within = receptacle(client, people["carrier"], ids, tare_kg="0.2", gross_weight_kg="3.9")
    assert within.status_code == 201, within.json


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"origin_office": "CNDGG"}, "origin_office"),
        ({"origin_office": "XXABCA"}, "origin_office"),
        ({"destination_office": "CNDGGA"}, "destination_office"),
        ({"mail_category": "E"}, "mail_category"),
        ({"mail_subclass": "ZZ"}, "mail_subclass"),
        ({"gross_weight_kg": "-1"}, "gross_weight_kg"),
        ({"gross_weight_kg": "1.2345"}, "gross_weight_kg"),
        ({"tare_kg": "abc"}, "tare_kg"),
        ({"registered": "perhaps"}, "registered"),
        ({"nickname": "bag 1"}, "nickname"),
    ],
)
def test_bad_fields_are_refused_by_path(client, people, released, change, field):
    r = receptacle(client, people["carrier"], [released[0]["parcel_id"]], **change)
    assert r.status_code == 422, r.json
    assert set(r.json["errors"]) == {field}


def test_only_carriers_and_admins_make_or_see_receptacles(client, people, released):
    made = receptacle(client, people["admin"], [released[0]["parcel_id"]])
    assert made.status_code == 201
    for role in ("seller", "broker"):
        auth = people[role]
        assert receptacle(client, auth, [released[1]["parcel_id"]]).status_code == 403
        url = f"/api/v1/receptacles/{made.json['id']}"
        assert client.get(url, headers=headers(auth)).status_code == 403
        assert client.get(f"{url}/label.pdf", headers=headers(auth)).status_code == 403
