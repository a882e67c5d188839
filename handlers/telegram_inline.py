"""Telegram inline mode: `@bot 20班 模式一` in any chat offers the answers as results to send.

Only what the dialog would answer a new chat: every query gets a `Dialog` of its own with an
empty in-memory state that is dropped afterwards, so no school facts, topic or language of any
chat (the asker's included) reach an inline answer, and an inline query leaves nothing behind.
A confident answer is one result; an unsure question gives its suggested topics' answers; a
question the plans do not cover gets the dialog's "not in the plans" reply. Ceilings and other
figures carry the figure in the result's title. Answers are cached here and by Telegram for
CACHE_SECONDS, and each user may ask at most RATE queries per PERIOD seconds (a phone sends one
per pause in typing); past that a query is not answered.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, Update
from telegram.constants import InlineQueryLimit, MessageLimit, ParseMode
from telegram.ext import ContextTypes

from handlers.dialog import ASK_PREFIX, Dialog
from handlers.memory import ChatMemory, ChatRef
from handlers.replies import NOT_IN_PLANS, Reply, source_line
from handlers.telegram_html import html
from handlers.text_split import split_text
from reminders import offload

log = logging.getLogger(__name__)

CACHE_SECONDS = 60
CACHE_ENTRIES = 512
RATE, PERIOD = 20, 30.0
MIN_QUERY = 2  # characters: one character is a keystroke, not a question
MAX_RESULTS = 5
MAX_TITLE = 100
MAX_DESCRIPTION = 160
_CHAT = ChatRef("telegram", "inline")  # a chat of the throwaway memory, never a real one
_ASK_IN_PRIVATE = {"zh": "在私訊中問 policybot", "en": "Ask policybot in a private chat"}


def _hint(lang_hint: str | None) -> str:
    return "en" if (lang_hint or "").lower().startswith("en") else "zh"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def article(reply: Reply) -> InlineQueryResultArticle:
    """One inline result: the figure and what it is as the title (for a card), else the first line;
    the rest of the answer and its source as the description; the whole reply as the message."""
    lines = [line for line in (reply.body or reply.text).splitlines() if line.strip()] or [reply.text]
    card = reply.card
    if card is not None:
        title = f"{card.headline}｜{card.title}" if reply.lang != "en" else f"{card.headline} | {card.title}"
        rest = lines
    else:
        title, rest = lines[0], lines[1:]
    described = " ".join(rest)
    if reply.sources:
        described = f"{described} {source_line(reply.sources, reply.lang)}".strip()
    text = split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH)[0]
    return InlineQueryResultArticle(
        id=hashlib.sha256(reply.text.encode()).hexdigest()[:32],
        title=_clip(title, MAX_TITLE),
        description=_clip(described, MAX_DESCRIPTION) or None,
        input_message_content=InputTextMessageContent(
            html(text, card.headline if card else None), parse_mode=ParseMode.HTML
        ),
    )


class InlineAnswers:
    """Answers inline queries with fresh, memory-less dialog turns."""

    def __init__(self, dialog: Dialog, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._dialog = dialog
        self._clock = clock
        self._cache: OrderedDict[tuple[str, str], tuple[float, list[Reply]]] = OrderedDict()
        self._asked: dict[int, deque[float]] = {}

    def replies(self, query: str, lang_hint: str | None = None) -> list[Reply]:
        """What the dialog answers `query` in a new chat; blocking (run it in a thread)."""
        base = self._dialog
        dialog = Dialog(base.engine, base.rules, base.plan, reminders=None, memory=ChatMemory())
        reply = dialog.handle_text(_CHAT, query, lang_hint)
        if reply.confident:
            return [reply]
        if reply.suggestions:
            found = []
            for suggestion in reply.suggestions[:MAX_RESULTS]:
                fresh = Dialog(base.engine, base.rules, base.plan, reminders=None, memory=ChatMemory())
                answer = fresh.handle_button(_CHAT, f"{ASK_PREFIX}{suggestion.intent}", reply.lang)
                if answer.confident:
                    found.append(answer)
            return found
        return [reply] if reply.route == NOT_IN_PLANS else []

    def allowed(self, user_id: int) -> bool:
        """At most RATE queries per PERIOD seconds per user."""
        now = self._clock()
        asked = self._asked.setdefault(user_id, deque())
        while asked and asked[0] <= now - PERIOD:
            asked.popleft()
        if len(asked) >= RATE:
            return False
        asked.append(now)
        if len(self._asked) > 10_000:  # forget users who stopped asking
            self._asked = {user: times for user, times in self._asked.items() if times and times[-1] > now - PERIOD}
        return True

    async def cached_replies(self, query: str, lang_hint: str | None) -> list[Reply]:
        key = (_hint(lang_hint), query)
        now = self._clock()
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            self._cache.move_to_end(key)
            return hit[1]
        found = await offload.run(self.replies, query, lang_hint)
        self._cache[key] = (now + CACHE_SECONDS, found)
        while len(self._cache) > CACHE_ENTRIES:
            self._cache.popitem(last=False)
        return found

    async def handle(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inline = update.inline_query
        if inline is None:
            return
        query = inline.query.strip()[: InlineQueryLimit.MAX_QUERY_LENGTH]
        hint = inline.from_user.language_code if inline.from_user else None
        if len(query) < MIN_QUERY:
            return
        if not self.allowed(inline.from_user.id):
            log.info("inline queries of user %s over %s per %ss: not answered", inline.from_user.id, RATE, PERIOD)
            return
        found = await self.cached_replies(query, hint)
        results = list({r.id: r for r in (article(reply) for reply in found)}.values())[:MAX_RESULTS]
        button = None
        if not results:
            button = InlineQueryResultsButton(_ASK_IN_PRIVATE[_hint(hint)], start_parameter="inline")
        await inline.answer(results, cache_time=CACHE_SECONDS, is_personal=False, button=button)
