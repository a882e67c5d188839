"""Helpers for the fault tests: real `policybot line` / `policybot run` processes against the fake
platforms, subscribers with a reminder due right now (by the real clock), and the sent-log as the
processes left it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp

from reminders.calendar import PlanCalendar, taipei_now
from reminders.store import SubscriptionStore

ROOT = Path(__file__).resolve().parents[1]


def subscribe_due_now(db: Path, channel: str, chat_ids: list[str], today: date | None = None) -> str:
    """Subscribe `chat_ids` so that exactly one reminder each is due now: the next dated deadline,
    with one lead time reaching back to yesterday. Returns that deadline's key."""
    today = today or taipei_now().date()
    deadline = next(d for d in PlanCalendar.load().deadlines(after=today) if d.date is not None)
    assert deadline.date is not None
    lead = (deadline.date - today).days + 1
    store = SubscriptionStore(db)
    try:
        with store.db.transaction() as c:
            c.executemany(
                """INSERT INTO subscriptions (channel, chat_id, kinds, lang, lead_days, created_at)
                   VALUES (?, ?, ?, 'zh', ?, '2026-01-01T00:00:00+08:00')""",
                [(channel, chat, f'["{deadline.kinds[0]}"]', f"[{lead}]") for chat in chat_ids],
            )
    finally:
        store.close()
    return deadline.key


def sent_log(db: Path, channel: str) -> dict[str, str]:
    """chat_id -> status, read as another program would."""
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT chat_id, status FROM sent_log WHERE channel = ?", (channel,)).fetchall())
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Bot:
    """A running `policybot` server process."""

    process: asyncio.subprocess.Process
    log_path: Path

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def kill(self) -> None:
        """kill -9, and reap it (a zombie would still look alive to the next process)."""
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()

    async def terminate(self, timeout: float = 20) -> float:
        """SIGTERM; the seconds until it exited."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.process.wait(), timeout)
        return time.monotonic() - started


async def start_bot(command: str, env: dict[str, str], log_path: Path) -> Bot:
    """`policybot <command>` with `env` on top of a clean environment; stderr to `log_path`."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LINE_", "POLICYBOT_"))}
    log_file = open(log_path, "ab")  # noqa: SIM115 - the child writes it; closed when the test ends
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        command,
        cwd=ROOT,
        env={**inherited, **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log_file,
    )
    log_file.close()
    return Bot(process, log_path)


async def wait_until(condition: Callable[[], Any], timeout: float = 30, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)
    return result


async def wait_healthy(url: str, bot: Bot, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline and bot.process.returncode is None:
            try:
                async with session.get(f"{url}/health") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError(f"no /health at {url} (exit {bot.process.returncode}): {bot.log[-2000:]}")


def duplicates(recipients: list[str]) -> dict[str, int]:
    return {to: n for to, n in Counter(recipients).items() if n > 1}


async def stalled_request(host: str, port: int, path: str, headers: dict[str, str]) -> asyncio.StreamWriter:
    """A client that sends a request's headers and a little of its body, then nothing more."""
    _, writer = await asyncio.open_connection(host, port)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 4096\r\n{head}\r\n{{".encode())
    await writer.drain()
    return writer


async def raw_exchange(host: str, port: int, request: bytes, timeout: float = 5) -> tuple[int, float]:
    """Send `request` as is and read the status line of the answer: (status, seconds it took)."""
    started = time.monotonic()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout)
        return int(line.split()[1]), time.monotonic() - started
    finally:
        writer.close()
