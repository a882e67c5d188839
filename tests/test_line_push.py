"""Reminders on LINE: /subscribe over the webhook, pushes through the shared scheduler's run_due
and LinePushChannel, blocked users unsubscribed, LINE's answers mapped, the rate never exceeded."""

from __future__ import annotations

import uuid
from datetime import datetime

from fake_line import FakeLine
from line_harness import USER, Line, serve, text_event

from bot.wiring import Services
from reminders.calendar import TAIPEI
from reminders.push import PushOutcome

pytest_plugins = ["line_fixtures"]

# 30 days before the 115 close-out deadline (2027-09-30), at the default 09:00.
CLOSEOUT_REMINDER = datetime(2027, 8, 31, 9, 0, tzinfo=TAIPEI)


async def test_subscribe_then_the_scheduler_pushes_the_reminder_once(line: Line) -> None:
    await line.deliver([text_event("/subscribe")])
    [reply] = await line.fake.wait_for(line.fake.replies)
    assert "已訂閱" in reply.texts()[0]

    sent = await line.scheduler.run_due(CLOSEOUT_REMINDER)
    pushes = line.fake.pushes(USER)
    assert sent == len(pushes) >= 1
    text = "\n".join(t for p in pushes for t in p.texts())
    assert "2027-09-30" in text and "還有 30 天" in text
    assert all(p.headers.get("X-Line-Retry-Key") for p in pushes)

    assert await line.scheduler.run_due(CLOSEOUT_REMINDER) == 0  # the sent-log holds
    assert len(line.fake.pushes(USER)) == len(pushes)


async def test_a_push_refused_with_403_unsubscribes_the_user(line: Line) -> None:
    line.services.store.subscribe("line", USER, lang="zh")
    line.fake.blocked.add(USER)
    assert await line.scheduler.run_due(CLOSEOUT_REMINDER) == 0
    assert line.fake.pushes(USER)
    assert line.services.store.get("line", USER) is None


async def test_lines_answers_map_to_push_outcomes(line: Line) -> None:
    push = line.bot.push_channel.push
    key = str(uuid.uuid4())
    assert await push(USER, "期限提醒", key) is PushOutcome.SENT
    assert await push(USER, "期限提醒", key) is PushOutcome.SENT  # same retry key: LINE says 409, it went out
    assert line.fake.accepted_pushes(USER) == 1
    line.fake.blocked.add("Ublocked")
    assert await push("Ublocked", "期限提醒") is PushOutcome.BLOCKED
    line.fake.unknown.add("Unobody")
    assert await push("Unobody", "期限提醒") is PushOutcome.BLOCKED
    assert await push(USER, "") is PushOutcome.FAILED  # a malformed message is our fault, not the user's
    line.fake.push_status = 429  # refused: certainly not delivered
    assert await push(USER, "提醒 429") is PushOutcome.FAILED
    line.fake.push_status = 500  # LINE may have accepted it: a retry with the same key is safe
    assert await push(USER, "提醒 500") is PushOutcome.UNSURE
    assert [c.body["to"] for c in line.fake.pushes()].count(USER) == 5


async def test_a_push_that_cannot_connect_failed(line: Line) -> None:
    await line.fake.close()
    assert await line.bot.push_channel.push(USER, "期限提醒") is PushOutcome.FAILED


async def test_fan_out_never_exceeds_the_push_rate(fake: FakeLine, services: Services) -> None:
    rate, users = 40, [f"U{i:032x}" for i in range(120)]
    for user in users:
        services.store.subscribe("line", user, lang="zh")
    async with serve(fake, services, push_rate=rate) as line:
        sent = await line.scheduler.run_due(CLOSEOUT_REMINDER)
    pushes = fake.pushes()
    assert sent == len(pushes) == len(users)
    assert {p.body["to"] for p in pushes} == set(users)
    times = sorted(p.at for p in pushes)
    # as they arrived: any `rate` + 1 consecutive pushes span at least a second
    assert min(later - earlier for earlier, later in zip(times[:-rate], times[rate:], strict=True)) >= 1.0
