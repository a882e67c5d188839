"""Split a long reply into messages that fit a platform's size limit."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Cut `text` into chunks of at most `limit` characters, preferring paragraph, then line,
    then sentence boundaries, so that no number or word is cut in half when avoidable."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for separator in ("\n\n", "\n", "。", ". ", "；", "; ", "，", ", ", " "):
            position = window.rfind(separator)
            if position > limit // 3:
                cut = position + len(separator)
                break
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks or [""]
