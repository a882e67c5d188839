"""Fixtures for the LINE tests (load with `pytest_plugins = ["line_fixtures"]`): `fake`, a running
FakeLine; `services`, the shared services on a fresh database; `line`, the LINE app serving them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import datetime
from pathlib import Path

import pytest
from fake_line import FakeLine
from line_harness import TOKEN, Line, serve

from bot.config import Settings
from bot.wiring import Services, build_services
from knowledge.engine import Engine
from reminders.calendar import TAIPEI
from reminders.push import PushChannel
from reminders.scheduler import ReminderScheduler

# The running scheduler's own heartbeat sees this moment, when no reminder is due yet, so it never
# competes with the run_due(now) calls of the tests.
QUIET = datetime(2020, 1, 1, 9, 0, tzinfo=TAIPEI)


@pytest.fixture(name="fake")
async def fake_fixture() -> AsyncIterator[FakeLine]:
    fake = FakeLine(TOKEN)
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture(name="services")
def services_fixture(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """The engine is loaded once per session."""
    monkeypatch.setattr(Engine, "load", classmethod(lambda cls, data_dir=None: engine))

    def quiet_scheduler(self: Services, channels: Mapping[str, PushChannel]) -> ReminderScheduler:
        return ReminderScheduler(self.store, self.calendar, channels, clock=lambda: QUIET)

    monkeypatch.setattr(Services, "scheduler", quiet_scheduler)
    services = build_services(Settings(db_path=tmp_path / "policybot.db"))
    yield services
    services.store.close()


@pytest.fixture(name="line")
async def line_fixture(fake: FakeLine, services: Services) -> AsyncIterator[Line]:
    async with serve(fake, services) as line:
        yield line
