"""Queueing the work a page asks for, through the job layer's own enqueue functions.

Pages never build jobs themselves: they call the same ``enqueue_*`` functions as the API,
so job ids, queues and retries stay defined once in the job layer.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def _job_module(name: str) -> ModuleType:
    """The job layer's module ``name``: ``app.jobs`` (the app's own), else the worker's."""
    try:
        return importlib.import_module(f"app.jobs.{name}")
    except ModuleNotFoundError as exc:
        if exc.name not in ("app.jobs", f"app.jobs.{name}"):
            raise
        return importlib.import_module(f"worker.jobs.{name}")


def enqueue_import(batch_id: str) -> None:
    _job_module("intake").enqueue_import(batch_id)


def enqueue_label_batch(batch_id: str) -> None:
    _job_module("documents").enqueue_label_batch(batch_id)
