"""The `policybot` command line (also `python -m bot`).

Each subcommand lives in a module `bot/cmd_<name>.py` with a `register(subparsers)` function that
adds its parser and sets `func(args, settings)` (returning the exit status); COMMANDS lists them.
Whatever a user or operator can get wrong ends as a `PolicybotError`, caught here once: one line
naming the file or setting on stderr, exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot import cmd_ask, cmd_budget, cmd_cap, cmd_chat, cmd_kb, cmd_line, cmd_reminders, cmd_report, cmd_run
from bot.config import Settings
from knowledge.errors import PolicybotError

COMMANDS = (cmd_ask, cmd_chat, cmd_cap, cmd_budget, cmd_reminders, cmd_run, cmd_line, cmd_kb, cmd_report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policybot",
        description="Answers, calculators and deadline reminders for Taiwan's school funding plans.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args, Settings.from_env()) or 0)
    except PolicybotError as error:
        print(f"policybot {args.command}: {error.line(getattr(args, 'lang', None))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
