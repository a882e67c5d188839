"""The terminal chat: the same Dialog as Telegram and LINE, with numbered buttons, and its
machine contract (`policybot chat --jsonl`) for testing conversations from outside."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from handlers.dialog import ChatRef, Dialog, Reply
from handlers.feedback import without_feedback
from knowledge.textnorm import to_simplified, writes_simplified

log = logging.getLogger(__name__)

CHAT = ChatRef(channel="cli", chat_id="local")
_QUIT = {"/quit", "/exit", "quit", "exit", "q", "離開", "結束"}
_FILE_PREFIX = "/file "
# Buttons are picked with #N, so that a bare number typed in answer to a question ("20" classes)
# is never taken for button 20.
_PICK = "#"


def render(reply: Reply) -> str:
    """A reply as terminal text; buttons become #-numbered choices."""
    lines = [reply.text]
    if reply.buttons:
        lines.append("")
        lines += [f"  [{_PICK}{i}] {button.label}" for i, button in enumerate(reply.buttons, 1)]
        hint = (
            f"  （輸入 {_PICK}1、{_PICK}2… 選擇）" if reply.lang == "zh" else f"  (type {_PICK}1, {_PICK}2… to choose)"
        )
        # (in the script the reply is shown in: a chat writing Simplified reads 「输入…选择」)
        lines.append(to_simplified(hint) if reply.lang == "zh" and writes_simplified(reply.text) else hint)
    return "\n".join(lines)


def _picked(choice: str, last: Reply | None) -> int | None:
    """The button a line picks (#2, ＃2), or None."""
    if last is None or not choice or choice[0] not in (_PICK, "＃"):
        return None
    number = choice[1:].strip()
    if number.isdigit() and 1 <= int(number) <= len(last.buttons):
        return int(number) - 1
    return None


def respond(
    dialog: Dialog, line: str, last: Reply | None, read_file: Callable[[str], bytes], chat: ChatRef = CHAT
) -> Reply:
    """One turn: #N picks a button of the last reply, `/file PATH` checks a budget file. A turn that
    fails unexpectedly is logged and apologised for, as Telegram's error handler does: the chat
    goes on, and no traceback reaches the user."""
    try:
        return _respond(dialog, line, last, read_file, chat)
    except Exception:
        log.exception("the terminal chat's turn failed")
        return dialog.apology(chat)


def _respond(dialog: Dialog, line: str, last: Reply | None, read_file: Callable[[str], bytes], chat: ChatRef) -> Reply:
    choice = line.strip()
    picked = _picked(choice, last)
    if picked is not None and last is not None:
        return dialog.handle_button(chat, last.buttons[picked].data)
    if choice.startswith(_FILE_PREFIX):
        path = choice[len(_FILE_PREFIX) :].strip()
        try:
            content = read_file(path)
        except OSError as exc:
            lang = dialog.language(chat)
            message = f"讀不到檔案 {path}：{exc.strerror}" if lang == "zh" else f"Cannot read {path}: {exc.strerror}"
            return Reply(message, lang=lang)
        return dialog.handle_file(chat, path, content)
    return dialog.handle_text(chat, line)


def _read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def input_lines(stream: TextIO) -> Iterator[str]:
    """Lines of standard input; bytes that are not UTF-8 become U+FFFD instead of stopping the run."""
    raw = getattr(stream, "buffer", None)
    if raw is None:
        yield from stream
        return
    for line in raw:
        yield line.decode("utf-8", errors="replace")


def run_chat(dialog: Dialog, stdin: TextIO, stdout: TextIO, interactive: bool = True) -> int:
    """Read questions until end of input or /quit; answer each one."""

    def say(text: str) -> None:
        stdout.write(text + "\n")
        stdout.flush()

    say(render(dialog.welcome(CHAT)))
    hint = "；/wrong 哪裡不對 回報答錯" if dialog.observer is not None else ""
    say(f"（輸入 /quit 離開；/file 路徑 檢查經費表；#1 選按鈕{hint}）\n")
    last: Reply | None = None
    while True:
        if interactive:
            stdout.write("\n你> ")
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip().lower() in _QUIT:
            say("再見！Bye!")
            return 0
        if not line.strip():
            continue
        # 👍/👎 are for phones; here /wrong says an answer was wrong.
        last = without_feedback(respond(dialog, line.rstrip("\n"), last, _read_file))
        say(render(last))


def _jsonl_turn(raw: str) -> tuple[str, str | None, str | None]:
    """(chat id, text, button data) of one input line: a JSON object {"chat", "text"} (or
    {"chat", "button"}), else the line itself as text of chat "default"."""
    line = raw.rstrip("\r\n")
    try:
        data: Any = json.loads(line)
    except ValueError:
        return "default", line, None
    if not isinstance(data, dict):
        return "default", line, None
    chat = data.get("chat", "default")
    chat = chat if isinstance(chat, str) and chat else str(chat)
    text, button = data.get("text"), data.get("button")
    return chat, text if isinstance(text, str) else None, button if isinstance(button, str) else None


def run_jsonl(dialog: Dialog, stdin: TextIO, stdout: TextIO) -> int:
    """One JSON object out per line in, in order: the `ask --json` keys plus "context" (the facts
    carried over from earlier turns of that chat). Each chat id keeps its own memory."""
    for raw in input_lines(stdin):
        chat_id, text, button = _jsonl_turn(raw)
        chat = ChatRef("cli", chat_id)
        try:
            reply = dialog.handle_button(chat, button) if button is not None else dialog.handle_text(chat, text or "")
        except Exception:  # (one JSON object per line in, whatever happens: the apology's)
            log.exception("chat --jsonl: the turn of chat %r failed", chat_id)
            reply = dialog.apology(chat)
        out = reply.to_json() | {
            "chat": chat_id,
            "buttons": [{"label": b.label, "data": b.data} for b in reply.buttons],
        }
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0
