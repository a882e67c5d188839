"""The scheduler: what reaches users, across restarts, crashes, blocked chats and 5,000 subscribers."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reminders.calendar import TAIPEI, PlanCalendar
from reminders.push import PushOutcome
from reminders.ratelimit import RateLimiter
from reminders.scheduler import ReminderScheduler
from reminders.store import SubscriptionStore

ROOT = Path(__file__).resolve().parents[1]
CAL = PlanCalendar.load()


def taipei(*args: int) -> datetime:
    return datetime(*args, tzinfo=TAIPEI)


class FakeChannel:
    """Delivers into `inbox` unless told otherwise; `script[chat]` lists outcomes to return first."""

    retry_keys = False
    concurrency = 32

    def __init__(self, name: str = "telegram", script: dict[str, list[PushOutcome]] | None = None):
        self.name = name
        self.script = script or {}
        self.inbox: list[tuple[str, str]] = []
        self.calls = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        yield

    async def push(self, chat_id: str, text: str, retry_key: str | None = None) -> PushOutcome:
        self.calls += 1
        planned = self.script.get(chat_id)
        outcome = planned.pop(0) if planned else PushOutcome.SENT
        if outcome is PushOutcome.SENT:
            self.inbox.append((chat_id, text))
        return outcome


async def until(condition: Callable[[], object], timeout: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


@pytest.fixture
def store(tmp_path: Path):
    s = SubscriptionStore(tmp_path / "policybot.db")
    yield s
    s.close()


def closeout_only(store: SubscriptionStore, chat: str = "42", channel: str = "telegram", lang: str = "zh") -> None:
    store.subscribe(channel, chat, lang=lang, kinds=["closeout"])


async def test_closeout_reminders_go_out_once_per_lead_time(store):
    closeout_only(store)
    channel = FakeChannel()
    scheduler = ReminderScheduler(store, CAL, {"telegram": channel})
    assert await scheduler.run_due(taipei(2027, 8, 31, 8, 59)) == 0
    for moment in [(2027, 8, 31, 9), (2027, 9, 16, 9), (2027, 9, 23, 9), (2027, 9, 29, 9)]:
        assert await scheduler.run_due(taipei(*moment)) == 1
        assert await scheduler.run_due(taipei(*moment) + timedelta(minutes=1)) == 0
    assert await scheduler.run_due(taipei(2027, 10, 1, 9)) == 0
    assert len(channel.inbox) == 4
    assert "還有 30 天" in channel.inbox[0][1] and "2027-09-30" in channel.inbox[0][1]
    assert "假設核定執行期間" in channel.inbox[0][1]  # the assumption travels with the reminder
    assert "還有 1 天" in channel.inbox[3][1]


async def test_restart_keeps_subscription_and_sent_log(tmp_path):
    path = tmp_path / "policybot.db"
    first = SubscriptionStore(path)
    closeout_only(first, lang="en")
    channel = FakeChannel()
    assert await ReminderScheduler(first, CAL, {"telegram": channel}).run_due(taipei(2027, 8, 31, 9)) == 1
    first.close()

    second = SubscriptionStore(path)  # a new process would see the same file
    scheduler = ReminderScheduler(second, CAL, {"telegram": channel})
    assert await scheduler.run_due(taipei(2027, 8, 31, 9, 5)) == 0
    assert [r.lead_days for r in scheduler.due(taipei(2027, 9, 16, 9))] == [14]
    assert await scheduler.run_due(taipei(2027, 9, 16, 9)) == 1
    assert "14 days left" in channel.inbox[-1][1]
    second.close()


async def test_downtime_over_a_reminder_time_catches_up_once(store):
    closeout_only(store)
    channel = FakeChannel()
    # The bot was down from 2027-08-30 until 2027-09-02 10:00; on start it catches up ...
    assert await ReminderScheduler(store, CAL, {"telegram": channel}).run_due(taipei(2027, 9, 2, 10)) == 1
    assert "還有 28 天" in channel.inbox[0][1]  # counted from the moment it is sent
    # ... and the next run, a minute later, sends nothing more.
    assert await ReminderScheduler(store, CAL, {"telegram": channel}).run_due(taipei(2027, 9, 2, 10, 1)) == 0
    assert len(channel.inbox) == 1


async def test_long_downtime_sends_only_the_current_lead_time(store):
    closeout_only(store)
    channel = FakeChannel()
    assert await ReminderScheduler(store, CAL, {"telegram": channel}).run_due(taipei(2027, 9, 20, 10)) == 1
    assert len(channel.inbox) == 1 and "還有 10 天" in channel.inbox[0][1]
    assert await ReminderScheduler(store, CAL, {"telegram": channel}).run_due(taipei(2027, 10, 2, 9)) == 0


async def test_blocked_chat_is_unsubscribed(store):
    store.subscribe("telegram", "42", lang="zh")  # all kinds: two reminders due at once below
    channel = FakeChannel(script={"42": [PushOutcome.BLOCKED]})
    scheduler = ReminderScheduler(store, CAL, {"telegram": channel})
    assert await scheduler.run_due(taipei(2027, 7, 1, 9)) == 0
    assert store.get("telegram", "42") is None
    assert channel.calls == 1  # the second reminder for the same chat was not attempted
    assert await scheduler.run_due(taipei(2027, 7, 1, 9, 1)) == 0
    assert channel.calls == 1


async def test_failed_push_is_retried_with_back_off_then_on_the_next_run_then_not_again(store):
    closeout_only(store)
    channel = FakeChannel(script={"42": [PushOutcome.FAILED] * 4})
    scheduler = ReminderScheduler(store, CAL, {"telegram": channel}, retry_backoff=0.01)
    assert await scheduler.run_due(taipei(2027, 8, 31, 9)) == 0  # three tries in this run
    assert channel.calls == 3 and store.sent_log_counts() == {"failed": 1}
    assert await scheduler.run_due(taipei(2027, 8, 31, 9, 1)) == 1  # certainly not delivered: again
    assert await scheduler.run_due(taipei(2027, 8, 31, 9, 2)) == 0
    assert channel.calls == 5 and len(channel.inbox) == 1


async def test_push_that_may_have_been_delivered_is_not_retried_without_retry_keys(store):
    closeout_only(store)

    class Flaky(FakeChannel):
        async def push(self, chat_id: str, text: str, retry_key: str | None = None) -> PushOutcome:
            self.calls += 1
            raise TimeoutError("sent, but no answer")  # outcome unknown: maybe delivered

    channel = Flaky()
    scheduler = ReminderScheduler(store, CAL, {"telegram": channel})
    assert await scheduler.run_due(taipei(2027, 8, 31, 9)) == 0
    assert await scheduler.run_due(taipei(2027, 8, 31, 9, 1)) == 0
    assert channel.calls == 1 and store.sent_log_counts() == {"unsure": 1}


CRASHING_PROCESS = textwrap.dedent("""
    import asyncio, os, sys
    from reminders.calendar import TAIPEI, PlanCalendar
    from reminders.push import PushOutcome
    from reminders.scheduler import ReminderScheduler
    from reminders.store import SubscriptionStore
    from datetime import datetime

    class CrashAfterDelivery:
        name, retry_keys, concurrency = "telegram", False, 1
        def slot(self):
            return asyncio.Semaphore(1)
        async def push(self, chat_id, text, retry_key=None):
            with open(sys.argv[1], "a", encoding="utf-8") as inbox:
                inbox.write(chat_id + "\\n")
            os._exit(9)  # the user has the message; the process dies before recording it

    store = SubscriptionStore(os.environ["POLICYBOT_DB"])
    store.subscribe("telegram", "42", lang="zh", kinds=["closeout"])
    channels = {"telegram": CrashAfterDelivery()}
    asyncio.run(ReminderScheduler(store, PlanCalendar.load(), channels).run_due(datetime(2027, 8, 31, 9, tzinfo=TAIPEI)))
