"""What a hostile workbook costs the web request that receives it: time and peak memory.

Builds each workbook (``tests/hostile_xlsx.py``), then, in a fresh process with a migrated
SQLite database, posts it to ``POST /api/v1/imports`` and reports the status code, the
request's wall time and the process's peak resident memory during the request (Linux
``VmHWM`` after resetting it through ``/proc/self/clear_refs``; else ``getrusage``).
Figures only.

    python bench/hostile_upload.py [--bomb-gb 1.1] [--rows 150000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)
sys.path.insert(1, str(ROOT / "tests"))


def _peak_kb() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def child(workdir: Path, path: Path) -> None:
    """The measured process: one upload request through the real app."""
    import logging

    from flask_migrate import upgrade

    from app import create_app
    from app.services import users

    logging.disable(logging.INFO)
    app = create_app(
        {
            "SILKPOST_DATA_DIR": str(workdir / "data"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'upload.db'}",
            "REDIS_URL": None,
        }
    )
    with app.app_context():
        upgrade()
        _, token = users.create_user(f"probe-{path.stem}", "seller")
        client = app.test_client()
        client.get("/readyz")  # start the embedded Redis before measuring
        data = path.read_bytes()
        reset = _reset_peak()
        before = _peak_kb()
        start = time.perf_counter()
        with open(path, "rb") as fh:
            r = client.post(
                "/api/v1/imports",
                data={"file": (fh, path.name)},
                headers={"Authorization": f"Bearer {token}"},
                content_type="multipart/form-data",
            )
        elapsed = time.perf_counter() - start
        body = r.get_json() or {}
        print(
            json.dumps(
                {
                    "status": r.status_code,
                    "seconds": elapsed,
                    "peak_kb": _peak_kb(),
                    "before_kb": before,
                    "peak_reset": reset,
                    "file_bytes": len(data),
                    "answer": (body.get("errors") or {}).get("file") or body.get("status"),
                }
            )
        )


def build(kind: str, path: Path, args) -> Path:
    import hostile_xlsx as hx

    from app.services.order_files import ALL_COLUMNS

    if kind == "bomb":
        expands = int(args.bomb_gb * 1e9)
        return hx.shared_strings_bomb(path, ["order_no", "flow"], expands_to=expands)
    values = ["N-{n}"] + [f"{c}-value" for c in ALL_COLUMNS[1:20]]

    def rows():
        yield hx.inline_row(1, list(ALL_COLUMNS[:20]))
        for n in range(2, args.rows + 2):
            yield hx.inline_row(n, [values[0].format(n=n), *values[1:]])

    return hx.write_package(path, hx.sheet(rows()))


CASES = {
    "bomb": "shared strings expanding to {bomb_gb} GB",
    "nodim": "{rows} rows, no <dimension>",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb-gb", type=float, default=1.1)
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    for kind, label in CASES.items():
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            path = build(kind, workdir / f"{kind}.xlsx", args)
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(workdir), str(path)],
                capture_output=True,
                text=True,
                env=dict(os.environ),
            )
            if out.returncode != 0:
                sys.exit(out.stderr[-3000:])
            r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{label.format(**vars(args))}: {r['file_bytes'] / 1e6:.1f} MB on disk")
        print(f"  answer {r['status']} in {r['seconds'] * 1000:.0f} ms: {r['answer']}")
        grew = (r["peak_kb"] - r["before_kb"]) / 1024
        note = "" if r["peak_reset"] else " (peak since start; VmHWM reset unavailable)"
        print(f"  peak RSS during the request: {r['peak_kb'] / 1024:.0f} MB, +{grew:.0f} MB{note}")


if __name__ == "__main__":
    main()
