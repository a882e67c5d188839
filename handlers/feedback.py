"""Feedback on answers, and the interaction log behind it: the dialog's turn observer.

Every answer (an entry, a calculation, "the plans do not say") gets two buttons, 👍 and 👎「答錯了」,
on Telegram (inline buttons) and LINE (quick replies); the terminal chat has `/wrong [what]`
instead. A tap is acknowledged in a line. A 👎 asks what was wrong: the chat's next message (within
a few minutes, and only if nothing else happened in between) is taken as that comment; a command,
another button or 「不用了」 ends the wait, so the chat is never held up. Buttons carry the turn's
row id (`fb:-:123`), far under Telegram's 64 bytes, never the question.

`Feedback` is what `Dialog(observer=...)` calls: `take` may answer a message itself (a feedback
tap, `/wrong`, the comment), `seen` records each turn and adds the buttons. Storage failures are
logged and the chat goes on without feedback: answering beats logging.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from handlers.memory import ChatRef
from handlers.replies import ANSWER, CALCULATION, COMMAND, NOT_IN_PLANS, Button, Reply
from knowledge.textnorm import MAX_QUESTION_CHARS, Normalizer, excerpt
from reminders.database import StoreError
from reminders.interactions import BUTTON, COMMENT_CHARS, DOWN, TEXT, UP, InteractionLog, Marked, Turn
from reminders.interactions import COMMAND as COMMAND_VIA

log = logging.getLogger(__name__)

PREFIX = "fb:"
_UP, _DOWN, _SKIP = "+", "-", "x"
# The routes that answer (and so get 👍/👎): not a question asked back, not "did you mean…".
RATED_ROUTES = (ANSWER, CALCULATION, NOT_IN_PLANS)
COMMENT_MINUTES = 10  # how long a 👎 waits for its comment
QUESTION_MINUTES = 30  # a button tap is about the chat's typed question this recent

_TEXTS = {
    "up_label": {"zh": "👍", "en": "👍"},
    "down_label": {"zh": "👎 答錯了", "en": "👎 Wrong"},
    "skip_label": {"zh": "不用了", "en": "Skip"},
    "thanks_up": {"zh": "👍 謝謝！", "en": "👍 Thanks!"},
    "thanks_down": {
        "zh": "收到，謝謝您告訴我這題答錯了。方便的話，下一則訊息用一句話說哪裡不對；不說也沒關係。",
        "en": "Noted, thank you for telling me the answer was wrong. If you like, say in your next message "
        "what was wrong; no need to.",
    },
    "thanks_comment": {
        "zh": "謝謝，已記下您的說明，維護答案的老師會看到。（如果這其實是新的問題，請再傳一次。）",
        "en": "Thank you, noted for the people who keep the answers right. "
        "(If that was a new question, please send it again.)",
    },
    "thanks_wrong": {
        "zh": "收到，謝謝：已記下這題答錯了，以及您的說明。",
        "en": "Noted, thank you: the answer is marked wrong, with what you said.",
    },
    "skipped": {"zh": "好的。", "en": "OK."},
    "nothing_to_rate": {
        "zh": "還沒有可以回報的回答：先問一個問題，答錯了再用 /wrong 告訴我。",
        "en": "There is no answer to report yet: ask a question first, then /wrong if the answer is wrong.",
    },
    "gone": {
        "zh": "這則回答的紀錄已經不在了（可能太舊），謝謝您。",
        "en": "That answer is no longer on record (it may be too old); thank you all the same.",
    },
    "unavailable": {
        "zh": "抱歉，現在記不下回饋，請稍後再試。",
        "en": "Sorry, feedback cannot be recorded right now; please try again later.",
    },
}


def text(key: str, lang: str) -> str:
    return _TEXTS[key]["en" if lang == "en" else "zh"]


def is_feedback(data: str) -> bool:
    return data.startswith(PREFIX)


def buttons(turn_id: int, lang: str) -> list[Button]:
    return [
        Button(text("up_label", lang), f"{PREFIX}{_UP}:{turn_id}"),
        Button(text("down_label", lang), f"{PREFIX}{_DOWN}:{turn_id}"),
    ]


def without_feedback(reply: Reply) -> Reply:
    """The reply without its 👍/👎 buttons (the terminal chat has /wrong instead)."""
    kept = [b for b in reply.buttons if not is_feedback(b.data)]
    return reply if len(kept) == len(reply.buttons) else replace(reply, buttons=kept)


def _parse(data: str) -> tuple[str, int] | None:
    kind, _, number = data[len(PREFIX) :].partition(":")
    if kind not in (_UP, _DOWN, _SKIP) or not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    return kind, int(number)


class Feedback:
    """The dialog's observer: logs turns to `log`, offers and takes feedback."""

    def __init__(self, log_: InteractionLog, normalize: Callable[[str], str] | None = None) -> None:
        self.log = log_
        self._normalize = normalize or Normalizer().plain

    def question(self, said: str) -> str:
        """A question as stored: the engine's normalisation (full-width, Simplified, numerals, case),
        cut to the engine's length."""
        return self._normalize(said)[:MAX_QUESTION_CHARS]

    # -- the dialog's seam ---------------------------------------------------------------------

    def take(self, chat: ChatRef, said: str, via: str, lang_hint: str | None = None) -> Reply | None:
        """A reply to a message that is feedback (a 👍/👎 tap, /wrong, the comment after a 👎), or
        None to let the dialog answer it (and stop waiting for a comment: the chat moved on)."""
        name, _, args = said.partition(" ")
        feedback = is_feedback(said) if via == BUTTON else via == COMMAND_VIA and name == "wrong"
        try:
            if feedback:
                return self._tap(chat, said, lang_hint) if via == BUTTON else self._wrong(chat, args.strip(), lang_hint)
            if via != TEXT:
                self.log.decline(chat.channel, chat.chat_id)
                return None
            marked = self.log.pending(chat.channel, chat.chat_id, COMMENT_MINUTES * 60)
            if marked is None or not said.strip():
                return None
            self.log.comment(chat.channel, chat.chat_id, marked.id, excerpt(said, COMMENT_CHARS))
            return Reply(text("thanks_comment", marked.lang), lang=marked.lang)
        except Exception as exc:  # feedback must never stop a chat
            log.warning("feedback of %s not recorded: %s", chat.channel, exc, exc_info=not isinstance(exc, StoreError))
            if not feedback:
                return None
            lang = _lang(lang_hint)
            return Reply(text("unavailable", lang), lang=lang)

    def seen(self, chat: ChatRef, said: str, via: str, reply: Reply) -> Reply:
        """Record the turn that produced `reply`; the reply with 👍/👎 when it answers."""
        if reply.route == COMMAND or any(is_feedback(b.data) for b in reply.buttons):
            return reply  # not an answer, or seen already (a button that asked a question)
        try:
            question = (
                self.log.last_question(chat.channel, chat.chat_id, QUESTION_MINUTES * 60)
                if via == BUTTON
                else self.question(said)
            )
            turn_id = self.log.record(
                Turn(
                    channel=chat.channel,
                    chat_id=chat.chat_id,
                    via=via,
                    question=question,
                    lang=reply.lang,
                    route=reply.route,
                    entry=reply.intent,
                    confidence=reply.confidence,
                    context=bool(reply.context),
                )
            )
        except Exception as exc:  # logging must never stop a chat
            log.warning("turn of %s not logged: %s", chat.channel, exc, exc_info=not isinstance(exc, StoreError))
            return reply
        if reply.route not in RATED_ROUTES:
            return reply
        return replace(reply, buttons=[*reply.buttons, *buttons(turn_id, reply.lang)])

    # -- feedback --------------------------------------------------------------------------------

    def _tap(self, chat: ChatRef, data: str, lang_hint: str | None) -> Reply:
        parsed = _parse(data)
        lang = _lang(lang_hint)
        if parsed is None:
            return Reply(text("gone", lang), lang=lang)
        kind, turn_id = parsed
        if kind == _SKIP:
            self.log.decline(chat.channel, chat.chat_id)
            return Reply(text("skipped", lang), lang=lang)
        marked = self.log.mark(chat.channel, chat.chat_id, turn_id, UP if kind == _UP else DOWN)
        if marked is None:
            return Reply(text("gone", lang), lang=lang)
        return self._thanks(marked, kind == _UP)

    def _wrong(self, chat: ChatRef, what: str, lang_hint: str | None) -> Reply:
        """`/wrong [what]`: the chat's latest turn is marked 👎, with the comment when given."""
        marked = self.log.mark(chat.channel, chat.chat_id, None, DOWN)
        if marked is None:
            lang = _lang(lang_hint)
            return Reply(text("nothing_to_rate", lang), lang=lang)
        if not what:
            return self._thanks(marked, up=False)
        self.log.comment(chat.channel, chat.chat_id, marked.id, excerpt(what, COMMENT_CHARS))
        return Reply(text("thanks_wrong", marked.lang), lang=marked.lang)

    @staticmethod
    def _thanks(marked: Marked, up: bool) -> Reply:
        if up:
            return Reply(text("thanks_up", marked.lang), lang=marked.lang)
        skip = Button(text("skip_label", marked.lang), f"{PREFIX}{_SKIP}:{marked.id}")
        return Reply(text("thanks_down", marked.lang), [skip], lang=marked.lang)


def _lang(hint: str | None) -> str:
    return "en" if (hint or "").lower().startswith("en") else "zh"
