"""Replies as Telegram HTML: everything escaped, the reply's figure in bold.

A reply's text holds what users typed (a command name, a file's column, facts said back), so all
of it is escaped, and only the markup added here is markup. The figure is the card's headline
(handlers/cards.py), found in the text it was worded into; a reply without a card is plain text,
escaped.
"""

from __future__ import annotations

from html import escape

from handlers.replies import Reply


def html(text: str, bold: str | None = None) -> str:
    """`text` escaped for parse_mode HTML, its first occurrence of `bold` (if any) in <b>."""
    escaped = escape(text, quote=False)
    if not bold:
        return escaped
    figure = escape(bold, quote=False)
    at = escaped.find(figure)
    if at < 0:
        return escaped
    return f"{escaped[:at]}<b>{figure}</b>{escaped[at + len(figure) :]}"


def figure(reply: Reply) -> str | None:
    """The part of the reply to set in bold: its card's headline."""
    return reply.card.headline if reply.card is not None else None


def chunks_html(reply: Reply, chunks: list[str]) -> list[str]:
    """The reply's text chunks (split at Telegram's limit on the plain text, which is what
    Telegram counts) as HTML; the figure is bold in the first chunk that holds it."""
    bold = figure(reply)
    out = []
    for chunk in chunks:
        formatted = html(chunk, bold)
        if bold and "<b>" in formatted:
            bold = None
        out.append(formatted)
    return out
