"""End to end: ask on Telegram and on LINE (the real adapters against the fake servers), tap 👎, say
what was wrong, and find it in `policybot report --json`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fake_telegram import TOKEN, USER, FakeTelegram, polling
from line_harness import Line, event, text_event
from telegram.ext import Application

from bot.cli import main
from bot.config import Settings
from bot.wiring import Services, build_services
from handlers.settings import TelegramSettings
from handlers.telegram import build_application
from knowledge.engine import Engine

pytest_plugins = ["line_fixtures"]


def report(services: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """`policybot report --json` on the bot's database, as an operator would run it beside the bot."""
    capsys.readouterr()
    monkeypatch.setenv("POLICYBOT_DB", str(services.store.path))
    assert main(["report", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# -- Telegram ------------------------------------------------------------------------------------


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


@pytest.fixture
def telegram_services(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setattr(Engine, "load", lambda *args: engine)
    return build_services(Settings(db_path=tmp_path / "policybot.db"))


@pytest.fixture
async def bot(telegram: FakeTelegram, telegram_services: Services) -> AsyncIterator[Application]:
    application = build_application(
        TelegramSettings(token=TOKEN, api_base_url=telegram.base_url), telegram_services.dialog
    )
    async with polling(application):
        yield application
    telegram_services.store.close()


async def said(fake: FakeTelegram, send: Any) -> dict[str, Any]:
    before = len(fake.calls_to("sendMessage"))
    send()
    return (await fake.wait_for("sendMessage", before + 1))[before].params


async def test_telegram_thumbs_down_and_a_comment_reach_the_report(
    telegram: FakeTelegram,
    bot: Application,
    telegram_services: Services,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = await said(telegram, lambda: telegram.message("住宿費上限"))
    *_, last_row = answer["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in last_row] == ["👍", "👎 答錯了"]
    down = last_row[1]["callback_data"]
    assert down.startswith("fb:-:") and len(down.encode()) <= 64

    answered = len(telegram.calls_to("answerCallbackQuery"))
    prompt = await said(telegram, lambda: telegram.callback(down))
    await telegram.wait_for("answerCallbackQuery", answered + 1)  # the phone's spinner stops
    assert "哪裡不對" in prompt["text"]
    thanks = await said(telegram, lambda: telegram.message("國內出差應依差旅費規定，不是這個"))
    assert "已記下" in thanks["text"]
    followed = await said(telegram, lambda: telegram.message("結案要什麼時候交？"))
    assert "出處" in followed["text"]  # the chat goes on as before

    data = report(telegram_services, monkeypatch, capsys)
    [wrong] = data["wrong"]
    assert (wrong["question"], wrong["entry"], wrong["comment"], wrong["channel"]) == (
        "住宿費上限",
        "moe.item.lodging",
        "國內出差應依差旅費規定，不是這個",
        "telegram",
    )
    assert data["turns"] == 2 and data["feedback"] == {"up": 0, "down": 1, "comments": 1}
    assert str(USER["id"]) not in json.dumps(data)


async def test_telegram_thumbs_up_is_acknowledged_and_counted(
    telegram: FakeTelegram,
    bot: Application,
    telegram_services: Services,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = await said(telegram, lambda: telegram.message("結案要什麼時候交？"))
    up = answer["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
    thanks = await said(telegram, lambda: telegram.callback(up))
    assert thanks["text"] == "👍 謝謝！"
    assert report(telegram_services, monkeypatch, capsys)["feedback"]["up"] == 1


# -- LINE ----------------------------------------------------------------------------------------


async def test_line_thumbs_down_and_a_comment_reach_the_report(
    line: Line, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await line.deliver([text_event("住宿費上限")])
    [answer] = await line.fake.wait_for(line.fake.replies)
    items = [item["action"] for item in answer.quick_replies()]
    assert [(a["type"], a["label"], a["displayText"]) for a in items[-2:]] == [
        ("postback", "👍", "👍"),
        ("postback", "👎 答錯了", "👎 答錯了"),
    ]

    await line.deliver([event("postback", postback={"data": items[-1]["data"]})])
    prompt = await line.fake.wait_for(lambda: line.fake.replies()[1:])
    assert "哪裡不對" in prompt[0].texts()[0]
    await line.deliver([text_event("住宿費要看差旅費規定")])
    thanks = await line.fake.wait_for(lambda: line.fake.replies()[2:])
    assert "已記下" in thanks[0].texts()[0]

    data = report(line.services, monkeypatch, capsys)
    assert [(w["question"], w["comment"], w["channel"]) for w in data["wrong"]] == [
        ("住宿費上限", "住宿費要看差旅費規定", "line")
    ]
    assert "U" + "a" * 32 not in json.dumps(data)
