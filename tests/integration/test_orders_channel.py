"""An order's transport channel (post | express) and its units, through the JSON API and
order files, and the channel the tariff engine is handed."""

import copy

import pytest
from support import BASE_EXPORT_ORDER, headers, order_rows, write_csv, write_xlsx


def _order(no: str, **changes) -> dict:
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body.update(changes, order_no=no)
    return body


@pytest.fixture
def engine_requests(monkeypatch):
    """Every QuoteRequest the quoting service builds, as it is handed to the engine."""
    from app.services import quoting

    real, seen = quoting.QuoteRequest, []

    def recording(**fields):
        seen.append(fields)
        return real(**fields)

    monkeypatch.setattr(quoting, "QuoteRequest", recording)
    return seen


@pytest.mark.parametrize("channel", ["post", "express"])
def test_the_order_channel_is_stored_and_handed_to_the_engine(
    app, client, make_user, engine_requests, channel
):
    from app.extensions import db
    from app.models import Order

    seller = make_user("seller")
    r = client.post("/api/v1/orders", json=_order("CH-1", channel=channel), headers=headers(seller))
    assert r.status_code == 201, r.json
    assert r.json["channel"] == channel
    assert db.session.get(Order, r.json["id"]).channel == channel
    assert [req["channel"] for req in engine_requests] == [channel]


def test_without_a_channel_the_engine_gets_post(client, make_user, engine_requests):
    seller = make_user("seller")
    body = _order("CH-2")
    assert "channel" not in body
    assert client.post("/api/v1/orders", json=body, headers=headers(seller)).status_code == 201
    assert [req["channel"] for req in engine_requests] == ["post"]


def test_a_quote_without_storing_uses_the_given_channel(client, make_user, engine_requests):
    seller = make_user("seller")
    client.post("/api/v1/quotes", json=_order("Q", channel="express"), headers=headers(seller))
    assert [req["channel"] for req in engine_requests] == ["express"]


def run_worker(app):
    from app.jobs.runner import make_worker

    make_worker(app, simple=True).work(burst=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_files_carry_channel_and_rec20_units(app, client, make_user, tmp_path, fmt):
    app.config["IMPORT_PROCESSES"] = 0
    seller = make_user("seller")
    express = order_rows(_order("F-EXPRESS", channel="express"))
    express[0]["unit"], express[1]["unit"] = "PCE", "KGM"
    plain = order_rows(_order("F-POST"))
    furlong = order_rows(_order("F-BAD"))
    furlong[1]["unit"] = "FURLONG"
    path = tmp_path / f"orders.{fmt}"
    (write_csv if fmt == "csv" else write_xlsx)(path, express + plain + furlong)
    with open(path, "rb") as fh:
        r = client.post(
            "/api/v1/imports",
            data={"file": (fh, path.name)},
            headers=headers(seller),
            content_type="multipart/form-data",
        )
    assert r.status_code == 202, r.json
    run_worker(app)
    batch = client.get(f"/api/v1/imports/{r.json['id']}", headers=headers(seller)).json
    assert (batch["created"], batch["failed"]) == (2, 1)
    assert [(e["row"], e["order_no"], e["field"]) for e in batch["errors"]] == [
        (7, "F-BAD", "unit")
    ]
    assert "unit 'FURLONG' is not a known unit; accepted: " in batch["errors"][0]["message"]
    listing = client.get("/api/v1/orders", headers=headers(seller)).json["items"]
    got = {o["order_no"]: (o["channel"], [i["unit"] for i in o["items"]]) for o in listing}
    assert got == {
        "F-EXPRESS": ("express", ["piece", "kg"]),
        "F-POST": ("post", ["piece", "piece"]),
    }


def test_the_order_schema_states_channel_and_units(client):
    spec = client.get("/api/v1/openapi.json").json
    order_in = spec["components"]["schemas"]["OrderIn"]["properties"]
    assert order_in["channel"]["enum"] == ["post", "express"]
    assert order_in["channel"]["default"] == "post"
    line = spec["components"]["schemas"]["Line"]["properties"]["unit"]
    assert "PCE, " in line["description"] and "KGM" in line["description"]


def test_an_order_sent_by_post_hashes_as_before_channels_existed(app):
    """Orders stored before the channel field still match their body when sent again."""
    from app.services.orders import body_hash, validate_order

    data = validate_order(copy.deepcopy(BASE_EXPORT_ORDER))
    assert data["channel"] == "post"
    before_channels = {k: v for k, v in data.items() if k != "channel"}
    assert body_hash(data) == body_hash(before_channels)
    assert body_hash(dict(data, channel="express")) != body_hash(before_channels)
