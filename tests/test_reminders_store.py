"""SQLite subscription store: persistence, migrations, sent-log, and damaged or locked files."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.config import Settings
from reminders.database import MIGRATIONS
from reminders.store import DEFAULT_LEAD_DAYS, RETRY_KEY_WINDOW, Claim, LeaseState, StoreError, SubscriptionStore


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "policybot.db"


def test_path_from_settings_and_parent_created(tmp_path: Path) -> None:
    settings = Settings.from_env({"POLICYBOT_DB": str(tmp_path / "a" / "b" / "bot.db")})
    store = SubscriptionStore(settings.db_path)
    assert store.path == tmp_path / "a" / "b" / "bot.db" and store.path.exists()
    store.close()


def test_default_path_is_data_policybot_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = SubscriptionStore(Settings.from_env({}).db_path)
    assert (tmp_path / "data" / "policybot.db").exists()
    store.close()


def test_schema_is_versioned_and_wal(db):
    store = SubscriptionStore(db)
    assert store.schema_version() == MIGRATIONS[-1][0]
    store.close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r[0] for r in conn.execute("SELECT version FROM schema_version")] == [v for v, _ in MIGRATIONS]
    conn.close()
    SubscriptionStore(db).close()  # reopening applies nothing twice
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)
    conn.close()


def test_a_later_migration_is_applied_once_and_keeps_data(db, monkeypatch):
    store = SubscriptionStore(db)
    store.subscribe("telegram", "42", lang="zh")
    store.close()
    later = MIGRATIONS[-1][0] + 1
    v_next = (later, ("ALTER TABLE subscriptions ADD COLUMN muted INTEGER NOT NULL DEFAULT 0",))
    monkeypatch.setattr("reminders.database.MIGRATIONS", (*MIGRATIONS, v_next))
    store = SubscriptionStore(db)
    assert store.schema_version() == later and store.get("telegram", "42") is not None
    store.close()
    SubscriptionStore(db).close()
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")] == [
        v for v, _ in MIGRATIONS
    ] + [later]
    assert conn.execute("SELECT muted FROM subscriptions").fetchall() == [(0,)]
    conn.close()


def test_subscription_survives_reopen(db):
    store = SubscriptionStore(db)
    store.subscribe("telegram", "42", lang="en", kinds=["closeout"])
    store.subscribe("line", "U1", lang="zh")
    store.close()
    store = SubscriptionStore(db)
    sub = store.get("telegram", "42")
    assert sub is not None and sub.kinds == frozenset({"closeout"}) and sub.lang == "en"
    assert sub.lead_days == DEFAULT_LEAD_DAYS and sub.send_hour == 9
    assert store.get("line", "U1").kinds is None
    assert [s.chat_id for s in store.subscriptions(["line"])] == ["U1"]
    store.close()


def test_lead_days_per_chat_and_unsubscribe(db):
    store = SubscriptionStore(db)
    store.subscribe("telegram", "42", lang="zh")
    assert store.set_lead_days("telegram", "42", [1, 7, 7, 30])
    assert store.get("telegram", "42").lead_days == (30, 7, 1)
    assert not store.set_lead_days("telegram", "nobody", [1])
    assert store.unsubscribe("telegram", "42") and not store.unsubscribe("telegram", "42")
    assert store.get("telegram", "42") is None
    store.close()


def test_sent_log_claims(db):
    store = SubscriptionStore(db)
    key = ("telegram", "42", "moe115.closeout@2027-09-30", 30)
    claim = store.claim(*key)
    assert claim is not None and claim.retry_key is None and claim.attempt == 1
    assert store.claim(*key) is None  # 'sending': never claimed twice
    assert store.in_flight() == 1
    store.mark(*key, "failed")  # certainly not delivered: may be retried
    assert store.claim(*key) == Claim(None, 2)
    store.mark(*key, "unsure")  # may have been delivered, and no retry key: never again
    assert store.claim(*key) is None
    assert store.settled() == {key} and store.in_flight() == 0
    assert store.settled(["line"]) == set()
    store.close()


def test_a_keyed_claim_keeps_its_retry_key_and_is_retried_while_the_key_holds(db, monkeypatch):
    store = SubscriptionStore(db)
    key = ("line", "U1", "moe115.closeout@2027-09-30", 30)
    first = store.claim(*key, keyed=True)
    assert first is not None and first.retry_key
    store.mark(*key, "unsure")  # maybe delivered: LINE drops a repeat with the same key
    assert store.settled() == set()
    again = store.claim(*key, keyed=True)
    assert again is not None and again.retry_key == first.retry_key
    store.mark(*key, "failed")
    later = time.time() + RETRY_KEY_WINDOW + 1  # the key no longer protects: a retry could duplicate
    monkeypatch.setattr("reminders.store.time.time", lambda: later)
    assert store.claim(*key, keyed=True) is None and store.settled() == {key}
    store.close()


def test_a_lease_fences_claims_and_is_taken_over_when_it_expires(db, monkeypatch):
    a, b = SubscriptionStore(db), SubscriptionStore(db)
    held = a.hold_lease("line", "A", 30)
    assert held is not None and held.taken and held.lease.generation == 1
    assert b.hold_lease("line", "B", 30) is None  # a holds it
    assert a.hold_lease("line", "A", 30) == LeaseState(held.lease, taken=False, previous=None, interrupted=0)
    key = ("line", "U1", "d@2027-09-30", 30)
    assert a.claim(*key, keyed=True, lease=held.lease) is not None  # in flight when a "dies"
    dead = b.hold_lease("line", "B", 30, is_dead=lambda holder: holder == "A")
    assert dead is not None and dead.previous == "A" and dead.interrupted == 1 and dead.lease.generation == 2
    assert a.claim("line", "U2", "d@2027-09-30", 30, lease=held.lease) is None  # fenced: a lost the lease
    assert b.sent_log_counts() == {"unsure": 1}
    b.release_lease(dead.lease)
    assert a.hold_lease("line", "A", 30) is not None  # released: taken at once
    a.close()
    b.close()


# -- files the store must not use, and must not change ----------------------------------------------


def test_corrupt_file_gives_clear_error_and_is_untouched(db):
    db.parent.mkdir(parents=True)
    junk = os.urandom(64 * 1024)
    db.write_bytes(junk)
    with pytest.raises(StoreError) as err:
        SubscriptionStore(db)
    message = str(err.value)
    assert str(db) in message and "damaged or not a SQLite database" in message
    assert db.read_bytes() == junk


def test_damaged_pages_give_clear_error_and_are_untouched(db):
    store = SubscriptionStore(db)
    for i in range(400):
        store.subscribe("telegram", str(i), lang="zh", kinds=["closeout"])
    store.close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page, pages = conn.execute("PRAGMA page_size").fetchone()[0], conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    assert pages > 4
    data = bytearray(db.read_bytes())
    data[2 * page : 4 * page] = os.urandom(2 * page)  # garble two pages after the header
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged") as err:
        SubscriptionStore(db)
    assert str(db) in str(err.value)
    assert db.read_bytes() == bytes(data)


def test_newer_schema_is_refused_untouched(db):
    SubscriptionStore(db).close()
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO schema_version VALUES (99)")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="newer") as err:
        SubscriptionStore(db)
    assert str(db) in str(err.value)
    assert db.read_bytes() == before


@contextmanager
def exclusive_lock(path: Path, mode: str = "EXCLUSIVE") -> Iterator[None]:
    """Another process holding the database in an open write transaction.

    EXCLUSIVE locking mode shuts out readers too, but can only be had while nobody else has the
    file open; with the store open, another writer's BEGIN IMMEDIATE is what can happen.
    """
    other = sqlite3.connect(path, isolation_level=None)
    if mode == "EXCLUSIVE":
        other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute(f"BEGIN {mode}")
    other.execute("CREATE TABLE IF NOT EXISTS other_app (x)")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_locked_file_gives_clear_error_on_open_and_is_untouched(db):
    store = SubscriptionStore(db)
    store.subscribe("telegram", "42", lang="zh")
    store.close()
    before = db.read_bytes()
    with exclusive_lock(db):
        with pytest.raises(StoreError) as err:
            SubscriptionStore(db, busy_timeout_ms=100)
        assert str(db) in str(err.value) and "locked" in str(err.value)
    assert db.read_bytes() == before
    store = SubscriptionStore(db)  # once released, everything is still there
    assert store.get("telegram", "42") is not None
    store.close()


def test_lock_taken_while_open_gives_store_error_not_data_loss(db):
    store = SubscriptionStore(db, busy_timeout_ms=100)
    store.subscribe("telegram", "42", lang="zh")
    with exclusive_lock(db, mode="IMMEDIATE"):
        assert store.get("telegram", "42") is not None  # readers are not blocked (WAL)
        with pytest.raises(StoreError, match="locked"):
            store.subscribe("telegram", "43", lang="zh")
        with pytest.raises(StoreError, match="locked"):
            store.claim("telegram", "42", "x@2027-09-30", 30)
    store.subscribe("telegram", "43", lang="zh")  # the store recovers once the lock is gone
    assert {s.chat_id for s in store.subscriptions()} == {"42", "43"}
    store.close()


def test_directory_in_the_way_is_a_store_error(tmp_path):
    (tmp_path / "policybot.db").mkdir()
    with pytest.raises(StoreError, match=r"policybot\.db"):
        SubscriptionStore(tmp_path / "policybot.db")


def test_migration_5_keeps_the_sent_log_and_counts_old_sending_rows_as_unsure(db, monkeypatch):
    monkeypatch.setattr("reminders.database.MIGRATIONS", tuple(m for m in MIGRATIONS if m[0] <= 3))
    store = SubscriptionStore(db)  # a database as the previous version left it
    with store.db.transaction() as c:
        c.execute("INSERT INTO subscriptions (channel, chat_id, created_at) VALUES ('line', 'U1', '')")
        c.executemany(
            "INSERT INTO sent_log (channel, chat_id, deadline_id, lead_days, status, updated_at) VALUES (?, ?, ?, ?, ?, '')",
            [("line", "U1", "d@2027-09-30", 30, "sent"), ("line", "U1", "d@2027-09-30", 14, "sending")],
        )
    store.close()
    monkeypatch.undo()
    store = SubscriptionStore(db)
    assert store.schema_version() == MIGRATIONS[-1][0]
    assert store.sent_log_counts() == {"sent": 1, "unsure": 1}
    assert store.claim("line", "U1", "d@2027-09-30", 14, keyed=True) is None  # no key was sent: never again
    assert store.get("line", "U1") is not None
    store.close()
