"""The embedded Redis keeps its socket, config, pid and log under the data dir (nothing in
the system temp folder), and ``silkpost up`` refuses a busy port before starting anything."""

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.jobs.embedded_redis import DataDirRedis, EmbeddedRedisError


@pytest.fixture
def system_temp(tmp_path, monkeypatch):
    """An empty folder standing in for the system temp folder (what mkdtemp would use)."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


def test_server_files_live_under_the_data_dir(tmp_path, system_temp):
    data = tmp_path / "data dir"
    server = DataDirRedis(data)
    try:
        assert server.ping()
        run = data / "redis"
        assert Path(server.socket_file) == run / "redis.socket"
        run_files = sorted(p.name for p in run.iterdir())
        assert run_files == ["redis.config", "redis.pid", "redis.socket"]
        assert (data / "redis.log").is_file()
        config = (run / "redis.config").read_text()
        assert f"unixsocket '{run / 'redis.socket'}'" in config.splitlines()
        assert f'logfile "{data / "redis.log"}"' in config.splitlines()
        assert f"dir '{data}'" in config.splitlines()
        # a second client of the same data dir joins the running server
        again = DataDirRedis(data)
        assert again.socket_file == server.socket_file and again.pid == server.pid
        server.set("k", "v")
        assert again.get("k") == b"v"
        assert list(system_temp.iterdir()) == []
    finally:
        server.shutdown()
    assert list(system_temp.iterdir()) == []


def test_the_queues_start_the_embedded_server_in_the_data_dir(tmp_path, system_temp):
    from app import create_app
    from app.jobs.queues import queues

    data = tmp_path / "data"
    app = create_app(
        {
            "SILKPOST_DATA_DIR": str(data),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            "REDIS_URL": None,
        }
    )
    with app.app_context():
        assert queues.connection.ping()
        embedded = app.extensions["silkpost.queues"]["embedded"]
        try:
            assert Path(embedded.socket_file) == data / "redis" / "redis.socket"
            assert queues.get("intake").count == 0
            assert list(system_temp.iterdir()) == []
        finally:
            embedded.shutdown()


def test_a_data_dir_too_long_for_a_socket_is_refused(tmp_path):
    deep = tmp_path / ("d" * 120)
    with pytest.raises(EmbeddedRedisError) as refused:
        DataDirRedis(deep)
    assert str(refused.value) == (
        f"the data dir {deep} is too long a path for the embedded Redis socket; "
        "use a shorter SILKPOST_DATA_DIR or set REDIS_URL"
    )
    assert not deep.exists()


def test_up_on_a_busy_port_says_so_in_one_line_and_starts_nothing(tmp_path):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env["SILKPOST_DATA_DIR"] = str(data)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run(
            [sys.executable, "-m", "app.cli", "up", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr == (
        f"Error: port {port} on 127.0.0.1 is not free (Address already in use); start on "
        f"another with --port, e.g. silkpost up --port {port + 1} (make run PORT={port + 1})\n"
    )
    assert not (data / "silkpost.db").exists() and not (data / "redis").exists()
