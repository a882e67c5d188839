"""The interface a chat channel (Telegram, LINE) implements so the scheduler can push reminders."""

from __future__ import annotations

import enum
from contextlib import AbstractAsyncContextManager
from typing import Protocol


class PushOutcome(enum.Enum):
    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot / unfollowed: the chat is unsubscribed
    # Certainly NOT delivered: no free connection in time, the connection was refused, the platform
    # refused the request (429 ...). Retried with back-off, and on later runs while still due.
    FAILED = "failed"
    # May have been delivered: a timeout or a dropped connection after the request went out, a 5xx
    # from a platform that may have accepted it. Retried only when the channel has retry keys.
    UNSURE = "unsure"


class PushChannel(Protocol):
    """A channel that can push a text to a chat.

    The scheduler enters `slot()` (the channel's rate limit), claims the reminder in the sent-log
    inside it, and only then calls `push()`, which makes exactly one HTTP request: so a reminder is
    only ever marked as being sent while its request is really on its way. `push()` never raises
    for a network or platform failure; it says what the failure means for delivery.

    `retry_keys`: True when `push()` sends `retry_key` to a platform that drops a repeat of a
    request it already accepted (LINE's X-Line-Retry-Key). Then an UNSURE push may be retried.
    `concurrency`: how many pushes may be in flight at once (the size of its connection pool).
    """

    name: str  # "telegram" | "line"
    retry_keys: bool
    concurrency: int

    def slot(self) -> AbstractAsyncContextManager[None]: ...

    async def push(self, chat_id: str, text: str, retry_key: str | None = None) -> PushOutcome: ...
