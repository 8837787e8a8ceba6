"""gunicorn settings of the web server, read by ``silkpost up`` and the Docker image
(``gunicorn -c python:app.gunicorn_conf app.wsgi:app``).

A request spends part of its time waiting (the database, Redis, a SQLite write lock held
by a job), so each worker process runs ``SILKPOST_WEB_THREADS`` threads (gunicorn's
``gthread`` worker, which also keeps client connections alive); Python runs one thread
at a time per process, so CPU-bound throughput comes from ``SILKPOST_WEB_WORKERS``
processes, sized to the cores (default: one per core, at least 2; the RQ workers need
the rest of the machine). ``SILKPOST_WEB_THREADS=1`` is gunicorn's plain sync worker.
The database pool of each process holds as many connections as it has threads
(:func:`app.config.engine_options`).
"""

from __future__ import annotations

from app.config import web_threads, web_workers

workers = web_workers()
threads = web_threads()
worker_class = "gthread" if threads > 1 else "sync"
keepalive = 5
accesslog = "-"


def post_worker_init(worker) -> None:
    """Before a worker's first request: the fonts and the tariff loaded, and frozen
    (:mod:`app.services.preload`), so no request waits for them or a full collection."""
    from app.services import preload

    with worker.wsgi.app_context():
        preload.load()
    preload.freeze()
