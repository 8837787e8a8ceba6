"""The clients of ``bench/load.py``: one keep-alive HTTP connection per thread, requests
picked by weight from ``MIX``, each timed and checked against the status it should get."""

from __future__ import annotations

import copy
import csv
import http.client
import io
import itertools
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field

from support import BASE_EXPORT_ORDER, order_rows

#: (endpoint, weight, expected status)
MIX = (
    ("POST /orders", 50, 201),
    ("POST /quotes", 20, 200),
    ("GET label.pdf", 20, 200),
    ("POST /labels/batches", 5, 202),
    ("POST /imports", 5, 202),
)
IMPORT_ORDERS = 5
BATCH_PARCELS = 5
WARM_ORDERS = 20
_numbers = itertools.count(1)
_numbers_lock = threading.Lock()


def order_body() -> dict:
    with _numbers_lock:
        n = next(_numbers)
    return {**copy.deepcopy(BASE_EXPORT_ORDER), "order_no": f"LD-{uuid.uuid4().hex[:10]}-{n}"}


def _csv_file() -> bytes:
    rows = [row for _ in range(IMPORT_ORDERS) for row in order_rows(order_body())]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@dataclass(frozen=True)
class Sample:
    endpoint: str
    started: float  # time.monotonic() when sent
    seconds: float
    status: int
    ok: bool
    detail: str = ""


@dataclass
class Workload:
    token: str
    parcel_ids: list[str]

    @classmethod
    def prepare(cls, port: int, token: str) -> Workload:
        """Parcels to fetch labels of: a few orders posted before the clients start."""
        client = Client(port, cls(token, []), seed=-1)
        ids = []
        for _ in range(WARM_ORDERS):
            status, body = client.request("POST", "/api/v1/orders", order_body())
            if status != 201:
                raise SystemExit(f"warm-up order refused: {status} {body[:300]!r}")
            ids += [p["id"] for p in json.loads(body)["parcels"]]
        return cls(token, ids)


@dataclass
class Client:
    """One user: requests one after another on its connection, each followed by a pause
    drawn uniformly from ``think`` (seconds, as locust's ``between``; (0, 0): none); a
    user that thinks starts after a pause too."""

    port: int
    workload: Workload
    seed: int
    think: tuple[float, float] = (0.0, 0.0)
    samples: list[Sample] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body=None, content_type="application/json"):
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.workload.token}"}
        if body is not None:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):  # a kept-alive connection the server closed: once more
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                    self.connection = None
                return response.status, data
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def run_until(self, deadline: float) -> None:
        names = [name for name, _, _ in MIX]
        weights = [weight for _, weight, _ in MIX]
        expected = {name: status for name, _, status in MIX}
        # Users that think arrive spread over one pause (as locust spawns users over time),
        # not all in the same instant: 50 first requests at once measure only that herd.
        time.sleep(self.random.uniform(0, self.think[1]))
        while time.monotonic() < deadline:
            name = self.random.choices(names, weights)[0]
            sent, started = time.monotonic(), time.perf_counter()
            try:
                status, data = self._one(name)
            except OSError as exc:
                status, data = 0, str(exc).encode()
            seconds = time.perf_counter() - started
            ok = status == expected[name]
            detail = "" if ok else data[:200]
            self.samples.append(Sample(name, sent, seconds, status, ok, detail))
            pause = self.random.uniform(*self.think)
            if pause > 0:
                time.sleep(min(pause, max(0.0, deadline - time.monotonic())))

    def _one(self, name: str) -> tuple[int, bytes]:
        if name == "POST /orders":
            return self.request("POST", "/api/v1/orders", order_body())
        if name == "POST /quotes":
            quote = order_body()
            quote.pop("order_no")
            return self.request("POST", "/api/v1/quotes", quote)
        if name == "GET label.pdf":
            parcel = self.random.choice(self.workload.parcel_ids)
            return self.request("GET", f"/api/v1/parcels/{parcel}/label.pdf")
        if name == "POST /labels/batches":
            ids = self.random.sample(self.workload.parcel_ids, BATCH_PARCELS)
            return self.request(
                "POST", "/api/v1/labels/batches", {"kind": "label", "parcel_ids": ids}
            )
        body, content_type = _multipart("orders.csv", _csv_file())
        return self.request("POST", "/api/v1/imports", body, content_type)
