"""A reply's card (`Reply.card`) as a LINE Flex Message bubble.

The header holds what the figure is and the figure (or date) large; the body the parts or
working as rows, the notes, and the source line in small type; the footer the card's buttons as
postbacks that go back to the Dialog like quick replies do. `altText`, which LINE shows in the
notification and the chat list, is the plain reply's first line (the first one naming the figure,
when a context line comes first). A card that would break one of LINE's limits is not sent: the
reply then goes out as plain text, as every reply without a card does.
"""

from __future__ import annotations

import json
from typing import Any

from linebot.v3.messaging import FlexContainer, FlexMessage

from handlers.replies import Button, Card, Reply

MAX_ALT_TEXT = 400  # LINE allows 1,500; a notification shows far less
MAX_BUBBLE_BYTES = 30_000  # LINE: a bubble's JSON is at most 30 KB
MAX_LABEL = 20  # characters of an action label LINE accepts everywhere
MAX_DISPLAY_TEXT = 300
MAX_POSTBACK_DATA = 300
MAX_BUTTONS = 4  # a phone-sized footer

HEADLINE_COLOR = "#0B7A3E"
MUTED = "#666666"
FAINT = "#999999"


def alt_text(reply: Reply) -> str:
    """The notification text: the reply's first line, or its first line naming the headline."""
    lines = [line for line in reply.text.splitlines() if line.strip()] or [reply.text or " "]
    headline = reply.card.headline if reply.card is not None else ""
    line = next((candidate for candidate in lines if headline and headline in candidate), lines[0])
    return line if len(line) <= MAX_ALT_TEXT else line[: MAX_ALT_TEXT - 1] + "…"


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": text or " ", "wrap": True, **style}


def _row(label: str, value: str) -> dict[str, Any]:
    if not label:
        return _text(value, size="sm")
    return {
        "type": "box",
        "layout": "horizontal",
        "spacing": "md",
        "contents": [
            _text(label, size="sm", color=MUTED, flex=2),
            _text(value, size="sm", flex=3, align="end"),
        ],
    }


def _button(button: Button) -> dict[str, Any]:
    label = button.label if len(button.label) <= MAX_LABEL else button.label[: MAX_LABEL - 1] + "…"
    return {
        "type": "button",
        "style": "link",
        "height": "sm",
        "action": {
            "type": "postback",
            "label": label,
            "data": button.data,
            "displayText": button.label[:MAX_DISPLAY_TEXT],
        },
    }


def bubble(card: Card) -> dict[str, Any]:
    """The card as a Flex bubble, as JSON."""
    body: list[dict[str, Any]] = [_row(label, value) for label, value in card.rows]
    if card.notes:
        body.append({"type": "separator", "margin": "md"})
        body += [_text(note, size="xs", color=MUTED, margin="sm") for note in card.notes]
    if card.source:
        body.append(_text(card.source, size="xxs", color=FAINT, margin="md"))
    result: dict[str, Any] = {
        "type": "bubble",
        "header": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                _text(card.title, size="sm", color=MUTED),
                _text(card.headline, size="xxl", weight="bold", color=HEADLINE_COLOR),
            ],
        },
    }
    if body:
        result["body"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body}
    buttons = [b for b in card.actions if len(b.data) <= MAX_POSTBACK_DATA][:MAX_BUTTONS]
    if buttons:
        result["footer"] = {"type": "box", "layout": "vertical", "contents": [_button(b) for b in buttons]}
    return result


def bubble_size(contents: dict[str, Any]) -> int:
    """Bytes of the bubble's JSON as the SDK sends it (non-ASCII escaped, the larger count)."""
    return len(json.dumps(contents, ensure_ascii=True, separators=(",", ":")).encode())


def flex_message(reply: Reply) -> FlexMessage | None:
    """The reply's card as a Flex Message, or None when it has none or it would exceed LINE's limits."""
    if reply.card is None:
        return None
    contents = bubble(reply.card)
    if bubble_size(contents) > MAX_BUBBLE_BYTES:
        return None
    return FlexMessage(alt_text=alt_text(reply), contents=FlexContainer.from_dict(contents))
