"""Fan-out and webhook throughput of real `policybot line` / `policybot run` processes against the
fake platforms of tests/ (`make bench`). The fakes and the webhook client run in this process, the
bot in its own, as in production (on a 2-core machine they then get a core each).

- Reminder fan-out: 5,000 LINE subscribers with a reminder due, pushed by the real scheduler at a
  configured LINE_PUSH_RATE, the fake answering each push in 20 ms: pushes per second against that
  rate, and the most pushes LINE saw in any one second. The same for Telegram at its 30 per second
  (on fewer subscribers: 5,000 would take three minutes at that rate).
- Webhook throughput: 2,000 signed LINE deliveries, 50 at a time, each a question answered
  through the reply API, while a 5,000-subscriber fan-out runs at the default 100 pushes a second;
  with the API answering at once and 100 ms late. Events answered per second, and how many.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
SUBSCRIBERS = 5000
TELEGRAM_SUBSCRIBERS = 600
LINE_RATES = (100, 1000)
TELEGRAM_RATE = 30
WEBHOOK_PUSH_RATE = 100
EVENTS, EVENT_CONCURRENCY = 2000, 50


def _tests(module: str) -> Any:
    """A helper module of the test suite (the fakes are tests/' own, not part of policybot)."""
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    return importlib.import_module(module)


def _busiest_second(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def _rate(times: list[float]) -> float:
    """Pushes per second from the first to the last one the platform saw."""
    return (len(times) - 1) / (max(times) - min(times)) if len(times) > 1 else 0.0


async def _until(condition: Callable[[], bool], limit: float, what: str) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"bench: timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def line_fan_out(folder: Path, rate: int) -> dict[str, Any]:
    fake_line, harness, faults = _tests("fake_line"), _tests("line_harness"), _tests("fault_harness")
    fake = fake_line.FakeLine(harness.TOKEN)
    await fake.start()
    fake.latency = 0.02
    db = folder / f"line-{rate}.db"
    users = [f"U{i:032x}" for i in range(SUBSCRIBERS)]
    faults.subscribe_due_now(db, "line", users)
    port = faults.free_port()
    bot = await faults.start_bot("line", _line_env(harness, fake, db, port, rate), folder / "line.log")
    try:
        await _until(lambda: len(fake.delivered) >= SUBSCRIBERS, SUBSCRIBERS / rate * 3 + 60, "the LINE fan-out")
        await bot.terminate()
    finally:
        await bot.kill()
        await fake.close()
    times = [c.at for c in fake.delivered]
    return {
        "channel": "line",
        "subscribers": SUBSCRIBERS,
        "configured_rate": rate,
        "sent": len({c.body["to"] for c in fake.delivered}),
        "seconds": max(times) - min(times),
        "pushes_per_s": _rate(times),
        "busiest_second": _busiest_second(times),
    }


async def telegram_fan_out(folder: Path) -> dict[str, Any]:
    fake_telegram, faults = _tests("fake_telegram"), _tests("fault_harness")
    fake = await fake_telegram.FakeTelegram().start()
    fake.latency = 0.02
    db = folder / "telegram.db"
    faults.subscribe_due_now(db, "telegram", [str(10_000 + i) for i in range(TELEGRAM_SUBSCRIBERS)])
    stamps: list[float] = []
    original = fake._api_sendmessage

    async def stamped(params: dict[str, Any]) -> Any:
        stamps.append(time.monotonic())
        return await original(params)

    fake._api_sendmessage = stamped
    env = {
        "TELEGRAM_BOT_TOKEN": fake_telegram.TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_PUSH_RATE": str(TELEGRAM_RATE),
        "POLICYBOT_DB": str(db),
    }
    bot = await faults.start_bot("run", env, folder / "run.log")
    try:
        await _until(
            lambda: len(stamps) >= TELEGRAM_SUBSCRIBERS,
            TELEGRAM_SUBSCRIBERS / TELEGRAM_RATE * 3 + 60,
            "the Telegram fan-out",
        )
        await bot.terminate()
    finally:
        await bot.kill()
        await fake.stop()
    return {
        "channel": "telegram",
        "subscribers": TELEGRAM_SUBSCRIBERS,
        "configured_rate": TELEGRAM_RATE,
        "sent": len(stamps),
        "seconds": max(stamps) - min(stamps),
        "pushes_per_s": _rate(stamps),
        "busiest_second": _busiest_second(stamps),
    }


async def webhook_throughput(folder: Path, latency: float) -> dict[str, Any]:
    """EVENTS deliveries while a fan-out of SUBSCRIBERS runs at WEBHOOK_PUSH_RATE."""
    fake_line, harness, faults = _tests("fake_line"), _tests("line_harness"), _tests("fault_harness")
    fake = fake_line.FakeLine(harness.TOKEN)
    await fake.start()
    fake.latency = latency
    db = folder / f"webhook-{latency}.db"
    faults.subscribe_due_now(db, "line", [f"U{i:032x}" for i in range(SUBSCRIBERS)])
    port = faults.free_port()
    url = f"http://127.0.0.1:{port}"
    bot = await faults.start_bot("line", _line_env(harness, fake, db, port, WEBHOOK_PUSH_RATE), folder / "wh.log")
    try:
        await faults.wait_healthy(url, bot)
        await _until(lambda: len(fake.delivered) >= 50, 30, "the fan-out to start")
        limit = asyncio.Semaphore(EVENT_CONCURRENCY)
        async with aiohttp.ClientSession() as session:

            async def deliver(i: int) -> int:
                source = {"type": "user", "userId": f"V{i:032x}"}
                event = harness.text_event("結案要什麼時候交？", source=source)
                body = json.dumps({"destination": "Ubot", "events": [event]}, ensure_ascii=False).encode()
                headers = {"Content-Type": "application/json", "X-Line-Signature": harness.sign(body)}
                async with limit, session.post(f"{url}/callback", data=body, headers=headers) as response:
                    return response.status

            started = time.monotonic()
            statuses = await asyncio.gather(*(deliver(i) for i in range(EVENTS)))
            await _until(lambda: len(fake.replies()) >= EVENTS, 180, "the replies")
            took = time.monotonic() - started
        pushed = len(fake.delivered)
        await bot.terminate()
    finally:
        await bot.kill()
        await fake.close()
    return {
        "api_latency_ms": latency * 1000,
        "events": EVENTS,
        "accepted": sum(1 for s in statuses if s == 200),
        "answered": len(fake.replies()),
        "seconds": took,
        "events_per_s": len(fake.replies()) / took,
        "pushes_meanwhile": pushed,
    }


def _line_env(harness: Any, fake: Any, db: Path, port: int, rate: int) -> dict[str, str]:
    return {
        "LINE_CHANNEL_SECRET": harness.SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": harness.TOKEN,
        "LINE_WEBHOOK_HOST": "127.0.0.1",
        "LINE_WEBHOOK_PORT": str(port),
        "LINE_API_BASE_URL": fake.base_url,
        "LINE_DATA_API_BASE_URL": fake.base_url,
        "LINE_PUSH_RATE": str(rate),
        "POLICYBOT_DB": str(db),
    }


async def _measure() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        fan_outs = [await line_fan_out(path, rate) for rate in LINE_RATES]
        fan_outs.append(await telegram_fan_out(path))
        webhooks = [await webhook_throughput(path, latency) for latency in (0.0, 0.1)]
    return {"fan_out": fan_outs, "webhook": webhooks}


def measure() -> dict[str, Any]:
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    return asyncio.run(_measure())


def report(results: dict[str, Any]) -> dict[str, tuple[float, bool]]:
    """Print the tables; the checks: never above the rate, every subscriber reached, every event
    answered."""
    print(f"\n{'fan-out':<10} {'subscribers':>11} {'rate':>6} {'pushes/s':>9} {'busiest 1 s':>12} {'seconds':>8}")
    checks: dict[str, tuple[float, bool]] = {}
    for r in results["fan_out"]:
        print(
            f"{r['channel']:<10} {r['subscribers']:>11} {r['configured_rate']:>6} {r['pushes_per_s']:>9.1f}"
            f" {r['busiest_second']:>12} {r['seconds']:>8.1f}"
        )
        name = f"{r['channel']}_{r['configured_rate']}_busiest_second"
        ok = r["busiest_second"] <= r["configured_rate"] and r["sent"] == r["subscribers"]
        checks[name] = (r["busiest_second"], ok)
    print(f"\n{'webhook, API latency':<22} {'events':>7} {'answered':>9} {'events/s':>9} {'pushes meanwhile':>17}")
    for w in results["webhook"]:
        print(
            f"{w['api_latency_ms']:>19.0f} ms {w['events']:>7} {w['answered']:>9} {w['events_per_s']:>9.1f}"
            f" {w['pushes_meanwhile']:>17}"
        )
        checks[f"webhook_{w['api_latency_ms']:.0f}ms_answered"] = (w["answered"], w["answered"] == w["events"])
    return checks
