"""Imports stream the file: orders leave the reader as soon as their rows are complete,
validation runs a bounded window ahead, and an interrupted import resumes exactly."""

import copy

import pytest
from intake_support import run_worker, upload
from support import BASE_EXPORT_ORDER, headers, order_rows, write_csv

from app.extensions import db
from app.models import Order
from app.services import import_validation, imports, order_files


def _order(no: str, **changes) -> dict:
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body.update(order_no=no, **changes)
    return body


def _csv(tmp_path, orders: int):
    path = tmp_path / "orders.csv"
    write_csv(path, [r for n in range(orders) for r in order_rows(_order(f"S-{n:04d}"))])
    return path


class CountingFile(order_files.OrderFile):
    """Counts the rows the reader has taken from the file."""

    read = 0

    def rows(self):
        for row in super().rows():
            self.read += 1
            yield row


def test_orders_leave_the_reader_before_the_file_is_read(tmp_path):
    path = _csv(tmp_path, 1000)  # 2000 data rows
    with CountingFile(path, "csv") as source:
        index = order_files.scan(source)
        assert (index.total, index.orders) == (2000, 1000)
        source.read = 0
        chunks = order_files.chunked(order_files.iter_groups(source, index), 10)
        first = next(chunks)
        assert [g.order_no for g in first] == [f"S-{n:04d}" for n in range(10)]
        assert source.read <= 2 * 10 + 1  # the header and the first ten orders' rows
        assert sum(len(c) for c in chunks) == 990


def test_validation_takes_chunks_only_a_window_ahead(tmp_path):
    path = _csv(tmp_path, 40)
    with order_files.OrderFile(path, "csv") as source:
        index = order_files.scan(source)
        groups = list(order_files.iter_groups(source, index))
    pulled = []

    def chunks():
        for n in range(0, len(groups), 2):
            pulled.append(n)
            yield groups[n : n + 2]

    results = import_validation.validated_chunks(chunks(), ("CN",), processes=1)
    first = next(results)
    assert [c.group.order_no for c in first] == ["S-0000", "S-0001"]
    assert len(pulled) <= 3  # two in flight per helper, then one more as the first is taken
    rest = list(results)
    assert len(rest) == 19 and all(c.data is not None for chunk in rest for c in chunk)


def test_rows_of_an_order_may_be_apart_in_the_file(app, client, make_user, tmp_path):
    seller = make_user("seller")
    a, b = order_rows(_order("A")), order_rows(_order("B"))
    c = order_rows(_order("C"))
    c[1]["currency"] = "EUR"  # contradicts C's first row, four rows earlier
    rows = [a[0], b[0], c[0], b[1], a[1], c[1]]  # spreadsheet rows 2..7
    path = tmp_path / "apart.csv"
    write_csv(path, rows)
    r = upload(client, seller, path)
    run_worker(app)
    got = client.get(f"/api/v1/imports/{r.json['id']}", headers=headers(seller)).json
    assert (got["total_rows"], got["created"], got["failed"]) == (6, 2, 1)
    assert [(e["row"], e["order_no"], e["field"]) for e in got["errors"]] == [(7, "C", "currency")]
    listing = client.get("/api/v1/orders?per_page=10", headers=headers(seller)).json["items"]
    skus = {o["order_no"]: [i["sku"] for i in o["items"]] for o in listing}
    assert skus == {"A": ["TS-RED-M", "MUG-01"], "B": ["TS-RED-M", "MUG-01"]}


@pytest.mark.parametrize("processes", [0, 1])
def test_an_interrupted_import_resumes_after_its_last_chunk(app, make_user, tmp_path, processes):
    app.config.update(IMPORT_CHUNK_ORDERS=3, IMPORT_PROCESSES=processes)
    make_user("seller", name="resumer")
    from app.services import users

    seller = users.find_seller("resumer")
    batch = imports.create_batch(seller, "orders.csv", _csv(tmp_path, 20).read_bytes(), None)

    def stop_after_two_chunks(b):
        if b.next_chunk == 2:
            raise RuntimeError("worker lost")

    with pytest.raises(RuntimeError):
        imports.process_batch(batch.id, progress=stop_after_two_chunks)
    db.session.expire_all()
    assert (batch.status, batch.next_chunk, batch.created) == ("running", 2, 6)
    done = imports.process_batch(batch.id)
    assert (done.status, done.created, done.duplicates, done.failed) == ("done", 20, 0, 0)
    assert (done.total_rows, done.processed_rows) == (40, 40)
    numbers = db.session.execute(db.select(Order.order_no)).scalars().all()
    assert sorted(numbers) == [f"S-{n:04d}" for n in range(20)]


def test_chunks_are_cut_by_rows_as_well_as_by_orders():
    lines = [1, 5, 1, 1, 6, 1]
    groups = [order_files.OrderGroup(str(n), rows=list(range(k))) for n, k in enumerate(lines)]
    chunks = order_files.chunked(iter(groups), 3, max_rows=6)
    assert [[g.order_no for g in chunk] for chunk in chunks] == [["0", "1"], ["2", "3", "4"], ["5"]]
