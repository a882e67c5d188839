"""LINE under faults, in process: a slow, refusing or stalling API, bursts during a fan-out, oversized
and over-deep bodies, a locked database. (Real processes killed and stopped: test_faults_processes.py.)"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest
from fake_line import FakeLine
from fault_harness import raw_exchange
from line_harness import USER, Line, serve, sign, text_event

import handlers.line
from bot.wiring import Services
from handlers.webhook import MAX_BODY, Pool
from reminders.calendar import TAIPEI
from reminders.push import PushOutcome

pytest_plugins = ["line_fixtures"]

CLOSEOUT_REMINDER = datetime(2027, 8, 31, 9, 0, tzinfo=TAIPEI)


def users(n: int, prefix: str = "U") -> list[str]:
    return [f"{prefix}{i:032x}" for i in range(n)]


def subscribe(services: Services, chats: list[str]) -> None:
    for chat in chats:
        services.store.subscribe("line", chat, lang="zh", kinds=["closeout"])


def statuses(services: Services) -> Counter[str]:
    with sqlite3.connect(services.store.path) as conn:
        return Counter(row[0] for row in conn.execute("SELECT status FROM sent_log"))


# -- a slow and failing API --------------------------------------------------------------------


async def test_a_burst_of_webhook_events_is_answered_in_full_while_a_fan_out_runs(
    fake: FakeLine, services: Services
) -> None:
    """400 deliveries at 50 at a time, every API answer 100 ms late, 200 pushes going out."""
    fake.latency = 0.1
    subscribers = users(200)
    subscribe(services, subscribers)
    async with serve(fake, services, push_rate=200) as line:
        fan_out = asyncio.create_task(line.scheduler.run_due(CLOSEOUT_REMINDER))
        limit = asyncio.Semaphore(50)

        async def deliver(i: int) -> int:
            async with limit:
                source = {"type": "user", "userId": f"V{i:032x}"}
                return await line.deliver([text_event("結案要什麼時候交？", source=source)])

        started = time.monotonic()
        assert set(await asyncio.gather(*(deliver(i) for i in range(400)))) == {200}
        await line.settle()
        answered_in = time.monotonic() - started
        assert await fan_out == len(subscribers)
    assert len(fake.replies()) == 400 and all("出處" in "\n".join(r.texts()) for r in fake.replies())
    assert Counter(p.body["to"] for p in fake.delivered) == Counter(subscribers)
    assert answered_in < 20


async def test_a_429_pauses_the_pushes_for_its_retry_after_and_they_all_go_out(
    fake: FakeLine, services: Services
) -> None:
    subscribers = users(20)
    subscribe(services, subscribers)
    fake.push_failures = [429, 429]
    fake.retry_after = "1"
    async with serve(fake, services, push_rate=100) as line:
        started = time.monotonic()
        assert await line.scheduler.run_due(CLOSEOUT_REMINDER) == len(subscribers)
        took = time.monotonic() - started
    assert took >= 1.0  # waited as told
    assert Counter(p.body["to"] for p in fake.delivered) == Counter(subscribers)
    assert statuses(services) == {"sent": 20}


async def test_a_5xx_or_a_lost_answer_is_retried_with_the_same_key_and_arrives_once(
    fake: FakeLine, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LINE accepts the first push but the answer never comes (read timeout): the retry carries the
    same X-Line-Retry-Key, LINE answers 409, and the user has one copy. A plain 500 is retried too."""
    monkeypatch.setattr(handlers.line, "PUSH_TIMEOUT", aiohttp.ClientTimeout(connect=1, sock_read=0.3))
    subscribe(services, [USER, "U" + "c" * 32])
    fake.stall_pushes = True
    async with serve(fake, services) as line:
        first = asyncio.create_task(line.scheduler.run_due(CLOSEOUT_REMINDER))
        await fake.wait_for(lambda: len(fake.delivered) == 2)
        fake.stall_pushes = False
        fake.push_failures = [500]
        assert await first == 2
    assert Counter(p.body["to"] for p in fake.delivered) == {USER: 1, "U" + "c" * 32: 1}
    keys = Counter(p.headers["X-Line-Retry-Key"] for p in fake.pushes())
    assert len(keys) == 2 and all(n >= 2 for n in keys.values())  # each retried under its own key
    assert statuses(services) == {"sent": 2}


async def test_waiting_for_a_connection_is_never_sent_and_says_so(line: Line) -> None:
    """A push that got no connection in time never left: FAILED (retried), not UNSURE."""
    api = line.bot._api
    api.pushes = Pool(1, wait=0.05)
    line.fake.stall_pushes = True
    stuck = asyncio.create_task(line.bot.push_channel.push(USER, "一", str(uuid.uuid4())))
    await line.fake.wait_for(lambda: line.fake.delivered)
    assert await line.bot.push_channel.push("U" + "d" * 32, "二", str(uuid.uuid4())) is PushOutcome.FAILED
    assert [p.body["to"] for p in line.fake.pushes()] == [USER]  # the second never reached LINE
    stuck.cancel()


