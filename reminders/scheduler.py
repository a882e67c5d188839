"""Pushes due reminders from inside the running bot, driven by APScheduler.

APScheduler only supplies the heartbeat (a job every `interval_seconds`, and once at start for the
catch-up); its job store is in memory. What was sent lives in the store's sent-log, so a restart
loses nothing and repeats nothing.

One reminder, one HTTP request at a time: the push waits for the channel's rate limit, then its
row is claimed ('sending') and the request leaves at once, and the outcome is recorded right after
('sent', 'failed': certainly not delivered, 'unsure': maybe delivered). So a crash can leave at most
the requests in flight unrecorded. A 'failed' push is tried again (with back-off, and on later
runs while the reminder is due); an 'unsure' one only on a channel with retry keys (LINE), whose
platform drops a copy it already accepted: there delivery is exactly once, elsewhere at most once.

Processes sharing the database elect one pusher per channel: the holder of the channel's lease (a
row with an expiry, renewed while the process runs, taken over when it expires or its holder is
known to be dead). So the channel's rate limit holds across processes, and only the process that
takes a lease over reports the pushes its predecessor left unfinished.

Every store call runs in policybot's worker pool (reminders/offload.py): a locked database never
stalls the event loop, nor the API requests.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from . import offload, schedule, texts
from .calendar import TAIPEI, Deadline, PlanCalendar, as_taipei, taipei_now
from .push import PushChannel, PushOutcome
from .store import FAILED, SENT, UNSURE, Lease, StoreError, Subscription, SubscriptionStore

log = logging.getLogger(__name__)

JOB_ID = "policybot-reminders"
DAILY_JOB_ID = "policybot-daily"
DAY_SECONDS = 86400
LEASE_SECONDS = 30.0  # a dead pusher's channel is taken over within this (at once on the same host)
ATTEMPTS_PER_RUN = 3  # tries of one reminder within a run; later runs try again while it is due
SHUTDOWN_GRACE = 6.0  # seconds pushes in flight get to finish at shutdown; then they count as unsure
_STATUS = {PushOutcome.SENT: SENT, PushOutcome.BLOCKED: FAILED, PushOutcome.FAILED: FAILED, PushOutcome.UNSURE: UNSURE}


# -- who holds a lease ---------------------------------------------------------------------------


def _pid_namespace() -> str:
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "?"


def new_holder() -> str:
    """host|PID namespace|PID|tag: unique per process, and enough to tell, on the same host and in
    the same PID namespace, that the holder's process is gone."""
    return f"{socket.gethostname()}|{_pid_namespace()}|{os.getpid()}|{uuid.uuid4().hex[:12]}"


_PROCESS_HOLDER: dict[int, str] = {}


def process_holder() -> str:
    """This process's holder id: schedulers of one process (tests make several) share its leases."""
    return _PROCESS_HOLDER.setdefault(os.getpid(), new_holder())


def holder_is_dead(holder: str) -> bool:
    """True only when certain: the holder ran on this host, in this PID namespace, and its process
    no longer exists. Anything else (another host or container, a PID reused) waits for the expiry."""
    parts = holder.split("|")
    if len(parts) != 4 or not parts[2].isdigit():
        return False
    host, namespace, pid = parts[0], parts[1], int(parts[2])
    if host != socket.gethostname() or namespace == "?" or namespace != _pid_namespace() or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


# -- the scheduler -------------------------------------------------------------------------------


@dataclass
class _Run:
    now: datetime
    limits: dict[str, asyncio.Semaphore]
    blocked: set[tuple[str, str]] = field(default_factory=set)
    error: StoreError | None = None
    chats: dict[tuple[str, str], asyncio.Lock] = field(default_factory=dict)

    def chat(self, sub: Subscription) -> asyncio.Lock:
        """A chat's reminders go one after another (in order, and none after it blocked the bot)."""
        return self.chats.setdefault((sub.channel, sub.chat_id), asyncio.Lock())


