"""Helpers of the tests and benches that run ``silkpost up`` as a real process tree."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def up_env(data_dir: Path) -> dict:
    """The environment of an ``up`` on its own SQLite and embedded Redis under ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["SILKPOST_DATA_DIR"] = str(data_dir)
    return env


def start_up(env: dict, port: int, log: Path, *args: str) -> subprocess.Popen:
    """``silkpost up`` in a child process, everything it prints going to ``log``."""
    with open(log, "w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", "up", "--port", str(port), *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, what: str, timeout: float, every: float = 0.1):
    """Poll ``condition`` until it returns something true; a hang guard, not a timing check."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what} after {timeout} s")


def readyz(port: int) -> tuple[int, dict]:
    """``GET /readyz``: the status and the body (0 and {} while nothing answers)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    except OSError:
        return 0, {}


def children(pid: int, marker: str) -> list[int]:
    """Pids of the live direct children of ``pid`` whose command line contains ``marker``."""
    found = []
    for child in psutil.Process(pid).children():
        try:
            if alive(child) and marker in " ".join(child.cmdline()):
                found.append(child.pid)
        except psutil.NoSuchProcess:
            continue
    return found


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def stop(proc: subprocess.Popen, timeout: float = 60) -> int:
    """SIGTERM ``up`` and wait; kill its whole tree if it does not stop in time."""
    tree = descendants(proc.pid)
    proc.terminate()
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        for process in [psutil.Process(proc.pid), *tree]:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        raise


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
