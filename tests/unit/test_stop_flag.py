"""The supervisor's stop flag is set from signal handlers: it takes no lock, and a wait in
progress returns soon after the handler sets it (a threading.Event set from a handler that
interrupted its own wait could hang ``silkpost up`` forever)."""

import signal
import time

from app.supervisor import StopFlag


def test_a_signal_handler_sets_the_flag_during_a_wait():
    flag = StopFlag()
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: flag.set())
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        started = time.monotonic()
        assert flag.wait(30) is True
        assert time.monotonic() - started < 10  # a hang guard, not a timing check
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert flag.is_set()


def test_a_wait_without_a_stop_returns_false_after_its_timeout():
    flag = StopFlag()
    assert flag.wait(0.05) is False
    assert not flag.is_set()
