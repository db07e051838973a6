"""Per-connection event rate limits, so one socket cannot flood the gateway."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """Allows ``burst`` events at once and ``rate`` events per second after."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    _tokens: float = field(init=False)
    _stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self._tokens = self.burst
        self._stamp = self.clock()

    def allow(self) -> bool:
        """Take one token if there is one."""
        now = self.clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


class RateLimiter:
    """One token bucket per connection id.

    Args:
        events: how many events a connection may send per ``seconds``.
        seconds: the window.
    """

    def __init__(self, events: int, seconds: float) -> None:
        self._rate = events / seconds
        self._burst = float(events)
        self._buckets: dict[str, TokenBucket] = {}

    def allow(self, sid: str) -> bool:
        """Whether the connection may send one more event now."""
        bucket = self._buckets.get(sid)
        if bucket is None:
            bucket = self._buckets[sid] = TokenBucket(self._rate, self._burst)
        return bucket.allow()

    def forget(self, sid: str) -> None:
        """Drop a closed connection's bucket."""
        self._buckets.pop(sid, None)
