"""The source itself: a regex written through a script that read "\\b" as an escape gets a backspace
character (U+0008) where a word boundary was meant, and the alternative silently never matches
(knowledge/details.py and knowledge/queries.py had ten such, found in stop 43)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    p for folder in ("knowledge", "handlers", "reminders", "bot", "bench") for p in (ROOT / folder).rglob("*.py")
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_source_file_holds_a_control_character(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [(n, line) for n, line in enumerate(text.splitlines(), 1) if any(ch < " " and ch != "\t" for ch in line)]
    assert not found, [f"{path.name}:{n}: {line!r}"[:120] for n, line in found]
