"""The customs simulator as a process on a gateway folder: files taken from the outbox and
moved to outbox/sent, receipts written atomically into the inbox and batched, nothing lost or
answered twice across a crash, and the ``silkpost simulator`` command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from integration.test_simulator_kit import (
    REFERENCE,
    SIMULATOR_TESTS,
    T0,
    export_order,
    filing_set,
    import_order,
)

from app.config import load_config
from app.gateway.simulator import SimConfig
from app.gateway.simulator import loop as sim_loop
from declarations import dxp
from declarations.ceb import import_, receipts
from declarations.ceb.common import guid

pytestmark = SIMULATOR_TESTS


class Clock:
    """A test clock that moves on by ``step`` seconds each time it is read."""

    def __init__(self, step: float = 0.5) -> None:
        self.now, self.step = T0, timedelta(seconds=step)

    def __call__(self):
        self.now += self.step
        return self.now


def _config(root: Path, **changes) -> SimConfig:
    settings = {"schema_dir": REFERENCE, "delay_seconds": 1.0, **changes}
    return SimConfig(gateway_dir=root, **settings)


def _drop(folders: sim_loop.Folders, filings) -> None:
    folders.outbox.mkdir(parents=True, exist_ok=True)
    for name, env in filings:
        sim_loop.write_atomically(folders.outbox, name, env)


def _events(folders: sim_loop.Folders) -> list[receipts.StatusEvent]:
    out = []
    for path in sorted(folders.inbox.iterdir()):
        assert not path.name.startswith("."), "no temporary file is left in the inbox"
        out += receipts.parse(dxp.unwrap(path.read_bytes()).data)
    return out


def _final(folders: sim_loop.Folders) -> dict[tuple[str, str], str]:
    return {key: state.status for key, state in receipts.fold(_events(folders)).items()}


def test_the_loop_answers_the_outbox_into_the_inbox(tmp_path):
    sim, folders = sim_loop.open_simulator(_config(tmp_path))
    sets = [filing_set(import_order(n)) for n in range(1, 6)]
    sets += [filing_set(export_order(n)) for n in range(1, 6)]
    _drop(folders, [f for s in sets for f in s])
    (folders.outbox / ".CEB311_half_v1_a1.xml.tmp").write_bytes(b"<half")
    sim_loop.drain(sim, folders, Clock())
    assert sorted(p.name for p in folders.outbox.iterdir()) == [
        ".CEB311_half_v1_a1.xml.tmp",
        "sent",
    ]
    assert len(list(folders.sent.iterdir())) == 40
    final = _final(folders)
    inventories = {k: v for k, v in final.items() if k[0] == "inventory"}
    assert len(inventories) == 10 and set(inventories.values()) == {"899"}
    assert {v for k, v in final.items() if k[0] != "inventory"} == {"120"}
    sim.store.close()


def test_receipts_are_batched_a_hundred_nodes_a_file(tmp_path):
    sim, folders = sim_loop.open_simulator(_config(tmp_path))
    orders = [import_order(n) for n in range(150)]
    for k, chunk in enumerate((orders[:100], orders[100:])):
        name = f"CEB311_batch{k}_v1_a1.xml"
        message = import_.build_ceb311(chunk)
        env = dxp.wrap(message, sender_id="DXPENT0000000001", created=T0, cop_msg_id=guid(name))
        _drop(folders, [(name, env)])
    sim_loop.drain(sim, folders, Clock())
    sizes = sorted(
        len(receipts.parse(dxp.unwrap(p.read_bytes()).data)) for p in folders.inbox.iterdir()
    )
    assert sizes == [50, 50, 100, 100], "2 and 120 for 150 orders, in full files"
    sim.store.close()


def test_a_restart_between_deciding_and_writing_loses_nothing(tmp_path):
    config = _config(tmp_path, delay_seconds=60)
    sim, folders = sim_loop.open_simulator(config)
    _drop(folders, filing_set(import_order(1)))
    done = sim_loop.tick(sim, folders, T0)
    assert (done.taken, done.written) == (4, 0) and not list(folders.inbox.iterdir())
    sim.store.close()  # the process dies with every receipt still to write

    again, folders = sim_loop.open_simulator(config)
    assert sim_loop.tick(again, folders, T0 + timedelta(hours=1)).written > 0
    assert _final(folders)[("inventory", "SPINV0001")] == "899"
    assert again.store.pending_count() == 0
    again.store.close()


def test_a_file_taken_again_after_a_crash_before_its_move_is_answered_once(tmp_path):
    sim, folders = sim_loop.open_simulator(_config(tmp_path))
    filings = filing_set(import_order(1))
    _drop(folders, filings)
    for name, env in filings:  # decided and committed, but the process died before the move
        sim.receive(env, T0, name)
    sim_loop.drain(sim, folders, Clock())
    statuses = sorted(e.status for e in _events(folders) if e.kind == "inventory")
    assert statuses == sorted(["2", "120", "399", "800", "899"])
    assert not [p for p in folders.outbox.iterdir() if p.is_file()]
    sim.store.close()


def test_gateway_settings_live_under_the_data_dir_unless_set(tmp_path, monkeypatch):
    monkeypatch.delenv("SILKPOST_GATEWAY_DIR", raising=False)
    cfg = load_config({"SILKPOST_DATA_DIR": str(tmp_path)})
    assert cfg["GATEWAY_DIR"] == str(tmp_path.resolve() / "gateway")
    assert (cfg["SIMULATOR_SEED"], cfg["SIMULATOR_DELAY_SECONDS"]) == (7, 0.5)
    monkeypatch.setenv("SILKPOST_GATEWAY_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("SILKPOST_SIMULATOR_REJECT_RATE", "0.25")
    config = SimConfig.from_mapping(load_config({"SILKPOST_DATA_DIR": str(tmp_path)}))
    assert config.gateway_dir == tmp_path / "elsewhere" and config.reject_rate == 0.25
    assert config.database == tmp_path / "elsewhere" / "simulator.db"


def _env(tmp_path: Path, **settings: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        SILKPOST_DATA_DIR=str(tmp_path / "instance"),
        SILKPOST_GATEWAY_DIR=str(tmp_path / "gateway"),
        CEB_XSD_DIR=str(REFERENCE),
        SILKPOST_SIMULATOR_POLL_SECONDS="0.05",
        **settings,
    )
    return env


def _silkpost(*args: str, env: dict) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "app.cli", *args]
    r = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r


@pytest.mark.slow
def test_the_command_survives_a_kill_between_deciding_and_writing(tmp_path):
    env = _env(tmp_path, SILKPOST_SIMULATOR_DELAY_SECONDS="3")
    folders = sim_loop.Folders(tmp_path / "gateway").create()
    _drop(folders, filing_set(import_order(1)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "simulator", "run"], env=env, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(folders.sent.iterdir())) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(list(folders.sent.iterdir())) == 4, "the simulator took the files"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert not list(folders.inbox.iterdir()), "killed before any receipt was due"

    _silkpost("simulator", "run", "--drain", env=env)
    final = _final(folders)
    assert final[("inventory", "SPINV0001")] == "899" and final[("order", "SP-IMP-0001")] == "120"


def test_the_command_runs_once_and_lists_its_codes(tmp_path):
    env = _env(tmp_path, SILKPOST_SIMULATOR_DELAY_SECONDS="0")
    folders = sim_loop.Folders(tmp_path / "gateway").create()
    _drop(folders, filing_set(import_order(1)))
    out = _silkpost("simulator", "run", "--once", env=env).stdout
    assert "seed 7" in out
    assert _final(folders)[("inventory", "SPINV0001")] == "899"
    table = json.loads(_silkpost("simulator", "codes", env=env).stdout)
    assert {"rule": "annual_quota", "code": "-621018"}.items() <= table[4].items()
    assert all(row["source"] for row in table)


def test_the_store_keeps_a_tick_in_its_page_cache(tmp_path):
    """A tick's transaction covers every file it took: the store's connection caches
    CACHE_KIB of pages, not SQLite's default 2,000 KiB, so a big tick does not spill."""
    from app.gateway.simulator import store

    s = store.SimStore(tmp_path / "simulator.db")
    try:
        assert s._db.execute("PRAGMA cache_size").fetchone()[0] == -store.CACHE_KIB
        assert store.CACHE_KIB > 2000
    finally:
        s.close()
