"""End to end: the real LINE web app on 127.0.0.1, signed webhook deliveries, a fake LINE API."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading

import pytest
from fake_line import FakeLine
from line_harness import (
    GROUP,
    SECRET,
    TOKEN,
    USER,
    Line,
    event,
    group_source,
    serve,
    sign,
    text_event,
)

from bot.wiring import Services
from handlers.dialog import MAX_FILE_BYTES, ChatRef, Reply

pytest_plugins = ["line_fixtures"]


def stored_event_ids(services: Services) -> list[str]:
    with sqlite3.connect(services.store.path) as conn:
        return [row[0] for row in conn.execute("SELECT event_id FROM webhook_events WHERE channel = 'line'")]


async def test_signed_text_event_is_answered_with_its_source(line: Line, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert await line.deliver([text_event("結案要什麼時候交？", reply_token="tok-1")]) == 200
    [reply] = await line.fake.wait_for(line.fake.replies)
    assert reply.body["replyToken"] == "tok-1"
    text = "\n".join(reply.texts())
    assert "2 個月內" in text and "出處" in text and "核結程序" in text
    assert SECRET not in caplog.text and TOKEN not in caplog.text


async def test_unsigned_and_wrongly_signed_requests_leave_no_trace(line: Line) -> None:
    delivery = [text_event("/subscribe")]
    assert await line.deliver(delivery, signature=None) == 400
    assert await line.deliver(delivery, signature="") == 400
    assert await line.deliver(delivery, signature=sign(b"another body")) == 400
    other_secret = sign(json.dumps({"events": delivery}).encode(), "wrong secret")
    assert await line.deliver(delivery, signature=other_secret) == 400
    await line.settle()
    assert line.fake.calls == []
    assert stored_event_ids(line.services) == []
    assert line.services.store.get("line", USER) is None


async def test_malformed_json_with_a_valid_signature_is_rejected(line: Line) -> None:
    for body in (b"{not json", b"\xff\xfe", b"[]", b'{"destination": "U1"}', b'{"events": {}}'):
        assert await line.deliver(body=body) == 400, body
    await line.settle()
    assert line.fake.calls == []


async def test_empty_delivery_is_accepted(line: Line) -> None:
    """The console's "Verify" button sends a signed delivery without events."""
    assert await line.deliver([]) == 200


async def test_health(line: Line) -> None:
    async with line.session.get(f"{line.url}/health") as response:
        assert response.status == 200
        assert (await response.json())["status"] == "ok"


async def test_follow_is_greeted_with_example_questions(line: Line) -> None:
    await line.deliver([event("follow", follow={"isUnblocked": False})])
    [reply] = await line.fake.wait_for(line.fake.replies)
    assert "policybot" in reply.texts()[0]
    items = reply.quick_replies()
    assert [i["action"]["displayText"] for i in items][2] == "結案要什麼時候交？"
    assert all(i["action"]["type"] == "postback" for i in items)


async def test_low_confidence_question_offers_quick_replies_then_the_tap_is_answered(line: Line) -> None:
    await line.deliver([text_event("嗯嗯")])
    [unsure] = await line.fake.wait_for(line.fake.replies)
    items = unsure.quick_replies()
    assert items, unsure.body
    chosen = items[0]["action"]
    assert chosen["label"] and chosen["data"].startswith("ask:")

    await line.deliver([event("postback", postback={"data": chosen["data"]})])
    answered = await line.fake.wait_for(lambda: line.fake.replies()[1:])
    text = "\n".join(answered[0].texts())
    assert "出處" in text and [i["action"]["data"][:3] for i in answered[0].quick_replies()] == ["fb:", "fb:"]


async def test_example_button_from_the_greeting_is_answered(line: Line) -> None:
    await line.deliver([event("postback", postback={"data": "ex:2"})])
    [reply] = await line.fake.wait_for(line.fake.replies)
    assert "2 個月內" in "\n".join(reply.texts())


async def test_redelivered_event_is_answered_once_even_after_a_restart(fake: FakeLine, services: Services) -> None:
    first = text_event("結案要什麼時候交？", event_id="01HREDELIVERED000000000001")
    again = dict(first, deliveryContext={"isRedelivery": True}, replyToken="tok-redelivered")
    async with serve(fake, services) as line:
        await line.deliver([first])
        await line.deliver([again])
        await line.settle()
    assert len(fake.replies()) == 1
    async with serve(fake, services) as restarted:
        assert await restarted.deliver([again]) == 200
        await restarted.settle()
    assert len(fake.replies()) == 1 and fake.pushes() == []
    assert stored_event_ids(services) == ["01HREDELIVERED000000000001"]


async def test_redelivered_event_whose_reply_token_expired_is_pushed(line: Line) -> None:
    line.fake.expired_tokens.add("tok-expired")
    await line.deliver([text_event("結案要什麼時候交？", redelivery=True, reply_token="tok-expired")])
    [push] = await line.fake.wait_for(line.fake.pushes)
    assert push.body["to"] == USER and "出處" in "\n".join(push.texts())


async def test_budget_file_is_fetched_through_the_content_api_and_checked(line: Line) -> None:
    budget = (
        "面向,類別,項目,單價,數量,金額\n"
        "雙語生活化,經常門,外聘講座鐘點費,2000,4,8000\n"
        "雙語生活化,經常門,住宿費,3500,2,7000\n"
    ).encode()
    line.fake.contents["m-file-1"] = budget
    await line.deliver(
        [
            event(
                "message", message={"type": "file", "id": "m-file-1", "fileName": "budget.csv", "fileSize": len(budget)}
            )
        ]
    )
    [reply] = await line.fake.wait_for(line.fake.replies)
    assert [c.path for c in line.fake.content_fetches()] == ["/v2/bot/message/m-file-1/content"]
    text = "\n".join(reply.texts())
    assert "住宿費" in text and "3,000" in text  # the lodging cap the budget breaks


