"""What every webhook endpoint does before it trusts a request, and the HTTP helpers both channels
share: bounded bodies, JSON that cannot crash the parser, Retry-After, and connection pools whose
waits are told apart from the platform's.

A body is never read past MAX_BODY (1 MiB: LINE's and Telegram's deliveries are a few kilobytes),
and a declared length above it is refused before anything is read. What is refused is logged as
one line naming the reason, never with the body.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.utils import parsedate_to_datetime
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
# Seconds a stalled or slow client keeps its connection open once the server is shutting down.
CLOSE_TIMEOUT = 2.0


def refuse_oversized(request: web.Request, channel: str) -> None:
    """413 before reading, when the declared length is over MAX_BODY (a body sent without a length
    is cut off at MAX_BODY by aiohttp's client_max_size as it is read)."""
    length = request.content_length
    if length is not None and length > MAX_BODY:
        log.warning("%s webhook from %s refused: body of %d bytes declared", channel, request.remote, length)
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=length)


async def read_body(request: web.Request, channel: str) -> bytes:
    refuse_oversized(request, channel)
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        log.warning("%s webhook from %s refused: body over %d bytes", channel, request.remote, MAX_BODY)
        raise


def parse_json(body: bytes) -> Any | None:
    """The JSON value of `body`, or None when it is not JSON (or nested too deep to parse)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Backoff:
    """Consecutive failures double the pause (0.5 s up to 30 s); a success resets it."""

    def __init__(self) -> None:
        self.strikes = 0

    def next(self) -> float:
        self.strikes += 1
        return min(30.0, 0.5 * 2.0 ** (self.strikes - 1))

    def reset(self) -> None:
        self.strikes = 0


class PoolTimeout(Exception):
    """No connection of the pool came free in time: the request never left this process."""


class Pool:
    """A count of connections, matching the size of an HTTP client's pool: a request first waits
    here, up to `wait` seconds, so "waiting for a connection" (nothing sent) is a different
    timeout, and a different outcome, from "waiting for the platform"."""

    def __init__(self, size: int, wait: float) -> None:
        self.size = size
        self.wait = wait
        self._free = asyncio.Semaphore(size)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[None]:
        try:
            await asyncio.wait_for(self._free.acquire(), self.wait)
        except TimeoutError:
            raise PoolTimeout(f"no connection free within {self.wait:g} s") from None
        try:
            yield
        finally:
            self._free.release()


async def health(_request: web.Request) -> web.Response:
    """Liveness: answered by the event loop alone, whatever the database is doing."""
    return web.json_response({"status": "ok"})
