"""End to end: the real Application, long polling (or a webhook) against the fake Bot API server.

Replies are compared with what the shared Dialog says for the same input, so these tests check
the Telegram translation and stay right as the knowledge base and the dialog grow.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import AsyncIterator, Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fake_telegram import BOT_USER, GROUP, TOKEN, USER, FakeTelegram, polling
from fault_harness import wait_until
from telegram.ext import Application

from bot.config import Settings
from bot.wiring import Services, build_services
from handlers.dialog import MAX_FILE_BYTES, ChatRef, Dialog, Reply
from handlers.feedback import is_feedback
from handlers.settings import TelegramSettings
from handlers.telegram import SCHEDULER, TelegramPushChannel, build_application
from handlers.telegram_server import serve
from handlers.text_split import split_text
from knowledge.engine import Engine
from reminders.calendar import TAIPEI
from reminders.push import PushOutcome

ROOT = Path(__file__).resolve().parent.parent
CHAT = ChatRef("telegram", str(USER["id"]))
MENTION = f"@{BOT_USER['username']}"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


@pytest.fixture
def services(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Services:
    """The real wiring, with the session's engine instead of loading the knowledge base again."""
    monkeypatch.setattr(Engine, "load", lambda *args: engine)
    return build_services(Settings(db_path=tmp_path / "policybot.db"))


@pytest.fixture
async def app(fake: FakeTelegram, services: Services) -> AsyncIterator[Application]:
    application = build_application(
        TelegramSettings(token=TOKEN, api_base_url=fake.base_url), services.dialog, services.scheduler
    )
    async with polling(application):
        yield application


def reference(services: Services) -> Dialog:
    """A second Dialog on the same engine and reminders: what the bot should say."""
    return Dialog(services.engine, services.dialog.rules, services.dialog.plan, reminders=services.reminders)


async def converse(fake: FakeTelegram, send: Callable[[], object], replies: int = 1) -> list[dict[str, Any]]:
    """Queue an update with `send`; return the parameters of the next `replies` sendMessage calls."""
    before = len(fake.calls_to("sendMessage"))
    send()
    calls = await fake.wait_for("sendMessage", before + replies)
    return [call.params for call in calls[before:]]


def buttons(params: dict[str, Any]) -> list[dict[str, str]]:
    """The reply's buttons but 👍/👎 (tests/test_feedback_e2e.py has those)."""
    rows = params.get("reply_markup", {}).get("inline_keyboard", [])
    return [button for row in rows for button in row if not is_feedback(button["callback_data"])]


async def tap(fake: FakeTelegram, data: str) -> dict[str, Any]:
    """Tap a button of the bot's last message; check the callback is answered; return the reply."""
    answered = len(fake.calls_to("answerCallbackQuery"))
    (reply,) = await converse(fake, lambda: fake.callback(data))
    calls = await fake.wait_for("answerCallbackQuery", answered + 1)
    assert calls[-1].params["callback_query_id"]
    return reply


# -- conversation -----------------------------------------------------------------------------


