"""Replies to the reminder chat commands, the same on every channel.

The channel handlers pass the text after the command; every reply is a string in the chat's
language. Bad arguments get a polite explanation, and a database problem a "try again later":
these methods never raise to the handler.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from knowledge.textnorm import excerpt

from . import schedule, texts
from .calendar import Deadline, PlanCalendar, as_taipei, taipei_now
from .store import DEFAULT_LEAD_DAYS, StoreError, Subscription, SubscriptionStore

log = logging.getLogger(__name__)

MAX_ARGS_CHARS = 200
MAX_LEAD_DAYS = 365
MAX_LEAD_TIMES = 8
MAX_LISTED = 10  # deadlines in one /deadlines reply, to stay well inside message size limits

_ALL_WORDS = {"all", "*", "全部", "所有", "全"}
_NUMBER = re.compile(r"([-+]?\d+(?:\.\d+)?)(?:天|日|d|days?)?", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class _Request:
    kinds: frozenset[str] | None  # None = all deadlines
    kinds_given: bool
    lead_days: tuple[int, ...] | None  # None = not given


_MESSAGES = {
    "zh": {
        "usage": "用法：/subscribe [種類…] [提醒天數，如 30,14,7,1]。例如：/subscribe 核結 30,7,1。可用的種類：{kinds}；不填種類即為全部期限。",
        "too_long": "參數太長了（最多 {max} 個字）。",
        "unknown_kind": "不認識的種類：{words}。",
        "bad_lead": "提醒天數必須是 0 到 {max} 之間的整數（0 表示截止當天）：{words}。",
        "too_many_leads": "提醒天數最多設定 {max} 個。",
        "subscribed": "已訂閱：{kinds}。\n提醒時間：{leads}。",
        "next": "下一次提醒：{at}（臺北時間）— {title}（截止 {date}）。",
        "no_next": "目前沒有即將提醒的期限。",
        "unsubscribed": "已取消訂閱，不會再收到期限提醒。輸入 /subscribe 可重新訂閱。",
        "not_subscribed": "目前沒有訂閱期限提醒。輸入 /subscribe 訂閱全部期限，或例如 /subscribe 核結 只訂閱核結。",
        "status": "你訂閱了：{kinds}。\n提醒時間：{leads}。",
        "store_error": "抱歉，暫時無法存取提醒設定，請稍後再試。",
        "deadlines_head": "即將到來的期限（臺北時間，今天 {today}）：",
        "no_deadlines": "目前沒有即將到來的期限。",
        "more": "……另有 {n} 項期限未列出。",
        "undated_head": "尚未訂定日期（計畫未訂日期，推論依縣市政府或國教署通知；管理者可在 calendar.yaml 填入日期）：",
        "deadlines_foot": "輸入 /subscribe 訂閱期限提醒。",
    },
    "en": {
        "usage": "Usage: /subscribe [kinds…] [days before, e.g. 30,14,7,1]. Example: /subscribe closeout 30,7,1. Kinds: {kinds}; no kind means all deadlines.",
        "too_long": "That is too long (at most {max} characters).",
        "unknown_kind": "Unknown kind: {words}.",
        "bad_lead": "Days before must be whole numbers from 0 to {max} (0 = on the day): {words}.",
        "too_many_leads": "At most {max} reminder days, please.",
        "subscribed": "Subscribed to: {kinds}.\nReminders: {leads}.",
        "next": "Next reminder: {at} (Taipei time) — {title} (due {date}).",
        "no_next": "No reminder is coming up at the moment.",
        "unsubscribed": "Unsubscribed: no more deadline reminders. Send /subscribe to subscribe again.",
        "not_subscribed": "You are not subscribed to deadline reminders. Send /subscribe for all deadlines, or e.g. /subscribe closeout for close-out only.",
        "status": "You are subscribed to: {kinds}.\nReminders: {leads}.",
        "store_error": "Sorry, the reminder settings cannot be reached right now. Please try again later.",
        "deadlines_head": "Upcoming deadlines (Taipei time, today is {today}):",
        "no_deadlines": "There are no upcoming deadlines.",
        "more": "…and {n} more deadlines.",
        "undated_head": "Not dated yet (the plan gives no date; presumably the county/city or the K-12 Administration sets it; the bot's administrator can add the date in calendar.yaml):",
        "deadlines_foot": "Send /subscribe to get reminders.",
    },
}


def _shown(words: list[str], lang: str) -> str:
    """Echo at most three offending words, each cut short and without control characters:
    never repeat a flood or a terminal escape back."""
    cut = [excerpt(w, 20) for w in words[:3]]
    return ("、" if lang == "zh" else ", ").join(cut) + ("…" if len(words) > 3 else "")


class ReminderCommands:
    def __init__(self, store: SubscriptionStore, calendar: PlanCalendar, clock: Callable[[], datetime] = taipei_now):
        self._store = store
        self._calendar = calendar
        self._clock = clock

    def _msg(self, lang: str, key: str, **fill: object) -> str:
        return _MESSAGES[lang][key].format(**fill)

    def deadlines(self, lang: str) -> str:
        lang = texts.lang_of(lang)
        today = as_taipei(self._clock()).date()
        upcoming = self._calendar.deadlines(after=today)
        parts = [self._msg(lang, "deadlines_head", today=today.isoformat())]
        parts += [texts.deadline_block(d, today, lang) for d in upcoming[:MAX_LISTED]]
        if not upcoming:
            parts.append(self._msg(lang, "no_deadlines"))
        if len(upcoming) > MAX_LISTED:
            parts.append(self._msg(lang, "more", n=len(upcoming) - MAX_LISTED))
        undated = self._calendar.undated()
        if undated:
            parts.append(self._msg(lang, "undated_head"))
            parts += [texts.undated_block(d, lang) for d in undated]
        parts.append(self._msg(lang, "deadlines_foot"))
        return "\n".join(parts)

    def upcoming(self) -> tuple[date, list[Deadline]]:
        """Today (Taipei) and what /deadlines lists: the dated deadlines from today on, soonest
        first, then the undated ones (date None)."""
        today = as_taipei(self._clock()).date()
        return today, [*self._calendar.deadlines(after=today)[:MAX_LISTED], *self._calendar.undated()]

    def subscribe(self, channel: str, chat_id: str, args: str, lang: str) -> str:
        return self.try_subscribe(channel, chat_id, args, lang)[1]

    def try_subscribe(self, channel: str, chat_id: str, args: str, lang: str) -> tuple[bool, str]:
        """/subscribe, also telling whether it worked. Kinds or lead days not given are kept."""
        lang = texts.lang_of(lang)
        request = self._parse(args or "", lang)
        if isinstance(request, str):
            return False, request
        try:
            existing = self._store.get(channel, chat_id)
            kinds = request.kinds if request.kinds_given else (existing.kinds if existing else None)
            leads = request.lead_days or (existing.lead_days if existing else DEFAULT_LEAD_DAYS)
            sub = self._store.subscribe(channel, chat_id, lang=lang, kinds=kinds, lead_days=leads)
            return True, self._describe(sub, "subscribed", lang)
        except StoreError as exc:
            log.error("/subscribe for %s:%s: %s", channel, chat_id, exc)
            return False, self._msg(lang, "store_error")

    def unsubscribe(self, channel: str, chat_id: str, lang: str) -> str:
        lang = texts.lang_of(lang)
        try:
            removed = self._store.unsubscribe(channel, chat_id)
        except StoreError as exc:
            log.error("/unsubscribe for %s:%s: %s", channel, chat_id, exc)
            return self._msg(lang, "store_error")
        return self._msg(lang, "unsubscribed" if removed else "not_subscribed")

    def status(self, channel: str, chat_id: str, lang: str) -> str:
        lang = texts.lang_of(lang)
        try:
            sub = self._store.get(channel, chat_id)
            return self._describe(sub, "status", lang) if sub else self._msg(lang, "not_subscribed")
        except StoreError as exc:
            log.error("/reminders for %s:%s: %s", channel, chat_id, exc)
            return self._msg(lang, "store_error")

    def forget_chat(self, channel: str, chat_id: str) -> None:
        """The chat blocked the bot or unfollowed: drop its subscription."""
        try:
            self._store.unsubscribe(channel, chat_id)
        except StoreError as exc:
            log.error("forgetting %s:%s: %s", channel, chat_id, exc)

    def _describe(self, sub: Subscription, key: str, lang: str) -> str:
        now = as_taipei(self._clock())
        head = self._msg(
            lang,
            key,
            kinds=texts.kinds_text(self._calendar, sub.kinds, lang),
            leads=texts.leads_text(sub.lead_days, sub.send_hour, lang),
        )
        nxt = schedule.next_reminder(
            sub,
            self._calendar.deadlines(after=now.date()),
            now,
            self._store.settled([sub.channel], chat_id=sub.chat_id),
        )
        if nxt is None:
            return f"{head}\n{self._msg(lang, 'no_next')}"
        assert nxt.deadline.date is not None
        line = self._msg(
            lang,
            "next",
            at=texts.moment(schedule.when(nxt, now)),
            title=nxt.deadline.title(lang),
            date=nxt.deadline.date.isoformat(),
        )
        return f"{head}\n{line}"

    def _usage(self, lang: str) -> str:
        sep = "、" if lang == "zh" else ", "
        kinds = sep.join(f"{k.name(lang)} ({k.id})" for k in self._calendar.kinds.values())
        return self._msg(lang, "usage", kinds=kinds)

    def _parse(self, args: str, lang: str) -> _Request | str:
        """Kinds and lead days from the /subscribe arguments, or the polite message to reply."""
        if len(args) > MAX_ARGS_CHARS:
            return f"{self._msg(lang, 'too_long', max=MAX_ARGS_CHARS)}\n{self._usage(lang)}"
        words = [w for w in _SEPARATORS.split(args.strip()) if w and not w.startswith("/")]
        kinds: set[str] = set()
        every, unknown, bad, leads = False, [], [], []
        for word in words:
            if number_match := _NUMBER.fullmatch(word):
                number = number_match.group(1)
                if "." in number or not 0 <= int(number) <= MAX_LEAD_DAYS:
                    bad.append(word)
                else:
                    leads.append(int(number))
            elif word.casefold() in _ALL_WORDS:
                every = True
            elif (kind := self._calendar.resolve_kind(word)) is not None:
                kinds.add(kind)
            else:
                unknown.append(word)
        problems = []
        if unknown:
            problems.append(self._msg(lang, "unknown_kind", words=_shown(unknown, lang)))
        if bad:
            problems.append(self._msg(lang, "bad_lead", max=MAX_LEAD_DAYS, words=_shown(bad, lang)))
        if len(set(leads)) > MAX_LEAD_TIMES:
            problems.append(self._msg(lang, "too_many_leads", max=MAX_LEAD_TIMES))
        if problems:
            return "\n".join([*problems, self._usage(lang)])
        return _Request(
            kinds=None if every or not kinds else frozenset(kinds),
            kinds_given=every or bool(kinds),
            lead_days=tuple(sorted(set(leads), reverse=True)) or None,
        )
