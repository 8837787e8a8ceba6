"""CPU seconds spent by each part of ``silkpost up`` (and the bench's own clients, and a
local PostgreSQL server) over a run of ``bench/load.py``: where the machine's cores went
while the latencies were taken.

Every process of the tree is counted with the CPU of the children it has waited for (an RQ
work horse and its validation helpers land in their worker's figure)."""

from __future__ import annotations

import os

import psutil

#: (part, a word of its command line), first match wins
PARTS = (
    ("web (gunicorn)", "gunicorn"),
    ("RQ workers", " worker"),
    ("periodic", " periodic"),
    ("simulator", " simulator"),
    ("redis", "redis"),
)


def _part(process: psutil.Process) -> str:
    try:
        line = " ".join(process.cmdline())
    except psutil.Error:
        return "other"
    return next((part for part, word in PARTS if word in line), "up (supervisor)")


def _seconds(process: psutil.Process) -> float:
    try:
        t = process.cpu_times()
    except psutil.Error:
        return 0.0
    return t.user + t.system + t.children_user + t.children_system


def snapshot(up_pid: int) -> dict[int, tuple[str, float]]:
    """Each live process of the tree under ``up_pid`` (itself included): part and CPU s;
    and the PostgreSQL server's processes, when one runs on this machine."""
    root = psutil.Process(up_pid)
    found = {p.pid: (_part(p), _seconds(p)) for p in [root, *root.children(recursive=True)]}
    for process in psutil.process_iter(["name"]):
        if process.info["name"] in ("postgres", "postmaster"):
            found[process.pid] = ("PostgreSQL server", _seconds(process))
    own = psutil.Process(os.getpid()).cpu_times()
    found[-1] = ("bench clients", own.user + own.system)
    return found


def spent(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds per part between two snapshots (processes gone since: their last look)."""
    totals: dict[str, float] = {}
    for pid in before.keys() | after.keys():
        part, start = before.get(pid, ("gone", 0.0))
        part_after, end = after.get(pid, (part, start))
        totals[part_after] = totals.get(part_after, 0.0) + max(0.0, end - start)
    return totals