async def test_start_shows_welcome_and_three_tappable_examples(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    (reply,) = await converse(fake, lambda: fake.message("/start"))
    welcome = reference(services).welcome(CHAT, USER["language_code"])
    assert reply["text"] == welcome.text and str(reply["chat_id"]) == str(USER["id"])
    assert [b["callback_data"] for b in buttons(reply)] == [b.data for b in welcome.buttons]
    assert len(buttons(reply)) == 3
    assert reply["parse_mode"] == "HTML" and reply["html"] == reply["text"]  # nothing to escape or bold

    example = await tap(fake, welcome.buttons[2].data)
    assert example["text"] == reference(services).handle_button(CHAT, welcome.buttons[2].data).text


async def test_question_is_answered_with_its_source(fake: FakeTelegram, app: Application, services: Services) -> None:
    question = "結案要什麼時候交？"
    (reply,) = await converse(fake, lambda: fake.message(question))
    expected = reference(services).handle_text(CHAT, question, USER["language_code"])
    assert reply["text"] == expected.text
    assert "📖 出處" in reply["text"] and services.engine.answer(question).intent == "moe.closeout"
    assert not buttons(reply)


async def test_english_client_gets_english_for_a_question_without_letters(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    english = {**USER, "id": 5002, "language_code": "en-GB"}
    (reply,) = await converse(fake, lambda: fake.message("/help", user=english))
    assert reply["text"] == reference(services).handle_command(ChatRef("telegram", "5002"), "help", "", "en").text
    assert "Commands" in reply["text"]


async def test_commands_outside_the_menu_keep_their_arguments(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    (reply,) = await converse(fake, lambda: fake.message("/ask 結案要什麼時候交？"))
    assert reply["text"] == reference(services).handle_command(CHAT, "ask", "結案要什麼時候交？").text
    assert "📖" in reply["text"]


async def test_low_confidence_offers_suggestions_and_tapping_one_answers_it(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    (reply,) = await converse(fake, lambda: fake.message("嗯嗯"))
    expected = reference(services).handle_text(CHAT, "嗯嗯")
    assert expected.buttons and reply["text"] == expected.text
    offered = buttons(reply)
    assert [(b["text"], b["callback_data"]) for b in offered] == [(b.label, b.data) for b in expected.buttons]

    answer = await tap(fake, offered[0]["callback_data"])
    assert answer["text"] == reference(services).handle_button(CHAT, offered[0]["callback_data"]).text
    assert "📖" in answer["text"]


def skip_unless_dialog_knows_cap(dialog: Dialog) -> None:
    unknown = dialog.handle_command(CHAT, "nosuchcommand", "").text.replace("/nosuchcommand", "/cap")
    if dialog.handle_command(CHAT, "cap", "").text == unknown:
        pytest.skip("the shared Dialog has no /cap yet")


async def test_cap_with_arguments(fake: FakeTelegram, app: Application, services: Services) -> None:
    skip_unless_dialog_knows_cap(reference(services))
    args = "模式二 8班 2領域 分校"
    (reply,) = await converse(fake, lambda: fake.message(f"/cap {args}"))
    assert reply["text"] == reference(services).handle_command(CHAT, "cap", args).text


async def test_cap_without_arguments_asks_step_by_step_with_buttons(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    """mode -> classes -> domains -> branch: tap the first choice at each step until the result."""
    steps = reference(services)
    skip_unless_dialog_knows_cap(steps)
    expected = steps.handle_command(CHAT, "cap", "")
    assert expected.buttons, "/cap without arguments should offer choices"
    (reply,) = await converse(fake, lambda: fake.message("/cap"))
    for _ in range(8):
        assert reply["text"] == expected.text
        assert [b["callback_data"] for b in buttons(reply)] == [b.data for b in expected.buttons]
        if not expected.buttons:
            break
        data = expected.buttons[0].data
        expected = steps.handle_button(CHAT, data)
        reply = await tap(fake, data)
    assert not buttons(reply), "the steps should end in a result"


# -- files and other kinds of messages --------------------------------------------------------


async def test_budget_csv_is_downloaded_and_checked(fake: FakeTelegram, app: Application, services: Services) -> None:
    content = ("面向,類別,項目,單價,數量,金額\n雙語生活化,經常門,住宿費,3500,2,7000\n").encode()
    (reply,) = await converse(fake, lambda: fake.document("經費表.csv", content))
    expected = reference(services).handle_file(CHAT, "經費表.csv", content, USER["language_code"]).text
    assert reply["text"] == expected
    assert "住宿費" in reply["text"] and "3,000" in reply["text"]  # the lodging cap it breaks
    (get_file,) = fake.calls_to("getFile")
    assert get_file.params["file_id"] in fake.files
    assert len(fake.calls_to("download")) == 1


async def test_oversized_or_other_files_are_not_downloaded(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    (too_big,) = await converse(fake, lambda: fake.document("budget.csv", b"a,b\n", file_size=MAX_FILE_BYTES + 1))
    (pdf,) = await converse(fake, lambda: fake.document("plan.pdf", b"%PDF-1.4", mime_type="application/pdf"))
    assert "5 MB" in too_big["text"]
    assert pdf["text"] == reference(services).refuse_file(CHAT, "plan.pdf", None, USER["language_code"]).text
    assert not fake.calls_to("getFile") and not fake.calls_to("download")


async def test_sticker_gets_a_hint(fake: FakeTelegram, app: Application, services: Services) -> None:
    (reply,) = await converse(fake, lambda: fake.sticker())
    assert reply["text"] == reference(services).unsupported(CHAT, USER["language_code"]).text


async def test_ten_kilobyte_message_is_answered(fake: FakeTelegram, app: Application) -> None:
    question = "結案要什麼時候交？" * 1200  # about 10,000 characters
    assert len(question) >= 10_000
    (reply,) = await converse(fake, lambda: fake.message(question))
    assert reply["text"]


async def test_long_reply_is_split_into_messages_with_buttons_on_the_last(
    fake: FakeTelegram, app: Application, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    paragraphs = [f"第 {i} 段：" + "補助經費依核定計畫辦理。" * 30 for i in range(40)]
    long = Reply("\n\n".join(paragraphs), services.dialog.welcome(CHAT).buttons)
    expected = split_text(long.text, 4096)
    assert len(expected) >= 4
    monkeypatch.setattr(services.dialog, "handle_text", lambda *args: long)
    parts = await converse(fake, lambda: fake.message("給我全部"), replies=len(expected))
    assert [p["text"] for p in parts] == expected
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert "\n\n".join(p["text"] for p in parts) == long.text
    assert [bool(buttons(p)) for p in parts] == [False] * (len(parts) - 1) + [True]


# -- groups -----------------------------------------------------------------------------------


async def test_group_messages_are_answered_only_when_meant_for_the_bot(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    group = ChatRef("telegram", str(GROUP["id"]))
    question = "結案要什麼時候交？"
    expected = reference(services).handle_text(group, question).text

    fake.message(question, chat=GROUP)  # people talking among themselves
    fake.message("/help@another_bot", chat=GROUP)
    (mentioned,) = await converse(fake, lambda: fake.message(f"{MENTION} {question}", chat=GROUP))
    assert mentioned["text"] == expected
    assert mentioned["reply_parameters"]["message_id"]  # quotes the question it answers
    assert fake.texts() == [expected], "the bot answered a message that was not for it"

    bot_message = fake.sent[-1]
    (replied,) = await converse(fake, lambda: fake.message(question, chat=GROUP, reply_to=bot_message))
    assert replied["text"] == expected
    (command,) = await converse(fake, lambda: fake.message(f"/help{MENTION}", chat=GROUP))
    assert command["text"] == reference(services).handle_command(group, "help", "").text


async def test_text_mention_is_stripped_before_asking(fake: FakeTelegram, app: Application, services: Services) -> None:
    question = "結案要什麼時候交？"
    entity = {"type": "text_mention", "offset": 0, "length": 9, "user": BOT_USER}
    (reply,) = await converse(fake, lambda: fake.message(f"policybot{question}", chat=GROUP, entities=[entity]))
    assert reply["text"] == reference(services).handle_text(ChatRef("telegram", str(GROUP["id"])), question).text


# -- robustness -------------------------------------------------------------------------------


async def test_a_slow_answer_holds_up_only_its_own_chat(
    fake: FakeTelegram, app: Application, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chats are handled concurrently (a chat's own updates in order): one user's slow question
    does not keep another waiting."""
    release = threading.Event()
    original = services.dialog.handle_text

    def slow(chat: ChatRef, text: str, lang_hint: str | None = None) -> Reply:
        if chat.chat_id == str(USER["id"]):
            release.wait(timeout=10)
        return original(chat, text, lang_hint)

    monkeypatch.setattr(services.dialog, "handle_text", slow)
    try:
        fake.message("結案要什麼時候交？")
        other = {**USER, "id": 5009}
        (reply,) = await converse(fake, lambda: fake.message("結案要什麼時候交？", user=other))
        assert str(reply["chat_id"]) == "5009"
    finally:
        release.set()
    await fake.wait_for("sendMessage", 2)


async def test_a_failing_handler_logs_the_update_and_apologises(
    fake: FakeTelegram,
    app: Application,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def explode(*args: object) -> Reply:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(services.dialog, "handle_text", explode)
    with caplog.at_level(logging.ERROR, logger="handlers.telegram"):
        before = len(fake.calls_to("sendMessage"))
        update_id = fake.message("結案要什麼時候交？")
        reply = (await fake.wait_for("sendMessage", before + 1))[-1].params
    assert "抱歉" in reply["text"]
    record = next(r for r in caplog.records if r.name == "handlers.telegram" and r.levelno == logging.ERROR)
    assert record.getMessage() == f"update {update_id} failed"
    assert record.exc_info and "engine exploded" in str(record.exc_info[1])
    assert TOKEN not in caplog.text


async def test_commands_are_registered_in_chinese_and_english(fake: FakeTelegram, app: Application) -> None:
    calls = await fake.wait_for("setMyCommands", 3)
    by_language = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert set(by_language) == {None, "zh", "en"}
    for language, lang in ((None, "zh"), ("zh", "zh"), ("en", "en")):
        assert [(c["command"], c["description"]) for c in by_language[language]] == Dialog.command_menu(lang)


async def test_blocking_the_bot_stops_the_chats_reminders(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    services.store.subscribe("telegram", str(USER["id"]), lang="zh")
    fake.my_chat_member("kicked")
    await converse(fake, lambda: fake.message("/help", user={**USER, "id": 5003}))  # the update was fetched
    # updates of different chats run concurrently (PerChatUpdates): the other chat's reply may come first
    await wait_until(lambda: services.store.get("telegram", str(USER["id"])) is None, 5, "the unsubscription")


async def test_reminders_are_pushed_and_a_blocked_chat_is_unsubscribed(
    fake: FakeTelegram, app: Application, services: Services
) -> None:
    chat_id = str(USER["id"])
    services.store.subscribe("telegram", chat_id, lang="zh", lead_days=(30, 14))
    deadline = next(d for d in services.calendar.deadlines(after=datetime.now(TAIPEI).date()) if d.date)
    scheduler = services.scheduler({"telegram": TelegramPushChannel(app.bot)})
    assert app.bot_data[SCHEDULER] is not None  # post_init started the bot's own scheduler

    month_before = datetime.combine(deadline.date - timedelta(days=30), time(9, 1), TAIPEI)
    assert await scheduler.run_due(month_before) >= 1
    assert any(deadline.title("zh") in text for text in fake.texts(chat_id))

    fake.block(chat_id)
    channel = TelegramPushChannel(app.bot)
    assert await channel.push(chat_id, "提醒") is PushOutcome.BLOCKED
    two_weeks_before = datetime.combine(deadline.date - timedelta(days=14), time(9, 1), TAIPEI)
    assert await scheduler.run_due(two_weeks_before) == 0
    assert services.store.get("telegram", chat_id) is None


# -- webhook and the `policybot run` command ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def post_update(url: str, update: dict[str, Any], secret: str | None) -> int:
    """POST an update as Telegram would; waits up to 10 s for the webhook server to listen."""
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.post(url, json=update, headers=headers) as response:
                    return response.status
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.05)
    raise AssertionError(f"nothing listens at {url}")


def start_update(update_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": USER["id"], "type": "private"},
            "from": USER,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def check_webhook_secret(fake: FakeTelegram, url: str, secret: str) -> None:
    """Requests without the secret or with a wrong one are refused; the right one is answered."""
    assert await post_update(url, start_update(901), None) == 403
    assert await post_update(url, start_update(902), "wrong-secret") == 403
    assert await post_update(url, start_update(903), secret) == 200
    (reply,) = await fake.wait_for("sendMessage")
    assert "policybot" in reply.params["text"]


async def test_webhook_rejects_requests_without_the_secret_token(fake: FakeTelegram, services: Services) -> None:
    port, secret = free_port(), "s3cret_Token-42"
    settings = TelegramSettings(
        token=TOKEN,
        api_base_url=fake.base_url,
        webhook_url="https://bot.example.org/telegram",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret=secret,
    )
    application = build_application(settings, services.dialog, services.scheduler)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(application, settings, stop=stop, stop_signals=()))
    try:
        (set_webhook,) = await fake.wait_for("setWebhook", timeout=10)
        assert set_webhook.params["secret_token"] == secret
        assert set_webhook.params["url"] == "https://bot.example.org/telegram"
        await check_webhook_secret(fake, f"http://127.0.0.1:{port}/telegram", secret)
    finally:
        stop.set()
        await asyncio.wait_for(running, 15)


async def run_bot(fake: FakeTelegram, tmp_path: Path, **env: str) -> asyncio.subprocess.Process:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    environment = {
        **inherited,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "POLICYBOT_DB": str(tmp_path / "run.db"),
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def stop_bot(process: asyncio.subprocess.Process) -> str:
    """Stop the bot as a container runtime would; return its log, after checking it exited cleanly."""
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), 20)
    log = stderr.decode()
    assert process.returncode == 0, log
    return log


async def test_policybot_run_polls_and_never_logs_the_token(fake: FakeTelegram, tmp_path: Path) -> None:
    process = await run_bot(fake, tmp_path)
    try:
        await fake.wait_for("getUpdates", timeout=20)
        assert len(await fake.wait_for("setMyCommands", 3)) == 3
        (reply,) = await converse(fake, lambda: fake.message("/start"))
        assert "policybot" in reply["text"]
    finally:
        log = await stop_bot(process)
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert "Application started" in log


async def test_policybot_run_serves_a_webhook_with_a_secret(fake: FakeTelegram, tmp_path: Path) -> None:
    port, secret = free_port(), "another_S3cret"
    process = await run_bot(
        fake,
        tmp_path,
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/hooks/tg",
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT=str(port),
        TELEGRAM_WEBHOOK_SECRET=secret,
    )
    try:
        (set_webhook,) = await fake.wait_for("setWebhook", timeout=20)
        assert set_webhook.params["secret_token"] == secret
        await fake.wait_for("setMyCommands", 3)
        await check_webhook_secret(fake, f"http://127.0.0.1:{port}/hooks/tg", secret)
    finally:
        log = await stop_bot(process)
    assert TOKEN not in log and secret not in log


async def test_policybot_run_with_a_rejected_token_exits_2_without_showing_it(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    revoked = "987654321:AAHrevokedTokenForTests_9876543210zyxwv"
    process = await run_bot(fake, tmp_path, TELEGRAM_BOT_TOKEN=revoked)
    _, stderr = await asyncio.wait_for(process.communicate(), 20)
    log = stderr.decode()
    assert process.returncode == 2, log
    assert log.strip().splitlines()[-1].startswith("policybot run: Telegram rejected TELEGRAM_BOT_TOKEN")
    assert revoked not in log and revoked.split(":")[1] not in log
