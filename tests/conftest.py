from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.wiring import Knowledge, load_knowledge, one_turn_dialog
from handlers.dialog import ChatRef, Dialog, Reply
from knowledge.engine import Engine
from reminders.database import Database

_chats = itertools.count()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A fresh store at its current migration (the reminder tests define their own `db`: a path)."""
    database = Database(tmp_path / "policybot.db")
    yield database
    database.close()


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def engine(knowledge: Knowledge) -> Engine:
    return knowledge.engine


@pytest.fixture
def dialog_without_db(knowledge: Knowledge) -> Dialog:
    """A dialog with memory for the test only (no database)."""
    return one_turn_dialog(knowledge)


@pytest.fixture
def ask(dialog_without_db: Dialog) -> Callable[..., Reply]:
    """ask(text, lang_hint=None): the text as the first message of a new chat."""

    def first_message(text: str, lang_hint: str | None = None) -> Reply:
        return dialog_without_db.handle_text(ChatRef("test", f"chat-{next(_chats)}"), text, lang_hint)

    return first_message
