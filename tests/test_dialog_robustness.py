"""Bad input against the shared Dialog and the command line.

The project standard: bad input gets a clear, polite message in the user's language, never a
stack trace, and never loses stored data (empty text, 100 kB messages, emoji, control
characters, stickers and photos, negative or absurd numbers, malformed commands, broken
uploaded files).

Every test drives the real wiring (`build_services` on a SQLite file in a temporary folder) and asserts
what the user would actually see: a non-empty reply, in the right language, without Python
error text, and with the stored subscriptions intact.
"""

from __future__ import annotations

import io
import itertools
import json
import random
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.wiring import Services, build_services
from handlers.cli import run_chat
from handlers.dialog import BUTTON_DATA_LIMIT, ChatRef, Dialog, Reply
from handlers.feedback import without_feedback
from knowledge.engine import Engine
from reminders.store import SubscriptionStore

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
KB = 1024
FLOOD = 100_000  # characters in a "100 kB message"

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# What a leaked exception looks like in a reply or on stderr.
_PY_ERROR = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]*\", line \d+"
    r"|\b[A-Z][A-Za-z]*(?:Error|Exception)\b|\bobject at 0x[0-9a-f]+|maximum recursion depth"
)
# C0/C1 control characters (except newline and tab) must never be sent back to a chat or terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A reply must not echo a flood back: Telegram and LINE cut a message at a few thousand characters.
MAX_REPLY_CHARS = 8000

_ids = itertools.count()


# -- helpers --------------------------------------------------------------------------


def assert_sane(reply: object) -> Reply:
    """A real reply: non-empty text, no Python error text, no control characters, valid buttons."""
    assert isinstance(reply, Reply), f"expected a Reply, got {reply!r}"
    assert isinstance(reply.text, str) and reply.text.strip(), "empty reply"
    assert not _PY_ERROR.search(reply.text), f"Python error text in the reply: {reply.text[:600]!r}"
    assert not _CONTROL.search(reply.text), f"control characters echoed in the reply: {reply.text[:600]!r}"
    assert reply.lang in ("zh", "en")
    for button in reply.buttons:
        assert button.label.strip(), f"button without a label: {button!r}"
        assert 0 < len(button.data.encode()) <= BUTTON_DATA_LIMIT, f"button data too long: {button!r}"
    return reply


def is_lang(text: str, lang: str) -> bool:
    """zh: Chinese text (CJK, not drowned in Latin); en: mostly Latin letters."""
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    if lang == "zh":
        return cjk >= 2 and cjk * 4 >= latin
    return latin >= 3 and latin >= 2 * cjk


def assert_reply(reply: object, lang: str) -> Reply:
    """assert_sane, and the reply is in `lang` both by its tag and by its text."""
    reply = assert_sane(reply)
    assert reply.lang == lang, f"reply tagged {reply.lang!r}, expected {lang!r}: {reply.text[:300]!r}"
    assert is_lang(reply.text, lang), f"reply text is not {lang}: {reply.text[:300]!r}"
    return reply


def states_ceiling(text: str) -> bool:
    return "合計 " in text or "Total: " in text


def new_chat(dialog: Dialog, lang: str | None = None, channel: str = "telegram") -> ChatRef:
    """A fresh chat; `lang` 'en' or 'zh' is chosen with /lang like a user would."""
    chat = ChatRef(channel, f"robust-{next(_ids)}")
    if lang is not None:
        reply = dialog.handle_text(chat, f"/lang {lang}")
        assert reply.lang == lang and dialog.language(chat) == lang
    return chat


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """bot.cli.main(argv) -> (exit status, stdout, stderr); argparse's SystemExit counts as a status."""
    try:
        status = main(argv)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 2
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_clear_error_line(status: int, out: str, err: str) -> None:
    assert status == 2, f"exit status {status}, stderr: {err!r}"
    assert "Traceback" not in err and not _PY_ERROR.search(err), err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert len(lines[0]) < 400
    assert out.strip() == "", f"nothing expected on stdout, got {out[:200]!r}"


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, engine: Engine) -> Iterator[Services]:
    """The real wiring on a SQLite file of its own, with the session's engine.

    Shared by the module for speed; every test talks in chats of its own (`new_chat`).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Engine, "load", lambda *args: engine)
        built = build_services(Settings(db_path=tmp_path_factory.mktemp("robustness") / "policybot.db"))
    yield built
    built.store.close()


@pytest.fixture
def fast_engine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI commands load the knowledge base; hand them the session's engine instead."""
    monkeypatch.setattr(Engine, "load", lambda *args: engine)


@pytest.fixture
def dialog(services: Services) -> Dialog:
    return services.dialog


def subscribe_closeout(services: Services, chat: ChatRef) -> None:
    reply = services.dialog.handle_text(chat, "/subscribe 核結 30,7")
    assert_sane(reply)
    sub = services.store.get(chat.channel, chat.chat_id)
    assert sub is not None and sub.kinds == frozenset({"closeout"}) and sub.lead_days == (30, 7)


def assert_answered(reply: object) -> None:
    """The weakest promise, for tests about stored data: some reply, no exception."""
    assert isinstance(reply, Reply) and isinstance(reply.text, str) and reply.text.strip()


def assert_closeout_subscription_intact(services: Services, chat: ChatRef) -> None:
    """Still subscribed: through /reminders, through the store, and through a fresh connection."""
    db = services.store.path
    lang = services.dialog.language(chat)
    status = services.dialog.handle_text(chat, "/reminders")
    assert_reply(status, lang)
    assert ("核結" in status.text) if lang == "zh" else ("close-out" in status.text), status.text
    sub = services.store.get(chat.channel, chat.chat_id)
    assert sub is not None and sub.kinds == frozenset({"closeout"}) and sub.lead_days == (30, 7)
    other = SubscriptionStore(db)
    try:
        again = other.get(chat.channel, chat.chat_id)
        assert again is not None and again.kinds == frozenset({"closeout"}) and again.lead_days == (30, 7)
    finally:
        other.close()


# -- handle_text: junk ----------------------------------------------------------------

