"""Pushes due reminders from inside the running bot, driven by APScheduler.

APScheduler only supplies the heartbeat (a job every `interval_seconds`, and once at start for the
catch-up); its job store is in memory. What was sent lives in the store's sent-log, so a restart
loses nothing and repeats nothing.

Delivery is at most once per (chat, deadline, lead time): a 'sending' row is written (unique key)
before the push and turned into 'sent' after it. A run that dies between the two leaves 'sending',
which is never pushed again; the chat still gets the deadline's next, shorter lead time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from . import schedule, texts
from .calendar import TAIPEI, PlanCalendar, as_taipei, taipei_now
from .push import PushChannel, PushOutcome
from .store import FAILED, SENT, StoreError, SubscriptionStore

log = logging.getLogger(__name__)

JOB_ID = "policybot-reminders"
DAILY_JOB_ID = "policybot-daily"
DAY_SECONDS = 86400


@dataclass
class _Run:
    now: datetime
    limit: asyncio.Semaphore
    blocked: set[tuple[str, str]] = field(default_factory=set)
    error: StoreError | None = None


class ReminderScheduler:
    def __init__(
        self,
        store: SubscriptionStore,
        calendar: PlanCalendar,
        channels: Mapping[str, PushChannel],
        clock: Callable[[], datetime] = taipei_now,
        interval_seconds: int = 60,
        concurrency: int = 32,
        daily: Callable[[], object] | None = None,
    ):
        if interval_seconds <= 0:
            raise ValueError("interval_seconds must be positive")
        self._store = store
        self._calendar = calendar
        self._channels = dict(channels)
        self._clock = clock
        self._interval = interval_seconds
        self._concurrency = concurrency  # pushes in flight at once; the channel does the rate limiting
        self._daily = daily  # housekeeping (pruning the interaction log): at start, then once a day
        self._scheduler = AsyncIOScheduler(
            timezone=TAIPEI,
            jobstores={"default": MemoryJobStore()},
            executors={"default": AsyncIOExecutor()},
            # A late or missed tick is harmless (the next one catches up), so never run a backlog.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": interval_seconds},
        )
        self._started = False
        self._stopping = False
        self._current: asyncio.Task[int] | None = None

    def due(self, now: datetime) -> list[schedule.Reminder]:
        """The reminders run_due would push at `now` for this scheduler's channels."""
        now = as_taipei(now)
        return schedule.due(
            self._store.subscriptions(self._channels),
            self._calendar.deadlines(after=now.date()),
            now,
            self._store.settled(self._channels),
        )

    async def run_due(self, now: datetime | None = None) -> int:
        """Push everything due and not yet sent; return how many were sent."""
        run = _Run(as_taipei(now or self._clock()), asyncio.Semaphore(self._concurrency))
        reminders = self.due(run.now)
        results = await asyncio.gather(*(self._deliver(r, run) for r in reminders))
        sent = sum(results)
        if reminders:
            log.info("reminders at %s: %d due, %d sent", texts.moment(run.now), len(reminders), sent)
        if run.error is not None:
            raise run.error
        return sent

    async def _deliver(self, reminder: schedule.Reminder, run: _Run) -> bool:
        sub = reminder.subscription
        async with run.limit:
            if self._stopping or run.error is not None or (sub.channel, sub.chat_id) in run.blocked:
                return False
            text = texts.reminder_text(reminder.deadline, run.now, sub.lang)
            try:
                if not self._store.claim(*reminder.key):
                    return False  # another process or run has it
            except StoreError as exc:
                run.error = exc  # stop this run; the next tick tries again
                return False
            try:
                outcome = await self._channels[sub.channel].push(sub.chat_id, text)
            except Exception:
                log.exception("push to %s:%s raised; possibly delivered, so not retried", sub.channel, sub.chat_id)
                return False
            try:
                self._store.mark(*reminder.key, SENT if outcome is PushOutcome.SENT else FAILED)
                if outcome is PushOutcome.BLOCKED:
                    run.blocked.add((sub.channel, sub.chat_id))
                    self._store.unsubscribe(sub.channel, sub.chat_id)
                    log.info("%s:%s blocked the bot; unsubscribed", sub.channel, sub.chat_id)
            except StoreError as exc:
                run.error = exc  # the row stays 'sending': not resent (at most once)
            return outcome is PushOutcome.SENT

    def start(self) -> None:
        """Run now (catch-up) and every interval. Needs a running asyncio loop."""
        asyncio.get_running_loop()  # fail here, clearly, rather than inside APScheduler
        interrupted = self._store.interrupted()
        if interrupted:
            log.warning(
                "%d reminder(s) were interrupted between push and record in an earlier run; "
                "they are not resent (at most once)",
                interrupted,
            )
        self._scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=self._interval, timezone=TAIPEI),
            id=JOB_ID,
            replace_existing=True,
            next_run_time=datetime.now(TAIPEI),
        )
        if self._daily is not None:
            self._scheduler.add_job(
                self._housekeeping,
                IntervalTrigger(seconds=DAY_SECONDS, timezone=TAIPEI),
                id=DAILY_JOB_ID,
                replace_existing=True,
                next_run_time=datetime.now(TAIPEI),
                misfire_grace_time=DAY_SECONDS,
            )
        self._scheduler.start()
        self._started = True

    async def _housekeeping(self) -> None:
        """The daily job, off the event loop (it may delete many rows); a failure waits a day."""
        if self._stopping or self._daily is None:
            return
        try:
            await asyncio.to_thread(self._daily)
        except Exception:
            log.exception("daily housekeeping failed; trying again tomorrow")

    async def _tick(self) -> None:
        if self._stopping:
            return
        # Shielded: APScheduler's shutdown cancels running jobs, and a cancelled push could be
        # lost between its claim and its push. shutdown() lets the run finish its pushes instead.
        self._current = asyncio.ensure_future(self.run_due())
        try:
            await asyncio.shield(self._current)
        except StoreError as exc:
            log.error("reminder run stopped: %s; retrying at the next tick", exc)
        except Exception:
            log.exception("reminder run failed; retrying at the next tick")

    async def shutdown(self) -> None:
        """Stop ticking; pushes already started finish and are recorded, no new ones start."""
        self._stopping = True
        if self._started:
            self._started = False
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # APScheduler performs the shutdown in a loop callback
        if self._current is not None and not self._current.done():
            with suppress(Exception):
                await self._current
