"""`policybot run`: the Telegram bot, by long polling or, with TELEGRAM_WEBHOOK_URL, by webhook."""

from __future__ import annotations

import argparse
import sys

from bot.config import Settings
from bot.logs import REDACTED, configure_logging

# python-telegram-bot is imported when the bot starts, not when any `policybot` command
# builds its argument parser: it keeps `policybot ask` quick.


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run", help="run the Telegram bot (TELEGRAM_BOT_TOKEN; webhook when TELEGRAM_WEBHOOK_URL is set)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from telegram.error import InvalidToken, NetworkError

    from bot.wiring import build_services
    from handlers.event_log import EventLog
    from handlers.telegram import CHANNEL, build_application
    from handlers.telegram_server import serve

    telegram = settings.telegram()
    configure_logging([telegram.token], quiet=("httpx", "apscheduler"))  # httpx logs URLs with the token
    services = build_services(settings)
    application = build_application(
        telegram, services.dialog, services.scheduler, events=EventLog(CHANNEL, services.store.db)
    )
    try:
        asyncio.run(serve(application, telegram))
    except InvalidToken:  # PTB's message quotes the token: never print it
        print(
            "policybot run: Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped? see @BotFather)", file=sys.stderr
        )
        return 2
    except NetworkError as exc:
        print(
            f"policybot run: cannot reach the Telegram Bot API: {str(exc).replace(telegram.token, REDACTED)}",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:  # e.g. the webhook port is taken
        print(f"policybot run: cannot serve the webhook: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        services.store.close()
    return 0
