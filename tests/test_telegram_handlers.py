"""The Telegram adapter's parts: addressing in groups, keyboards, reminder pushes, `policybot run`."""

from __future__ import annotations

import json
import logging
import time as clock
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from fake_telegram import BOT_USER, DROP, GATEWAY, GROUP, TOKEN, USER, FakeTelegram, entities_for
from telegram import Bot, Message
from telegram.ext import AIORateLimiter

from bot.cli import main
from bot.logs import REDACTED, RedactSecrets
from handlers.dialog import Button, Dialog
from handlers.replies import ButtonDataTooLong
from handlers.settings import TelegramSettings
from handlers.telegram import TelegramPushChannel, addressed_text, build_application, file_url, keyboard, push_bot
from knowledge.engine import Engine
from knowledge.funding_rules import load_rules
from reminders.push import PushOutcome
from reminders.ratelimit import RateLimiter

BOT_ID, USERNAME = BOT_USER["id"], BOT_USER["username"]
CHAT_ID = str(USER["id"])


def message(text: str, chat: dict[str, Any] = GROUP, **fields: Any) -> Message:
    data = {
        "message_id": 1,
        "date": 0,
        "chat": chat,
        "from": USER,
        "text": text,
        "entities": entities_for(text),
        **fields,
    }
    return Message.de_json(data, None)


# -- who a message is for ---------------------------------------------------------------------


def test_everything_in_a_private_chat_is_for_the_bot() -> None:
    private = {"id": USER["id"], "type": "private"}
    assert addressed_text(message("結案要什麼時候交？", private), BOT_ID, USERNAME) == "結案要什麼時候交？"


def test_group_message_without_mention_is_not_for_the_bot() -> None:
    assert addressed_text(message("結案要什麼時候交？"), BOT_ID, USERNAME) is None
    assert addressed_text(message("@someone_else 結案要什麼時候交？"), BOT_ID, USERNAME) is None


def test_mention_is_removed_even_after_emoji() -> None:
    """Telegram counts entity offsets in UTF-16 code units; 🙏 is two of them."""
    text = f"🙏 請問 @{USERNAME.upper()} 結案要什麼時候交？"
    assert addressed_text(message(text), BOT_ID, USERNAME) == "🙏 請問  結案要什麼時候交？"


def test_text_mention_and_reply_to_the_bot_are_for_the_bot() -> None:
    mention = [{"type": "text_mention", "offset": 0, "length": 3, "user": BOT_USER}]
    assert addressed_text(message("小幫手結案呢", entities=mention), BOT_ID, USERNAME) == "結案呢"
    bot_message = {"message_id": 9, "date": 0, "chat": GROUP, "from": BOT_USER, "text": "…"}
    assert addressed_text(message("那模式二呢？", reply_to_message=bot_message), BOT_ID, USERNAME) == "那模式二呢？"


def test_caption_mention_addresses_a_document() -> None:
    caption = f"@{USERNAME} 幫我檢查"
    data = {
        "message_id": 1,
        "date": 0,
        "chat": GROUP,
        "from": USER,
        "caption": caption,
        "caption_entities": entities_for(caption),
        "document": {"file_id": "f", "file_unique_id": "u", "file_name": "b.csv"},
    }
    assert addressed_text(Message.de_json(data, None), BOT_ID, USERNAME) == "幫我檢查"


# -- keyboards --------------------------------------------------------------------------------


def test_short_choices_share_rows_and_long_ones_get_their_own() -> None:
    short = keyboard([Button(f"{n} 班", f"cap:classes:{n}") for n in (4, 8, 12, 16)])
    assert short is not None and [len(row) for row in short.inline_keyboard] == [3, 1]
    long = keyboard([Button("我們 20 班做模式一最多補助多少？", "ex:0"), Button("部領可以用在哪些領域？", "ex:1")])
    assert long is not None and [len(row) for row in long.inline_keyboard] == [1, 1]
    assert long.inline_keyboard[0][0].callback_data == "ex:0"
    assert keyboard([]) is None


