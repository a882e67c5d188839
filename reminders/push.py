"""The interface a chat channel (Telegram, LINE) implements so the scheduler can push reminders."""

from __future__ import annotations

import enum
from typing import Protocol


class PushOutcome(enum.Enum):
    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot / unfollowed: the chat is unsubscribed
    FAILED = "failed"  # certainly NOT delivered (e.g. 429 or 5xx before acceptance): retried on the next run


class PushChannel(Protocol):
    """A channel that can push a text to a chat.

    The scheduler guarantees at most one push per (chat, deadline, lead time). To keep that
    promise, return FAILED only when the message was certainly not delivered. When the outcome is
    unknown (e.g. a timeout after the request was sent), raise: a push that raised is treated as
    possibly delivered and is never retried. The channel applies its own rate limiting.
    """

    name: str  # "telegram" | "line"

    async def push(self, chat_id: str, text: str) -> PushOutcome: ...
