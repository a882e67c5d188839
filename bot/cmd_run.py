"""`policybot run`: the Telegram bot, by long polling or, with TELEGRAM_WEBHOOK_URL, by webhook."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot import config
from bot.logs import REDACTED, configure_logging

if TYPE_CHECKING:
    from telegram.ext import Application

# python-telegram-bot is imported when the bot starts, not when any `policybot` command
# builds its argument parser: it keeps `policybot ask` quick.


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "run", help="run the Telegram bot (TELEGRAM_BOT_TOKEN; webhook when TELEGRAM_WEBHOOK_URL is set)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.wiring import build_services
    from handlers.telegram import build_application
    from knowledge.loader import KnowledgeBaseError
    from reminders.calendar import CalendarError
    from reminders.store import StoreError

    try:
        settings = config.telegram()
    except config.ConfigError as exc:
        print(f"policybot run: {exc}", file=sys.stderr)
        return 2
    configure_logging([settings.token], quiet=("httpx", "apscheduler"))  # httpx logs URLs with the token
    try:
        services = build_services(config.db_path())
    except (KnowledgeBaseError, CalendarError, StoreError) as exc:
        print(f"policybot run: {exc}", file=sys.stderr)
        return 2
    application = build_application(settings, services)
    try:
        serve(application, settings)
    except InvalidToken:  # PTB's message quotes the token: never print it
        print(
            "policybot run: Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped? see @BotFather)", file=sys.stderr
        )
        return 2
    except NetworkError as exc:
        print(
            f"policybot run: cannot reach the Telegram Bot API: {str(exc).replace(settings.token, REDACTED)}",
            file=sys.stderr,
        )
        return 1
    return 0


def serve(application: Application[Any, Any, Any, Any, Any, Any], settings: config.TelegramSettings) -> None:
    """Long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set; returns on SIGINT or SIGTERM."""
    from telegram import Update

    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.strip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
