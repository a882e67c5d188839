"""The Telegram webhook under bad input: oversized, unauthenticated, malformed, over-deep and
duplicate deliveries, against the real application served by handlers/telegram_server.py."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fake_telegram import TOKEN, USER, FakeTelegram
from fault_harness import free_port, raw_exchange

from bot.config import Settings
from bot.wiring import Services, build_services
from handlers.event_log import EventLog
from handlers.settings import TelegramSettings
from handlers.telegram import CHANNEL, build_application
from handlers.telegram_server import SECRET_HEADER, serve
from handlers.webhook import MAX_BODY
from knowledge.engine import Engine

SECRET = "webhook_S3cret"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


@pytest.fixture
def services(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setattr(Engine, "load", lambda *args: engine)
    return build_services(Settings(db_path=tmp_path / "policybot.db"))


@asynccontextmanager
async def webhook(fake: FakeTelegram, services: Services) -> AsyncIterator[str]:
    """The bot served by webhook on 127.0.0.1 (as `policybot run` serves it); yields its URL."""
    port = free_port()
    settings = TelegramSettings(
        token=TOKEN,
        api_base_url=fake.base_url,
        webhook_url="https://bot.example.org/hooks/tg",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret=SECRET,
    )
    application = build_application(settings, services.dialog, events=EventLog(CHANNEL, services.store.db))
    stop = asyncio.Event()
    before = len(fake.calls_to("setWebhook"))
    running = asyncio.create_task(serve(application, settings, stop=stop, stop_signals=()))
    await fake.wait_for("setWebhook", before + 1, timeout=10)
    try:
        yield f"http://127.0.0.1:{port}/hooks/tg"
    finally:
        stop.set()
        await asyncio.wait_for(running, 15)


async def post(url: str, body: bytes | Callable[[], Any], secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body() if callable(body) else body, headers=headers) as response,
    ):
        return response.status


def update(update_id: int, text: str = "/help") -> bytes:
    message = {
        "message_id": update_id,
        "date": 0,
        "chat": {"id": USER["id"], "type": "private"},
        "from": USER,
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


async def test_bodies_are_bounded_and_the_secret_checked_before_they_are_read(
    fake: FakeTelegram, services: Services
) -> None:
    async with webhook(fake, services) as url:
        host, port = "127.0.0.1", int(url.split(":")[2].split("/")[0])
        head = "POST /hooks/tg HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 94371840\r\n"
        status, took = await raw_exchange(host, port, f"{head}\r\n".encode())  # 90 MB announced, none sent
        assert status == 403 and took < 1
        status, took = await raw_exchange(host, port, f"{head}{SECRET_HEADER}: {SECRET}\r\n\r\n".encode())
        assert status == 413 and took < 1

        async def chunks():  # type: ignore[no-untyped-def]  # no declared length: cut off at 1 MiB
            for _ in range(MAX_BODY // 65536 + 2):
                yield b" " * 65536

        assert await post(url, chunks) == 413
        assert await post(url, update(1), secret="wrong") == 403
        assert await post(url, update(1)) == 200
        await fake.wait_for("sendMessage")


async def test_a_body_that_is_not_an_update_is_a_400_with_one_log_line(
    fake: FakeTelegram, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bodies = [
        b'{"hello": "a body that is JSON but not an update"}',
        b"[1, 2, 3]",
        b"not json",
        b'{"update_id": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b'{"update_id": -5}',
        b'{"update_id": 7, "message": "a message that is a string"}',
    ]
    async with webhook(fake, services) as url:
        for body in bodies:
            caplog.clear()
            assert await post(url, body) == 400, body[:60]
            lines = [r for r in caplog.records if r.name.startswith(("handlers", "telegram"))]
            assert len(lines) == 1 and lines[0].levelno == logging.WARNING, [r.getMessage() for r in lines]
            assert "a body that is JSON" not in caplog.text and "a message that is a string" not in caplog.text
            assert "Traceback" not in caplog.text
    assert fake.calls_to("sendMessage") == []


async def test_an_update_posted_twice_is_answered_once_even_after_a_restart(
    fake: FakeTelegram, services: Services
) -> None:
    async with webhook(fake, services) as url:
        assert await post(url, update(4242)) == 200
        assert await post(url, update(4242)) == 200  # Telegram redelivers what it got no 200 for
        await fake.wait_for("sendMessage")
        assert await post(url, update(4243)) == 200  # the next one is answered: the first was handled
        await fake.wait_for("sendMessage", 2)
    async with webhook(fake, services) as url:
        assert await post(url, update(4242)) == 200
        assert await post(url, update(4244)) == 200
        await fake.wait_for("sendMessage", 3)
    await asyncio.sleep(0.2)
    assert len(fake.calls_to("sendMessage")) == 3
