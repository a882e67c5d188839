"""Cards: a computed reply as a figure or date with its parts, for channels that show cards.

`card_for` is called where the dialog composes a computed reply, with the same result object the
reply's text was worded from (handlers/replies.py): the headline is the same figure or date, the
rows the same parts or working, the notes the same conditions, and the source the reply's own
source line. Nothing here reads a reply's text back. Only whole ceilings, amounts, item amounts
and dates get a card (a question about one part of a ceiling stays text, which leads with that
part); everything else stays plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from handlers.replies import (
    Button,
    Card,
    Reply,
    _basis,
    _days_from_today,
    _label_of,
    _short_label,
    _title,
    branch_capital_reading,
    ceiling_extras,
    facts_label,
    figure_amount,
    period_end_title,
    planned_verdict,
    source_line,
    wan,
)
from knowledge.calculators import CeilingResult, ItemAmount, money
from knowledge.compute import CeilingAnswer, DateFigure, Figure, Result
from knowledge.dates import gregorian_to_roc, roc_date
from knowledge.model import Bilingual
from reminders.calendar import Deadline
from reminders.texts import days_left_text


def card_for(result: Result, reply: Reply, *, related: Button | None = None) -> Card | None:
    """The card of a computed reply, or None when the result is not a figure or a date."""
    lang = reply.lang
    notes: list[str] = []
    if reply.context:
        label = facts_label(reply.context, lang)
        if label:
            notes.append(f"依您先前說的：{label}" if lang != "en" else f"Using what you said: {label}")
    card: Card | None = None
    if isinstance(result, CeilingAnswer):
        if result.error is not None:
            notes.append(result.error.message(lang))
        if result.focus is not None:  # the text leads with the part asked about, not the total
            return None
        verdict = planned_verdict(result, lang)
        if verdict:
            notes.append(verdict)
        card = ceiling_card(result.result, lang, result.any_domains)
    elif isinstance(result, Figure) and result.amount is not None and result.title is not None:
        card = figure_card(result, result.title, lang)
    elif isinstance(result, DateFigure):
        card = date_card(result, lang)
    elif isinstance(result, list) and result and all(isinstance(item, ItemAmount) for item in result):
        card = items_card(result, lang)
    if card is None:
        return None
    actions = [*reply.buttons, *([related] if related is not None else [])]
    return Card(
        headline=card.headline,
        title=card.title,
        rows=card.rows,
        notes=(*notes, *card.notes),
        source=source_line(reply.sources, lang) if reply.sources else "",
        actions=tuple(dict.fromkeys(actions)),
    )


def ceiling_card(result: CeilingResult, lang: str, any_domains: bool = False) -> Card:
    """ceiling_text's total, parts, capital caps and additions (its 「詳細」 line is a button here)."""
    zh = lang != "en"
    facts = result.facts
    rows = [(_short_label(line, lang), wan(line.amount, lang)) for line in result.parts if line.amount]
    caps = ("；" if zh else "; ").join(f"{_short_label(c, lang)} {wan(c.amount, lang)}" for c in result.capital_caps)
    rows.append(("資本門最多" if zh else "Capital at most", caps))
    notes = [f"依 {_basis(result, lang)}" if zh else f"By {_basis(result, lang)}"]
    if any_domains:
        notes.append("1 個或 2 個以上領域的上限相同。" if zh else "One domain or two or more give the same ceiling.")
    unclear = branch_capital_reading(result, lang)
    if unclear:
        notes.append(unclear)
    notes += [extra[:1].upper() + extra[1:] for extra in ceiling_extras(result, lang)]
    return Card(
        headline=money(result.total, lang),
        title=f"{_title(facts, lang)}，最多補助合計" if zh else f"{_title(facts, lang)} — total at most",
        rows=tuple(rows),
        notes=tuple(notes),
    )


def figure_card(figure: Figure, what: Bilingual, lang: str) -> Card:
    """figure_text's amount, verdict and working."""
    zh = lang != "en"
    if figure.ok is None and not figure.cap:
        title = what.get(lang)
    elif figure.ok is None:
        title = f"{what.zh}最多" if zh else f"{what.en}: at most"
    elif figure.ok:
        title = f"可以，{what.zh}上限" if zh else f"Within the cap: the {what.en.lower()} cap is"
    else:
        title = f"超過了，{what.zh}上限" if zh else f"Over the cap: the {what.en.lower()} cap is"
    section = figure.rules[0].section.get(lang) if figure.rules else ""
    return Card(
        headline=figure_amount(figure, lang),
        title=title,
        rows=(("", _with_section(figure.working.get(lang), section, lang)),),
        notes=tuple(note.get(lang) for note in figure.notes),
    )


