"""Telegram: inline mode, "typing…" while a budget file is checked, and HTML replies with the
figure in bold and everything else escaped, against the fake Bot API server (and through
`policybot run`)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fake_telegram import TOKEN, USER, FakeTelegram, parse_html, polling
from telegram.ext import Application

from bot.config import Settings
from bot.wiring import Services, build_services
from handlers.dialog import ChatRef, Dialog
from handlers.memory import ChatMemory
from handlers.replies import Card, Reply
from handlers.settings import TelegramSettings
from handlers.telegram import build_application
from handlers.telegram_html import chunks_html, html
from handlers.telegram_inline import CACHE_SECONDS, PERIOD, RATE, InlineAnswers
from knowledge.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
CHAT = ChatRef("telegram", str(USER["id"]))
CEILING = "我們 20 班做模式一最多補助多少？"
FORGED = "<b>假</b>&amp;</i><a href='https://example.org'>x"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


@pytest.fixture
def services(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setattr(Engine, "load", lambda *args: engine)
    return build_services(Settings(db_path=tmp_path / "policybot.db"))


@pytest.fixture
async def app(fake: FakeTelegram, services: Services) -> AsyncIterator[Application]:
    application = build_application(TelegramSettings(token=TOKEN, api_base_url=fake.base_url), services.dialog)
    async with polling(application):
        yield application


def fresh(services: Services) -> Dialog:
    """What a new chat is told: no memory, no reminders."""
    return Dialog(services.engine, services.dialog.rules, services.dialog.plan, memory=ChatMemory())


async def inline(fake: FakeTelegram, query: str) -> dict[str, Any]:
    before = len(fake.calls_to("answerInlineQuery"))
    fake.inline_query(query)
    calls = await fake.wait_for("answerInlineQuery", before + 1)
    return calls[-1].params


async def reply_to(fake: FakeTelegram, send: Any) -> dict[str, Any]:
    before = len(fake.calls_to("sendMessage"))
    send()
    return (await fake.wait_for("sendMessage", before + 1))[-1].params


# -- HTML -------------------------------------------------------------------------------------


def test_html_escapes_everything_and_bolds_only_the_figure() -> None:
    text = f"{FORGED} 合計 250,000 元 & 250,000 元 <br>"
    sent = html(text, "250,000 元")
    assert sent == (
        "&lt;b&gt;假&lt;/b&gt;&amp;amp;&lt;/i&gt;&lt;a href='https://example.org'&gt;x 合計 "
        "<b>250,000 元</b> &amp; 250,000 元 &lt;br&gt;"
    )
    seen, entities = parse_html(sent)
    assert seen == text
    assert entities == [{"type": "bold", "offset": text.index("250,000 元"), "length": len("250,000 元")}]
    assert html("a < b", None) == "a &lt; b" and html("no figure here", "250,000 元") == "no figure here"


def test_the_figure_is_bold_once_across_split_messages() -> None:
    reply = Reply("x", card=Card(headline="1 元", title="t"))
    assert chunks_html(reply, ["前言", "合計 1 元", "又 1 元"]) == ["前言", "合計 <b>1 元</b>", "又 1 元"]


async def test_a_ceiling_reply_has_its_figure_in_bold(fake: FakeTelegram, app: Application, services: Services) -> None:
    sent = await reply_to(fake, lambda: fake.message(CEILING))
    expected = fresh(services).handle_text(CHAT, CEILING)
    assert sent["parse_mode"] == "HTML" and sent["text"] == expected.text
    assert "<b>250,000 元</b>" in sent["html"]
    [bold] = sent["entities"]
    assert sent["text"][bold["offset"] : bold["offset"] + bold["length"]] == "250,000 元"


async def test_user_text_with_tags_and_ampersands_reaches_the_chat_as_typed(
    fake: FakeTelegram, app: Application, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A budget file's cell comes back in the reply; a forged reply with a card too."""
    content = f"面向,類別,項目,單價,數量,金額\n{FORGED},經常門,住宿費,3500,2,7000\n".encode()
    sent = await reply_to(fake, lambda: fake.document("budget.csv", content))
    expected = fresh(services).handle_file(CHAT, "budget.csv", content, USER["language_code"])
    assert "<b>假</b>" in expected.text or "<b>假" in expected.text  # the cell is quoted back
    assert sent["text"] == expected.text and sent["entities"] == []
    assert "&lt;b&gt;" in sent["html"] and "<b>" not in sent["html"]

    forged = Reply(f"{FORGED} 合計 250,000 元 & </b>", card=Card(headline="250,000 元", title="合計"))
    monkeypatch.setattr(services.dialog, "handle_text", lambda *args: forged)
    sent = await reply_to(fake, lambda: fake.message("任何問題"))
    assert sent["text"] == forged.text
    assert [e["type"] for e in sent["entities"]] == ["bold"]


