"""A 10,000-row import processed by a real worker process, with progress visible."""

import copy
import os
import subprocess
import sys
import time

import pytest
from support import BASE_EXPORT_ORDER, headers, order_rows, write_csv

pytestmark = pytest.mark.slow


def test_ten_thousand_rows_on_a_real_worker(app, client, make_user, tmp_path, database_url):
    seller = make_user("seller")
    rows = []
    for n in range(5000):
        body = copy.deepcopy(BASE_EXPORT_ORDER)
        body["order_no"] = f"BIG-{n:05d}"
        rows.extend(order_rows(body))
    assert len(rows) == 10_000
    path = tmp_path / "big.csv"
    write_csv(path, rows)
    with open(path, "rb") as fh:
        r = client.post(
            "/api/v1/imports",
            data={"file": (fh, "big.csv")},
            headers=headers(seller),
            content_type="multipart/form-data",
        )
    assert r.status_code == 202
    batch_id = r.json["id"]

    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=app.config["REDIS_URL"],
        SILKPOST_DATA_DIR=app.config["SILKPOST_DATA_DIR"],
        SILKPOST_IMPORT_CHUNK_ORDERS="250",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", "--burst", "--without-scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            b = client.get(f"/api/v1/imports/{batch_id}", headers=headers(seller)).json
            seen.append((b["status"], b["processed_rows"]))
            if b["status"] in ("done", "failed"):
                break
            time.sleep(0.05)
        out, _ = worker.communicate(timeout=120)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, out
    assert b["status"] == "done", b
    assert (b["total_rows"], b["processed_rows"]) == (10_000, 10_000)
    assert (b["created"], b["duplicates"], b["failed"], b["errors"]) == (5000, 0, 0, [])
    partial = [n for status, n in seen if status == "running" and 0 < n < 10_000]
    assert partial, f"no intermediate progress observed: {seen[:5]} … {seen[-5:]}"
    assert partial == sorted(partial)
    listing = client.get("/api/v1/orders?per_page=1", headers=headers(seller)).json
    assert listing["total"] == 5000