JUNK_WITHOUT_LETTERS = {
    "empty": "",
    "spaces": "   ",
    "whitespace": " \n\t\r\n\u3000 ",
    "emoji": "😀🎉👍🏽",
    "sticker-like emoji flood": "🙂" * 5000,
    "control characters": "\x00\x01\x02\x07\x08\x1b\x7f",
    "C1 controls": "\x85\x90\x9b\x9f",
    "zero-width": "\u200b\u200c\u200d\u2060\ufeff",
    "rtl and isolates": "\u202e\u202b\u2066\u2067\u2069\u200f",
    "lone surrogate": "\ud83d",
    "lone slash": "/",
    "double slash": "//",
    "full-width slash": "／",
    "slash at": "/@",
    "punctuation": "？？？！！！。。。",
    "digits flood": "8" * FLOOD,
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("text", list(JUNK_WITHOUT_LETTERS.values()), ids=list(JUNK_WITHOUT_LETTERS))
def test_junk_text_gets_a_polite_reply_in_the_chat_language(dialog: Dialog, lang: str, text: str) -> None:
    chat = new_chat(dialog, lang)
    reply = assert_reply(dialog.handle_text(chat, text), lang)
    assert len(reply.text) <= MAX_REPLY_CHARS


@pytest.mark.parametrize(
    "text, lang",
    [
        ("x" * FLOOD, "en"),
        ("Hello " * (FLOOD // 6), "en"),
        ("問" * FLOOD, "zh"),
        ("結案要什麼時候交？" + "啊" * FLOOD, "zh"),
        ("😀結案" * (FLOOD // 3), "zh"),
        ("\x00" * FLOOD, "zh"),
        ("\u200b" * FLOOD, "zh"),
    ],
)
def test_100kB_messages_are_answered_quickly_without_echoing_the_flood(dialog: Dialog, text: str, lang: str) -> None:
    chat = new_chat(dialog)
    reply = assert_reply(dialog.handle_text(chat, text), lang)
    assert len(reply.text) <= MAX_REPLY_CHARS


@pytest.mark.parametrize(
    "text",
    [
        "\x1b[31m結案要什麼時候交\x1b[0m",
        "結\u200b案\u200d要什麼時候交？",
        "結案要什麼時候交？\x00\x00\x00",
        "\u202b結案要什麼時候交？\u202c",
        "結案要什麼時候交？😀😀",
    ],
)
def test_a_real_question_wrapped_in_invisible_characters_is_still_answered(dialog: Dialog, text: str) -> None:
    reply = assert_reply(dialog.handle_text(new_chat(dialog), text), "zh")
    assert "核結" in reply.text, reply.text[:300]


def test_an_english_question_with_zero_width_and_nul_is_still_answered(dialog: Dialog) -> None:
    reply = assert_reply(dialog.handle_text(new_chat(dialog), "When is the close-out\u200b due?\x00"), "en")
    assert "close-out" in reply.text.lower()


# -- commands: malformed, odd spellings, floods ---------------------------------------


def test_slash_space_cap_is_not_a_crash(dialog: Dialog) -> None:
    reply = assert_sane(dialog.handle_text(new_chat(dialog), "/ cap"))
    assert is_lang(reply.text, reply.lang)


def test_command_addressed_to_another_bot_still_gets_the_calculator(dialog: Dialog) -> None:
    reply = assert_reply(dialog.handle_text(new_chat(dialog), "/cap@otherbot 模式二"), "zh")
    assert "幾班" in reply.text
    assert reply.buttons and all(b.data.startswith("cap:") for b in reply.buttons)


@pytest.mark.parametrize(
    "text, total",
    [
        ("/CAP 模式二 8班 2領域", "1,150,000"),
        ("/Cap@PolicyBot 模式二 8班 2領域", "1,150,000"),
        ("／cap 模式一 20班", "250,000"),
        ("  /cap   模式一   20班  ", "250,000"),
        ("/cap\t模式一\t20班", "250,000"),
        ("/cap\n模式一 20班", "250,000"),
        ("/cap\u00a0模式一 20班", "250,000"),
        ("/cap 模式二 八班 兩個領域", "1,150,000"),
    ],
)
def test_cap_spellings_give_the_ceiling(dialog: Dialog, text: str, total: str) -> None:
    reply = assert_reply(dialog.handle_text(new_chat(dialog), text), "zh")
    assert f"合計 {total} 元" in reply.text, reply.text[:300]


# Taiwanese phones type in full-width mode: full-width letters and the ideographic space U+3000.
@pytest.mark.parametrize(
    "text, expected",
    [
        ("／ｃａｐ　模式一　２０班", "合計 250,000 元"),
        ("/cap　模式一　20班", "合計 250,000 元"),
        ("／ｈｅｌｐ", "/deadlines"),
        ("／ｄｅａｄｌｉｎｅｓ", "期限"),
        ("/deadlines　", "即將到來的期限"),
    ],
)
def test_commands_typed_in_full_width_mode_work(dialog: Dialog, text: str, expected: str) -> None:
    reply = assert_reply(dialog.handle_text(new_chat(dialog), text), "zh")
    assert expected in reply.text, reply.text[:300]
    assert "不認得" not in reply.text


def test_subscribe_with_an_ideographic_space_subscribes(services: Services) -> None:
    chat = new_chat(services.dialog)
    reply = assert_reply(services.dialog.handle_text(chat, "/subscribe　核結"), "zh")
    assert "已訂閱" in reply.text, reply.text[:300]
    sub = services.store.get(chat.channel, chat.chat_id)
    assert sub is not None and sub.kinds == frozenset({"closeout"})


def test_lang_with_an_ideographic_space_switches_language(dialog: Dialog) -> None:
    chat = new_chat(dialog)
    reply = dialog.handle_text(chat, "/lang　en")
    assert dialog.language(chat) == "en", reply.text[:200]
    assert_reply(reply, "en")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "text",
    [
        "/foo",
        "/foo bar baz",
        "/_",
        "/123",
        "/startx",
        "/" + "a" * FLOOD,
        "/x " + "y " * (FLOOD // 2),
        "/cap_",
        "/help_me",
    ],
)
def test_unknown_commands_point_to_help(dialog: Dialog, lang: str, text: str) -> None:
    reply = assert_reply(dialog.handle_text(new_chat(dialog, lang), text), lang)
    assert "/help" in reply.text
    assert len(reply.text) < 500


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "command",
    ["/cap", "/subscribe", "/lang", "/ask", "/deadlines", "/help", "/start", "/reminders", "/unsubscribe", "/nosuch"],
)
@pytest.mark.parametrize("flood", ["8" * FLOOD, "。" * FLOOD, "\x00" * FLOOD], ids=["digits", "punct", "nul"])
def test_commands_with_100kB_arguments(dialog: Dialog, lang: str, command: str, flood: str) -> None:
    chat = new_chat(dialog, lang)
    reply = assert_reply(dialog.handle_text(chat, f"{command} {flood}"), lang)
    assert len(reply.text) <= MAX_REPLY_CHARS
    assert dialog.language(chat) == lang  # a flooded /lang changes nothing


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sources_with_junk_args_in_the_chat_language(dialog: Dialog, lang: str) -> None:
    for args in ("", " " + "8" * FLOOD, " \x00\x1b[2J"):
        reply = assert_reply(dialog.handle_text(new_chat(dialog, lang), f"/sources{args}"), lang)
        assert len(reply.text) <= MAX_REPLY_CHARS


def test_english_ask_and_cap_commands_answer_in_the_language_typed(dialog: Dialog) -> None:
    """/ask already answers in the language of its words; /cap in the same chat must do the same."""
    chat = new_chat(dialog)
    assert_reply(dialog.handle_text(chat, "/ask How much is the lodging cap?"), "en")
    reply = assert_reply(dialog.handle_text(chat, "/cap mode 2 8 classes 2 domains branch"), "en")
    assert "Total: NT$1,200,000" in reply.text


# -- SQL-ish text never touches stored data --------------------------------------------

SQLISH = [
    "'; DROP TABLE subscriptions; --",
    "Robert'); DELETE FROM subscriptions;--",
    "/subscribe '; DROP TABLE subscriptions; --",
    "/subscribe 核結'); DELETE FROM subscriptions;--",
    "/ask 1; DROP TABLE sent_log",
    "/cap ' OR 1=1 --",
    "/lang '; DROP TABLE subscriptions; --",
    "/reminders '; UPDATE subscriptions SET kinds=NULL; --",
    "/unsubscribe_all'; --",
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sql_like_text_after_subscribing_leaves_the_subscription(services: Services, lang: str) -> None:
    chat = new_chat(services.dialog, lang)
    subscribe_closeout(services, chat)
    for text in SQLISH:
        assert_answered(services.dialog.handle_text(chat, text))
    assert services.dialog.language(chat) == lang
    assert_closeout_subscription_intact(services, chat)


# -- /cap: numbers that are not class counts --------------------------------------------

NOT_A_CLASS_COUNT = {
    "negative classes": ("/cap 模式一 -5班", "/cap mode 1 -5 classes"),
    "negative classes mode 2": ("/cap 模式二 -8班 2領域", "/cap mode 2 -8 classes 2 domains"),
    "negative domains": ("/cap 模式二 8班 -2領域", "/cap mode 2 8 classes -2 domains"),
    "fractional classes": ("/cap 模式一 2.5班", "/cap mode 1 2.5 classes"),
    "zero classes": ("/cap 模式一 0班", "/cap mode 1 0 classes"),
    "201 classes": ("/cap 模式一 201班", "/cap mode 1 201 classes"),
    "20000 classes": ("/cap 模式一 20000班", "/cap mode 1 20000 classes"),
    "10^12 classes": ("/cap 模式一 1000000000000班", "/cap mode 1 1000000000000 classes"),
    "ten thousand": ("/cap 模式一 一萬班", "/cap mode 1 10,000 classes"),
}
_EXPLAINS = {
    "zh": ("不合理", "至少", "不能", "負", "整數", "看不懂"),
    "en": ("plausible", "at least", "cannot", "negative", "whole", "could not read"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", list(NOT_A_CLASS_COUNT), ids=list(NOT_A_CLASS_COUNT))
def test_cap_refuses_impossible_numbers_and_says_why(dialog: Dialog, lang: str, case: str) -> None:
    text = NOT_A_CLASS_COUNT[case][0 if lang == "zh" else 1]
    reply = assert_reply(dialog.handle_text(new_chat(dialog, lang), text), lang)
    assert not states_ceiling(reply.text), f"{text!r} was given a ceiling: {reply.text[:300]!r}"
    assert any(word in reply.text for word in _EXPLAINS[lang]), f"{text!r} got no explanation: {reply.text[:300]!r}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "args, explanation",
    [
        ("模式三", {"zh": ("看不懂", "模式只有"), "en": ("could not read", "mode must be")}),
        ("模式三 8班", {"zh": ("看不懂", "模式只有"), "en": ("could not read", "mode must be")}),
        ("mode 3 8 classes", {"zh": ("看不懂", "模式只有"), "en": ("could not read", "mode must be")}),
        ("abc", {"zh": ("看不懂",), "en": ("could not read",)}),
        (
            "-5",
            {
                "zh": ("看不懂", "不能", "負", "模式只有"),
                "en": ("could not read", "cannot", "negative", "mode must be"),
            },
        ),
    ],
)
def test_cap_with_unreadable_args_explains_and_asks_the_mode(
    dialog: Dialog, lang: str, args: str, explanation: dict[str, tuple[str, ...]]
) -> None:
    reply = assert_reply(dialog.handle_text(new_chat(dialog, lang), f"/cap {args}"), lang)
    assert not states_ceiling(reply.text)
    assert any(word in reply.text for word in explanation[lang]), reply.text[:300]
    assert reply.buttons and all(b.data.startswith("cap:") for b in reply.buttons)


@pytest.mark.parametrize(
    "lang, text, said",
    [
        ("zh", "/cap 模式一 2領域", "不需要填領域數"),
        ("en", "/cap mode 1 2 domains", "leave out the number of domains"),
        ("zh", "/cap 模式一 20班 2領域", "不需要填領域數"),
    ],
)
def test_cap_domains_with_mode_1_is_explained(dialog: Dialog, lang: str, text: str, said: str) -> None:
    reply = assert_reply(dialog.handle_text(new_chat(dialog, lang), text), lang)
    assert said in reply.text


@pytest.mark.parametrize(
    "lang, text, total",
    [
        ("zh", "/cap 模式二 八班 兩個領域", "合計 1,150,000 元"),
        ("zh", "/cap 模式二 8班 2領域 分校", "合計 1,200,000 元"),
        ("en", "/cap mode 2 8 classes 2 domains branch", "Total: NT$1,200,000"),
        ("en", "/cap mode two eight classes two domains", "Total: NT$1,150,000"),
        ("en", "/cap 模式二 8班 2領域", "Total: NT$1,150,000"),
    ],
)
def test_cap_in_one_go(dialog: Dialog, lang: str, text: str, total: str) -> None:
    reply = assert_reply(dialog.handle_text(new_chat(dialog, lang), text), lang)
    assert total in reply.text, reply.text[:300]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("pick", [0, 1, -1], ids=["first", "second", "last"])
def test_cap_step_by_step_by_tapping_buttons(dialog: Dialog, lang: str, pick: int) -> None:
    chat = new_chat(dialog, lang, channel="line")
    reply = assert_reply(dialog.handle_text(chat, "/cap"), lang)
    for _ in range(8):
        options = without_feedback(reply).buttons  # 👍/👎 are tested in tests/test_feedback.py
        if not options:
            break
        button = options[pick % len(options)]
        reply = assert_reply(dialog.handle_button(chat, button.data), lang)
    assert not without_feedback(reply).buttons, "the flow never ended"
    assert ("合計 " if lang == "zh" else "Total: NT$") in reply.text, reply.text[:300]


def test_cap_flow_survives_junk_in_the_middle(dialog: Dialog) -> None:
    chat = new_chat(dialog)
    reply = dialog.handle_text(chat, "/cap")
    mode2 = next(b for b in reply.buttons if "2" in b.data)
    assert_reply(dialog.handle_button(chat, mode2.data), "zh")
    for junk in ("", "😀", "\x00", "/", "ex:99"):
        assert_sane(dialog.handle_text(chat, junk))
    reply = assert_reply(dialog.handle_text(chat, "/cap 模式二 8班 2領域"), "zh")
    assert "合計 1,150,000 元" in reply.text


# -- calculator questions in words ----------------------------------------------------


@pytest.mark.parametrize("chat_lang", [None, "en", "zh"])
@pytest.mark.parametrize(
    "text, lang, amount",
    [
        ("我們 20 班做模式一最多補助多少？", "zh", "250,000 元"),
        ("我们 20 班做模式一最多补助多少？", "zh", "250,000 元"),
        ("我們２０班做模式一最多補助多少？", "zh", "250,000 元"),
        ("我們二十班做模式一最多補助多少？", "zh", "250,000 元"),
        ("我们学校８班，模式二，两个领域，最多能拿多少？", "zh", "1,150,000 元"),
        ("How much can a 20-class school get in mode 1?", "en", "NT$250,000"),
        ("mode 2 with 8 classes and 2 domains, how much funding?", "en", "NT$1,150,000"),
    ],
)
def test_calculator_questions_in_words(
    dialog: Dialog, chat_lang: str | None, text: str, lang: str, amount: str
) -> None:
    reply = assert_reply(dialog.handle_text(new_chat(dialog, chat_lang), text), lang)
    assert amount in reply.text, reply.text[:300]


@pytest.mark.parametrize(
    "question, lang, answer",
    [
        ("模式一最多補助多少", "zh", "20"),
        ("模式一最多補助多少", "zh", "20班"),
        ("模式一最多補助多少", "zh", "二十"),
        ("模式一最多補助多少", "zh", "２０"),
        ("模式一最多補助多少", "zh", " 20 "),
        ("How much can mode 1 get at most?", "en", "20"),
        ("How much can mode 1 get at most?", "en", "20 classes"),
    ],
)
def test_ask_back_flow_takes_the_typed_class_count(dialog: Dialog, question: str, lang: str, answer: str) -> None:
    chat = new_chat(dialog)
    asked = assert_reply(dialog.handle_text(chat, question), lang)
    assert not states_ceiling(asked.text) and asked.buttons
    reply = assert_reply(dialog.handle_text(chat, answer), lang)
    assert ("250,000 元" if lang == "zh" else "NT$250,000") in reply.text, reply.text[:300]


@pytest.mark.parametrize("answer", ["-20", "99999", "0", "1000000000000", "2.5"])
def test_ask_back_flow_rejects_an_impossible_class_count_and_keeps_asking(dialog: Dialog, answer: str) -> None:
    chat = new_chat(dialog)
    assert_reply(dialog.handle_text(chat, "模式一最多補助多少"), "zh")
    reply = assert_reply(dialog.handle_text(chat, answer), "zh")
    assert not states_ceiling(reply.text), f"{answer!r} was taken as a class count: {reply.text[:300]!r}"
    assert any(word in reply.text for word in _EXPLAINS["zh"]), f"no explanation for {answer!r}: {reply.text[:300]!r}"
    # the question is still open: the right number now finishes it
    final = assert_reply(dialog.handle_text(chat, "20"), "zh")
    assert "250,000 元" in final.text, final.text[:300]


# -- reminders commands -----------------------------------------------------------------

SUBSCRIBE_JUNK = [
    "-5",
    "99999",
    "1,2,3,4,5,6,7,8,9,10",
    "核結 abc",
    "x" * (10 * KB),
    "1.5",
    "😀",
    "99999999999999999999999999999",
    "1e5",
    "核結 -1",
    "\x00\x07",
    "\x1b[2Jabc",
    "\u202eabc",
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("args", SUBSCRIBE_JUNK, ids=[repr(a[:12]) for a in SUBSCRIBE_JUNK])
def test_subscribe_with_junk_args_explains_and_subscribes_nothing(services: Services, lang: str, args: str) -> None:
    chat = new_chat(services.dialog, lang)
    reply = assert_reply(services.dialog.handle_text(chat, f"/subscribe {args}"), lang)
    assert ("用法" if lang == "zh" else "Usage") in reply.text
    assert len(reply.text) <= MAX_REPLY_CHARS
    assert services.store.get(chat.channel, chat.chat_id) is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_subscribe_junk_keeps_an_existing_subscription(services: Services, lang: str) -> None:
    chat = new_chat(services.dialog, lang)
    subscribe_closeout(services, chat)
    for args in SUBSCRIBE_JUNK:
        assert_answered(services.dialog.handle_text(chat, f"/subscribe {args}"))
    assert_closeout_subscription_intact(services, chat)


@pytest.mark.parametrize("lang, not_subscribed", [("zh", "目前沒有訂閱"), ("en", "not subscribed")])
def test_unsubscribe_and_reminders_when_not_subscribed(dialog: Dialog, lang: str, not_subscribed: str) -> None:
    chat = new_chat(dialog, lang)
    for command in ("/unsubscribe", "/reminders", "/unsubscribe now please", "/reminders 😀"):
        reply = assert_reply(dialog.handle_text(chat, command), lang)
        assert not_subscribed in reply.text


@pytest.mark.parametrize("lang, head", [("zh", "即將到來的期限"), ("en", "Upcoming deadlines")])
def test_deadlines_in_both_languages(dialog: Dialog, lang: str, head: str) -> None:
    for args in ("", " junk", " 2027-13-45", " -1"):
        reply = assert_reply(dialog.handle_text(new_chat(dialog, lang), f"/deadlines{args}"), lang)
        assert head in reply.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unsubscribe_twice(services: Services, lang: str) -> None:
    chat = new_chat(services.dialog, lang)
    subscribe_closeout(services, chat)
    first = assert_reply(services.dialog.handle_text(chat, "/unsubscribe"), lang)
    second = assert_reply(services.dialog.handle_text(chat, "/unsubscribe"), lang)
    assert first.text != second.text
    assert services.store.get(chat.channel, chat.chat_id) is None


# -- stickers, photos, welcome ------------------------------------------------------------


@pytest.mark.parametrize("hint, lang", [(None, "zh"), ("zh-hant", "zh"), ("en-US", "en"), ("fr", "zh"), ("", "zh")])
def test_stickers_and_photos_get_the_unsupported_message(dialog: Dialog, hint: str | None, lang: str) -> None:
    chat = new_chat(dialog)
    reply = assert_reply(dialog.unsupported(chat, hint), lang)
    assert "CSV" in reply.text
    assert_reply(dialog.welcome(chat, hint), lang)


def test_unsupported_follows_the_chosen_language(dialog: Dialog) -> None:
    chat = new_chat(dialog, "en")
    assert_reply(dialog.unsupported(chat, "zh-TW"), "en")


# -- files ----------------------------------------------------------------------------

HEADER = "面向,類別,項目,單價,數量,金額,備註\n"
ROW = "雙語生活化,經常門,印刷費,100,50,5000,學習單\n"


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


FILE_ERRORS = {
    # name: (filename, content, words the reply must contain in zh / en)
    "empty": ("budget.csv", b"", ("空", "empty")),
    "empty yaml": ("budget.yaml", b"", ("空", "empty")),
    "only BOM and newlines": ("budget.csv", b"\xef\xbb\xbf\r\n\r\n", ("空", "empty")),
    "random binary": (
        "budget.csv",
        bytes(random.Random(7).randrange(256) for _ in range(4096)),
        (("不是文字檔", "標題列"), ("not a text file", "header")),
    ),
    "photo named csv": (
        "budget.csv",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 8,
        ("不是文字檔", "not a text file"),
    ),
    "PDF named csv": ("budget.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", ("PDF", "PDF")),
    "xlsx named csv": ("budget.csv", _zip_bytes(), ("Excel", "Excel")),
    "old xls named csv": ("budget.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ("Excel", "Excel")),
    "missing amount column": (
        "budget.csv",
        "面向,類別,項目,單價,數量,備註\n雙語生活化,經常門,印刷費,100,50,學習單\n".encode(),
        ("金額", "amount"),
    ),
    "no header": ("budget.csv", b"a,b,c\n1,2,3\n", ("標題列", "header")),
    "header only": ("budget.csv", HEADER.encode(), ("沒有任何經費列", "no budget rows")),
    "broken yaml": ("budget.yaml", b"rows: [\n  - {a: 1\n", ("YAML", "YAML")),
    "yaml scalar": ("budget.yaml", b"just a string\n", ("YAML", "YAML")),
    "yaml python tag": ("budget.yaml", b"!!python/object/apply:os.system ['echo hi']\n", ("YAML", "YAML")),
    "broken utf-16": ("budget.csv", b"\xff\xfe\x00", ("UTF-16", "UTF-16")),
    "huge quoted field": ("budget.csv", ('"' + "x" * 200_000 + "\n").encode(), ("CSV", "CSV")),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", list(FILE_ERRORS), ids=list(FILE_ERRORS))
def test_unreadable_budget_files_get_a_clear_message(dialog: Dialog, lang: str, case: str) -> None:
    filename, content, words = FILE_ERRORS[case]
    reply = assert_reply(dialog.handle_file(new_chat(dialog, lang), filename, content), lang)
    expected = words[0 if lang == "zh" else 1]
    expected = (expected,) if isinstance(expected, str) else expected
    assert any(word in reply.text for word in expected), reply.text[:300]
    assert len(reply.text) <= MAX_REPLY_CHARS


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "filename, content",
    [
        ("budget.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("budget.csv.exe", (HEADER + ROW).encode()),
        ("budget.pdf", b"%PDF-1.7\n"),
        ("budget.xlsx", _zip_bytes()),
        ("budget", (HEADER + ROW).encode()),
        ("", (HEADER + ROW).encode()),
        ("../../etc/passwd", b"root:x:0:0\n"),
        ("貼圖.webp", b"RIFF\x00\x00\x00\x00WEBP"),
    ],
    ids=["exe", "csv.exe", "pdf", "xlsx", "no suffix", "no name", "path", "sticker"],
)
def test_files_of_other_types_are_refused_by_name(dialog: Dialog, lang: str, filename: str, content: bytes) -> None:
    chat = new_chat(dialog, lang)
    refusal = dialog.refuse_file(chat, filename, len(content))
    assert refusal is not None
    assert_reply(refusal, lang)
    reply = assert_reply(dialog.handle_file(chat, filename, content), lang)
    assert ".csv" in reply.text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("encoding", ["cp950", "big5", "utf-8-sig", "utf-8", "utf-16"])
def test_budget_csv_in_every_spreadsheet_encoding(dialog: Dialog, lang: str, encoding: str) -> None:
    content = (HEADER + ROW + "雙語生活化,經常門,雜支,1000,1,1000,文具\n").encode(encoding)
    reply = assert_reply(dialog.handle_file(new_chat(dialog, lang), "經費表.csv", content), lang)
    assert ("總計 6,000 元" if lang == "zh" else "Total: NT$6,000") in reply.text, reply.text[:400]


@pytest.mark.parametrize(
    "lang, words",
    [
        ("zh", ("第 2 列", "不是數字", "第 3 列", "負數", "第 4 列")),
        ("en", ("Row 2", "not a number", "Row 3", "negative", "Row 4")),
    ],
)
def test_non_numeric_and_negative_amounts_are_row_findings(dialog: Dialog, lang: str, words: tuple[str, ...]) -> None:
    content = (
        HEADER
        + "雙語生活化,經常門,印刷費,100,50,abc,學習單\n"
        + "雙語生活化,經常門,雜支,-100,1,-100,文具\n"
        + "雙語生活化,經常門,膳費,1e400,1,NaN,午餐\n"
        + "雙語生活化,經常門,膳費,(120),1,(120),午餐\n"
    ).encode()
    reply = assert_reply(dialog.handle_file(new_chat(dialog, lang), "budget.csv", content), lang)
    for word in words:
        assert word in reply.text, (word, reply.text[:600])


def _nested_list_yaml(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


def _nested_block_yaml(depth: int) -> bytes:
    return "".join("  " * i + "- \n" for i in range(depth)).encode()


def _nested_flow_map_yaml(depth: int) -> bytes:
    return ("{a: " * depth + "1" + "}" * depth).encode()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "content",
    [_nested_list_yaml(1000), _nested_block_yaml(600), _nested_flow_map_yaml(1000)],
    ids=["flow lists x1000", "block lists x600", "flow maps x1000"],
)
def test_deeply_nested_yaml_gets_a_message_not_an_exception(dialog: Dialog, lang: str, content: bytes) -> None:
    chat = new_chat(dialog, lang)
    try:
        reply = dialog.handle_file(chat, "budget.yaml", content)
    except RecursionError as exc:  # report it as a failure of the product, not of the test
        pytest.fail(f"handle_file raised {type(exc).__name__} on a {len(content)}-byte nested YAML")
    assert_reply(reply, lang)
    assert "YAML" in reply.text


def _alias_bomb(rows: int = 20) -> bytes:
    """A ~2 kB YAML whose rows each name a 4.8-million-element list through aliases."""
    anchors = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdef", "bcdefg", strict=False):
        anchors.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    body = "".join("  - {面向: *g, 類別: 經常門, 項目: 印刷費, 單價: 1, 數量: 1, 金額: 1}\n" for _ in range(rows))
    return ("\n".join(anchors) + "\nrows:\n" + body).encode()


def test_yaml_alias_bomb_is_refused_before_it_expands(dialog: Dialog) -> None:
    content = _alias_bomb()
    assert len(content) < 3 * KB
    reply = assert_reply(dialog.handle_file(new_chat(dialog), "budget.yaml", content), "zh")
    assert "錨點或別名" in reply.text  # refused on the first anchor, before any alias is expanded


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_file_over_5MB_is_refused_before_reading(dialog: Dialog, lang: str) -> None:
    chat = new_chat(dialog, lang)
    assert_reply(dialog.refuse_file(chat, "budget.csv", 6 * KB * KB), lang)
    reply = assert_reply(dialog.handle_file(chat, "budget.csv", b"a" * (6 * KB * KB)), lang)
    assert "5 MB" in reply.text
    assert dialog.refuse_file(chat, "budget.csv", None) is None  # size unknown: may be fetched


def test_file_under_the_announced_limit_is_not_refused_as_too_large(dialog: Dialog) -> None:
    """The bot tells users 'at most 5 MB'; a 4.9 MB CSV must not then be refused for its size."""
    chat = new_chat(dialog)
    refusal = dialog.handle_file(chat, "budget.csv", b"a" * (6 * KB * KB)).text
    announced = int(re.search(r"(\d+) MB", refusal).group(1))
    body = ROW.encode()
    content = HEADER.encode() + body * ((4_900_000 - len(HEADER.encode())) // len(body))
    assert len(content) < announced * KB * KB
    assert dialog.refuse_file(chat, "budget.csv", len(content)) is None
    reply = assert_reply(dialog.handle_file(chat, "budget.csv", content), "zh")
    assert "太大" not in reply.text, (
        f"announced {announced} MB, then refused {len(content)} bytes: {reply.text[:200]!r}"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_example_budget_with_violations(dialog: Dialog, lang: str) -> None:
    content = (EXAMPLES / "budget_violations.csv").read_bytes()
    reply = assert_reply(dialog.handle_file(new_chat(dialog, lang), "budget_violations.csv", content), lang)
    found = re.search(r"發現 (\d+) 項違規" if lang == "zh" else r"(\d+) violation\(s\)", reply.text)
    assert found and int(found.group(1)) >= 5, reply.text[:300]
    assert ("依據：" if lang == "zh" else "Rule: ") in reply.text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["budget_clean.csv", "budget_clean.yaml"])
def test_example_clean_budget(dialog: Dialog, lang: str, name: str) -> None:
    reply = assert_reply(dialog.handle_file(new_chat(dialog, lang), name, (EXAMPLES / name).read_bytes()), lang)
    assert ("沒有發現違規" if lang == "zh" else "No violations found") in reply.text, reply.text[:300]


def test_control_characters_in_a_budget_cell_are_not_echoed(dialog: Dialog) -> None:
    content = (HEADER + "雙語生活化,\x1b[2J經常,印刷費,100,50,5000,學習單\n").encode()
    assert_reply(dialog.handle_file(new_chat(dialog), "budget.csv", content), "zh")


# -- buttons ----------------------------------------------------------------------------


def _junk_button(seed: int) -> str:
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x21, 0x7F)) for _ in range(BUTTON_DATA_LIMIT))


BUTTON_JUNK = {
    "unknown": "zzz-unknown",
    "no such entry": "ask:no.such.entry",
    "empty ask": "ask:",
    "example 99": "ex:99",
    "example -1": "ex:-1",
    "empty example": "ex:",
    "arabic digit example": "ex:٣",
    "64 bytes of junk": _junk_button(1),
    "64 more bytes of junk": _junk_button(2),
    "64 NUL": "\x00" * BUTTON_DATA_LIMIT,
    "empty": "",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("data", list(BUTTON_JUNK.values()), ids=list(BUTTON_JUNK))
def test_stale_or_forged_button_data_gets_a_reply_in_the_chat_language(dialog: Dialog, lang: str, data: str) -> None:
    """Button data is not something the user wrote: the reply follows the chat's language."""
    chat = new_chat(dialog, lang)
    reply = assert_reply(dialog.handle_button(chat, data), lang)
    assert len(reply.text) <= MAX_REPLY_CHARS


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_example_buttons_of_the_welcome_work(dialog: Dialog, lang: str) -> None:
    chat = new_chat(dialog, lang)
    welcome = assert_reply(dialog.welcome(chat), lang)
    assert welcome.buttons
    for button in welcome.buttons:
        assert_reply(dialog.handle_button(chat, button.data), lang)


# -- chat_gone --------------------------------------------------------------------------


def test_chat_gone_removes_only_that_chats_subscription(services: Services) -> None:
    dialog = services.dialog
    gone, stays = new_chat(dialog, "en"), new_chat(dialog)
    same_id_other_channel = ChatRef("line", gone.chat_id)
    subscribe_closeout(services, gone)
    subscribe_closeout(services, stays)
    subscribe_closeout(services, same_id_other_channel)
    dialog.chat_gone(gone)
    assert services.store.get(gone.channel, gone.chat_id) is None
    assert dialog.language(gone) == "zh"  # the chosen language is forgotten too
    reply = assert_reply(dialog.handle_text(gone, "/reminders"), "zh")
    assert "目前沒有訂閱" in reply.text
    assert_closeout_subscription_intact(services, stays)
    assert_closeout_subscription_intact(services, same_id_other_channel)


@pytest.mark.parametrize(
    "chat",
    [
        ChatRef("telegram", "never-seen"),
        ChatRef("line", ""),
        ChatRef("cli", "\x00" * 10),
        ChatRef("x" * 1000, "😀" * 1000),
    ],
    ids=["unknown", "empty id", "nul id", "odd channel"],
)
def test_chat_gone_for_an_unknown_chat_is_harmless(services: Services, chat: ChatRef) -> None:
    someone = new_chat(services.dialog)
    subscribe_closeout(services, someone)
    services.dialog.chat_gone(chat)
    services.dialog.chat_gone(chat)
    assert_closeout_subscription_intact(services, someone)


def test_a_whole_session_of_junk_never_loses_the_subscription(services: Services) -> None:
    dialog = services.dialog
    chat = new_chat(dialog)
    subscribe_closeout(services, chat)
    for text in [
        *JUNK_WITHOUT_LETTERS.values(),
        *SQLISH,
        "/cap",
        "/cap abc",
        "/lang xx",
        "/subscribe -5",
        "/start",
        "/help",
        "/sources",
        "/deadlines",
        "x" * FLOOD,
    ]:
        assert_answered(dialog.handle_text(chat, text))
    for data in BUTTON_JUNK.values():
        assert_answered(dialog.handle_button(chat, data))
    for filename, content, _ in FILE_ERRORS.values():
        assert_answered(dialog.handle_file(chat, filename, content))
    assert_answered(dialog.unsupported(chat))
    dialog.chat_gone(ChatRef("telegram", "someone-else"))
    assert_closeout_subscription_intact(services, chat)


# -- terminal chat --------------------------------------------------------------------


def test_terminal_chat_survives_junk_lines(dialog: Dialog) -> None:
    lines = [
        "",
        "\x00\x01",
        "😀",
        "x" * FLOOD,
        "/",
        "/file /no/such/budget.csv",
        "/file /tmp",
        "/file ",
        "99",
        "0",
        "-1",
        "/cap",
        "9",
        "1",
        "/quit",
    ]
    stdout = io.StringIO()
    assert run_chat(dialog, io.StringIO("\n".join(lines) + "\n"), stdout, interactive=False) == 0
    transcript = stdout.getvalue()
    assert "讀不到檔案" in transcript and "再見" in transcript
    assert "Traceback" not in transcript


def test_terminal_chat_survives_a_nested_yaml_file(dialog: Dialog, tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_bytes(_nested_list_yaml(1000))
    stdout = io.StringIO()
    try:
        status = run_chat(dialog, io.StringIO(f"/file {path}\n/quit\n"), stdout, interactive=False)
    except RecursionError:
        pytest.fail("the terminal chat crashed with RecursionError on /file of a nested YAML")
    assert status == 0 and "再見" in stdout.getvalue()


# -- command line -----------------------------------------------------------------------

ASK_KEYS = {"intent", "confidence", "answer", "sources", "suggestions", "lang", "route", "context"}


@pytest.mark.parametrize(
    "question, expect",
    [
        ("\x01\x02\x1b[31m結案要什麼時候交\x1b[0m\x7f", "核結"),
        ("結\u200b案要什麼時候交\u202e", "核結"),
        ("問" * FLOOD, None),
        ("x" * FLOOD, None),
        ("😀" * FLOOD, None),
        ("", None),
    ],
)
def test_cli_ask_with_odd_arguments(
    fast_engine: None, capsys: pytest.CaptureFixture[str], question: str, expect: str | None
) -> None:
    status, out, err = run_cli(["ask", question], capsys)
    assert status == 0, err
    assert out.strip() and err == ""
    assert len(out) <= MAX_REPLY_CHARS
    assert not _CONTROL.search(out.replace("\n", ""))
    if expect:
        assert expect in out


def test_cli_ask_json_with_a_100kB_argument(fast_engine: None, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(["ask", "--json", "問" * FLOOD], capsys)
    assert status == 0, err
    data = json.loads(out)
    assert set(data) == ASK_KEYS and data["answer"]


JSONL_LINES = [
    "結案要什麼時候交？",
    "\x00\x01\x02binary\x7f\x1b[0m",
    "😀🎉👍🏽",
    "",
    "\ud83d",
    "\u202e\u200b\ufeff",
    "x" * FLOOD,
    "   ",
    "How much is the lodging cap?",
]


def test_cli_ask_jsonl_one_object_per_line(
    fast_engine: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(JSONL_LINES) + "\n"))
    status, out, err = run_cli(["ask", "--jsonl"], capsys)
    assert status == 0, err
    objects = [json.loads(line) for line in out.splitlines()]
    assert len(objects) == len(JSONL_LINES)
    for obj in objects:
        assert set(obj) == ASK_KEYS and isinstance(obj["answer"], str) and obj["answer"].strip()
    assert objects[0]["intent"] == "moe.closeout"
    assert objects[-1]["lang"] == "en"


def test_cli_ask_jsonl_with_invalid_utf8_on_a_utf8_terminal(
    fast_engine: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """stdin as Python opens it under a UTF-8 locale (zh_TW.UTF-8, en_US.UTF-8): strict decoding."""
    data = "結案要什麼時候交？\n".encode() + b"\xff\xfe\x00\x80binary\n" + "住宿費上限多少\n".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    try:
        status, out, err = run_cli(["ask", "--jsonl"], capsys)
    except UnicodeDecodeError as exc:
        pytest.fail(f"ask --jsonl crashed on a line that is not UTF-8: {exc}")
    assert status == 0 and "Traceback" not in err
    objects = [json.loads(line) for line in out.splitlines()]
    assert len(objects) == 3
    assert objects[0]["intent"] == "moe.closeout"


@pytest.mark.parametrize(
    "argv",
    [
        ["cap", "--mode", "1", "--classes", "-1"],
        ["cap", "--mode", "1", "--classes", "0"],
        ["cap", "--mode", "1", "--classes", "201"],
        ["cap", "--mode", "1", "--classes", "1000000000000"],
        ["cap", "--mode", "3", "--classes", "8"],
        ["cap", "--mode", "-1", "--classes", "8"],
        ["cap", "--mode", "1", "--classes", "20", "--domains", "2"],
        ["cap", "--mode", "2", "--classes", "8", "--domains", "0"],
        ["cap", "--mode", "2", "--classes", "8", "--domains", "-2"],
        ["cap", "--mode", "2", "--classes", "8", "--domains", "3"],
        ["cap", "--mode", "1", "--classes", "20", "--open-classroom"],
        ["cap", "--mode", "3", "--classes", "8", "--json"],
        ["check-budget", "examples/budget_clean.csv", "--mode", "3", "--classes", "8"],
        ["check-budget", "examples/budget_clean.csv", "--mode", "2"],
    ],
)
@pytest.mark.parametrize("lang", [None, "zh", "en"])
def test_cli_bad_school_facts_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str], lang: str | None
) -> None:
    monkeypatch.chdir(ROOT)
    status, out, err = run_cli(argv + (["--lang", lang] if lang else []), capsys)
    assert_one_clear_error_line(status, out, err)
    if lang == "en":
        assert is_lang(err, "en"), err
    elif lang == "zh":
        assert _CJK.search(err), err
    else:  # both languages
        assert _CJK.search(err) and " / " in err, err


@pytest.mark.parametrize(
    "argv",
    [
        ["cap", "--mode", "1", "--classes", "abc"],
        ["cap", "--mode", "one", "--classes", "8"],
        ["cap", "--classes", "8"],
        ["deadlines", "--lang", "fr"],
        ["reminders"],
        ["reminders", "due"],
        ["no-such-command"],
    ],
)
def test_cli_malformed_arguments_are_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status, _out, err = run_cli(argv, capsys)
    assert status == 2
    assert "Traceback" not in err and "error:" in err


def test_cli_check_budget_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run_cli(["check-budget", str(tmp_path / "no-such-budget.csv")], capsys)
    assert_one_clear_error_line(status, out, err)
    assert "no-such-budget.csv" in err


def test_cli_check_budget_on_a_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run_cli(["check-budget", str(tmp_path)], capsys)
    assert_one_clear_error_line(status, out, err)


@pytest.mark.parametrize(
    "case",
    [
        "empty",
        "random binary",
        "PDF named csv",
        "xlsx named csv",
        "missing amount column",
        "broken yaml",
        "huge quoted field",
    ],
)
def test_cli_check_budget_on_unreadable_files(capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str) -> None:
    filename, content, _ = FILE_ERRORS[case]
    path = tmp_path / filename
    path.write_bytes(content)
    status, out, err = run_cli(["check-budget", str(path)], capsys)
    assert_one_clear_error_line(status, out, err)


@pytest.mark.parametrize("content", [_nested_list_yaml(1000), _nested_flow_map_yaml(1000)], ids=["lists", "maps"])
def test_cli_check_budget_on_a_deeply_nested_yaml(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "deep.yaml"
    path.write_bytes(content)
    try:
        status, out, err = run_cli(["check-budget", str(path)], capsys)
    except RecursionError:
        pytest.fail("check-budget let a RecursionError (a Python traceback) out on a nested YAML")
    assert_one_clear_error_line(status, out, err)


def test_cli_check_budget_examples(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(["check-budget", str(EXAMPLES / "budget_violations.csv")], capsys)
    assert status == 1 and "違規" in out
    status, out, _ = run_cli(["check-budget", str(EXAMPLES / "budget_clean.csv"), "--lang", "en"], capsys)
    assert status == 0 and "No violations found" in out


@pytest.mark.parametrize("on", ["2027-13-45", "2027-02-30", "garbage", "２０２７-０１-０１x", "-1", "9" * 5000])
def test_cli_deadlines_bad_date(capsys: pytest.CaptureFixture[str], on: str) -> None:
    status, out, err = run_cli(["deadlines", f"--on={on}"], capsys)
    assert_one_clear_error_line(status, out, err)


@pytest.mark.parametrize("at", ["garbage", "2027-13-45 09:00", "2027-02-30T25:00", "", "9" * 5000, "\x00"])
def test_cli_reminders_due_bad_moment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, at: str
) -> None:
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "policybot.db"))
    status, out, err = run_cli(["reminders", "due", f"--at={at}"], capsys)
    assert_one_clear_error_line(status, out, err)


@pytest.mark.parametrize(
    "extra",
    [
        ["--kinds", "abc"],
        ["--lead-days=-5"],
        ["--lead-days", "99999"],
        ["--kinds", "x" * (10 * KB)],
        ["--lead-days", "1,2,3,4,5,6,7,8,9,10"],
    ],
)
def test_cli_reminders_subscribe_junk_changes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, extra: list[str]
) -> None:
    db = tmp_path / "policybot.db"
    monkeypatch.setenv("POLICYBOT_DB", str(db))
    status, _, err = run_cli(
        ["reminders", "subscribe", "--chat", "42", "--kinds", "closeout", "--lead-days", "30,7"], capsys
    )
    assert status == 0, err
    status, _out, err = run_cli(["reminders", "subscribe", "--chat", "42", *extra], capsys)
    assert status == 2 and err.strip() and "Traceback" not in err and not _PY_ERROR.search(err)
    store = SubscriptionStore(db)
    try:
        sub = store.get("cli", "42")
        assert sub is not None and sub.kinds == frozenset({"closeout"}) and sub.lead_days == (30, 7)
    finally:
        store.close()
