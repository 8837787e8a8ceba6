"""Child processes that die with the process that started them.

A process killed with SIGKILL cannot stop its children: validation helpers of a killed work
horse would run on, holding their memory, and a horse whose worker was killed would go on
writing a job that the rest of the system already takes for abandoned. On Linux the kernel
ends such a child when asked with ``prctl(PR_SET_PDEATHSIG)``; elsewhere a watchdog thread
polls the parent's process id.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_INTERVAL = 1.0


def die_with_parent(parent_pid: int | None = None) -> None:
    """End this process (SIGKILL) as soon as its parent exits; at once if it already has.

    Call it first thing in the child. ``parent_pid`` is the parent the caller expects (the
    pid it had before starting the child), which detects a parent that died before the
    request took effect.
    """
    parent = parent_pid or os.getppid()
    if not _ask_kernel():
        _watch(parent)
    if os.getppid() != parent:
        os._exit(1)


def _ask_kernel() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        log.warning("prctl is unavailable; watching the parent process instead")
        return False


def _watch(parent: int) -> None:
    def run() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_INTERVAL)
        os._exit(1)

    threading.Thread(target=run, name="parent-watchdog", daemon=True).start()
