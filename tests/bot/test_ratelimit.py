"""Token buckets refill over time and keep connections apart."""

from __future__ import annotations

from bot.ratelimit import RateLimiter, TokenBucket


def test_bucket_allows_a_burst_then_refills() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=1.0, burst=3, clock=lambda: now[0])
    assert [bucket.allow() for _ in range(4)] == [True, True, True, False]
    now[0] = 1.5
    assert bucket.allow() is True
    assert bucket.allow() is False


def test_connections_have_their_own_budget() -> None:
    limiter = RateLimiter(events=2, seconds=60)
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b") is True
