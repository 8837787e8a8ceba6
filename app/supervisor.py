"""Keeps the processes of ``silkpost up`` running until it is told to stop.

Each child (the embedded Redis, the RQ workers, the periodic ticker, the web server) is
started by a function that returns its process. A child that exits on its own — crashed,
killed, or gave up on a lost Redis — is started again after a back-off that doubles with
each quick failure (``Backoff.initial`` … ``Backoff.maximum``) and starts over once the
child has run for ``Backoff.stable_after`` seconds; every exit and restart is logged. Only
:meth:`Supervisor.stop` (``up`` calls it on SIGINT or SIGTERM) ends the children: all but
the ``stops_last`` ones first (so workers can still tell Redis they are leaving), then
those, each waited for, so no child outlives the supervisor.

Children run in their own process groups (:func:`child_options`): Ctrl+C in a terminal, or
a signal to the supervisor's group, reaches the supervisor alone, which then stops the
children in that order. Each child also dies with the supervisor if it is killed outright.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

from .services.process_lifetime import die_with_parent

log = logging.getLogger("silkpost.supervisor")


def child_options() -> dict:
    """``subprocess.Popen`` options of a supervised child (see the module docstring)."""
    return {"process_group": 0, "preexec_fn": functools.partial(die_with_parent, os.getpid())}


class StopFlag:
    """Set from a signal handler, read by the supervising loop.

    A ``threading.Event`` cannot be set from a handler: the handler runs in the main thread
    between two bytecodes, possibly inside the ``Event.wait`` that holds the event's lock,
    and ``set()`` then waits for that lock forever (``up`` hung on Ctrl+C). A plain
    attribute takes no lock; ``wait`` sleeps in short steps, at most ``step`` seconds past
    the moment the flag is set.
    """

    def __init__(self, step: float = 0.05) -> None:
        self._set = False
        self.step = step

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self._set and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(self.step, left))
        return self._set


@dataclass(frozen=True)
class Backoff:
    initial: float = 0.5
    maximum: float = 30.0
    stable_after: float = 30.0

    def next(self, previous: float, ran_for: float) -> float:
        """The wait before the next start of a child that ran ``ran_for`` seconds."""
        if previous <= 0 or ran_for >= self.stable_after:
            return self.initial
        return min(previous * 2, self.maximum)


@dataclass
class Child:
    name: str
    start: Callable[[], subprocess.Popen]
    stops_last: bool = False
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    delay: float = 0.0
    restart_at: float | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"status {code}"


class Supervisor:
    def __init__(
        self,
        children: list[Child],
        backoff: Backoff | None = None,
        report: Callable[[str], None] = log.warning,
    ) -> None:
        self.children = children
        self.backoff = backoff or Backoff()
        self.report = report
        self.stopping = StopFlag()

    def start(self) -> None:
        """Start every child not yet running, in order (one that cannot start is retried)."""
        for child in self.children:
            if child.process is None:
                self._launch(child, time.monotonic())

    def poll(self) -> None:
        """Restart what has exited and is due; schedule the restart of what just exited."""
        for child in self.children:
            if self.stopping.is_set():
                return
            now = time.monotonic()
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._launch(child, now)
                continue
            assert child.process is not None
            code = child.process.poll()
            if code is not None:
                self._schedule(child, now, f"pid {child.pid} exited ({describe_exit(code)})")

    def run(self, interval: float = 0.2) -> None:
        """Supervise until :attr:`stopping` is set (by a signal handler)."""
        while not self.stopping.is_set():
            self.poll()
            self.stopping.wait(interval)

    def _launch(self, child: Child, now: float) -> None:
        child.restart_at = None
        child.started_at = now
        try:
            child.process = child.start()
        except Exception as exc:  # a start that fails is a crash like any other
            child.process = None
            self._schedule(child, now, f"could not start ({exc})")
            return
        if child.restarts:
            self.report(f"{child.name} restarted (pid {child.pid}, restart {child.restarts})")

    def _schedule(self, child: Child, now: float, why: str) -> None:
        child.delay = self.backoff.next(child.delay, now - child.started_at)
        child.restart_at = now + child.delay
        child.restarts += 1
        self.report(f"{child.name} {why}; restarting in {child.delay:.1f} s")

    def stop(self, grace: float = 15) -> None:
        """SIGTERM the children (``stops_last`` ones after the rest) and wait for each;
        kill what has not exited after ``grace`` seconds."""
        self.stopping.set()
        for last in (False, True):
            group = [c.process for c in self.children if c.stops_last is last and c.process]
            for process in group:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + grace
            for process in group:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    self.report(f"pid {process.pid} did not stop in {grace:.0f} s; killed")
                    process.kill()
                    process.wait()
