"""N concurrent API clients against a running ``silkpost up``: latency and throughput.

Starts ``up --demo`` on a free port with a temp data dir (the embedded Redis; SQLite, or the
PostgreSQL database ``DATABASE_URL`` names), waits for ``/readyz``, then runs ``--clients``
threads for ``--seconds``, each with its own keep-alive connection, each request picked at
random by weight: order POSTs, quotes, label PDF GETs of parcels posted before, label batches
and small CSV imports. Prints per endpoint the requests, errors (anything but the expected
status), p50/p95/p99 latency and throughput, and the target for ``POST /orders`` (p99 under
250 ms at 50 clients, 0 errors) beside what was measured, and the CPU each part of the
stack used over the run (web, RQ workers, Redis, a local PostgreSQL server, the clients
themselves) with the web's CPU per request. Stops ``up`` with SIGTERM.

Two client models: closed loop with no think time (the default: each client sends its
next request as soon as the last one is answered, so the offered load is whatever the
server can take, and latency ≈ clients / throughput once it saturates), and users that
think between requests (``--think 0.5 1.5``: a pause drawn uniformly, as locust's
``between``; 50 such users offer ≈ 45 requests/s; each starts after such a pause, so they
arrive spread out rather than as one herd of 50 first requests). Every figure quoted says
which model gave it; the measured tables are in README.md, "Performance". The slowest
requests are listed with when they started (``--slowest N``).

    python bench/load.py [--clients 50] [--seconds 30] [--think MIN MAX]
                         [--web-workers N] [--web-threads T]
    DATABASE_URL=postgresql+psycopg://… python bench/load.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)
sys.path.insert(1, str(ROOT / "tests"))
sys.path.insert(2, str(ROOT / "bench"))

import load_cpu  # noqa: E402
from load_client import MIX, Client, Sample, Workload  # noqa: E402
from stack_support import free_port, readyz, start_up, stop, wait_for  # noqa: E402

TARGET_P99_MS = 250
START_BOUND = 180


def _env(data_dir: Path) -> dict:
    """``up``'s environment: its own data dir and embedded Redis; DATABASE_URL kept."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["SILKPOST_DATA_DIR"] = str(data_dir)
    return env


def _percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _table(samples: list[Sample], seconds: float) -> list[str]:
    lines = [
        f"{'endpoint':<24}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'req/s':>8}"
    ]
    for name, _, _ in MIX:
        mine = [s for s in samples if s.endpoint == name]
        if not mine:
            lines.append(f"{name:<24}{0:>9}")
            continue
        ms = [s.seconds * 1000 for s in mine]
        errors = sum(1 for s in mine if not s.ok)
        lines.append(
            f"{name:<24}{len(mine):>9}{errors:>8}{_percentile(ms, 50):>9.0f}"
            f"{_percentile(ms, 95):>9.0f}{_percentile(ms, 99):>9.0f}{len(mine) / seconds:>8.1f}"
        )
    return lines


def _run_clients(
    port: int, workload: Workload, clients: int, seconds: float, think: tuple[float, float]
) -> tuple[float, list[Sample]]:
    """When the clients started, and every request they made."""
    began = time.monotonic()
    deadline = began + seconds
    runners = [Client(port, workload, seed=n, think=think) for n in range(clients)]
    threads = [threading.Thread(target=c.run_until, args=(deadline,)) for c in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return began, [s for c in runners for s in c.samples]


def _model(think: tuple[float, float]) -> str:
    if think == (0.0, 0.0):
        return "closed loop, no think time (each client sends its next request at once)"
    return f"each client thinks {think[0]:g}–{think[1]:g} s between requests (uniform)"


def _report(samples: list[Sample], seconds: float, clients: int, database: str, model: str):
    print(f"\n{clients} clients for {seconds:.0f} s, database {database}, embedded Redis")
    print(model)
    print("\n".join(_table(samples, seconds)))
    orders = [s.seconds * 1000 for s in samples if s.endpoint == "POST /orders"]
    errors = [s for s in samples if not s.ok]
    if orders:
        p99 = _percentile(orders, 99)
        verdict = "met" if p99 < TARGET_P99_MS and not errors else "NOT met"
        print(
            f"\nPOST /orders p99 {p99:.0f} ms (target < {TARGET_P99_MS} ms), "
            f"errors {len(errors)} (target 0): {verdict}"
        )
    for sample in errors[:10]:
        print(f"  error: {sample.endpoint} → {sample.status} {sample.detail}")


def _report_slowest(samples: list[Sample], began: float, count: int) -> None:
    """The slowest requests and when they were sent: a herd at the start, a stall in the
    middle or a spread tail tell different stories."""
    if count <= 0 or not samples:
        return
    print(f"\nslowest {count}:")
    for sample in sorted(samples, key=lambda s: -s.seconds)[:count]:
        print(
            f"  {sample.endpoint:<24}{sample.seconds * 1000:>7.0f} ms, "
            f"sent at +{sample.started - began:.1f} s"
        )


def _report_cpu(cpu: dict[str, float], samples: list[Sample], seconds: float) -> None:
    """Where the cores went: CPU seconds per part, per second of the run, and the web
    server's CPU per request (its service time: what bounds throughput)."""
    print(f"\nCPU over the run ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}):")
    for part, used in sorted(cpu.items(), key=lambda kv: -kv[1]):
        print(f"  {part:<18}{used:>7.1f} s  {used / seconds:>5.2f} cores")
    web = cpu.get("web (gunicorn)", 0.0)
    if samples:
        print(f"  web CPU per request {web / len(samples) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--web-workers", type=int, help="default: up's (SILKPOST_WEB_WORKERS)")
    parser.add_argument("--web-threads", type=int, help="default: up's (SILKPOST_WEB_THREADS)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log", type=Path, help="keep up's output (tracebacks) in this file")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.0, 0.0),
        metavar=("MIN", "MAX"),
        help="seconds each client pauses after a response, drawn uniformly (default 0 0)",
    )
    parser.add_argument("--slowest", type=int, default=5, help="list the N slowest requests")
    args = parser.parse_args()
    think = (float(args.think[0]), float(args.think[1]))
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    with tempfile.TemporaryDirectory(prefix="sp-load-") as tmp:
        data_dir, port = Path(tmp) / "data", free_port()
        up_args = ["--demo", "--workers", str(args.workers)]
        web = (("--web-workers", args.web_workers), ("--web-threads", args.web_threads))
        up_args += [str(part) for pair in web if pair[1] is not None for part in pair]
        log = args.log or Path(tmp) / "up.log"
        proc = start_up(_env(data_dir), port, log, *up_args)
        try:
            wait_for(lambda: readyz(port)[0] == 200, "/readyz 200", START_BOUND, every=0.5)
            tokens = json.loads((data_dir / "demo-tokens.json").read_text())
            workload = Workload.prepare(port, tokens["demo-seller"])
            before = load_cpu.snapshot(proc.pid)
            began, samples = _run_clients(port, workload, args.clients, args.seconds, think)
            cpu = load_cpu.spent(before, load_cpu.snapshot(proc.pid))
        finally:
            stop(proc)
    _report(samples, args.seconds, args.clients, database, _model(think))
    _report_slowest(samples, began, args.slowest)
    _report_cpu(cpu, samples, args.seconds)


if __name__ == "__main__":
    main()