# -- bodies ---------------------------------------------------------------------------------


async def test_oversized_bodies_are_refused_before_they_are_read(line: Line) -> None:
    host, port = line.url.removeprefix("http://").split(":")
    declared = b"POST /callback HTTP/1.1\r\nHost: x\r\nContent-Length: 94371840\r\nX-Line-Signature: x\r\n\r\n"
    status, took = await raw_exchange(host, int(port), declared)  # 90 MB announced, none sent
    assert status == 413 and took < 1
    unsigned = b"POST /callback HTTP/1.1\r\nHost: x\r\nContent-Length: 94371840\r\n\r\n"
    assert (await raw_exchange(host, int(port), unsigned))[0] == 400
    big = b'{"events": [], "pad": "' + b"x" * MAX_BODY + b'"}'  # sent without a length: cut off at 1 MiB
    async with line.session.post(
        f"{line.url}/callback", data=_chunks(big), headers={"X-Line-Signature": sign(big)}
    ) as response:
        assert response.status == 413


async def _chunks(body: bytes):  # type: ignore[no-untyped-def]
    for i in range(0, len(body), 65536):
        yield body[i : i + 65536]


async def test_a_signed_body_nested_1000_deep_is_a_400_with_one_log_line(
    line: Line, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    deep = b'{"events": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert await line.deliver(body=deep) == 400
    shallow_but_odd = json.dumps({"events": [[[[[["x"]]]]]], "destination": "U"}).encode()
    assert await line.deliver(body=shallow_but_odd) == 200  # not events: nothing to do
    records = [r for r in caplog.records if r.name == "handlers.line"]
    assert len(records) == 1 and "not a webhook JSON object" in records[0].getMessage()
    assert "Traceback" not in caplog.text and "[[[[" not in caplog.text


# -- a locked database ----------------------------------------------------------------------


async def test_with_the_database_write_locked_health_stays_fast_and_chats_get_polite_answers(
    line: Line, caplog: pytest.LogCaptureFixture
) -> None:
    subscribe(line.services, users(50))
    db = line.services.store.db
    db.busy_timeout_ms = 500  # shorter still than the default 2 s, to keep the test short
    db.query(lambda c: c.execute("PRAGMA busy_timeout = 500"))
    other = sqlite3.connect(line.services.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        await line.deliver([text_event("結案要什麼時候交？")])
        await line.deliver([text_event("/subscribe", source={"type": "user", "userId": "U" + "e" * 32})])
        run = asyncio.create_task(line.scheduler.run_due(CLOSEOUT_REMINDER))
        slowest = 0.0
        for _ in range(15):
            started = time.monotonic()
            async with line.session.get(f"{line.url}/health") as response:
                assert response.status == 200
            slowest = max(slowest, time.monotonic() - started)
            await asyncio.sleep(0.1)
        assert slowest < 0.1
        assert await run == 0  # no lease to be had: nothing pushed, tried again at the next tick
        await line.fake.wait_for(lambda: len(line.fake.replies()) == 2, timeout=15)
    finally:
        other.execute("ROLLBACK")
        other.close()
    subscribed, answer = sorted(line.fake.replies(), key=lambda r: "出處" in "\n".join(r.texts()))
    assert "出處" in "\n".join(answer.texts())  # answered, the event log being out of reach
    assert "稍後再試" in subscribed.texts()[0] and "Traceback" not in caplog.text
    assert line.fake.pushes() == []


def test_what_is_due_is_read_through_the_index(tmp_path: Path) -> None:
    from reminders.store import SubscriptionStore

    store = SubscriptionStore(tmp_path / "policybot.db")
    plan = store.db.query(
        lambda c: c.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM subscriptions s INDEXED BY subscriptions_next_due"
            " WHERE s.channel IN ('line') AND (s.next_due_at IS NULL OR s.next_due_at <= 0)"
        ).fetchall()
    )
    assert any("USING INDEX subscriptions_next_due" in row[-1] for row in plan)
    store.close()


async def test_after_a_fan_out_a_tick_reads_no_subscription(fake: FakeLine, services: Services) -> None:
    subscribe(services, users(300))
    async with serve(fake, services, push_rate=2000) as line:
        assert await line.scheduler.run_due(CLOSEOUT_REMINDER) == 300
        a_minute_later = CLOSEOUT_REMINDER.replace(minute=1)
        subs, _ = services.store.due_candidates(["line"], a_minute_later.timestamp())
        assert subs == []  # each chat's next moment is 14 days ahead
        started = time.monotonic()
        assert await line.scheduler.run_due(a_minute_later) == 0
        assert time.monotonic() - started < 0.1
