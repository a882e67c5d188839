"""The command-line contract: ask, ask --json, ask --jsonl, chat, check-kb, python -m bot."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.wiring import Knowledge, one_turn_dialog
from handlers.cli import run_chat, run_jsonl
from handlers.dialog import ChatRef

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"intent", "confidence", "answer", "sources", "suggestions", "lang", "route", "context"}


def test_ask_prints_answer_and_source(capsys) -> None:
    assert main(["ask", "住宿費一天上限多少？"]) == 0
    out = capsys.readouterr().out
    assert "3,000" in out and "出處" in out and "附件3" in out


def test_ask_json_prints_one_object(capsys) -> None:
    assert main(["ask", "--json", "Can I claim my TOEIC fee?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == KEYS
    assert data["intent"] == "moe.item.english_test_fee" and data["lang"] == "en"
    assert 0 <= data["confidence"] <= 1 and data["sources"]


def test_ask_jsonl_answers_every_line_in_order(monkeypatch, capsys) -> None:
    lines = ["結案要什麼時候交？", "", "How much is the lodging cap?", "台北市雙語計畫補助多少"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["ask", "--jsonl"]) == 0
    objects = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(objects) == len(lines)
    assert all(set(o) == KEYS for o in objects)
    assert objects[0]["intent"] == "moe.closeout"
    assert objects[1]["intent"] is None and objects[1]["answer"]
    assert objects[2]["lang"] == "en"
    assert objects[3]["intent"] is None


def test_ask_without_question_is_a_usage_error(capsys) -> None:
    assert main(["ask"]) == 2
    assert "question" in capsys.readouterr().err


def test_check_kb_reports_coverage(capsys) -> None:
    assert main(["check-kb"]) == 0
    out = capsys.readouterr().out
    assert "Knowledge base OK" in out and "kl_action_plans" in out and "budget_items" in out


def test_chat_answers_and_follows_buttons(knowledge: Knowledge) -> None:
    stdin = io.StringIO("嗯\n#1\n/lang en\nWhen is the close-out due?\n/quit\n")
    stdout = io.StringIO()
    assert run_chat(one_turn_dialog(knowledge), stdin, stdout, interactive=False) == 0
    transcript = stdout.getvalue()
    assert "[#1]" in transcript  # suggestions shown as #-numbered choices
    assert "OK, I will answer in English" in transcript
    assert "Source" in transcript


def test_a_turn_that_fails_is_apologised_for_and_the_chat_goes_on(
    knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug in one turn (here: handle_text raising) is logged and apologised for, in the terminal
    chat and in `chat --jsonl` (still one object per line); the next turn is answered."""
    dialog = one_turn_dialog(knowledge)
    answer = dialog.handle_text
    broken = {"炸掉"}

    def handle_text(chat, text, lang_hint=None):  # type: ignore[no-untyped-def]
        if text in broken:
            raise RuntimeError("a bug")
        return answer(chat, text, lang_hint)

    monkeypatch.setattr(dialog, "handle_text", handle_text)
    stdout = io.StringIO()
    assert run_chat(dialog, io.StringIO("炸掉\n核結期限\n/quit\n"), stdout, interactive=False) == 0
    transcript = stdout.getvalue()
    assert dialog.apology(ChatRef("cli", "local")).text in transcript and "Traceback" not in transcript
    assert "2 個月" in transcript, transcript  # the next turn answered
    assert "the terminal chat's turn failed" in caplog.text
    out = io.StringIO()
    lines = [
        json.dumps({"chat": "a", "text": "炸掉"}, ensure_ascii=False),
        json.dumps({"chat": "a", "text": "核結期限"}),
    ]
    assert run_jsonl(dialog, io.StringIO("\n".join(lines) + "\n"), out) == 0
    objects = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(objects) == 2 and objects[0]["answer"] == dialog.apology(ChatRef("cli", "a")).text
    assert objects[1]["route"] == "answer", objects[1]


def test_the_button_hint_is_in_the_script_the_chat_writes(knowledge: Knowledge) -> None:
    """A chat writing Simplified reads the buttons' hint in Simplified too (「输入 #1、#2… 选择」)."""
    stdout = io.StringIO()
    run_chat(
        one_turn_dialog(knowledge),
        io.StringIO("我们18班做模式二 一个领域 最多多少\n/quit\n"),
        stdout,
        interactive=False,
    )
    transcript = stdout.getvalue()
    answer = transcript.split("模式二・18 班", 1)[1]  # (the welcome before it is Traditional)
    assert "（输入 #1、#2… 选择）" in answer and "（輸入 #1、#2… 選擇）" not in answer, transcript


def test_python_dash_m_bot_is_the_same_program() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "部領可以用在哪些領域？"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)) == KEYS


@pytest.mark.parametrize("argv", [["--no-such-flag"], ["ask", "--json", "--jsonl", "x"]])
def test_bad_arguments_exit_2(argv) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
