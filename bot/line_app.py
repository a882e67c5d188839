"""The LINE web application with the reminder scheduler running inside it."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from bot import config
from bot.wiring import Services
from handlers.line import CHANNEL, LINE_BOT, EventLog, create_app
from reminders.scheduler import ReminderScheduler

REMINDERS = web.AppKey("reminders", ReminderScheduler)


def build_app(settings: config.LineSettings, services: Services, push_rate: int | None = None) -> web.Application:
    """The LINE web app with the reminder scheduler (app[REMINDERS]) running while it is up.

    The event log shares the reminder database, so a redelivery after a restart is still seen.
    """
    events = EventLog(services.store.path)
    app = create_app(settings, services.dialog, events, push_rate or settings.push_rate)
    scheduler = services.scheduler({CHANNEL: app[LINE_BOT].push_channel})
    app[REMINDERS] = scheduler

    async def reminders(_app: web.Application) -> AsyncIterator[None]:
        scheduler.start()
        try:
            yield
        finally:
            await scheduler.shutdown()

    async def close_event_log(_app: web.Application) -> None:
        events.close()

    app.cleanup_ctx.append(reminders)  # after the API clients: stops before they close
    app.on_cleanup.append(close_event_log)
    return app
