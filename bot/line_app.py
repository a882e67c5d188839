"""The LINE web application with the reminder scheduler running inside it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from bot.wiring import Services
from handlers.event_log import EventLog
from handlers.line import CHANNEL, LINE_BOT, create_app
from handlers.settings import LineSettings
from reminders.scheduler import ReminderScheduler

REMINDERS = web.AppKey("reminders", ReminderScheduler)


def build_app(settings: LineSettings, services: Services, push_rate: int | None = None) -> web.Application:
    """The LINE web app with the reminder scheduler (app[REMINDERS]) running while it is up.

    The event log shares the reminder database, so a redelivery after a restart is still seen.
    Shutting down (SIGTERM, SIGINT) goes: stop listening; stop starting pushes at once, while the
    pushes in flight finish and are recorded and the deliveries taken on are answered (both
    bounded); give open webhook requests a short while (`shutdown_timeout` of run_app); close the
    API clients.
    """
    events = EventLog(CHANNEL, services.store.db)
    app = create_app(settings, services.dialog, events, push_rate or settings.push_rate)
    scheduler = services.scheduler({CHANNEL: app[LINE_BOT].push_channel})
    app[REMINDERS] = scheduler
    stopping: list[asyncio.Future[None]] = []

    async def stop_reminders(_app: web.Application) -> None:
        scheduler.stop()  # before anything waits: no push starts from here on
        stopping.append(asyncio.ensure_future(scheduler.shutdown()))

    async def reminders(_app: web.Application) -> AsyncIterator[None]:
        scheduler.start()
        try:
            yield
        finally:
            await (stopping[0] if stopping else scheduler.shutdown())

    app.on_shutdown.insert(0, stop_reminders)
    app.cleanup_ctx.append(reminders)  # after the API clients: stops before they close
    return app
