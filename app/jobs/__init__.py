"""The app's background work: named RQ queues, the jobs on them, and the worker classes.

Each job takes ids, runs inside an app context (see :mod:`app.jobs.runner`) and calls a
service; none holds business rules. ``worker`` (the process entry point) only builds the
app and runs these workers.
"""


def load() -> None:
    """Import every job module, so that their periodic tasks and reconcilable kinds are
    registered (a new job module is listed here)."""
    from . import (  # noqa: F401
        clearance,
        documents,
        gateway,
        inbound,
        intake,
        movements,
        reconcile,
        summaries,
    )
