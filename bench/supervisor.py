"""How long ``silkpost up`` takes to restore a SIGKILLed RQ worker and a SIGKILLed Redis.

Starts ``up`` on a free port with a temp data dir (SQLite, embedded Redis), waits until
``/readyz`` answers 200, then in each round:

- worker: SIGKILL the RQ worker; time until a worker process is running again (restarted)
  and until ``/readyz`` lists a worker that was not there before (registered, ready);
- redis: SIGKILL the embedded redis-server; time until ``/readyz`` first answers 503,
  until a new redis-server runs, and until ``/readyz`` is 200 again.

Each kill waits until every child has run ``Backoff.stable_after`` seconds, so each measures
the restart of a first failure (quick successive failures back off: 0.5 s, 1 s, 2 s …).
A worker also exits when its Redis goes away, so "redis ready again" includes a worker
restart. Prints each round and the median; stops ``up`` with SIGTERM and checks no child
is left.

    python bench/supervisor.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)
sys.path.insert(1, str(ROOT / "tests"))

from stack_support import (  # noqa: E402
    alive,
    children,
    descendants,
    free_port,
    readyz,
    start_up,
    stop,
    up_env,
    wait_for,
)

from app.supervisor import Backoff  # noqa: E402

BOUND = 180
SETTLE = Backoff().stable_after + 1


def _names(body: dict) -> set[str]:
    return {w["name"] for w in body.get("workers", [])}


def _ready_body(port: int) -> dict | None:
    status, body = readyz(port)
    return body if status == 200 else None


def worker_round(pid: int, port: int) -> dict[str, float]:
    before = _names(wait_for(lambda: _ready_body(port), "ready", BOUND))
    (worker,) = children(pid, "app.cli worker")
    os.kill(worker, signal.SIGKILL)
    killed = time.monotonic()
    wait_for(lambda: [p for p in children(pid, "app.cli worker") if p != worker], "restart", BOUND)
    running = time.monotonic() - killed
    wait_for(lambda: _names(_ready_body(port) or {}) - before, "a new worker", BOUND, 0.05)
    return {"process running": running, "ready again": time.monotonic() - killed}


def redis_round(pid: int, port: int) -> dict[str, float]:
    wait_for(lambda: _ready_body(port), "ready", BOUND)
    (server,) = children(pid, "redis-server")
    os.kill(server, signal.SIGKILL)
    killed = time.monotonic()
    figures: dict[str, float] = {}

    def back() -> bool:
        status, _ = readyz(port)
        if status == 503 and "seen 503" not in figures:
            figures["seen 503"] = time.monotonic() - killed
        if "process running" not in figures:
            if [p for p in children(pid, "redis-server") if p != server]:
                figures["process running"] = time.monotonic() - killed
        return status == 200 and "process running" in figures

    wait_for(back, "Redis back and ready", BOUND, 0.05)
    figures["ready again"] = time.monotonic() - killed
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sp-sup-") as tmp:
        port, log = free_port(), Path(tmp) / "up.log"
        proc = start_up(up_env(Path(tmp) / "data"), port, log)
        results: dict[str, list[dict[str, float]]] = {"worker": [], "redis": []}
        try:
            for n in range(args.rounds):
                for name, run in (("worker", worker_round), ("redis", redis_round)):
                    time.sleep(SETTLE)
                    figures = run(proc.pid, port)
                    results[name].append(figures)
                    shown = ", ".join(f"{k} {v:.2f} s" for k, v in figures.items())
                    print(f"round {n + 1} {name:6} killed -> {shown}", flush=True)
            tree = descendants(proc.pid)
        finally:
            code = stop(proc)
        left = [p.pid for p in tree if alive(p)]
        restarts = [line for line in log.read_text().splitlines() if "supervisor:" in line]
    print("\nwhat up logged:\n  " + "\n  ".join(restarts))
    print(f"\nmedian over {args.rounds} rounds (from SIGKILL):")
    for name, rounds in results.items():
        for key in rounds[0]:
            values = [r[key] for r in rounds if key in r]
            print(f"  {name:6} {key:16} {statistics.median(values):6.2f} s")
    print(f"up exited {code}; children left running after SIGTERM: {len(left)}")


if __name__ == "__main__":
    main()
