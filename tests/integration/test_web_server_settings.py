"""The web server's settings (``app/gunicorn_conf.py``): worker processes and threads from
the environment, the PostgreSQL pool sized to the threads, and a worker that loads the
fonts and the tariff and freezes its objects before its first request."""

from __future__ import annotations

import gc
import importlib
from types import SimpleNamespace

from app import json_columns
from app.config import engine_options


def _settings(monkeypatch, **env):
    for name in ("SILKPOST_WEB_WORKERS", "SILKPOST_WEB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import app.gunicorn_conf as conf

    return importlib.reload(conf)


def test_threads_per_process_by_default_and_sync_on_request(monkeypatch):
    conf = _settings(monkeypatch)
    assert (conf.worker_class, conf.threads) == ("gthread", 4)
    assert conf.workers >= 2
    conf = _settings(monkeypatch, SILKPOST_WEB_WORKERS="3", SILKPOST_WEB_THREADS="1")
    assert (conf.workers, conf.threads, conf.worker_class) == (3, 1, "sync")


def test_the_postgresql_pool_holds_a_connection_per_thread(monkeypatch):
    monkeypatch.setenv("SILKPOST_WEB_THREADS", "6")
    json = json_columns.engine_options()
    assert engine_options("postgresql+psycopg://x/y") == {
        "pool_pre_ping": True,
        "pool_size": 6,
        **json,
    }
    assert engine_options("sqlite:///x.db") == {"pool_pre_ping": True, **json}


def test_a_worker_loads_fonts_and_tariff_and_freezes_before_serving(app, monkeypatch):
    from declarations.pdf import fonts

    conf = _settings(monkeypatch)
    app.extensions.pop("silkpost.tariff", None)
    monkeypatch.setattr(fonts, "_source", None)  # as in a process that drew nothing yet
    try:
        conf.post_worker_init(SimpleNamespace(wsgi=app))
        assert "tariff" in app.extensions["silkpost.tariff"]
        assert fonts._source is not None
        assert gc.get_freeze_count() > 100_000  # the tariff's and the app's objects
    finally:
        gc.unfreeze()