def items_card(items: Sequence[ItemAmount], lang: str) -> Card:
    """items_text's total and each item's working."""
    zh = lang != "en"
    total = sum(item.amount for item in items)
    main = _label_of(items[-1].sources[0]) if len(items) == 1 and items[-1].sources else None
    asked = next((item for item in items if item.asked and item.sources), None)
    if main is not None and items[-1].at_cost:
        title = f"{main.zh}（覈實報支）" if zh else f"{main.en} (at actual cost)"
    elif main is not None:
        title = f"{main.zh}最多" if zh else f"{main.en}: at most"
    elif asked is not None:  # the premium asked: its amount is the card's headline
        named = _label_of(asked.sources[0])
        title = f"{named.zh}最多" if zh else f"{named.en}: at most"
        total = asked.amount
    else:
        title = "合計最多" if zh else "Total at most"
    rows = []
    for item in items:
        rule = item.sources[0] if item.sources else None
        label = _label_of(rule).get(lang) if rule is not None and len(items) > 1 else ""
        section = rule.section.get(lang) if rule is not None else ""
        rows.append((label, _with_section(item.working.get(lang), section, lang)))
    notes = tuple(note.get(lang) for item in items for note in item.notes)
    return Card(headline=money(total, lang), title=title, rows=tuple(rows), notes=notes)


def date_card(figure: DateFigure, lang: str) -> Card:
    """date_text's date (in the calendar the user wrote in, the other one under it) and working."""
    primary, other = _calendars(figure.day, figure.calendar, lang)
    return Card(
        headline=primary,
        title=_date_title(figure, lang),
        rows=(
            ("", other),
            *((("", _days_from_today(figure.days_left, lang).lstrip("，, ")),) if figure.days_left is not None else ()),
            ("", figure.working.get(lang)),
        ),
        notes=tuple(note.get(lang) for note in figure.notes),
    )


def _date_title(figure: DateFigure, lang: str) -> str:
    """date_text's head without the date: whether a filing date given is in time, and what is due."""
    titled = period_end_title(figure, lang)
    if titled is not None:  # the period's own end asked
        return titled
    if lang == "en":
        verdict = "" if figure.ok is None else ("In time. " if figure.ok else "Late. ")
        return verdict + "Close-out due by"
    verdict = "" if figure.ok is None else ("來得及。" if figure.ok else "超過期限了。")
    return verdict + "核結最晚"


def deadlines_card(today: date, deadlines: Sequence[Deadline], lang: str) -> Card | None:
    """/deadlines as a card: the next dated deadline large, the ones after it as rows, the undated
    ones in a note (the same calendar entries the /deadlines text lists, soonest first)."""
    dated = [(d.date, d) for d in deadlines if d.date is not None]
    if not dated:
        return None
    zh = lang != "en"
    day, first = dated[0]
    left = days_left_text((day - today).days, lang)
    rows = [("", first.title(lang))]
    rows += [(when.isoformat(), d.title(lang)) for when, d in dated[1:]]
    notes = [first.assumption(lang)] if first.assumption(lang) else []
    undated = [d.title(lang) for d in deadlines if d.date is None]
    if undated:
        notes.append(("尚未訂定日期：" if zh else "Not dated yet: ") + ("、" if zh else "; ").join(undated))
    return Card(
        headline=f"{day.isoformat()}（{left}）" if zh else f"{day.isoformat()} ({left})",
        title="即將到來的期限" if zh else "Upcoming deadlines",
        rows=tuple(rows),
        notes=tuple(notes),
        source=("📖 出處：" if zh else "📖 Source: ") + first.source_text(lang),
        actions=(Button("訂閱期限提醒" if zh else "Remind me", "/subscribe"),),
    )


def _with_section(working: str, section: str, lang: str) -> str:
    if not section:
        return working
    return f"{working}（{section}）" if lang != "en" else f"{working} ({section})"


def _calendars(day: date, calendar: str, lang: str) -> tuple[str, str]:
    """(the date as the user wrote it, the same date in the other calendar)."""
    gregorian = f"{day.year}/{day.month:02d}/{day.day:02d}"
    if lang == "en":
        return day.isoformat(), f"ROC {gregorian_to_roc(day.year)}/{day.month}/{day.day}"
    if calendar == "roc":
        return roc_date(day), gregorian
    return gregorian, f"民國{roc_date(day)}"
