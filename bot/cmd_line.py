"""`policybot line`: the LINE webhook server, with the reminder scheduler running inside it.
`policybot line richmenu`: create (or replace) the LINE rich menu and make it the default."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    actions = parser.add_subparsers(dest="line_command", metavar="ACTION")
    richmenu = actions.add_parser(
        "richmenu",
        help="create the rich menu, upload its picture and make it the default (replaces the one it made before)",
        description="Create policybot's rich menu through the Messaging API, upload its picture, make it "
        "every user's default, then delete the rich menus policybot created earlier. Menus that "
        "policybot did not create are never deleted. Needs LINE_CHANNEL_ACCESS_TOKEN "
        "(and LINE_CHANNEL_SECRET, like the server).",
    )
    richmenu.add_argument("--image", type=Path, help="another PNG of 2500x1686 pixels, at most 1 MB")
    richmenu.set_defaults(func=rich_menu)


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


def rich_menu(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    import aiohttp

    from handlers.line_richmenu import install_with

    line = settings.line()
    configure_logging([line.channel_secret, line.access_token])
    image = None
    if args.image is not None:
        try:
            image = args.image.read_bytes()
        except OSError as exc:
            print(f"policybot line richmenu: cannot read {args.image}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    try:
        installed = asyncio.run(install_with(line, image))
    except (aiohttp.ClientError, TimeoutError) as exc:
        print(f"policybot line richmenu: cannot reach the LINE API: {type(exc).__name__}", file=sys.stderr)
        return 1
    print(installed.summary())
    return 0
