"""`policybot line`: the LINE webhook server, with the reminder scheduler running inside it."""

from __future__ import annotations

import argparse
import sys

from bot.config import Settings
from bot.logs import configure_logging

# The LINE SDK is imported when the server starts, not when any `policybot` command builds
# its argument parser: it keeps `policybot ask` quick.


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "line",
        help="serve the LINE webhook at /callback (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN)",
        description="Serve the LINE Messaging API webhook on LINE_WEBHOOK_HOST:LINE_WEBHOOK_PORT "
        "(default 0.0.0.0:8000), path /callback, health check at /health, and push "
        "deadline reminders to LINE subscribers.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from aiohttp import web

    from bot.line_app import build_app
    from bot.wiring import build_services
    from handlers.webhook import CLOSE_TIMEOUT

    line = settings.line()
    services = build_services(settings)
    configure_logging([line.channel_secret, line.access_token])
    try:
        web.run_app(build_app(line, services), host=line.host, port=line.port, shutdown_timeout=CLOSE_TIMEOUT)
    except OSError as exc:  # e.g. the port is taken
        print(f"policybot line: cannot serve on {line.host}:{line.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        services.store.close()
    return 0
