"""👍/👎 and /wrong through the shared Dialog, the terminal chat and `policybot chat --jsonl`."""

from __future__ import annotations

import io
import json
import os

import pytest

from bot.cli import main
from bot.wiring import Knowledge
from handlers.cli import run_chat
from handlers.dialog import BUTTON_DATA_LIMIT, ChatRef, Dialog, Reply
from handlers.feedback import COMMENT_MINUTES, Feedback, is_feedback
from handlers.memory import ChatMemory
from reminders.database import Database
from reminders.interactions import InteractionLog, read

NOW = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        self.now += 1.0  # every reading is a moment later, as turns are
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def dialog(knowledge: Knowledge, db: Database, clock: Clock) -> Dialog:
    log = InteractionLog(db, os.urandom(32), clock)
    return Dialog(
        knowledge.engine,
        knowledge.rules,
        knowledge.calendar.rules,
        memory=ChatMemory(),
        clock=clock,
        observer=Feedback(log, knowledge.engine.normalize.plain),
    )


CHAT = ChatRef("telegram", "5001")


def rating(reply: Reply) -> dict[str, str]:
    """The reply's feedback buttons, {'up': data, 'down': data}."""
    found = [b for b in reply.buttons if is_feedback(b.data)]
    return {"up": found[0].data, "down": found[1].data} if found else {}


def rows(db: Database) -> list[tuple[object, ...]]:
    return [(r.question, r.route, r.feedback, r.comment) for r in read(db)[0]]


def test_every_answer_gets_thumbs_that_fit_telegram_and_carry_only_a_turn_id(dialog: Dialog) -> None:
    answer = dialog.handle_text(CHAT, "結案要什麼時候交？")
    labels = [b.label for b in answer.buttons if is_feedback(b.data)]
    assert labels == ["👍", "👎 答錯了"]
    for data in rating(answer).values():
        assert len(data.encode()) <= BUTTON_DATA_LIMIT and data.split(":")[-1].isdigit()
    calculation = dialog.handle_text(CHAT, "模式二 8班 2領域 最多補助多少")
    assert rating(calculation) and calculation.buttons[0].data == "details"
    english = dialog.handle_text(ChatRef("telegram", "2"), "When is the close-out report due?")
    assert [b.label for b in english.buttons if is_feedback(b.data)] == ["👍", "👎 Wrong"]
    not_covered = dialog.handle_text(CHAT, "代理教師的薪水怎麼算")
    assert not_covered.route == "not_in_plans" and rating(not_covered)


def test_a_question_asked_back_or_did_you_mean_gets_no_thumbs(dialog: Dialog, db: Database) -> None:
    asked_back = dialog.handle_text(CHAT, "模式二最多補助多少")
    unsure = dialog.handle_text(ChatRef("telegram", "9"), "嗯嗯 那個")
    assert asked_back.route == "clarification" and not rating(asked_back)
    assert unsure.route in ("unsure", "not_in_plans")
    assert [r[1] for r in rows(db)][:1] == ["clarification"]  # logged all the same


def test_thumbs_up_is_thanked_in_a_line_and_recorded(dialog: Dialog, db: Database) -> None:
    answer = dialog.handle_text(CHAT, "住宿費上限")
    thanks = dialog.handle_button(CHAT, rating(answer)["up"])
    assert thanks.text == "👍 謝謝！" and not thanks.buttons
    assert rows(db) == [("住宿費上限", "answer", "up", None)]


def test_thumbs_down_asks_once_and_the_next_message_is_the_comment(dialog: Dialog, db: Database) -> None:
    answer = dialog.handle_text(CHAT, "住宿費上限")
    prompt = dialog.handle_button(CHAT, rating(answer)["down"])
    assert "哪裡不對" in prompt.text and [b.label for b in prompt.buttons] == ["不用了"]
    thanks = dialog.handle_text(CHAT, "國內出差住宿應該看差旅費規定")
    assert "已記下" in thanks.text
    assert rows(db) == [("住宿費上限", "answer", "down", "國內出差住宿應該看差旅費規定")]
    again = dialog.handle_text(CHAT, "結案要什麼時候交？")  # the wait is over: answered
    assert "出處" in again.text and len(rows(db)) == 2


