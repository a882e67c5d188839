"""The terminal chat: the same Dialog as Telegram and LINE, with numbered buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from handlers.dialog import ChatRef, Dialog, Reply

CHAT = ChatRef(channel="cli", chat_id="local")
_QUIT = {"/quit", "/exit", "quit", "exit", "q", "離開", "結束"}
_FILE_PREFIX = "/file "


def render(reply: Reply) -> str:
    """A reply as terminal text; buttons become numbered choices."""
    lines = [reply.text]
    if reply.buttons:
        lines.append("")
        lines += [f"  [{i}] {button.label}" for i, button in enumerate(reply.buttons, 1)]
        lines.append("  （輸入編號選擇）" if reply.lang == "zh" else "  (type a number to choose)")
    return "\n".join(lines)


def respond(dialog: Dialog, line: str, last: Reply | None, read_file: Callable[[str], bytes]) -> Reply:
    """One turn: a number picks a button of the last reply, `/file PATH` checks a budget file."""
    choice = line.strip()
    if last is not None and choice.isdigit() and 1 <= int(choice) <= len(last.buttons):
        return dialog.handle_button(CHAT, last.buttons[int(choice) - 1].data)
    if choice.startswith(_FILE_PREFIX):
        path = choice[len(_FILE_PREFIX) :].strip()
        try:
            content = read_file(path)
        except OSError as exc:
            lang = dialog.language(CHAT)
            message = f"讀不到檔案 {path}：{exc.strerror}" if lang == "zh" else f"Cannot read {path}: {exc.strerror}"
            return Reply(message, lang=lang)
        return dialog.handle_file(CHAT, path, content)
    return dialog.handle_text(CHAT, line)


def _read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def run_chat(dialog: Dialog, stdin: TextIO, stdout: TextIO, interactive: bool = True) -> int:
    """Read questions until end of input or /quit; answer each one."""

    def say(text: str) -> None:
        stdout.write(text + "\n")
        stdout.flush()

    say(render(dialog.welcome(CHAT)))
    say("（輸入 /quit 離開；/file 路徑 檢查經費表）\n")
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
        last = respond(dialog, line.rstrip("\n"), last, _read_file)
        say(render(last))
