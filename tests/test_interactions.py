"""The interaction log (reminders/interactions.py, migration 7): what is stored, the salted chat
hash, pruning, restarts, damaged rows, the settings, and the log turned off."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, Settings
from bot.wiring import Services, build_services
from handlers.dialog import ChatRef
from handlers.feedback import is_feedback
from knowledge.engine import Engine
from reminders.calendar import PlanCalendar
from reminders.database import MIGRATIONS, Database, StoreError
from reminders.interactions import (
    HASH_CHARS,
    InteractionLog,
    Turn,
    installation_salt,
    prune,
    read,
    salt_path,
)
from reminders.scheduler import ReminderScheduler
from reminders.store import SubscriptionStore

DAY = 86400.0
NOW = 1_800_000_000.0  # 2027-01-15, a fixed clock


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def turn(chat_id: str = "5001", question: str = "住宿費上限", route: str = "answer", **fields: object) -> Turn:
    values: dict[str, object] = {
        "channel": "telegram",
        "chat_id": chat_id,
        "via": "text",
        "question": question,
        "lang": "zh",
        "route": route,
        "entry": "moe.item.lodging" if route == "answer" else None,
        "confidence": 1.0 if route == "answer" else 0.3,
        "context": False,
    }
    values.update(fields)
    return Turn(**values)  # type: ignore[arg-type]


@pytest.fixture
def built(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    monkeypatch.setattr(Engine, "load", lambda *args: engine)
    services = build_services(Settings(db_path=tmp_path / "policybot.db"))
    yield services
    services.store.close()


# -- the table ---------------------------------------------------------------------------------


def test_migration_7_makes_the_table_and_nothing_but_the_listed_columns(db: Database) -> None:
    assert db.schema_version() == MIGRATIONS[-1][0] >= 7
    columns = [row[1] for row in db.query(lambda c: c.execute("PRAGMA table_info(interactions)").fetchall())]
    assert columns == [
        "id",
        "at",
        "channel",
        "chat_hash",
        "via",
        "question",
        "lang",
        "route",
        "entry",
        "confidence",
        "context",
        "feedback",
        "feedback_at",
        "comment",
        "asked_at",
    ]


def test_a_version_that_lands_after_a_higher_one_is_still_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version reserved by a branch that lands later (6, after 7 reached the file) is still applied."""
    path = tmp_path / "p.db"
    Database(path).close()
    late = (6, ("CREATE TABLE late_arrival (x INTEGER)",))
    monkeypatch.setattr("reminders.database.MIGRATIONS", tuple(sorted((*MIGRATIONS, late))))
    reopened = Database(path)
    tables = reopened.query(lambda c: [r[0] for r in c.execute("SELECT name FROM sqlite_master")])
    versions = reopened.query(lambda c: sorted(r[0] for r in c.execute("SELECT version FROM schema_version")))
    reopened.close()
    assert "late_arrival" in tables and versions == sorted(v for v, _ in (*MIGRATIONS, late))
    Database(path).close()  # and nothing is applied twice


# -- the salted hash ---------------------------------------------------------------------------


def test_the_salt_is_made_once_beside_the_database_readable_by_its_owner_only(db: Database) -> None:
    path = salt_path(db.path)
    assert path == db.path.with_name("policybot.db.salt") and not path.exists()
    first = InteractionLog.beside(db)
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert InteractionLog.beside(db).chat_hash("telegram", "5001") == first.chat_hash("telegram", "5001")
    assert path.read_text().strip() not in db.path.read_bytes().hex()


def test_a_damaged_salt_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "policybot.db.salt"
    path.write_text("not hex at all\n")
    with pytest.raises(StoreError, match="salt"):
        installation_salt(path)
    assert path.read_text() == "not hex at all\n"


