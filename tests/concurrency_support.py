"""One client process of the concurrency test: its own app on the shared database and Redis,
posting its plan of orders, receipts and S10 allocations in its own shuffled order."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field


@dataclass
class Plan:
    """What one process does; ``config`` builds its app (the test's database and Redis)."""

    config: dict
    seed: int
    seller: str  # Authorization header values
    broker: str
    orders: list[dict]  # bodies, several shared with other processes
    receipts: list[bytes]  # CEB622 files, the same ones as other processes in another order
    allocations: int  # S10 blocks of ``block`` ids taken in a transaction of their own
    block: int = 3


@dataclass
class Outcome:
    orders: list[tuple[str, int, str]] = field(default_factory=list)  # order_no, status, id
    receipts: list[int] = field(default_factory=list)
    allocated: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run(plan: Plan) -> Outcome:
    from app import create_app

    app = create_app(plan.config)
    client = app.test_client()
    steps = (
        [("order", body) for body in plan.orders]
        + [("receipt", data) for data in plan.receipts]
        + [("allocate", None)] * plan.allocations
    )
    random.Random(plan.seed).shuffle(steps)
    outcome = Outcome()
    started = time.monotonic()
    for kind, payload in steps:
        try:
            _step(app, client, plan, kind, payload, outcome)
        except Exception as exc:  # noqa: BLE001  (reported to the test, which fails on it)
            outcome.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
    outcome.seconds = time.monotonic() - started
    return outcome


def _step(app, client, plan: Plan, kind: str, payload, outcome: Outcome) -> None:
    if kind == "order":
        r = client.post("/api/v1/orders", json=payload, headers={"Authorization": plan.seller})
        if r.status_code not in (200, 201):
            outcome.errors.append(f"order {payload['order_no']}: {r.status_code} {r.text[:300]}")
            return
        outcome.orders.append((payload["order_no"], r.status_code, r.json["id"]))
    elif kind == "receipt":
        headers = {"Authorization": plan.broker, "Content-Type": "application/xml"}
        r = client.post("/api/v1/receipts", data=payload, headers=headers)
        if r.status_code != 200:
            outcome.errors.append(f"receipt: {r.status_code} {r.text[:300]}")
        outcome.receipts.append(r.status_code)
    else:
        outcome.allocated.extend(_allocate(app, plan.block))


def _allocate(app, count: int) -> list[str]:
    from app.extensions import db
    from app.services import s10_numbers

    with app.app_context():
        ids = s10_numbers.allocate(count)
        db.session.commit()
        db.session.remove()
    return ids