async def test_typing_shows_while_a_budget_file_is_fetched_and_checked(fake: FakeTelegram, app: Application) -> None:
    content = "面向,類別,項目,單價,數量,金額\n雙語生活化,經常門,住宿費,3500,2,7000\n".encode()
    await reply_to(fake, lambda: fake.document("budget.csv", content))
    [typing] = fake.calls_to("sendChatAction")
    assert typing.params["action"] == "typing" and str(typing.params["chat_id"]) == str(USER["id"])
    order = [c.method for c in fake.calls]
    assert order.index("sendChatAction") < order.index("getFile") < order.index("download")


async def test_a_refused_file_gets_no_typing(fake: FakeTelegram, app: Application) -> None:
    await reply_to(fake, lambda: fake.document("plan.pdf", b"%PDF", mime_type="application/pdf"))
    assert fake.calls_to("sendChatAction") == []


# -- inline mode ------------------------------------------------------------------------------


async def test_inline_ceiling_has_the_figure_in_its_title(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    answered = await inline(fake, "20班 模式一 最多多少")
    expected = fresh(services).handle_text(CHAT, "20班 模式一 最多多少")
    [result] = answered["results"]
    assert result["type"] == "article" and result["title"].startswith("250,000 元｜")
    content = result["input_message_content"]
    assert content["text"] == expected.text and "<b>250,000 元</b>" in content["html"]
    assert "出處" in result["description"]
    assert int(answered["cache_time"]) == CACHE_SECONDS and answered["is_personal"] in (False, "false")


async def test_inline_unsure_question_offers_its_suggested_answers(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    unsure = fresh(services).handle_text(CHAT, "嗯嗯")
    assert unsure.suggestions
    answered = await inline(fake, "嗯嗯")
    expected = [fresh(services).handle_button(CHAT, f"ask:{s.intent}").text for s in unsure.suggestions]
    assert [r["input_message_content"]["text"] for r in answered["results"]] == expected[: len(answered["results"])]
    assert answered["results"] and all("出處" in r["input_message_content"]["text"] for r in answered["results"])


async def test_inline_answers_use_no_chats_memory_and_leave_none(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    await reply_to(fake, lambda: fake.message("我們學校 20 班，模式一"))
    answered = await inline(fake, "最多補助多少？")
    assert not any("250,000" in r["input_message_content"]["text"] for r in answered["results"])
    if not answered["results"]:
        assert answered["button"]["start_parameter"] == "inline"
    sent = await reply_to(fake, lambda: fake.message("最多補助多少？"))
    assert "250,000 元" in sent["text"]  # the private chat still remembers its school


async def test_a_one_character_query_is_not_answered(fake: FakeTelegram, app: Application) -> None:
    fake.inline_query("模")
    await inline(fake, "結案要什麼時候交？")  # updates are handled in order
    assert len(fake.calls_to("answerInlineQuery")) == 1


async def test_inline_answers_are_cached_and_rate_limited(services: Services) -> None:
    now = [0.0]
    answers = InlineAnswers(services.dialog, clock=lambda: now[0])
    computed: list[str] = []
    original = answers.replies

    def counting(query: str, hint: str | None = None) -> list[Reply]:
        computed.append(query)
        return original(query, hint)

    answers.replies = counting  # type: ignore[method-assign]
    first = await answers.cached_replies("結案要什麼時候交？", "zh")
    assert await answers.cached_replies("結案要什麼時候交？", "zh") == first and len(computed) == 1
    now[0] += CACHE_SECONDS + 1
    await answers.cached_replies("結案要什麼時候交？", "zh")
    assert len(computed) == 2

    assert all(answers.allowed(1) for _ in range(RATE))
    assert not answers.allowed(1) and answers.allowed(2)  # per user
    now[0] += PERIOD
    assert answers.allowed(1)


# -- through `policybot run` --------------------------------------------------------------------


async def test_policybot_run_answers_inline_queries_and_bolds_the_figure(fake: FakeTelegram, tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")} | {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "POLICYBOT_DB": str(tmp_path / "run.db"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=environment, stderr=asyncio.subprocess.PIPE
    )
    try:
        await fake.wait_for("getUpdates", timeout=20)
        answered = await inline(fake, "20班 模式一 最多多少")
        assert answered["results"][0]["title"].startswith("250,000 元")
        sent = await reply_to(fake, lambda: fake.message(CEILING))
        assert "<b>250,000 元</b>" in sent["html"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert TOKEN.split(":")[1] not in stderr.decode()