""")


async def test_crash_between_push_and_record_never_shows_a_duplicate(tmp_path):
    db, inbox = tmp_path / "policybot.db", tmp_path / "inbox.txt"
    env = {**os.environ, "POLICYBOT_DB": str(db)}
    crashed = subprocess.run([sys.executable, "-c", CRASHING_PROCESS, str(inbox)], env=env, cwd=ROOT, timeout=60)
    assert crashed.returncode == 9
    assert inbox.read_text().split() == ["42"]

    class FileInbox(FakeChannel):
        async def push(self, chat_id: str, text: str, retry_key: str | None = None) -> PushOutcome:
            with open(inbox, "a", encoding="utf-8") as f:
                f.write(chat_id + "\n")
            return PushOutcome.SENT

    store = SubscriptionStore(db)  # the restarted bot
    assert store.in_flight() == 1
    channels = {"telegram": FileInbox()}
    runs: list[int] = []
    restarted = ReminderScheduler(store, CAL, channels, clock=lambda: runs.append(1) or taipei(2027, 8, 31, 9, 1))
    restarted.start()  # logs the interrupted reminder and runs the catch-up
    await until(lambda: runs)
    await restarted.shutdown()
    assert store.sent_log_counts() == {"unsure": 1}  # taken over: maybe delivered, never resent
    assert inbox.read_text().split() == ["42"]  # the 30-day reminder: seen once
    scheduler = ReminderScheduler(store, CAL, channels)
    assert await scheduler.run_due(taipei(2027, 9, 1, 9)) == 0
    assert await scheduler.run_due(taipei(2027, 9, 16, 9)) == 1
    assert inbox.read_text().split() == ["42", "42"]  # the next lead time still arrives
    store.close()


class RateLimitedChannel(FakeChannel):
    """A channel with a token bucket, like the Telegram/LINE limiters, at `rate` messages/s."""

    def __init__(self, rate: float, burst: int):
        super().__init__()
        self.rate, self.tokens, self.burst = rate, float(burst), burst
        self.last = time.monotonic()
        self.lock = asyncio.Lock()
        self.per_chat: Counter[str] = Counter()

    async def push(self, chat_id: str, text: str, retry_key: str | None = None) -> PushOutcome:
        async with self.lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
                self.last = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    break
                await asyncio.sleep((1 - self.tokens) / self.rate)
        await asyncio.sleep(0.001)  # the network
        self.per_chat[chat_id] += 1
        return PushOutcome.SENT


async def test_5000_subscribers_are_each_reminded_once_within_the_rate_limit(store):
    n, rate, burst = 5000, 2000.0, 50
    for i in range(n):
        store.subscribe("telegram", str(i), lang="zh" if i % 2 else "en", kinds=["closeout"])
    channel = RateLimitedChannel(rate, burst)
    scheduler = ReminderScheduler(store, CAL, {"telegram": channel})
    started = time.monotonic()
    assert await scheduler.run_due(taipei(2027, 8, 31, 9)) == n
    elapsed = time.monotonic() - started
    assert (n - burst) / rate * 0.9 <= elapsed < (n / rate) + 10  # limited by the channel, and bounded
    assert len(channel.per_chat) == n and set(channel.per_chat.values()) == {1}
    assert await scheduler.run_due(taipei(2027, 8, 31, 9, 1)) == 0
    assert sum(channel.per_chat.values()) == n


async def test_two_processes_on_one_database_do_not_double_send(tmp_path):
    path = tmp_path / "policybot.db"
    a, b = SubscriptionStore(path), SubscriptionStore(path)
    for i in range(200):
        a.subscribe("telegram", str(i), lang="zh", kinds=["closeout"])
    channel = FakeChannel()
    now = taipei(2027, 8, 31, 9)
    sent = await asyncio.gather(
        ReminderScheduler(a, CAL, {"telegram": channel}).run_due(now),
        ReminderScheduler(b, CAL, {"telegram": channel}).run_due(now),
    )
    assert sum(sent) == 200 and len(channel.inbox) == 200
    assert len({chat for chat, _ in channel.inbox}) == 200
    a.close()
    b.close()


async def test_each_scheduler_serves_only_its_channels(store):
    closeout_only(store, chat="t1", channel="telegram")
    closeout_only(store, chat="U1", channel="line")
    telegram, line = FakeChannel("telegram"), FakeChannel("line")
    assert await ReminderScheduler(store, CAL, {"telegram": telegram}).run_due(taipei(2027, 8, 31, 9)) == 1
    assert [c for c, _ in telegram.inbox] == ["t1"] and line.inbox == []
    assert await ReminderScheduler(store, CAL, {"line": line}).run_due(taipei(2027, 8, 31, 9)) == 1
    assert [c for c, _ in line.inbox] == ["U1"]


async def test_start_runs_at_once_and_then_periodically_via_apscheduler(store):
    closeout_only(store)
    channel = FakeChannel()
    ticks: list[datetime] = []

    def clock() -> datetime:
        ticks.append(taipei(2027, 8, 31, 9))
        return ticks[-1]

    scheduler = ReminderScheduler(store, CAL, {"telegram": channel}, clock=clock, interval_seconds=1)
    scheduler.start()
    try:
        await until(lambda: channel.inbox)  # the immediate catch-up run
        assert len(channel.inbox) == 1 and len(ticks) == 1
        await until(lambda: len(ticks) >= 2, timeout=3)  # the periodic tick, a second later
        assert len(channel.inbox) == 1
    finally:
        await scheduler.shutdown()


async def test_shutdown_lets_a_push_in_flight_finish_and_be_recorded(store):
    closeout_only(store)
    release = asyncio.Event()

    class Slow(FakeChannel):
        async def push(self, chat_id: str, text: str, retry_key: str | None = None) -> PushOutcome:
            self.calls += 1
            await release.wait()
            return PushOutcome.SENT

    channel = Slow()
    scheduler = ReminderScheduler(store, CAL, {"telegram": channel}, clock=lambda: taipei(2027, 8, 31, 9))
    scheduler.start()
    await until(lambda: channel.calls)
    stopping = asyncio.create_task(scheduler.shutdown())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # waits for the push in flight
    release.set()
    await asyncio.wait_for(stopping, 2)
    assert store.in_flight() == 0 and len(store.settled()) == 1


def test_start_needs_a_running_loop(store):
    with pytest.raises(RuntimeError):
        ReminderScheduler(store, CAL, {}).start()


async def test_stop_drops_the_reminders_waiting_for_the_rate_limit_and_lets_the_one_in_flight_finish(store):
    for chat in ("1", "2", "3", "4"):
        closeout_only(store, chat=chat)
    release = asyncio.Event()

    class OneAtATime(FakeChannel):
        def __init__(self) -> None:
            super().__init__()
            self.limiter = RateLimiter(1, period=60)

        def slot(self):  # type: ignore[no-untyped-def]
            return self.limiter.slot()

        async def push(self, chat_id: str, text: str, retry_key: str | None = None) -> PushOutcome:
            self.calls += 1
            await release.wait()
            return PushOutcome.SENT

    channel = OneAtATime()
    scheduler = ReminderScheduler(store, CAL, {"telegram": channel})
    run = asyncio.create_task(scheduler.run_due(taipei(2027, 8, 31, 9)))
    await until(lambda: channel.calls == 1)
    scheduler.stop()  # the other three wait for the limiter: dropped at once, never claimed
    release.set()
    assert await asyncio.wait_for(run, 2) == 1
    assert store.sent_log_counts() == {"sent": 1} and channel.calls == 1


async def test_only_the_lease_holder_pushes_and_only_the_taker_reports_what_a_dead_holder_left(
    tmp_path, caplog: pytest.LogCaptureFixture
):
    path = tmp_path / "policybot.db"
    a_store, b_store = SubscriptionStore(path), SubscriptionStore(path)
    for chat in ("1", "2", "3"):
        closeout_only(a_store, chat=chat)
    hang = asyncio.Event()

    class Hangs(FakeChannel):
        async def push(self, chat_id: str, text: str, retry_key: str | None = None) -> PushOutcome:
            self.calls += 1
            await hang.wait()  # the process "dies" with these requests out
            return PushOutcome.SENT

    a = ReminderScheduler(a_store, CAL, {"telegram": Hangs()}, holder="A", lease_seconds=0.3)
    b_channel = FakeChannel()
    b = ReminderScheduler(b_store, CAL, {"telegram": b_channel}, holder="B", lease_seconds=0.3)
    dying = asyncio.create_task(a.run_due(taipei(2027, 8, 31, 9)))
    await until(lambda: a_store.in_flight() == 3)
    assert await b.run_due(taipei(2027, 8, 31, 9)) == 0 and b_channel.calls == 0  # A holds the lease
    assert "in flight" not in caplog.text  # B reports nothing of A's live pushes
    dying.cancel()  # A dies: its lease is no longer renewed ...
    await asyncio.sleep(0.4)  # ... and expires
    assert await b.run_due(taipei(2027, 8, 31, 9, 1)) == 0  # may have been delivered: not repeated
    assert "3 push(es) were in flight when the previous pusher stopped" in caplog.text
    assert b_store.sent_log_counts() == {"unsure": 3} and b_channel.calls == 0
    a_store.close()
    b_store.close()
