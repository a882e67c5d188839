"""Real `policybot line` and `policybot run` processes against the fake platforms: killed with
SIGKILL at random points of a fan-out and restarted, stopped with SIGTERM while a client stalls,
two of them sharing one database, and refused starts (locked, corrupt, read-only database)."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fake_line import FakeLine
from fake_telegram import TOKEN as TELEGRAM_TOKEN
from fake_telegram import FakeTelegram
from fault_harness import (
    ROOT,
    duplicates,
    free_port,
    sent_log,
    stalled_request,
    start_bot,
    subscribe_due_now,
    wait_healthy,
    wait_until,
)
from line_harness import SECRET, TOKEN

from bot.cli import main
from handlers.line import push_connections
from handlers.telegram import PUSH_CONNECTIONS
from reminders.store import SubscriptionStore

SEED = int(os.environ.get("POLICYBOT_FAULT_SEED", random.randrange(1_000_000)))


@pytest.fixture
async def line_api() -> AsyncIterator[FakeLine]:
    fake = FakeLine(TOKEN)
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeTelegram]:
    fake = await FakeTelegram().start()
    yield fake
    await fake.stop()


def line_env(fake: FakeLine, db: Path, port: int, rate: int) -> dict[str, str]:
    return {
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_WEBHOOK_HOST": "127.0.0.1",
        "LINE_WEBHOOK_PORT": str(port),
        "LINE_API_BASE_URL": fake.base_url,
        "LINE_DATA_API_BASE_URL": fake.base_url,
        "LINE_PUSH_RATE": str(rate),
        "POLICYBOT_DB": str(db),
    }


def telegram_env(fake: FakeTelegram, db: Path, rate: int, **more: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_PUSH_RATE": str(rate),
        "POLICYBOT_DB": str(db),
        **more,
    }


# -- kill -9 during a fan-out ---------------------------------------------------------------------


async def test_line_kill_9_at_random_points_of_a_fan_out_loses_nothing_and_repeats_nothing(
    line_api: FakeLine, tmp_path: Path
) -> None:
    """Three SIGKILLs at random points, then a run to the end: every subscriber has the reminder
    exactly once (the retry keys of the pushes in flight at each kill make LINE drop the copies)."""
    rng = random.Random(SEED)
    db, users = tmp_path / "policybot.db", [f"U{i:032x}" for i in range(400)]
    subscribe_due_now(db, "line", users)
    line_api.latency = 0.02  # so that pushes are in flight when the process dies
    env = line_env(line_api, db, free_port(), rate=400)
    in_flight_at_kill = []
    for round_ in range(3):
        bot = await start_bot("line", env, tmp_path / "line.log")
        target = len(line_api.delivered) + rng.randint(5, 100)
        await wait_until(lambda t=target: len(line_api.delivered) >= t, what=f"round {round_} (seed {SEED})")
        await bot.kill()
        in_flight_at_kill.append(Counter(sent_log(db, "line").values())["sending"])
    bot = await start_bot("line", env, tmp_path / "line.log")
    await wait_until(lambda: set(sent_log(db, "line").values()) == {"sent"} and len(sent_log(db, "line")) == 400)
    assert await bot.terminate() < 10
    delivered = [p.body["to"] for p in line_api.delivered]
    assert duplicates(delivered) == {}, f"seed {SEED}"
    assert sorted(delivered) == users, f"seed {SEED}"
    assert all(n <= push_connections(400) for n in in_flight_at_kill)
    if sum(in_flight_at_kill):  # the taker said what it found, and that it pushes them again
        assert "pushed again with their retry keys" in bot.log


async def test_telegram_kill_9_repeats_nothing_and_loses_at_most_the_requests_in_flight(
    telegram_api: FakeTelegram, tmp_path: Path
) -> None:
    """Telegram has no retry key: what was in flight at a kill is 'unsure' and never repeated;
    nothing else is lost, and nothing arrives twice."""
    rng = random.Random(SEED)
    db, chats = tmp_path / "policybot.db", [str(100_000 + i) for i in range(90)]
    subscribe_due_now(db, "telegram", chats)
    telegram_api.latency = 0.03
    env = telegram_env(telegram_api, db, rate=30)
    # The chats whose push was in flight at a kill, by chat: a request the fake API finishes after
    # a kill may meet the next round's target before that process takes the lease, so a row can
    # still be 'sending' from the round before at the next kill (counted once).
    unsure: set[str] = set()
    for round_ in range(2):
        bot = await start_bot("run", env, tmp_path / "run.log")
        target = len(telegram_api.texts()) + rng.randint(3, 25)
        await wait_until(lambda t=target: len(telegram_api.texts()) >= t, what=f"round {round_} (seed {SEED})")
        await bot.kill()
        in_flight = {chat for chat, status in sent_log(db, "telegram").items() if status == "sending"}
        assert len(in_flight - unsure) <= PUSH_CONNECTIONS
        unsure |= in_flight
    bot = await start_bot("run", env, tmp_path / "run.log")
    await wait_until(lambda: len(sent_log(db, "telegram")) == 90 and "sending" not in sent_log(db, "telegram").values())
    assert await bot.terminate() < 10
    delivered = [str(c.params["chat_id"]) for c in telegram_api.calls_to("sendMessage")]
    log = sent_log(db, "telegram")
    assert duplicates(delivered) == {}, f"seed {SEED}"
    lost = set(chats) - set(delivered)
    assert all(log[chat] == "unsure" for chat in lost)  # only requests in flight at a kill
    assert lost <= unsure == {chat for chat, status in log.items() if status == "unsure"}
    assert {chat for chat, status in log.items() if status == "sent"} <= set(delivered)


# -- SIGTERM with a stalled client -------------------------------------------------------------------


async def test_line_sigterm_during_a_fan_out_with_a_stalled_client_stops_within_10_s(
    line_api: FakeLine, tmp_path: Path
) -> None:
    db, users = tmp_path / "policybot.db", [f"U{i:032x}" for i in range(300)]
    subscribe_due_now(db, "line", users)
    line_api.latency = 0.05
    port = free_port()
    bot = await start_bot("line", line_env(line_api, db, port, rate=50), tmp_path / "line.log")
    await wait_healthy(f"http://127.0.0.1:{port}", bot)
    stalled = await stalled_request("127.0.0.1", port, "/callback", {"X-Line-Signature": "x"})
    await wait_until(lambda: len(line_api.delivered) >= 40)
    at_signal = len(line_api.delivered)
    took = await bot.terminate()
    stalled.close()
    assert bot.process.returncode == 0 and took < 10, bot.log[-2000:]
    after = len(line_api.delivered) - at_signal
    assert after <= push_connections(50)  # only what was already in flight
    log = sent_log(db, "line")
    assert set(log.values()) == {"sent"}  # every outcome recorded
    assert sorted(log) == sorted(p.body["to"] for p in line_api.delivered)  # the rest is still due
    assert "Traceback" not in bot.log


async def test_telegram_sigterm_during_a_fan_out_with_a_stalled_webhook_client_stops_within_10_s(
    telegram_api: FakeTelegram, tmp_path: Path
) -> None:
    db, chats = tmp_path / "policybot.db", [str(200_000 + i) for i in range(60)]
    subscribe_due_now(db, "telegram", chats)
    telegram_api.latency = 0.05
    port, secret = free_port(), "s3cret"
    env = telegram_env(
        telegram_api,
        db,
        rate=10,
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/tg",
        TELEGRAM_WEBHOOK_SECRET=secret,
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT=str(port),
    )
    bot = await start_bot("run", env, tmp_path / "run.log")
    await wait_healthy(f"http://127.0.0.1:{port}", bot)
    stalled = await stalled_request("127.0.0.1", port, "/tg", {"X-Telegram-Bot-Api-Secret-Token": secret})
    await wait_until(lambda: len(telegram_api.texts()) >= 10)
    at_signal = len(telegram_api.texts())
    took = await bot.terminate()
    stalled.close()
    assert bot.process.returncode == 0 and took < 10, bot.log[-2000:]
    assert len(telegram_api.texts()) - at_signal <= PUSH_CONNECTIONS
    log = sent_log(db, "telegram")
    assert set(log.values()) == {"sent"}
    assert sorted(log) == sorted(str(c.params["chat_id"]) for c in telegram_api.calls_to("sendMessage"))


# -- two processes, one database ---------------------------------------------------------------


async def test_two_line_processes_on_one_database_push_as_one(line_api: FakeLine, tmp_path: Path) -> None:
    """One of them holds the push lease: the rate holds across both, nobody gets two copies, and
    the other process reports nothing of the pushes it does not make."""
    db, users = tmp_path / "policybot.db", [f"U{i:032x}" for i in range(120)]
    subscribe_due_now(db, "line", users)
    line_api.latency = 0.01
    rate = 40
    bots = [
        await start_bot("line", line_env(line_api, db, free_port(), rate), tmp_path / f"line{i}.log") for i in range(2)
    ]
    await wait_until(lambda: len(line_api.delivered) == 120, timeout=30)
    for bot in bots:
        assert await bot.terminate() < 10
    delivered = [p.body["to"] for p in line_api.delivered]
    assert duplicates(delivered) == {} and sorted(delivered) == users
    times = sorted(p.at for p in line_api.delivered)
    assert min(b - a for a, b in zip(times[:-rate], times[rate:], strict=True)) >= 1.0
    assert not any("were in flight" in bot.log for bot in bots)


# -- refused starts -----------------------------------------------------------------------------------

START_ENV = {
    "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
    "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",  # never reached: the store fails first
    "LINE_CHANNEL_SECRET": SECRET,
    "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
    "LINE_WEBHOOK_HOST": "127.0.0.1",
    "LINE_WEBHOOK_PORT": "9",
}


def _start(
    command: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    """`policybot <command>` in this process, expected to refuse to start: its stderr."""
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "LINE_", "POLICYBOT_")):
            monkeypatch.delenv(name)
    for name, value in {**START_ENV, **env}.items():
        monkeypatch.setenv(name, value)
    status = main([command])
    out, err = capsys.readouterr()
    assert status == 2 and out == "", err
    return err


def _one_line(err: str, *words: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err and all(w in lines[0] for w in words), err[-1500:]
    assert TELEGRAM_TOKEN not in err and SECRET not in err and TOKEN not in err


@contextmanager
def write_locked(db: Path) -> Iterator[None]:
    """Another program writing to the database, and keeping at it."""
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_policybot_line_with_its_database_locked_at_start_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """The whole process, as an operator sees it."""
    db = tmp_path / "policybot.db"
    SubscriptionStore(db).close()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LINE_", "POLICYBOT_"))}
    with write_locked(db):
        result = subprocess.run(
            [sys.executable, "-m", "bot", "line"],
            env={**inherited, **START_ENV, "POLICYBOT_DB": str(db)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    _one_line(result.stderr, str(db), "locked")


@pytest.mark.parametrize("command", ["line", "run"])
@pytest.mark.parametrize("damage", ["locked", "corrupt", "read-only"])
def test_an_unusable_database_at_start_is_one_line_and_exit_2(
    command: str, damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "policybot.db"
    env = {"POLICYBOT_DB": str(db)}
    if damage == "corrupt":
        db.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
        _one_line(_start(command, env, monkeypatch, capsys), str(db), "damaged")
        return
    SubscriptionStore(db).close()
    with write_locked(db) if damage == "locked" else read_only(db):
        err = _start(command, env, monkeypatch, capsys)
    _one_line(err, str(db), "locked" if damage == "locked" else "write")


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` unwritable by this process, its folder still writable (SQLite then opens the file
    read-only, and reads it fine). Root writes through file modes, so as root the file is made
    immutable instead."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], check=False).returncode:
        pytest.skip("running as root without chattr +i: cannot make a file read-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False)


@pytest.mark.parametrize(
    "command, env, name",
    [
        ("run", {"TELEGRAM_PUSH_RATE": "31"}, "TELEGRAM_PUSH_RATE"),
        ("run", {"TELEGRAM_PUSH_RATE": "fast"}, "TELEGRAM_PUSH_RATE"),
        ("line", {"LINE_PUSH_RATE": "0"}, "LINE_PUSH_RATE"),
    ],
)
def test_a_bad_setting_at_start_is_one_line_and_exit_2(
    command: str,
    env: dict[str, str],
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _one_line(_start(command, {"POLICYBOT_DB": str(tmp_path / "p.db"), **env}, monkeypatch, capsys), name)
