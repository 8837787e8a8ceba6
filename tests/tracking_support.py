"""Helpers of the tracking and webhook tests: parcels through the API, EMSEVT files, and a
local HTTP server standing in for a seller's webhook receiver."""

from __future__ import annotations

import http.server
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from support import headers

from declarations import emsevt

CET = timezone(timedelta(hours=1))
CST = timezone(timedelta(hours=8))


def make_parcel(client, seller: dict, order_payload, order_no: str) -> dict:
    """A stored export order's parcel: ``{"id", "item_id", "order_id"}``."""
    r = client.post(
        "/api/v1/orders", json=order_payload(order_no=order_no), headers=headers(seller)
    )
    assert r.status_code == 201, r.json
    parcel = r.json["parcels"][0]
    return {"id": parcel["id"], "item_id": parcel["item_id"], "order_id": r.json["id"]}


def journey(item_id: str) -> list[emsevt.Event]:
    """Six partner-post events of one export item arriving in Germany."""
    day = datetime(2026, 12, 3, 8, 0, tzinfo=CET)
    return [
        emsevt.Event(item_id, "EMD", day, "DEFRAA"),
        emsevt.Event(item_id, "EDB", day + timedelta(hours=1), "DEFRAA"),
        emsevt.Event(item_id, "EME", day + timedelta(hours=2), "DEFRAA", reason="duties"),
        emsevt.Event(item_id, "EDC", day + timedelta(hours=20), "DEFRAA"),
        emsevt.Event(item_id, "EMF", day + timedelta(hours=21), "DEFRAA"),
        emsevt.Event(
            item_id, "EMI", day + timedelta(days=2), "DE10115", note="Left with neighbour"
        ),
    ]


def write_file(folder: Path, name: str, events: list[emsevt.Event], sender: str = "DEA") -> Path:
    created = max(e.at for e in events) + timedelta(minutes=5)
    path = folder / name
    path.write_bytes(emsevt.build(events, created=created, sender=sender, recipient="CNA"))
    return path


@dataclass
class Receiver:
    """Answers ``failures`` requests with 500, then 200; keeps every request it got."""

    failures: int = 0
    requests: list[dict] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/silkpost"

    def start(self) -> Receiver:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server hook name
                length = int(self.headers.get("Content-Length", 0))
                receiver.requests.append(
                    {"headers": dict(self.headers), "body": self.rfile.read(length)}
                )
                ok = len(receiver.requests) > receiver.failures
                self.send_response(200 if ok else 500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
