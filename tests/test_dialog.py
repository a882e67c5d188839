"""The shared dialog: what survives a restart and what a chat that leaves takes with it."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.wiring import build_services
from handlers.dialog import ChatRef

CHAT = ChatRef("telegram", "1001")


def test_a_chats_language_choice_survives_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "policybot.db")
    first = build_services(Settings(db_path=Path(db)))
    assert first.dialog.handle_text(CHAT, "/lang en").lang == "en"
    first.store.close()

    second = build_services(Settings(db_path=Path(db)))  # a new process on the same database
    assert second.dialog.language(CHAT) == "en"
    assert second.dialog.handle_text(CHAT, "/help").lang == "en"
    assert second.dialog.language(ChatRef("line", "1001")) == "zh"  # another channel's chat is another chat
    second.store.close()


def test_a_chat_that_blocks_the_bot_is_forgotten(tmp_path: Path) -> None:
    services = build_services(Settings(db_path=tmp_path / "policybot.db"))
    services.dialog.handle_text(CHAT, "/lang en")
    services.dialog.handle_text(CHAT, "/subscribe")
    assert services.store.get(CHAT.channel, CHAT.chat_id) is not None
    services.dialog.chat_gone(CHAT)
    assert services.store.get(CHAT.channel, CHAT.chat_id) is None
    assert services.dialog.memory.peek(CHAT).lang is None
    services.store.close()


def test_a_bare_number_after_an_english_ask_back_is_answered_in_english(tmp_path: Path) -> None:
    services = build_services(Settings(db_path=tmp_path / "policybot.db"))
    question = services.dialog.handle_text(CHAT, "How much can a mode 1 school get at most?")
    assert question.lang == "en" and question.buttons  # asks for the class count
    result = services.dialog.handle_text(CHAT, "20")
    assert result.lang == "en" and "NT$250,000" in result.text
    services.store.close()
