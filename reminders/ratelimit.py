"""The request rate limiter both channels' reminder pushes go through."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress


class RateLimiter:
    """At most `rate` requests in any window of `period` seconds, as they reach the server.

    A request holds its slot from when it starts until `period` after it ends. Counting to the
    end, not only the start, keeps the promise even when a request admitted now waits for a free
    connection and goes out later, in a burst with others: whenever it is really sent, the slots
    of all the others sent within a period of it were still held when it was admitted.
    Waiters are admitted in arrival order. `pause(seconds)` holds every new request back, e.g.
    for the Retry-After of a 429, which speaks for the whole account, not for one request.
    """

    def __init__(self, rate: int, period: float = 1.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or period <= 0:
            raise ValueError("rate and period must be positive")
        self.rate = rate
        self.period = period
        self._clock = clock
        self._active = 0
        self._ended: deque[float] = deque()  # end times within the last period
        self._paused_until = 0.0
        self._turn = asyncio.Lock()
        self._an_end = asyncio.Event()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self._enter()
        try:
            yield
        finally:
            self._active -= 1
            self._ended.append(self._clock())
            self._an_end.set()

    def pause(self, seconds: float) -> None:
        """Admit nothing new for `seconds` (a later pause that ends sooner changes nothing)."""
        self._paused_until = max(self._paused_until, self._clock() + max(0.0, seconds))
        self._an_end.set()  # a waiter re-reads how long to wait

    async def _enter(self) -> None:
        async with self._turn:
            while (wait := self._wait()) > 0:
                self._an_end.clear()
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._an_end.wait(), None if math.isinf(wait) else wait)
            self._active += 1

    def _wait(self) -> float:
        """0 if a request may start now, else how long until a slot frees (inf: until one ends)."""
        now = self._clock()
        if self._paused_until > now:
            return self._paused_until - now
        while self._ended and self._ended[0] + self.period <= now:
            self._ended.popleft()
        if self._active + len(self._ended) < self.rate:
            return 0.0
        return self._ended[0] + self.period - now if self._ended else math.inf