def test_button_data_over_64_bytes_fails_loudly_where_it_is_made(engine: Engine) -> None:
    with pytest.raises(ButtonDataTooLong):
        Button("too long", "ask:" + "文" * 30)
    markup = keyboard([Button("ok", "ask:moe.closeout")])
    assert markup is not None and [b.text for row in markup.inline_keyboard for b in row] == ["ok"]
    # every button the dialog can make fits: the longest entry id as a suggestion
    longest = max(engine.kb.entries, key=lambda entry_id: len(entry_id.encode()))
    assert Button("x", "ask:" + longest).data


def test_file_url_of_a_self_hosted_server() -> None:
    assert file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url("http://bot-api:8081/api") is None


# -- the fake server itself ------------------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


async def test_fake_server_reads_form_and_json_arguments(fake: FakeTelegram) -> None:
    """PTB posts forms with nested values as JSON strings; other clients post JSON bodies."""
    markup = {"inline_keyboard": [[{"text": "模式一", "callback_data": "cap:mode:1"}]]}
    url = f"{fake.base_url}{TOKEN}/sendMessage"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data={"chat_id": "5001", "text": "表單", "reply_markup": json.dumps(markup)}):
            pass
        async with session.post(url, json={"chat_id": 5001, "text": "JSON", "reply_markup": markup}) as response:
            assert (await response.json())["result"]["text"] == "JSON"
        async with session.post(f"{fake.base_url}123:wrong/getMe") as response:
            assert response.status == 401
    form, body = fake.calls_to("sendMessage")
    assert form.params["reply_markup"] == body.params["reply_markup"] == markup
    assert fake.texts(5001) == ["表單", "JSON"]


async def test_fake_server_serves_each_update_until_confirmed(fake: FakeTelegram) -> None:
    first, second = fake.message("一"), fake.message("二")
    async with Bot(TOKEN, base_url=fake.base_url) as bot:
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first, second]
        assert [u.update_id for u in await bot.get_updates(offset=second, timeout=0)] == [second]
        assert await bot.get_updates(offset=second + 1, timeout=0) == ()


# -- reminder pushes -------------------------------------------------------------------------


@pytest.fixture
async def channel(fake: FakeTelegram) -> AsyncIterator[TelegramPushChannel]:
    """A push channel on a bare bot, so that 429s come back at once instead of being waited out."""
    async with Bot(TOKEN, base_url=fake.base_url) as bot:
        yield TelegramPushChannel(bot)


async def test_push_sent(fake: FakeTelegram, channel: TelegramPushChannel) -> None:
    assert channel.name == "telegram"
    assert await channel.push(CHAT_ID, "⏰ 期限提醒：結案") is PushOutcome.SENT
    assert fake.texts(CHAT_ID) == ["⏰ 期限提醒：結案"]


@pytest.mark.parametrize(
    "status, description, parameters, outcome",
    [
        (403, "Forbidden: bot was blocked by the user", None, PushOutcome.BLOCKED),
        (403, "Forbidden: user is deactivated", None, PushOutcome.BLOCKED),
        (400, "Bad Request: chat not found", None, PushOutcome.BLOCKED),
        (
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": -100777},
            PushOutcome.BLOCKED,
        ),
        (400, "Bad Request: message is too long", None, PushOutcome.FAILED),
        (429, "Too Many Requests: retry after 5", {"retry_after": 5}, PushOutcome.FAILED),
        (502, "Bad Gateway", None, PushOutcome.FAILED),
    ],
)
async def test_push_outcomes(
    fake: FakeTelegram,
    channel: TelegramPushChannel,
    status: int,
    description: str,
    parameters: dict[str, Any] | None,
    outcome: PushOutcome,
) -> None:
    fake.fail("sendMessage", CHAT_ID, status, description, parameters)
    assert await channel.push(CHAT_ID, "提醒") is outcome


