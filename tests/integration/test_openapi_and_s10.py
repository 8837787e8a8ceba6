"""The OpenAPI document is valid; S10 numbering never repeats across processes."""

import os
import subprocess
import sys

from openapi_spec_validator import validate

from declarations import s10


def test_openapi_document_is_valid(client):
    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    post = spec["paths"]["/api/v1/orders"]["post"]
    assert {"200", "201"} <= set(post["responses"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


ALLOCATE = """
import sys
from app import create_app
from app.extensions import db
from app.services import s10_numbers
app = create_app()
with app.app_context():
    for _ in range(int(sys.argv[1])):
        ids = s10_numbers.allocate(5)
        db.session.commit()
        print("\\n".join(ids), flush=True)
"""


def test_s10_counter_is_unique_across_processes_and_restarts(app, database_url):
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        SILKPOST_DATA_DIR=app.config["SILKPOST_DATA_DIR"],
        SILKPOST_S10_RANGES="EA:CN:00000100-99999999",
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ALLOCATE, "30"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    ids = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        ids += out.split()
    # a "restart": a new process continues after the others
    out = subprocess.run(
        [sys.executable, "-c", ALLOCATE, "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    ids += out
    assert len(ids) == 3 * 30 * 5 + 10
    assert len(set(ids)) == len(ids)
    assert all(s10.is_valid(i) and i.startswith("EA") for i in ids)
    serials = sorted(int(i[2:10]) for i in ids)
    assert serials == list(range(100, 100 + len(ids)))


def test_exhausted_range_is_a_clear_409(app, client, make_user, order_payload):
    from support import headers

    app.config["S10_RANGES"] = "EA:CN:00000001-00000002"
    seller = make_user("seller")
    for n in range(2):
        r = client.post(
            "/api/v1/orders", json=order_payload(order_no=f"E-{n}"), headers=headers(seller)
        )
        assert r.status_code == 201
    r = client.post("/api/v1/orders", json=order_payload(order_no="E-3"), headers=headers(seller))
    assert r.status_code == 409 and "exhausted" in r.json["message"]
