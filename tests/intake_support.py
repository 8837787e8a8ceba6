"""Helpers of the order-intake tests: upload a file, run the queued jobs, look at what is
stored (importable: tests/ is on pythonpath)."""

from __future__ import annotations

import os

from support import headers


def upload(client, auth: dict, path, name: str | None = None):
    """``POST /imports`` of the file at ``path`` as a multipart upload."""
    with open(path, "rb") as fh:
        return client.post(
            "/api/v1/imports",
            data={"file": (fh, name or path.name)},
            headers=headers(auth),
            content_type="multipart/form-data",
        )


def run_worker(app) -> None:
    """Run every queued job in this process (a burst of a simple worker)."""
    from app.jobs.runner import make_worker

    make_worker(app, simple=True).work(burst=True, with_scheduler=False)


def stored_uploads(app) -> list[str]:
    folder = os.path.join(app.config["SILKPOST_DATA_DIR"], "uploads")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def count(model) -> int:
    from app.extensions import db

    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()
