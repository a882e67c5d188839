"""Flex cards on LINE: built from the same Reply as the plain text, within LINE's limits; the
loading animation while a file is checked; replies rate-limited like pushes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fake_line import FakeLine, _flex_errors
from line_harness import USER, Line, event, serve, text_event

from bot.wiring import Services
from handlers.dialog import Dialog
from handlers.line import LOADING_SECONDS, to_messages
from handlers.line_flex import MAX_ALT_TEXT, MAX_BUBBLE_BYTES, alt_text, bubble, bubble_size, flex_message
from handlers.memory import ChatMemory, ChatRef
from handlers.replies import Button, Card, Reply
from knowledge.engine import Engine

pytest_plugins = ["line_fixtures"]

CHAT = ChatRef("line", USER)
# Questions whose replies carry a card: ceilings (both modes, a branch, English), an amount, an
# item amount, a date, and the deadlines command.
CARDED = {
    "我們 20 班做模式一最多補助多少？": "250,000 元",
    "模式二 8班 2領域 分校 最多多少": "1,200,000 元",
    "How much can a 20-class school get in mode 1?": "NT$250,000",
    "外聘講座鐘點費 4小時 多少": "8,000 元",
    "114年3月5日結束的計畫 核結期限": "114年5月5日",
}


@pytest.fixture(scope="module")
def dialog(engine: Engine) -> Dialog:
    from bot.wiring import load_knowledge

    knowledge = load_knowledge()
    return Dialog(engine, knowledge.rules, knowledge.calendar.rules, memory=ChatMemory())


def _fresh(dialog: Dialog) -> Dialog:
    return Dialog(dialog.engine, dialog.rules, dialog.plan, memory=ChatMemory())


@pytest.mark.parametrize("question", CARDED)
def test_card_and_text_are_the_same_reply_within_lines_limits(dialog: Dialog, question: str) -> None:
    reply = _fresh(dialog).handle_text(CHAT, question)
    assert reply.card is not None, reply.text
    figure = CARDED[question]
    assert reply.card.headline == figure and figure in reply.text.splitlines()[0]
    assert reply.card.source == reply.text.splitlines()[-1]  # the reply's own source line
    [message] = to_messages(reply)
    sent = json.loads(message.to_json())
    assert sent["type"] == "flex" and _flex_errors(0, sent) == []
    assert sent["altText"] == reply.text.splitlines()[0] and len(sent["altText"]) <= MAX_ALT_TEXT
    assert bubble_size(sent["contents"]) <= MAX_BUBBLE_BYTES
    assert figure in json.dumps(sent["contents"]["header"], ensure_ascii=False)
    for label, value in reply.card.rows:  # every part is in the text too
        assert value.split("（")[0] in reply.text or value in reply.text, (label, value)


def test_a_card_footer_has_details_and_the_closest_question(dialog: Dialog) -> None:
    reply = _fresh(dialog).handle_text(CHAT, "我們 20 班做模式一最多補助多少？")
    assert reply.card is not None
    data = [b.data for b in reply.card.actions]
    assert data[0] == "details" and data[1] == f"ask:{reply.intent}"
    footer = bubble(reply.card)["footer"]["contents"]
    assert [b["action"]["data"] for b in footer] == data


def test_altText_names_the_figure_when_a_context_line_is_shown(dialog: Dialog) -> None:
    chat = ChatRef("line", "U-context")
    fresh = _fresh(dialog)
    fresh.handle_text(chat, "我們學校 20 班，模式一")
    reply = fresh.handle_text(chat, "最多補助多少？")
    assert reply.card is not None and "（依您先前說的" in reply.text
    assert "250,000 元" in alt_text(reply) and not alt_text(reply).startswith("（")


def test_deadlines_card_holds_the_same_deadlines(services: Services) -> None:
    reply = services.dialog.handle_text(CHAT, "/deadlines")
    assert reply.card is not None and reply.card.title == "即將到來的期限"
    date = reply.card.headline.split("（")[0]
    assert f"• {date}" in reply.text
    for when, title in reply.card.rows[1:]:
        assert f"• {when}" in reply.text and title in reply.text
    [message] = to_messages(reply)
    assert _flex_errors(0, json.loads(message.to_json())) == []


def test_other_replies_stay_plain_text(dialog: Dialog) -> None:
    fresh = _fresh(dialog)
    for text in ("結案要什麼時候交？", "嗯嗯", "/help", "模式二 8班 2領域 資本門最多多少"):
        reply = fresh.handle_text(CHAT, text)
        assert reply.card is None and all(m.to_dict()["type"] == "text" for m in to_messages(reply)), text


def test_a_card_over_lines_size_falls_back_to_the_plain_text() -> None:
    rows = tuple((f"第 {i} 項", "補助經費依核定計畫辦理。" * 20) for i in range(60))
    card = Card(headline="1 元", title="合計", rows=rows, actions=(Button("詳細", "details"),))
    reply = Reply("合計 1 元\n" + "\n".join(v for _, v in rows), [Button("詳細", "details")], card=card)
    assert bubble_size(bubble(card)) > MAX_BUBBLE_BYTES
    assert flex_message(reply) is None
    messages = [m.to_dict() for m in to_messages(reply)]
    assert all(m["type"] == "text" for m in messages) and messages[-1]["quickReply"]["items"]


def test_long_labels_and_alt_text_are_cut_to_lines_limits() -> None:
    label = "這是一個非常非常非常非常非常長的相關問題標題"
    card = Card(headline="1 元", title="t", actions=(Button(label, "ask:x"),))
    reply = Reply("1 元" + "很長" * 300, card=card)
    sent = json.loads(flex_message(reply).to_json())  # type: ignore[union-attr]
    assert len(sent["altText"]) == MAX_ALT_TEXT
    action = sent["contents"]["footer"]["contents"][0]["action"]
    assert len(action["label"]) == 20 and action["displayText"] == label
    assert _flex_errors(0, sent) == []


# -- through the webhook ------------------------------------------------------------------------


def _flex(call: Any) -> dict[str, Any]:
    [flex] = call.flexes()
    return flex


async def test_a_ceiling_question_gets_a_flex_card_whose_details_button_works(line: Line) -> None:
    await line.deliver([text_event("我們 20 班做模式一最多補助多少？")])
    [reply] = await line.fake.wait_for(line.fake.replies)
    card = _flex(reply)
    assert "250,000 元" in card["altText"] and card["altText"].startswith("模式一・20 班")
    footer = card["contents"]["footer"]["contents"]
    details = next(b["action"] for b in footer if b["action"]["data"] == "details")
    await line.deliver([event("postback", postback={"data": details["data"]})])
    answered = await line.fake.wait_for(lambda: line.fake.replies()[1:])
    text = "\n".join(answered[0].texts())
    assert "合計 250,000 元" in text and "資本門上限" in text


async def test_loading_animation_shows_while_a_budget_file_is_fetched_and_checked(line: Line) -> None:
    budget = "面向,類別,項目,單價,數量,金額\n雙語生活化,經常門,住宿費,3500,2,7000\n".encode()
    line.fake.contents["m-file-load"] = budget
    message = {"type": "file", "id": "m-file-load", "fileName": "budget.csv", "fileSize": len(budget)}
    await line.deliver([event("message", message=message)])
    await line.fake.wait_for(line.fake.replies)
    [loading] = line.fake.loadings()
    assert loading.body == {"chatId": USER, "loadingSeconds": LOADING_SECONDS}
    paths = [c.path for c in line.fake.calls]
    assert paths.index(loading.path) < paths.index("/v2/bot/message/m-file-load/content")


async def test_no_loading_animation_for_a_text_or_a_refused_file(line: Line) -> None:
    await line.deliver([text_event("結案要什麼時候交？")])
    message = {"type": "file", "id": "m-pdf", "fileName": "plan.pdf", "fileSize": 10}
    await line.deliver([event("message", message=message)])
    await line.fake.wait_for(lambda: len(line.fake.replies()) == 2)
    assert line.fake.loadings() == []


async def test_replies_are_rate_limited_like_pushes(fake: FakeLine, services: Services) -> None:
    async with serve(fake, services, push_rate=2) as line:
        for i in range(3):
            await line.deliver([text_event("/help", reply_token=f"tok-rate-{i}")])
        replies = await fake.wait_for(lambda: fake.replies() if len(fake.replies()) == 3 else None)
    times = sorted(c.at for c in replies)
    assert times[2] - times[0] >= 0.9  # at most 2 per second
