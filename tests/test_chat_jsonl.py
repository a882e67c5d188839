"""The `policybot chat --jsonl` contract, through the real entry point (`python -m bot chat --jsonl`).

One JSON object in per line ({"chat": ID, "text": ...} or {"chat": ID, "button": DATA}; any other
line is the text of chat "default"), one JSON object out per line, in order, with the `ask --json`
keys plus "chat", "buttons" and "context" (the facts carried over from earlier turns of that chat).
Each chat id has its own memory; bad bytes and bad JSON never stop the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"intent", "confidence", "answer", "sources", "suggestions", "lang", "route", "context", "chat", "buttons"}


def turn(chat: str, text: str) -> bytes:
    return json.dumps({"chat": chat, "text": text}, ensure_ascii=False).encode() + b"\n"


def run_jsonl(stdin: bytes) -> tuple[list[dict[str, Any]], str]:
    """The output objects of `python -m bot chat --jsonl` for `stdin`, and its standard error."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--jsonl"],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    stderr = result.stderr.decode(errors="replace")
    assert "Traceback" not in stderr, stderr
    lines = result.stdout.decode("utf-8").splitlines()
    return [json.loads(line) for line in lines], stderr


def test_one_object_per_line_in_order_and_each_chat_keeps_its_own_memory() -> None:
    script = [
        turn("a", "模式一 20班 最多補助多少"),
        turn("b", "模式二呢"),  # the first message of chat b: nothing to follow up
        "結案要什麼時候交？\n".encode(),  # a plain line: chat "default"
        turn("a", "模式二呢"),  # chat a's follow-up: its 20 classes carried over
        json.dumps({"chat": "a", "button": "details"}).encode() + b"\n",
        turn("b", "模式一 12班 最多補助多少"),
        turn("a", "那13班呢"),
        json.dumps({"text": "How much is the lodging cap?"}).encode() + b"\n",  # no chat: "default"
        turn("c", "/lang en"),
        turn("c", "/school 模式二 8班 2領域"),
        turn("c", "補助上限多少"),
    ]
    out, _ = run_jsonl(b"".join(script))
    assert len(out) == len(script)
    assert all(set(o) == KEYS for o in out), [sorted(o) for o in out if set(o) != KEYS]
    assert [o["chat"] for o in out] == ["a", "b", "default", "a", "a", "b", "a", "default", "c", "c", "c"]
    for o in out:
        assert isinstance(o["answer"], str) and o["answer"].strip()
        assert o["lang"] in ("zh", "en") and isinstance(o["context"], dict)
        assert all(set(b) == {"label", "data"} for b in o["buttons"])
        assert 0 <= o["confidence"] <= 1

    first, b_first, plain, follow_up, details, b_second, a_13, lodging, lang_en, school, ceiling = out
    assert first["route"] == "calculation" and "250,000" in first["answer"] and first["context"] == {}
    assert b_first["context"] == {} and "依您先前說的" not in b_first["answer"]
    assert plain["intent"] == "moe.closeout"
    assert follow_up["route"] == "calculation" and follow_up["context"] == {"classes": 20}
    assert "20 班" in follow_up["answer"] and "（依您先前說的：20 班）" in follow_up["answer"]
    assert details["route"] == "calculation" and "模式二・20 班" in details["answer"]
    assert b_second["context"] == {} and "150,000" in b_second["answer"]  # b's own question, not a's facts
    assert a_13["context"].get("mode") == 2 and "13 班" in a_13["answer"]
    assert lodging["lang"] == "en" and lodging["sources"]
    assert lang_en["lang"] == "en"
    assert school["lang"] == "en" and "mode 2, 8 classes" in school["answer"]
    assert ceiling["route"] == "calculation"
    assert ceiling["context"] == {"mode": 2, "classes": 8, "domains": 2} and "1,150,000" in ceiling["answer"]


def test_bad_bytes_bad_json_and_odd_lines_do_not_stop_the_run() -> None:
    script = [
        turn("a", "模式一 20班 最多補助多少"),
        b"\xff\xfe\x80 \xe4\xb8 not utf-8\n",  # not UTF-8
        b"{not json\n",
        b'{"chat": "a", "text": \n',  # cut short
        b"[1, 2, 3]\n",  # JSON, but not an object
        b'"just a string"\n',
        b"\n",  # an empty line
        b'{"chat": "a", "text": 42}\n',  # text that is not a string
        b'{"chat": 7, "text": "\xe6\xa8\xa1\xe5\xbc\x8f\xe4\xba\x8c\xe5\x91\xa2"}\n',  # a number as chat id: 「模式二呢」
        b'{"chat": "a", "button": "cap:garbage"}\n',  # a forged button
        b'{"chat": "a", "text": "\\u0000\\u0007 \xf0\x9f\x98\x80"}\r\n',  # control characters, emoji, CRLF
        b"x" * 5000 + b"\n",  # a flood
        turn("a", "模式二呢").rstrip(b"\n"),  # the last line, without a newline
    ]
    out, _ = run_jsonl(b"".join(script))
    assert len(out) == len(script)
    assert all(set(o) == KEYS for o in out)
    assert all(isinstance(o["answer"], str) and o["answer"].strip() for o in out)
    chats = [o["chat"] for o in out]
    expected = ["a", "default", "default", "default", "default", "default", "default", "a", "7", "a", "a"]
    assert chats == [*expected, "default", "a"]
    assert "\ufffd" not in out[1]["answer"]  # the replacement characters are not echoed back
    assert out[8]["context"] == {}  # chat "7" is a chat of its own
    assert len(out[11]["answer"]) < 8000
    last = out[-1]  # chat a's memory survived all of it
    assert last["route"] == "calculation" and last["context"] == {"classes": 20}
