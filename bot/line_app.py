"""The LINE web application with the reminder scheduler running inside it."""

from __future__ import annotations

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
    """
    events = EventLog(CHANNEL, services.store.db)
    app = create_app(settings, services.dialog, events, push_rate or settings.push_rate)
    scheduler = services.scheduler({CHANNEL: app[LINE_BOT].push_channel})
    app[REMINDERS] = scheduler

    async def reminders(_app: web.Application) -> AsyncIterator[None]:
        scheduler.start()
        try:
            yield
        finally:
            await scheduler.shutdown()

    app.cleanup_ctx.append(reminders)  # after the API clients: stops before they close
    return app
