"""`policybot line`: settings from the environment, and the real server process end to end."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from fake_line import FakeLine
from line_harness import SECRET, TOKEN, USER, sign, text_event

from bot.cli import main

pytest_plugins = ["line_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
LINE_VARS = (
    "LINE_CHANNEL_SECRET",
    "LINE_CHANNEL_ACCESS_TOKEN",
    "LINE_WEBHOOK_HOST",
    "LINE_WEBHOOK_PORT",
    "LINE_API_BASE_URL",
    "LINE_DATA_API_BASE_URL",
    "LINE_PUSH_RATE",
)


@pytest.fixture
def no_line_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LINE_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_line_env")
@pytest.mark.parametrize(
    "env",
    [
        {},
        {"LINE_CHANNEL_SECRET": SECRET},
        {"LINE_CHANNEL_ACCESS_TOKEN": TOKEN},
        {"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "LINE_WEBHOOK_PORT": "http"},
        {"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "LINE_PUSH_RATE": "0"},
        {"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "LINE_PUSH_RATE": "fast"},
    ],
)
def test_missing_or_bad_settings_exit_2_with_one_line_and_no_secret(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["line"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "LINE_" in captured.err
    assert SECRET not in captured.err and TOKEN not in captured.err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def server(fake: FakeLine, tmp_path: Path) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in LINE_VARS} | {
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_WEBHOOK_HOST": "127.0.0.1",
        "LINE_WEBHOOK_PORT": str(port),
        "LINE_API_BASE_URL": fake.base_url,
        "LINE_DATA_API_BASE_URL": fake.base_url,
        "POLICYBOT_DB": str(tmp_path / "policybot.db"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "line",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _wait_healthy(
    session: aiohttp.ClientSession, url: str, process: asyncio.subprocess.Process, timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while process.returncode is None and time.monotonic() < deadline:
        try:
            async with session.get(f"{url}/health") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    if process.returncode is None:
        process.kill()
    _, err = await process.communicate()
    raise AssertionError(f"policybot line did not come up (exit {process.returncode}): {err.decode()[-2000:]}")


async def test_policybot_line_serves_the_webhook_and_stops_cleanly(
    fake: FakeLine, server: tuple[str, asyncio.subprocess.Process]
) -> None:
    url, process = server
    body = json.dumps({"destination": "Ubot", "events": [text_event("結案要什麼時候交？")]}).encode()
    async with aiohttp.ClientSession() as session:
        await _wait_healthy(session, url, process)
        async with session.post(f"{url}/callback", data=body, headers={"X-Line-Signature": "bad"}) as response:
            assert response.status == 400
        async with session.post(f"{url}/callback", data=body, headers={"X-Line-Signature": sign(body)}) as response:
            assert response.status == 200
    [reply] = await fake.wait_for(fake.replies, timeout=10)
    assert "出處" in "\n".join(reply.texts())

    process.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0
    output = (out + err).decode()
    assert SECRET not in output and TOKEN not in output


async def test_policybot_line_answers_a_ceiling_with_a_card_and_shows_loading_for_a_file(
    fake: FakeLine, server: tuple[str, asyncio.subprocess.Process]
) -> None:
    url, process = server
    budget = "面向,類別,項目,單價,數量,金額\n雙語生活化,經常門,住宿費,3500,2,7000\n".encode()
    fake.contents["m-cli-file"] = budget
    file = {"type": "file", "id": "m-cli-file", "fileName": "budget.csv", "fileSize": len(budget)}
    events = [
        text_event("我們 20 班做模式一最多補助多少？", reply_token="tok-cap"),
        {**text_event("x", reply_token="tok-file"), "message": file},
    ]
    body = json.dumps({"destination": "Ubot", "events": events}).encode()
    async with aiohttp.ClientSession() as session:
        await _wait_healthy(session, url, process)
        async with session.post(f"{url}/callback", data=body, headers={"X-Line-Signature": sign(body)}) as response:
            assert response.status == 200
    await fake.wait_for(lambda: len(fake.replies()) == 2, timeout=10)
    by_token = {c.body["replyToken"]: c for c in fake.replies()}
    [card] = by_token["tok-cap"].flexes()
    assert "250,000 元" in card["altText"]
    assert "住宿費" in "\n".join(by_token["tok-file"].texts())
    assert [c.body["chatId"] for c in fake.loadings()] == [USER]
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0
