"""Serving the Telegram application: long polling, or a webhook of our own, and a shutdown in order.

The webhook is a small aiohttp app rather than PTB's (tornado reads a body of up to 100 MB before
anything checks the secret token): it refuses a request without the right
`X-Telegram-Bot-Api-Secret-Token` (compared in constant time) before reading its body, a declared
length over 1 MiB before reading, and never reads past 1 MiB; a body that is not JSON, is nested
too deep or is not an update is a 400 logged as one line without the body. Updates go to PTB's
update queue; the event log (a handler of group -1) drops an update id already handled.
GET /health answers from the event loop alone.

`serve()` runs until SIGTERM or SIGINT, then: stops starting reminder pushes at once (pushes in
flight finish and are recorded), closes the webhook (open requests get CLOSE_TIMEOUT) or stops
polling, lets PTB finish the updates it has taken on, and shuts down.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from collections.abc import Sequence
from contextlib import suppress
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from handlers.settings import TelegramSettings
from handlers.telegram import CHANNEL, SCHEDULER, TelegramApp
from handlers.webhook import CLOSE_TIMEOUT, MAX_BODY, health, parse_json, read_body
from reminders.scheduler import ReminderScheduler

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramWebhook:
    """POST <path>: Telegram's deliveries, checked before they are trusted."""

    def __init__(self, application: TelegramApp, secret: str) -> None:
        self._application = application
        self._secret = secret.encode()

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self._secret):
            log.warning("telegram webhook from %s rejected: missing or wrong secret token", request.remote)
            raise web.HTTPForbidden()
        body = await read_body(request, CHANNEL)
        data = parse_json(body)
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
            log.warning("telegram webhook rejected: the body (%d bytes) is not a Telegram update", len(body))
            raise web.HTTPBadRequest(text="not an update")
        try:
            update = Update.de_json(data, self._application.bot)
        except Exception as exc:  # PTB's parsing of a malformed update: say which, not what it held
            log.warning("telegram webhook rejected: update %d could not be read (%s)", update_id, type(exc).__name__)
            raise web.HTTPBadRequest(text="malformed update") from None
        await self._application.update_queue.put(update)
        return web.Response()


def webhook_app(application: TelegramApp, settings: TelegramSettings) -> web.Application:
    assert settings.webhook_url and settings.webhook_secret, "a webhook needs its URL and secret"
    app = web.Application(client_max_size=MAX_BODY)
    path = "/" + urlsplit(settings.webhook_url).path.strip("/")
    app.router.add_post(path, TelegramWebhook(application, settings.webhook_secret).receive)
    app.router.add_get("/health", health)
    return app


async def serve(
    application: TelegramApp,
    settings: TelegramSettings,
    *,
    stop: asyncio.Event | None = None,
    stop_signals: Sequence[signal.Signals] = (signal.SIGINT, signal.SIGTERM),
) -> None:
    """Run `application` (with its post_init and post_shutdown) until `stop` is set or a signal
    arrives; long polling, or the webhook when settings.webhook_url is set."""
    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    for sig in stop_signals:
        loop.add_signal_handler(sig, stop.set)
    runner: web.AppRunner | None = None
    try:
        await application.initialize()  # getMe: a rejected token fails here
        try:
            if application.post_init is not None:
                await application.post_init(application)
            if settings.webhook_url:
                runner = web.AppRunner(
                    webhook_app(application, settings), shutdown_timeout=CLOSE_TIMEOUT, access_log=None
                )
                await runner.setup()
                await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
                await application.bot.set_webhook(
                    settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=Update.ALL_TYPES
                )
            else:
                assert application.updater is not None
                await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            await application.start()
            await stop.wait()
        finally:
            await _stop(application, runner)
    finally:
        for sig in stop_signals:
            loop.remove_signal_handler(sig)


async def _stop(application: TelegramApp, runner: web.AppRunner | None) -> None:
    scheduler: ReminderScheduler | None = application.bot_data.get(SCHEDULER)
    reminders = None
    if scheduler is not None:
        scheduler.stop()  # first: no push starts from here on
        reminders = asyncio.ensure_future(scheduler.shutdown())
    if runner is not None:
        await runner.cleanup()
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    if reminders is not None:
        with suppress(Exception):
            await reminders
    if application.post_stop is not None:
        await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
