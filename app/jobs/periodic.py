"""Named periodic tasks: run on the workers at fixed intervals, enqueued by one small ticker.

A task is a plain function of no arguments, registered with a name and an interval in
seconds; it runs in an app context like any job and must be safe to run twice::

    from app.jobs.periodic import periodic

    @periodic("reap-stale-cases", every=60)
    def reap_stale_cases() -> dict: ...

Its module must be imported for the task to exist: list it in :func:`app.jobs.load`.

The ticker (``silkpost periodic``, which ``silkpost up`` starts) wakes every second and
enqueues each task once per slot of its interval on the ``periodic`` queue, which workers
serve before any other. A task may also name a ``wake``: a cheap look the ticker itself
takes every ``WAKE_SECONDS`` between the slots, which queues the task's work at once when
there is some (receipts waiting in the gateway inbox are read within a fifth of a second,
not at the next second), so the interval can stay long without work waiting for it.

The slot (unix time // ``every``) is claimed in Redis before the job is enqueued with the id
``periodic-<name>-<slot>``, so any number of tickers enqueue a task once per interval, and a
task not started within its interval expires rather than piling up. Tasks marked
``at_start`` also run once in the ticker itself when it starts.

``run(name)`` runs a task now, in the calling process (``silkpost periodic --run NAME``,
tests); ``tick()`` enqueues whatever is due (``silkpost periodic --once``).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from flask import Flask

from .queues import queues

log = logging.getLogger(__name__)

QUEUE = "periodic"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    func: Callable[[], Any]
    every: int  # seconds
    at_start: bool
    wake: Callable[[], Any] | None = None


#: Seconds between the ticker's looks at the tasks' ``wake`` probes.
WAKE_SECONDS = 0.2


TASKS: dict[str, PeriodicTask] = {}


def periodic(
    name: str, *, every: int, at_start: bool = False, wake: Callable[[], Any] | None = None
) -> Callable:
    """Register the decorated function as the periodic task ``name``, every ``every`` s;
    ``wake``: run in the ticker every ``WAKE_SECONDS`` (it must be cheap, and queue work
    only when there is some)."""
    if not _NAME.fullmatch(name) or every < 1:
        raise ValueError(f"bad periodic task {name!r} every {every}")

    def decorator(func: Callable[[], Any]) -> Callable[[], Any]:
        TASKS[name] = PeriodicTask(name, func, every, at_start, wake)
        return func

    return decorator


def run(name: str) -> Any:
    """Run the task now, here (inside an app context)."""
    return TASKS[name].func()


def run_task(name: str) -> Any:
    """The job the ticker enqueues: the task, on a worker."""
    from . import load

    load()
    return run(name)


def slot_of(task: PeriodicTask, now: float) -> int:
    return int(now // task.every)


def tick(now: float | None = None) -> list[str]:
    """Enqueue each task whose current slot is not yet claimed; the job ids enqueued."""
    now = time.time() if now is None else now
    connection = queues.connection
    enqueued = []
    for task in TASKS.values():
        slot = slot_of(task, now)
        job_id = f"periodic-{task.name}-{slot}"
        if not connection.set(f"silkpost:{job_id}", 1, nx=True, ex=2 * task.every + 60):
            continue
        queues.enqueue_once(
            QUEUE,
            run_task,
            task.name,
            job_id=job_id,
            timeout=max(60, 4 * task.every),
            ttl=task.every,
            result_ttl=4 * task.every,
            failure_ttl=86400,
        )
        enqueued.append(job_id)
    return enqueued


def wake() -> list[str]:
    """Run each task's ``wake`` probe here; the names of those that found work. A probe
    that fails is logged and tried again at the next look."""
    woken = []
    for task in TASKS.values():
        if task.wake is None:
            continue
        try:
            if task.wake():
                woken.append(task.name)
        except redis.RedisError:
            raise
        except Exception:
            log.exception("periodic task %s: its wake probe failed", task.name)
    return woken


def run_ticker(app: Flask, stop: threading.Event | None = None, interval: float = 1.0) -> None:
    """The ticker's loop: the ``at_start`` tasks once, then :func:`tick` every ``interval``
    and the wake probes in between, until ``stop`` is set. A Redis outage is logged once
    and waited out."""
    from . import load

    stop = stop or threading.Event()
    with app.app_context():
        load()
        for task in TASKS.values():
            if task.at_start:
                _start_up(task)
        log.info("periodic ticker: %s", {t.name: t.every for t in TASKS.values()})
        wakes = any(t.wake is not None for t in TASKS.values())
        step = min(interval, WAKE_SECONDS) if wakes else interval
        down, next_tick = False, 0.0
        while not stop.is_set():
            try:
                if time.monotonic() >= next_tick:
                    next_tick = time.monotonic() + interval
                    tick()
                elif wakes:
                    wake()
                if down:
                    log.info("periodic ticker: Redis answers again")
                down = False
            except redis.RedisError as exc:
                if not down:
                    log.warning("periodic ticker: Redis unavailable (%s); waiting", exc)
                down = True
            stop.wait(step)


def _start_up(task: PeriodicTask) -> None:
    from ..extensions import db

    try:
        run(task.name)
    except Exception:
        log.exception("periodic task %s failed at start-up", task.name)
    finally:
        db.session.remove()