class ReminderScheduler:
    def __init__(
        self,
        store: SubscriptionStore,
        calendar: PlanCalendar,
        channels: Mapping[str, PushChannel],
        clock: Callable[[], datetime] = taipei_now,
        interval_seconds: int = 60,
        daily: Callable[[], object] | None = None,
        lease_seconds: float = LEASE_SECONDS,
        holder: str | None = None,
        retry_backoff: float = 0.5,
    ):
        if interval_seconds <= 0 or lease_seconds <= 0:
            raise ValueError("interval_seconds and lease_seconds must be positive")
        self._store = store
        self._calendar = calendar
        self._channels = dict(channels)
        self._clock = clock
        self._interval = interval_seconds
        self._daily = daily  # housekeeping (pruning the interaction log): at start, then once a day
        self._lease_seconds = lease_seconds
        self._retry_backoff = retry_backoff  # seconds before a retry within a run, doubling
        self.holder = holder or process_holder()
        self._leases: dict[str, Lease] = {}
        self._scheduler = AsyncIOScheduler(
            timezone=TAIPEI,
            jobstores={"default": MemoryJobStore()},  # this scheduler's own: never shared
            executors={"default": AsyncIOExecutor()},
            # A late or missed tick is harmless (the next one catches up), so never run a backlog.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": interval_seconds},
        )
        self._started = False
        self._stopping = False
        self._current: asyncio.Task[int] | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._waiting: set[asyncio.Task[bool]] = set()  # reminders not yet claimed: cancelled on stop
        self._sending: set[asyncio.Task[PushOutcome | None]] = set()  # requests out: finish on stop

    # -- what is due -------------------------------------------------------------------------------

    def due(self, now: datetime) -> list[schedule.Reminder]:
        """The reminders run_due would push at `now` for this scheduler's channels. Blocking."""
        return self._plan(as_taipei(now), self._channels)[0]

    def _plan(self, now: datetime, channels: Mapping[str, object]) -> tuple[list[schedule.Reminder], int]:
        """Due reminders, from the subscriptions whose stored next moment has come (an indexed
        query), and how many subscriptions that was. Blocking: runs in a worker thread."""
        subs, settled = self._store.due_candidates(channels, now.timestamp())
        if not subs:
            return [], 0
        return schedule.due(subs, self._calendar.deadlines(after=now.date()), now, settled), len(subs)

    def _refresh(self, now: datetime, channels: Mapping[str, object]) -> None:
        """Store each looked-at subscription's next moment, from the sent-log as it is now."""
        subs, settled = self._store.due_candidates(channels, now.timestamp())
        deadlines = self._calendar.deadlines(after=now.date())
        self._store.set_next_due((s.channel, s.chat_id, _moment(s, deadlines, now, settled)) for s in subs)

    # -- a run ---------------------------------------------------------------------------------------

    async def run_due(self, now: datetime | None = None) -> int:
        """Push everything due and not yet sent on the channels whose lease this process holds;
        return how many were sent."""
        moment = as_taipei(now or self._clock())
        held = await self._hold()
        if not held or self._stopping:
            return 0
        async with self._keeping():
            reminders, looked_at = await offload.reminders(self._plan, moment, held)
            limits = {name: asyncio.Semaphore(max(1, self._channels[name].concurrency)) for name in held}
            run = _Run(moment, limits)
            results = await asyncio.gather(*(self._deliver(r, run, held) for r in reminders), return_exceptions=True)
            sent = sum(1 for result in results if result is True)
            if looked_at and run.error is None and not self._stopping:
                try:
                    await offload.reminders(self._refresh, moment, held)
                except StoreError as exc:
                    run.error = exc
        if reminders:
            log.info("reminders at %s: %d due, %d sent", texts.moment(moment), len(reminders), sent)
        if run.error is not None:
            raise run.error
        return sent

    async def _deliver(self, reminder: schedule.Reminder, run: _Run, held: Mapping[str, Lease]) -> bool:
        """One reminder: wait for the rate limit, then claim, push and record; retry what may be
        retried, with back-off. True if it was sent by this call."""
        task: asyncio.Task[bool] = asyncio.current_task()  # type: ignore[assignment]
        self._waiting.add(task)
        try:
            async with run.chat(reminder.subscription):
                return await self._deliver_one(reminder, run, held, task)
        finally:
            self._waiting.discard(task)

    async def _deliver_one(
        self, reminder: schedule.Reminder, run: _Run, held: Mapping[str, Lease], task: asyncio.Task[bool]
    ) -> bool:
        sub = reminder.subscription
        channel = self._channels[sub.channel]
        for attempt in range(1, ATTEMPTS_PER_RUN + 1):
            self._waiting.add(task)
            try:
                async with run.limits[sub.channel], channel.slot():
                    if self._stopping or run.error is not None or (sub.channel, sub.chat_id) in run.blocked:
                        return False
                    self._waiting.discard(task)  # from here on, stop() lets it finish
                    sending = asyncio.ensure_future(self._attempt(reminder, run, held[sub.channel], channel))
                    self._sending.add(sending)
                    sending.add_done_callback(self._sending.discard)
                    outcome = await asyncio.shield(sending)
            finally:
                self._waiting.discard(task)
            if outcome is PushOutcome.SENT:
                return True
            retry = outcome is PushOutcome.FAILED or (outcome is PushOutcome.UNSURE and channel.retry_keys)
            if outcome is None or not retry or attempt == ATTEMPTS_PER_RUN:
                return False
            self._waiting.add(task)
            try:  # the channel also holds all its pushes back after a 429 or a 5xx
                await asyncio.sleep(self._retry_backoff * 2 ** (attempt - 1))
            finally:
                self._waiting.discard(task)
        return False

    async def _attempt(
        self, reminder: schedule.Reminder, run: _Run, lease: Lease, channel: PushChannel
    ) -> PushOutcome | None:
        """Claim, push (one request), record. None when the reminder was not claimed."""
        sub = reminder.subscription
        key = reminder.key
        try:
            claim = await offload.reminders(self._store.claim, *key, keyed=channel.retry_keys, lease=lease)
        except StoreError as exc:
            run.error = exc  # stop this run; the next tick tries again
            return None
        if claim is None:
            return None  # sent, being sent, or no longer ours to send
        text = texts.reminder_text(reminder.deadline, run.now, sub.lang)
        try:
            outcome = await channel.push(sub.chat_id, text, claim.retry_key)
        except asyncio.CancelledError:  # shutdown ran out of patience: the request may be out
            with suppress(StoreError):
                await asyncio.shield(offload.reminders(self._store.mark, *key, UNSURE))
            raise
        except Exception:
            log.exception("push to %s:%s raised; counted as possibly delivered", sub.channel, sub.chat_id)
            outcome = PushOutcome.UNSURE
        try:
            await offload.reminders(self._store.mark, *key, _STATUS[outcome])
            if outcome is PushOutcome.BLOCKED:
                run.blocked.add((sub.channel, sub.chat_id))
                await offload.reminders(self._store.unsubscribe, sub.channel, sub.chat_id)
                log.info("%s:%s blocked the bot; unsubscribed", sub.channel, sub.chat_id)
        except StoreError as exc:
            run.error = exc  # the row stays 'sending': the next lease holder counts it as unsure
        return outcome

    # -- leases ----------------------------------------------------------------------------------------

    async def _hold(self) -> dict[str, Lease]:
        """Take or renew the lease of each channel; the channels this process may push on."""
        held: dict[str, Lease] = {}
        for name, channel in self._channels.items():
            try:
                state = await offload.reminders(
                    self._store.hold_lease, name, self.holder, self._lease_seconds, holder_is_dead
                )
                if state is not None and state.taken:
                    self._report_takeover(name, channel, state.previous, state.interrupted)
                    await offload.reminders(self._store.forget_next_due, [name])
                    if state.previous and self._started:  # taken over while running: push now
                        self._scheduler.modify_job(JOB_ID, next_run_time=datetime.now(TAIPEI))
            except StoreError as exc:
                log.warning("%s reminders: cannot take or renew the push lease (%s)", name, exc)
                self._leases.pop(name, None)
                continue
            if state is None:
                if self._leases.pop(name, None) is not None:
                    log.warning("%s reminders: another process took over the pushing", name)
                continue
            self._leases[name] = state.lease
            held[name] = state.lease
        return held

    def _report_takeover(self, name: str, channel: PushChannel, previous: str | None, interrupted: int) -> None:
        if previous:
            log.info("%s reminders: this process pushes them now (after %s)", name, previous)
        if not interrupted:
            return
        if channel.retry_keys:
            log.warning(
                "%s reminders: %d push(es) were in flight when the previous pusher stopped; they are "
                "pushed again with their retry keys, so none arrives twice",
                name,
                interrupted,
            )
        else:
            log.warning(
                "%s reminders: %d push(es) were in flight when the previous pusher stopped and may have "
                "been delivered; they are not pushed again (at most once)",
                name,
                interrupted,
            )

    async def _keep(self) -> None:
        """Renew (or try to take) the leases while the scheduler runs."""
        while True:
            await asyncio.sleep(self._lease_seconds / 3)
            await self._hold()

    @asynccontextmanager
    async def _keeping(self) -> AsyncIterator[None]:
        """Keep the leases for the length of a run made without start() (tests, the CLI)."""
        if self._keeper is not None:
            yield
            return
        keeper = asyncio.ensure_future(self._keep())
        try:
            yield
        finally:
            keeper.cancel()
            with suppress(asyncio.CancelledError):
                await keeper

    # -- lifetime --------------------------------------------------------------------------------------

    def start(self) -> None:
        """Run now (catch-up) and every interval. Needs a running asyncio loop."""
        asyncio.get_running_loop()  # fail here, clearly, rather than inside APScheduler
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
        self._keeper = asyncio.ensure_future(self._keep())
        self._started = True

    async def _housekeeping(self) -> None:
        """The daily job, off the event loop (it may delete many rows); a failure waits a day."""
        if self._stopping or self._daily is None:
            return
        try:
            await offload.reminders(self._daily)
        except Exception:
            log.exception("daily housekeeping failed; trying again tomorrow")

    async def _tick(self) -> None:
        if self._stopping:
            return
        # Shielded: APScheduler's shutdown cancels running jobs; shutdown() ends the run itself.
        self._current = asyncio.ensure_future(self.run_due())
        try:
            await asyncio.shield(self._current)
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            # APScheduler's shutdown cancels its job; the run itself goes on to finish the pushes
            # in flight, and shutdown() waits for it.
        except StoreError as exc:
            log.error("reminder run stopped: %s; retrying at the next tick", exc)
        except Exception:
            log.exception("reminder run failed; retrying at the next tick")

    def stop(self) -> None:
        """Stop at once: no push starts from now on, reminders waiting for the rate limit are
        dropped (they stay due), pushes whose request is out go on to finish and be recorded."""
        self._stopping = True
        for task in list(self._waiting):
            task.cancel()
        if self._started:
            self._started = False
            self._scheduler.shutdown(wait=False)

    async def shutdown(self, grace: float = SHUTDOWN_GRACE) -> None:
        """stop(), then wait up to `grace` seconds for the pushes in flight and record them (any
        still out then is cancelled and recorded as possibly delivered), and give the leases up."""
        self.stop()
        await asyncio.sleep(0)  # APScheduler performs its shutdown in a loop callback
        if self._current is not None and not self._current.done():
            _, pending = await asyncio.wait({self._current}, timeout=grace)
            if pending:
                log.warning(
                    "shutdown: %d reminder push(es) still out; recorded as possibly delivered", len(self._sending)
                )
                for sending in list(self._sending):
                    sending.cancel()
                with suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(self._current, 2)
        if self._keeper is not None:
            self._keeper.cancel()
            with suppress(asyncio.CancelledError):
                await self._keeper
            self._keeper = None
        for lease in list(self._leases.values()):
            with suppress(StoreError):
                await offload.reminders(self._store.release_lease, lease)
        self._leases.clear()


def _moment(sub: Subscription, deadlines: list[Deadline], now: datetime, settled: set[schedule.ReminderKey]) -> float:
    nxt = schedule.next_due(sub, deadlines, now, settled)
    return math.inf if nxt is None else nxt.timestamp()
