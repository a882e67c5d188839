"""User-facing wording, in Traditional Chinese ("zh") and English ("en"), shared by all channels."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from .calendar import TAIPEI, Deadline, PlanCalendar


def lang_of(lang: str | None) -> str:
    """Map a client language code to "en" (en, en-US, ...) or "zh" (everything else)."""
    return "en" if (lang or "").lower().startswith("en") else "zh"


def days_left(deadline: Deadline, today: date) -> int:
    assert deadline.date is not None
    return (deadline.date - today).days


def days_left_text(days: int, lang: str) -> str:
    if lang == "en":
        return "due today" if days == 0 else f"{days} day{'s' if days != 1 else ''} left"
    return "今天截止" if days == 0 else f"還有 {days} 天"


def moment(dt: datetime) -> str:
    return dt.astimezone(TAIPEI).strftime("%Y-%m-%d %H:%M")


_LABELS = {
    "zh": {"source": "來源：", "note": "說明："},
    "en": {"source": "Source: ", "note": "Note: "},
}


def deadline_block(deadline: Deadline, today: date, lang: str) -> str:
    """One deadline for /deadlines: date, days left, title, source and the assumption, if any."""
    assert deadline.date is not None
    lang = lang_of(lang)
    label = _LABELS[lang]
    left = days_left_text(days_left(deadline, today), lang)
    head = f" ({left}) " if lang == "en" else f"（{left}）"
    lines = [
        f"• {deadline.date.isoformat()}{head}{deadline.title(lang)}",
        f"  {label['source']}{deadline.source_text(lang)}",
    ]
    if deadline.assumption(lang):
        lines.append(f"  {label['note']}{deadline.assumption(lang)}")
    return "\n".join(lines)


def undated_block(deadline: Deadline, lang: str) -> str:
    lang = lang_of(lang)
    return f"• {deadline.title(lang)}\n  {_LABELS[lang]['source']}{deadline.source_text(lang)}"


def reminder_text(deadline: Deadline, now: datetime, lang: str) -> str:
    """The pushed message; days left are counted from the moment it is sent."""
    assert deadline.date is not None
    lang = lang_of(lang)
    label = _LABELS[lang]
    left = days_left_text(days_left(deadline, now.astimezone(TAIPEI).date()), lang)
    if lang == "en":
        lines = [
            f"⏰ Deadline reminder: {deadline.title_en}",
            f"Due: {deadline.date.isoformat()} ({left}, Taipei time)",
        ]
        footer = "Send /reminders to see your settings, /unsubscribe to stop."
    else:
        lines = [f"⏰ 期限提醒：{deadline.title_zh}", f"截止日：{deadline.date.isoformat()}（{left}，臺北時間）"]
        footer = "輸入 /reminders 查看設定，/unsubscribe 停止提醒。"
    lines.append(f"{label['source']}{deadline.source_text(lang)}")
    if deadline.assumption(lang):
        lines.append(f"{label['note']}{deadline.assumption(lang)}")
    lines.append(footer)
    return "\n".join(lines)


def kinds_text(calendar: PlanCalendar, kinds: Iterable[str] | None, lang: str) -> str:
    if kinds is None:
        return "all deadlines" if lang == "en" else "全部期限"
    names = [calendar.kinds[k].name(lang) if k in calendar.kinds else k for k in sorted(kinds)]
    return ", ".join(names) if lang == "en" else "、".join(names)


def leads_text(leads: Iterable[int], hour: int, lang: str) -> str:
    days = sorted(set(leads), reverse=True)
    if lang == "en":
        listed = ", ".join(map(str, days[:-1])) + (" and " if len(days) > 1 else "") + str(days[-1])
        return f"{listed} day{'s' if days != [1] else ''} before each deadline, at {hour:02d}:00 Taipei time"
    return f"期限前 {'、'.join(map(str, days))} 天的 {hour:02d}:00（臺北時間）"