async def test_oversized_file_is_refused_without_downloading_it(line: Line) -> None:
    await line.deliver(
        [
            event(
                "message",
                message={"type": "file", "id": "m-big", "fileName": "budget.csv", "fileSize": MAX_FILE_BYTES + 1},
            )
        ]
    )
    [reply] = await line.fake.wait_for(line.fake.replies)
    assert "5 MB" in reply.texts()[0]
    assert line.fake.content_fetches() == []


async def test_sticker_gets_a_hint(line: Line) -> None:
    await line.deliver([event("message", message={"type": "sticker", "id": "m1", "packageId": "1", "stickerId": "1"})])
    [reply] = await line.fake.wait_for(line.fake.replies)
    assert "文字" in reply.texts()[0]


async def test_commands_work_as_typed_text(line: Line) -> None:
    await line.deliver([text_event("/help", reply_token="tok-help")])
    await line.deliver([text_event("/deadlines", reply_token="tok-deadlines")])
    await line.fake.wait_for(lambda: len(line.fake.replies()) == 2)
    replies = {c.body["replyToken"]: "\n".join(c.texts()) for c in line.fake.replies()}
    assert "/subscribe" in replies["tok-help"]
    assert "即將到來的期限" in replies["tok-deadlines"]


async def test_unfollow_unsubscribes(line: Line) -> None:
    await line.deliver([text_event("/subscribe")])
    [reply] = await line.fake.wait_for(line.fake.replies)
    assert "已訂閱" in reply.texts()[0]
    assert line.services.store.get("line", USER) is not None
    await line.deliver([event("unfollow")])
    await line.settle()
    assert line.services.store.get("line", USER) is None
    assert len(line.fake.calls) == 1  # nothing is sent to a user who left


async def test_long_answer_is_split_into_at_most_five_messages(line: Line, monkeypatch: pytest.MonkeyPatch) -> None:
    paragraph = "補助項目與單價上限說明。" * 300  # 3,600 characters
    long_text = "\n\n".join([paragraph] * 10)  # 36,000 characters: more than 5 messages hold
    monkeypatch.setattr(line.services.dialog, "handle_text", lambda chat, text, lang_hint=None: Reply(long_text))
    await line.deliver([text_event("全部列出來")])
    [reply] = await line.fake.wait_for(line.fake.replies)
    texts = reply.texts()
    assert len(texts) == 5 and all(len(t) <= 5000 for t in texts)
    assert "回答太長" in texts[-1]


async def test_a_turn_that_fails_is_apologised_for(
    line: Line, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug in one turn (here: handle_text raising) is logged and the user gets the apology with the
    event's reply token, as on Telegram, rather than silence."""

    def broken(chat, text, lang_hint=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    monkeypatch.setattr(line.services.dialog, "handle_text", broken)
    await line.deliver([text_event("結案要什麼時候交？", reply_token="tok-bug")])
    [reply] = await line.fake.wait_for(line.fake.replies)
    assert reply.body["replyToken"] == "tok-bug"
    assert reply.texts() == [line.services.dialog.apology(ChatRef("line", USER)).text]
    assert "could not be answered" in caplog.text


async def test_group_message_is_answered_only_when_addressed(line: Line) -> None:
    chatter = text_event("結案要什麼時候交？", source=group_source())
    other = text_event(
        "@王老師 結案要什麼時候交？",
        source=group_source(),
        mention={"mentionees": [{"index": 0, "length": 4, "type": "user", "userId": "U2"}]},
    )
    await line.deliver([chatter, other])
    await line.settle()
    assert line.fake.replies() == []

    addressed = text_event(
        "@policybot 結案要什麼時候交？",
        source=group_source(),
        mention={"mentionees": [{"index": 0, "length": 10, "type": "user", "isSelf": True}]},
    )
    await line.deliver([addressed, text_event("/subscribe", source=group_source())])
    await line.fake.wait_for(lambda: len(line.fake.replies()) == 2)
    answer, subscribed = line.fake.replies()
    assert "出處" in "\n".join(answer.texts()) and "已訂閱" in subscribed.texts()[0]
    assert line.services.store.get("line", GROUP) is not None and line.services.store.get("line", USER) is None


async def test_webhook_answers_while_an_event_is_still_being_handled(
    line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    dialog = line.services.dialog
    original = dialog.handle_text

    def slow(chat, text, lang_hint=None):  # type: ignore[no-untyped-def]
        release.wait(timeout=10)
        return original(chat, text, lang_hint)

    monkeypatch.setattr(dialog, "handle_text", slow)
    try:
        assert await asyncio.wait_for(line.deliver([text_event("結案要什麼時候交？")]), 2) == 200
        assert await asyncio.wait_for(line.deliver([event("follow")]), 2) == 200
        await line.fake.wait_for(line.fake.replies)  # the greeting did not wait for the slow answer
    finally:
        release.set()
    await line.fake.wait_for(lambda: len(line.fake.replies()) == 2)


async def test_joining_a_group_greets_it_and_leaving_unsubscribes_it(line: Line) -> None:
    await line.deliver([event("join", source={"type": "group", "groupId": GROUP})])
    [greeting] = await line.fake.wait_for(line.fake.replies)
    assert "policybot" in greeting.texts()[0]
    line.services.store.subscribe("line", GROUP, lang="zh")
    await line.deliver([event("leave", source={"type": "group", "groupId": GROUP})])
    await line.settle()
    assert line.services.store.get("line", GROUP) is None
