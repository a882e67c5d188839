"""Runs the real LINE web app (as `policybot line` builds it) on 127.0.0.1 against FakeLine,
and builds signed webhook deliveries the way the LINE Platform sends them. The fixtures that use
it are in line_fixtures.py."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from fake_line import FakeLine

from bot.line_app import REMINDERS, build_app
from bot.wiring import Services
from handlers.line import LINE_BOT, LineBot
from handlers.settings import LineSettings
from reminders.scheduler import ReminderScheduler

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "test-long-lived-channel-access-token+/="
USER = "U" + "a" * 32
GROUP = "C" + "b" * 32
_ids = itertools.count(1)


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def event(
    kind: str,
    *,
    source: dict[str, str] | None = None,
    redelivery: bool = False,
    event_id: str | None = None,
    reply_token: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One webhook event; ids and reply tokens are fresh unless given."""
    number = next(_ids)
    body: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": source or {"type": "user", "userId": USER},
        "webhookEventId": event_id or f"01HEVENT{number:018d}",
        "deliveryContext": {"isRedelivery": redelivery},
        **fields,
    }
    if kind not in ("unfollow", "leave"):
        body["replyToken"] = reply_token or f"reply-token-{number}"
    return body


def text_event(text: str, **kwargs: Any) -> dict[str, Any]:
    mention = kwargs.pop("mention", None)
    message: dict[str, Any] = {"type": "text", "id": str(next(_ids)), "text": text}
    if mention is not None:
        message["mention"] = mention
    return event("message", message=message, **kwargs)


def group_source() -> dict[str, str]:
    return {"type": "group", "groupId": GROUP, "userId": USER}


@dataclass
class Line:
    """A running LINE server and a client to deliver webhooks to it."""

    app: web.Application
    url: str
    fake: FakeLine
    services: Services
    session: aiohttp.ClientSession

    @property
    def bot(self) -> LineBot:
        return self.app[LINE_BOT]

    @property
    def scheduler(self) -> ReminderScheduler:
        return self.app[REMINDERS]

    async def deliver(
        self, events: list[dict[str, Any]] | None = None, *, body: bytes | None = None, signature: str | None = "sign"
    ) -> int:
        """POST a delivery (signed unless `signature` is None or another value); the HTTP status."""
        raw = (
            body
            if body is not None
            else json.dumps({"destination": "Ubot", "events": events or []}, ensure_ascii=False).encode()
        )
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Line-Signature"] = sign(raw) if signature == "sign" else signature
        async with self.session.post(f"{self.url}/callback", data=raw, headers=headers) as response:
            return response.status

    async def settle(self) -> None:
        """Wait until every delivered event has been handled."""
        await self.bot.drain()


def settings(fake: FakeLine) -> LineSettings:
    return LineSettings(
        channel_secret=SECRET,
        access_token=TOKEN,
        host="127.0.0.1",
        port=0,
        api_base_url=fake.base_url,
        data_api_base_url=fake.base_url,
    )


@asynccontextmanager
async def serve(fake: FakeLine, services: Services, push_rate: int | None = None) -> AsyncIterator[Line]:
    app = build_app(settings(fake), services, push_rate)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        async with aiohttp.ClientSession() as session:
            yield Line(app, f"http://{host}:{port}", fake, services, session)
    finally:
        await runner.cleanup()