def test_the_salted_hash_never_reveals_a_chat_id(db: Database) -> None:
    log = InteractionLog.beside(db)
    ids = ["5001", "-1001234567890", "U" + "a" * 32, "local"]
    for chat_id in ids:
        log.mark("telegram", chat_id, log.record(turn(chat_id)), "down")
    db.query(lambda c: c.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
    stored = db.query(lambda c: c.execute("SELECT * FROM interactions").fetchall())
    hashes = {row[3] for row in stored}
    # (a numeric id may turn up inside a random hex hash or a timestamp by chance: "5001" in one of
    # four salted hashes failed about once in 500 runs; those are left out of what is searched)
    everything = db.path.read_bytes()
    for found in hashes:
        everything = everything.replace(found.encode(), b"")
    everything += b"".join(
        str(value).encode() for row in stored for value in row if value not in hashes and not isinstance(value, float)
    )
    for chat_id in ids:
        assert chat_id.encode() not in everything
    assert len(hashes) == len(ids) and all(len(h) == HASH_CHARS for h in hashes)
    # Without the salt file, trying every Telegram-sized id with plain or wrongly keyed hashes finds nothing.
    for guess in (str(n) for n in range(4000, 6000)):
        for digest in (
            hashlib.sha256(f"telegram\0{guess}".encode()).hexdigest(),
            hmac.new(b"\0" * 32, f"telegram\0{guess}".encode(), hashlib.sha256).hexdigest(),
        ):
            assert digest[:HASH_CHARS] not in hashes
    # Another installation (another salt) gives the same chat another hash.
    other = InteractionLog(db, os.urandom(32))
    assert other.chat_hash("telegram", "5001") != log.chat_hash("telegram", "5001")


def test_the_report_never_shows_a_hash_or_a_chat(built: Services, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    chat = ChatRef("telegram", "5001")
    answer = built.dialog.handle_text(chat, "住宿費上限")
    built.dialog.handle_button(chat, next(b.data for b in answer.buttons if b.data.startswith("fb:-")))
    built.dialog.handle_text(chat, "應該是每晚 2,000 元")
    assert built.interactions is not None
    chat_hash = built.interactions.chat_hash("telegram", "5001")
    monkeypatch.setenv("POLICYBOT_DB", str(built.store.path))
    assert main(["report", "--json"]) == 0
    out = capsys.readouterr().out
    assert "5001" not in out and chat_hash not in out and json.loads(out)["wrong"][0]["comment"]


# -- what a turn stores ------------------------------------------------------------------------


def test_a_turn_stores_the_question_normalised_and_cut_and_no_profile(built: Services) -> None:
    chat = ChatRef("line", "U" + "f" * 32)
    built.dialog.handle_text(chat, "我们２０班做模式一最多补助多少？" + "很" * 400)
    [row] = read(built.store.db)[0]
    assert row.question.startswith("我們20班做模式1最多補助多少?") and len(row.question) == 300
    assert (row.channel, row.via, row.lang, row.route, row.context) == ("line", "text", "zh", "calculation", False)
    assert row.chat != chat.chat_id and chat.chat_id not in row.chat


def test_context_used_and_a_button_turn_takes_the_question_typed_before_it(built: Services) -> None:
    chat = ChatRef("telegram", "77")
    built.dialog.handle_text(chat, "我們是模式二 8班 2領域")
    asked = built.dialog.handle_text(chat, "最多補助多少？")
    details = next(b for b in asked.buttons if b.data == "details")
    built.dialog.handle_button(chat, details.data)
    rows = read(built.store.db)[0]
    assert rows[-2].context and rows[-2].route == "calculation"
    assert (rows[-1].via, rows[-1].question) == ("button", rows[-2].question)


# -- pruning -----------------------------------------------------------------------------------


def test_pruning_removes_exactly_the_expired_rows(db: Database) -> None:
    clock = Clock()
    log = InteractionLog(db, os.urandom(32), clock)
    ages = {"old": 200 * DAY, "just expired": 180 * DAY + 1, "the day itself": 180 * DAY, "fresh": 1.0}
    for name, age in ages.items():
        clock.now = NOW - age
        log.record(turn(question=name))
    clock.now = NOW
    assert log.prune(180) == 2
    assert sorted(r.question for r in read(db)[0]) == ["fresh", "the day itself"]
    assert prune(db, 180, NOW) == 0


async def test_the_scheduler_prunes_at_start_and_then_daily(db: Database) -> None:
    store = SubscriptionStore(db)
    calls: list[int] = []
    scheduler = ReminderScheduler(store, PlanCalendar.load(), {}, daily=lambda: calls.append(1))
    scheduler.start()
    try:
        for _ in range(100):
            if calls:
                break
            await asyncio.sleep(0.02)
        jobs = {job.id: job for job in scheduler._scheduler.get_jobs()}
        assert calls == [1] and jobs["policybot-daily"].trigger.interval.total_seconds() == DAY
    finally:
        await scheduler.shutdown()


def test_the_running_bots_scheduler_prunes_with_the_retention_setting(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Engine, "load", lambda *args: engine)
    services = build_services(Settings(db_path=tmp_path / "p.db", interaction_log=False, interaction_days=30))
    try:
        InteractionLog(services.store.db, b"s" * 32, lambda: NOW - 31 * DAY).record(turn())
        InteractionLog(services.store.db, b"s" * 32, lambda: NOW).record(turn())
        assert services.scheduler({})._daily is not None
        monkeypatch.setattr("reminders.interactions.time.time", lambda: NOW)
        assert services.prune() == 1 and len(read(services.store.db)[0]) == 1
    finally:
        services.store.close()


# -- restarts and damage -----------------------------------------------------------------------


def test_the_log_survives_a_restart(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Engine, "load", lambda *args: engine)
    settings = Settings(db_path=tmp_path / "policybot.db")
    chat = ChatRef("telegram", "5001")
    first = build_services(settings)
    answer = first.dialog.handle_text(chat, "住宿費上限")
    first.dialog.handle_button(chat, next(b.data for b in answer.buttons if b.data.startswith("fb:-")))
    first.store.close()

    again = build_services(settings)  # same salt file: the same chat, its 👎 still waiting
    try:
        thanks = again.dialog.handle_text(chat, "應該是每晚 2,000 元")
        assert "謝謝" in thanks.text
        [row] = read(again.store.db)[0]
        assert (row.feedback, row.comment, row.question) == ("down", "應該是每晚 2,000 元", "住宿費上限")
    finally:
        again.store.close()


def test_a_damaged_row_costs_only_itself(db: Database, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    log = InteractionLog(db, os.urandom(32), Clock())
    good = [log.record(turn(question=q)) for q in ("住宿費上限", "結案要什麼時候交")]
    with db.transaction() as conn:
        insert = (
            "INSERT INTO interactions (at, channel, chat_hash, via, question, lang, route, entry, confidence, context) "
            "VALUES (?, 'telegram', 'h', 'text', ?, 'zh', ?, NULL, ?, 0)"
        )
        conn.execute(insert, (NOW, b"\xff\xfe broken utf-8", "unsure", 0.2))  # decoded leniently
        conn.execute(insert, (NOW, "time is text", "unsure", 0.2))
        conn.execute("UPDATE interactions SET at = 'yesterday' WHERE question = 'time is text'")
        conn.execute(insert, (NOW, "no such route", "shouted", 0.2))
        conn.execute(insert, (NOW, "confidence is text", "answer", "high"))
        conn.execute(insert, (NOW, "bad feedback", "answer", 1.0))
        conn.execute("UPDATE interactions SET feedback = 'meh' WHERE question = 'bad feedback'")
    rows, skipped = read(db)
    assert skipped == 4 and [r.id for r in rows][:2] == good
    assert rows[2].question.endswith("broken utf-8") and "\ufffd" in rows[2].question
    monkeypatch.setenv("POLICYBOT_DB", str(db.path))
    assert main(["report", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["skipped_rows"] == 4 and report["turns"] == 3


def test_a_database_that_cannot_be_written_costs_the_log_not_the_answer(built: Services, caplog) -> None:
    chat = ChatRef("telegram", "5")
    with built.store.db.transaction() as conn:
        conn.execute("DROP TABLE interactions")
    reply = built.dialog.handle_text(chat, "結案要什麼時候交？")
    assert "出處" in reply.text and not any(is_feedback(b.data) for b in reply.buttons)
    assert "not logged" in caplog.text


# -- settings ----------------------------------------------------------------------------------


def test_settings_for_the_log() -> None:
    default = Settings.from_env({})
    assert default.interaction_log is True and default.interaction_days == 180
    assert Settings.from_env({"POLICYBOT_INTERACTION_LOG": "off"}).interaction_log is False
    assert Settings.from_env({"POLICYBOT_INTERACTION_LOG": " ON "}).interaction_log is True
    assert Settings.from_env({"POLICYBOT_INTERACTION_DAYS": "30"}).interaction_days == 30
    for env in (
        {"POLICYBOT_INTERACTION_LOG": "maybe"},
        {"POLICYBOT_INTERACTION_DAYS": "0"},
        {"POLICYBOT_INTERACTION_DAYS": "-5"},
        {"POLICYBOT_INTERACTION_DAYS": "forever"},
    ):
        with pytest.raises(ConfigError, match=next(iter(env))):
            Settings.from_env(env)


def test_with_the_log_off_nothing_is_kept_and_no_button_is_offered(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Engine, "load", lambda *args: engine)
    services = build_services(
        Settings.from_env({"POLICYBOT_DB": str(tmp_path / "p.db"), "POLICYBOT_INTERACTION_LOG": "off"})
    )
    try:
        chat = ChatRef("telegram", "5001")
        reply = services.dialog.handle_text(chat, "結案要什麼時候交？")
        assert not any(is_feedback(b.data) for b in reply.buttons)
        assert "沒有啟用" in services.dialog.handle_text(chat, "/wrong 錯了").text
        assert read(services.store.db) == ([], 0) and services.interactions is None
        assert not salt_path(services.store.path).exists()
    finally:
        services.store.close()
    assert sqlite3.connect(tmp_path / "p.db").execute("SELECT COUNT(*) FROM interactions").fetchone() == (0,)
