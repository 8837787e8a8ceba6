"""A starting worker waits for a Redis that is restarting instead of exiting at once."""

import pytest
import redis

from app.jobs.runner import wait_for_redis


class Restarting:
    """A connection refused ``down`` times, then answering (a server coming back)."""

    def __init__(self, down: int) -> None:
        self.down, self.pings = down, 0

    def ping(self) -> bool:
        self.pings += 1
        if self.pings <= self.down:
            raise redis.ConnectionError("Connection refused")
        return True


def test_waits_until_redis_answers():
    connection = Restarting(down=3)
    wait_for_redis(connection, seconds=5, pause=0.01)
    assert connection.pings == 4


def test_gives_up_with_the_last_error_after_the_wait():
    with pytest.raises(redis.ConnectionError):
        wait_for_redis(Restarting(down=10**6), seconds=0.05, pause=0.01)