@pytest.mark.parametrize("moving_on", ["skip", "command", "button"])
def test_skip_a_command_or_another_button_ends_the_wait(dialog: Dialog, db: Database, moving_on: str) -> None:
    answer = dialog.handle_text(CHAT, "模式二 8班 2領域 最多補助多少")
    prompt = dialog.handle_button(CHAT, rating(answer)["down"])
    if moving_on == "skip":
        assert dialog.handle_button(CHAT, prompt.buttons[0].data).text == "好的。"
    elif moving_on == "command":
        dialog.handle_text(CHAT, "/help")
    else:
        dialog.handle_button(CHAT, "details")
    reply = dialog.handle_text(CHAT, "結案要什麼時候交？")
    assert "出處" in reply.text
    assert rows(db)[0][2:] == ("down", None)  # marked wrong, no comment


def test_the_wait_for_a_comment_ends_after_a_few_minutes(dialog: Dialog, clock: Clock, db: Database) -> None:
    answer = dialog.handle_text(CHAT, "住宿費上限")
    dialog.handle_button(CHAT, rating(answer)["down"])
    clock.now += COMMENT_MINUTES * 60 + 5
    reply = dialog.handle_text(CHAT, "結案要什麼時候交？")
    assert "出處" in reply.text and rows(db)[0][3] is None


def test_a_button_of_another_chat_or_a_forged_one_changes_nothing(dialog: Dialog, db: Database) -> None:
    answer = dialog.handle_text(CHAT, "住宿費上限")
    other = ChatRef("telegram", "6002")
    assert "不在" in dialog.handle_button(other, rating(answer)["down"]).text
    for forged in ("fb:-:99999", "fb:?:1", "fb:-:abc", "fb:-:" + "9" * 40):
        assert dialog.handle_button(CHAT, forged).text
    assert rows(db)[0][2] is None


def test_wrong_marks_the_latest_answer_with_what_was_said(dialog: Dialog, db: Database) -> None:
    assert "還沒有" in dialog.handle_text(CHAT, "/wrong").text
    dialog.handle_text(CHAT, "住宿費上限")
    assert "已記下" in dialog.handle_text(CHAT, "/wrong 應該是每晚 2,000 元").text
    assert "哪裡不對" in dialog.handle_text(CHAT, "/wrong").text  # again, no words: asks for them
    dialog.handle_text(CHAT, "而且要附單據")
    assert rows(db) == [("住宿費上限", "answer", "down", "應該是每晚 2,000 元 / 而且要附單據")]


def test_the_terminal_chat_has_wrong_instead_of_buttons(dialog: Dialog, db: Database) -> None:
    stdin = io.StringIO("結案要什麼時候交？\n/wrong 是三個月內\n/quit\n")
    stdout = io.StringIO()
    assert run_chat(dialog, stdin, stdout, interactive=False) == 0
    out = stdout.getvalue()
    assert "/wrong 哪裡不對" in out.splitlines()[next(i for i, x in enumerate(out.splitlines()) if "/quit" in x)]
    assert "👍" not in out and "已記下" in out
    assert rows(db)[0][2:] == ("down", "是三個月內")


def test_chat_jsonl_keeps_feedback_for_the_run(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    lines = [
        {"chat": "a", "text": "結案要什麼時候交？"},
        {"chat": "a", "button": "fb:-:1"},
        {"chat": "a", "text": "是三個月內"},
        {"chat": "b", "text": "/wrong"},
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)))
    assert main(["chat", "--jsonl"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [b["data"] for b in out[0]["buttons"]] == ["fb:+:1", "fb:-:1"]
    assert "哪裡不對" in out[1]["answer"] and "已記下" in out[2]["answer"] and "還沒有" in out[3]["answer"]
