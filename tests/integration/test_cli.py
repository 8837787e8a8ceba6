"""The ``silkpost`` command as a user runs it: separate processes, real stack."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from stack_support import free_port
from support import BASE_EXPORT_ORDER, order_rows, write_csv

pytestmark = pytest.mark.slow


def silkpost(*args, env, timeout=120, check=True):
    r = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


@pytest.fixture
def cli_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["SILKPOST_DATA_DIR"] = str(tmp_path / "instance")
    if os.environ.get("SILKPOST_TEST_DATABASE_URL"):
        pytest.skip("the CLI tests use their own SQLite data dir")
    return env


def test_users_create_prints_token_last_and_orders_import(cli_env, tmp_path):
    silkpost("db", "upgrade", env=cli_env)
    out = silkpost("users", "create", "--role", "seller", "--name", "Acme", env=cli_env).stdout
    token = out.strip().splitlines()[-1]
    assert re.fullmatch(r"sp_[A-Za-z0-9_\-]{40,}", token)
    dup = silkpost(
        "users", "create", "--role", "seller", "--name", "Acme", env=cli_env, check=False
    )
    assert dup.returncode != 0 and "already exists" in dup.stderr
    bad = silkpost("users", "create", "--role", "king", "--name", "X", env=cli_env, check=False)
    assert bad.returncode == 2

    rows = []
    for n in range(30):
        body = json.loads(json.dumps(BASE_EXPORT_ORDER))
        body["order_no"] = f"CLI-{n}"
        rows += order_rows(body)
    rows[5]["hs_code"] = "12"
    path = tmp_path / "orders.csv"
    write_csv(path, rows)
    r = silkpost("orders", "import", str(path), "--seller", "Acme", env=cli_env)
    assert "created 29, duplicates 0, failed 1" in r.stdout
    assert "row 7 order CLI-2 hs_code" in r.stdout
    missing = silkpost(
        "orders", "import", str(path), "--seller", "Nobody", env=cli_env, check=False
    )
    assert missing.returncode == 1 and "No seller named 'Nobody'" in missing.stderr


def _processes_in_group(pgid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry))
    return found


def _request(url, token, body=None, method=None, content_type="application/json"):
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    req = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _start_up(env: dict, port: int, **popen) -> subprocess.Popen:
    """``silkpost up --demo`` in a child process, its output readable line by line."""
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "up", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **popen,
    )


def _output_until_ready(proc: subprocess.Popen, timeout: float = 90) -> str:
    """What ``up`` printed up to its "Press Ctrl+C" line (or until it stopped printing)."""
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Press Ctrl+C" in line:
            break
    return "".join(lines)


# How long `up` may take to stop every child after SIGTERM before the test calls it hung: the
# supervisor gives each child 15 s to stop and Redis stops last: seconds on an idle machine,
# more than 30 s on a loaded one.
STOP_TIMEOUT = 90


def test_up_serves_the_api_runs_jobs_and_stops_cleanly(cli_env, tmp_path):
    port = free_port()
    proc = _start_up(cli_env, port, start_new_session=True)
    try:
        text = _output_until_ready(proc)
        assert f"Silkpost is up at http://127.0.0.1:{port}" in text, text
        tokens = dict(re.findall(r"^\s+(\w+)\s+demo-\w+\s+(sp_\S+)$", text, re.M))
        assert set(tokens) == {"seller", "broker", "carrier", "admin"}
        base = f"http://127.0.0.1:{port}/api/v1"
        status, order = _request(f"{base}/orders", tokens["seller"], BASE_EXPORT_ORDER)
        assert status == 201, order
        status, _ = _request(f"{base}/orders/{order['id']}", tokens["broker"])
        assert status == 200
        # an import goes through the worker process that `up` started
        body = dict(BASE_EXPORT_ORDER, order_no="UP-2")
        csv_path = tmp_path / "o.csv"
        write_csv(csv_path, order_rows(body))
        boundary = "silkpostboundary"
        payload = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="o.csv"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + csv_path.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, batch = _request(
            f"{base}/imports",
            tokens["seller"],
            payload,
            method="POST",
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        assert status == 202, batch
        for _ in range(100):
            status, batch = _request(f"{base}/imports/{batch['id']}", tokens["seller"])
            if batch["status"] == "done":
                break
            time.sleep(0.2)
        assert batch["status"] == "done" and batch["created"] == 1
        # the demo data declares out of the box: demo registrations, demo signing key
        status, listing = _request(f"{base}/orders?per_page=50", tokens["broker"])
        demo = {o["order_no"]: o["id"] for o in listing["items"]}
        assert {"DEMO-EXPORT-1", "DEMO-IMPORT-1"} <= set(demo)
        for order_no, kind in (
            ("DEMO-IMPORT-1", "ceb621"),
            ("DEMO-IMPORT-1", "ceb311"),
            ("DEMO-EXPORT-1", "ceb303"),
            ("DEMO-EXPORT-1", "itmatt"),
        ):
            url = f"{base}/orders/{demo[order_no]}/declarations/{kind}"
            req = urllib.request.Request(
                url, headers={"Authorization": f"Bearer {tokens['broker']}"}
            )
            try:
                with urllib.request.urlopen(req, timeout=20) as resp:
                    assert resp.status == 200 and resp.headers["Content-Type"].startswith(
                        "application/xml"
                    )
            except urllib.error.HTTPError as exc:
                raise AssertionError(f"{kind}: {exc.read()[:500]!r}") from exc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rest, _ = proc.communicate(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    assert proc.returncode == 0, rest
    assert "stopped" in rest
    # every child went with it: nothing else in the process group is left
    time.sleep(0.5)
    assert _processes_in_group(proc.pid) == []

    # a second start reuses the data dir and the demo tokens
    again = _start_up(cli_env, port)
    try:
        assert tokens["seller"] in _output_until_ready(again)
    finally:
        again.send_signal(signal.SIGINT)
        again.communicate(timeout=STOP_TIMEOUT)
    assert again.returncode == 0


WORKER_ENTRIES = {
    "silkpost worker": [sys.executable, "-m", "app.cli", "worker"],
    "python -m worker": [sys.executable, "-m", "worker"],
}


@pytest.mark.parametrize("entry", WORKER_ENTRIES)
def test_worker_health_reports_queues_and_no_workers(cli_env, redis_server, entry):
    # a database of its own: the browser tests' live worker stays registered in theirs (5)
    env = dict(cli_env, REDIS_URL=f"unix://{redis_server.socket_file}?db=7")
    silkpost("db", "upgrade", env=env)
    r = subprocess.run(
        [*WORKER_ENTRIES[entry], "--health"], env=env, capture_output=True, text=True, timeout=60
    )
    report = json.loads(r.stdout)
    assert r.returncode == 1 and report["workers"] == []
    assert set(report["queues"]) == {
        "periodic",
        "intake",
        "clearance",
        "gateway",
        "documents",
        "default",
    }


def test_the_app_imports_nothing_from_the_worker_entry_point(cli_env):
    """Every module of ``app`` loads, and the app builds, without the ``worker`` package."""
    code = (
        "import importlib, pkgutil, sys, app\n"
        "for m in pkgutil.walk_packages(app.__path__, 'app.'):\n"
        "    if '.migrations' not in m.name:\n"
        "        importlib.import_module(m.name)\n"
        "app.create_app()\n"
        "print(sorted(n for n in sys.modules if n == 'worker' or n.startswith('worker.')))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], env=cli_env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