async def test_push_whose_connection_drops_may_have_been_delivered(
    fake: FakeTelegram, channel: TelegramPushChannel
) -> None:
    """A dropped connection may come after delivery: the scheduler must not retry it."""
    fake.fail("sendMessage", CHAT_ID, DROP)
    assert await channel.push(CHAT_ID, "提醒") is PushOutcome.UNSURE


async def test_push_answered_by_a_gateway_page_may_have_been_delivered(
    fake: FakeTelegram, channel: TelegramPushChannel
) -> None:
    """A 502 that is not the Bot API's own JSON answer comes from a proxy in front of it."""
    fake.fail("sendMessage", CHAT_ID, GATEWAY)
    assert await channel.push(CHAT_ID, "提醒") is PushOutcome.UNSURE


async def test_push_when_telegram_cannot_be_reached_failed(fake: FakeTelegram, channel: TelegramPushChannel) -> None:
    await fake.stop()
    assert await channel.push(CHAT_ID, "提醒") is PushOutcome.FAILED


async def test_a_429_holds_back_every_push_for_its_retry_after(fake: FakeTelegram) -> None:
    limiter = RateLimiter(30)
    async with Bot(TOKEN, base_url=fake.base_url) as bot:
        channel = TelegramPushChannel(bot, limiter)
        fake.fail("sendMessage", CHAT_ID, 429, "Too Many Requests: retry after 1", {"retry_after": 1}, times=1)
        async with channel.slot():
            assert await channel.push(CHAT_ID, "提醒") is PushOutcome.FAILED
        started = clock.monotonic()
        async with channel.slot():  # the next push waits out the Retry-After
            assert await channel.push("5002", "提醒") is PushOutcome.SENT
    assert clock.monotonic() - started >= 0.9
    assert len(fake.calls_to("sendMessage")) == 2


async def test_replies_go_through_ptbs_rate_limiter_and_pushes_have_their_own_pool(
    fake: FakeTelegram, engine: Engine
) -> None:
    """The application's bot waits out a 429 and sends again; reminders use another bot, with its
    own connections and timeouts."""
    settings = TelegramSettings(token=TOKEN, api_base_url=fake.base_url)
    application = build_application(settings, Dialog(engine, load_rules()))
    assert isinstance(application.bot.rate_limiter, AIORateLimiter)
    fake.fail("sendMessage", CHAT_ID, 429, "Too Many Requests: retry after 1", {"retry_after": 1}, times=1)
    async with application.bot:
        started = clock.monotonic()
        await application.bot.send_message(CHAT_ID, "答覆")
    assert clock.monotonic() - started >= 1
    assert len(fake.calls_to("sendMessage")) == 2
    pushes = push_bot(settings)
    assert pushes.base_url.startswith(fake.base_url) and pushes.request is not application.bot.request


# -- policybot run ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token, message",
    [
        (None, "TELEGRAM_BOT_TOKEN is not set"),
        ("", "TELEGRAM_BOT_TOKEN is not set"),
        ("123456789:tooShortSecretPart", "TELEGRAM_BOT_TOKEN is malformed"),
        ("not a token at all but a long secret-looking string", "TELEGRAM_BOT_TOKEN is malformed"),
    ],
)
def test_run_with_a_missing_or_malformed_token_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], token: str | None, message: str
) -> None:
    if token is None:
        monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    else:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    assert main(["run"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and message in err
    if token:
        assert token not in err and token.split(":")[-1] not in err


def test_run_with_a_webhook_but_no_secret_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/tg")
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_WEBHOOK_SECRET" in err and TOKEN not in err


def test_the_log_filter_redacts_the_token_in_messages_and_tracebacks() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    redact = RedactSecrets(TOKEN)
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError as exc:
        record = logging.LogRecord(
            "httpx",
            logging.ERROR,
            __file__,
            1,
            "HTTP Request: %s %s",
            ("POST", f"https://api.telegram.org/bot{TOKEN}/getMe"),
            (type(exc), exc, None),
        )
    assert redact.filter(record)
    formatted = handler.format(record)
    assert TOKEN not in formatted
    assert f"bot{REDACTED}/getMe" in formatted and "RuntimeError" in formatted
