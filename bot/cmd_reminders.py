"""CLI: `policybot deadlines` and `policybot reminders {due,subscribe,unsubscribe}`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime

from knowledge.textnorm import excerpt
from reminders import schedule, texts
from reminders.calendar import CalendarError, PlanCalendar, as_taipei, taipei_now
from reminders.commands import ReminderCommands
from reminders.store import StoreError, SubscriptionStore


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("deadlines", help="list the plan deadlines on or after a date, with days left")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the date to count from (default: today in Asia/Taipei)")
    p.add_argument(
        "--json", action="store_true", help='print a JSON list of {"id", "title", "date", "days_left", "source"}'
    )
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of titles and sources (default zh)")
    p.set_defaults(func=deadlines)

    r = subparsers.add_parser("reminders", help="deadline reminders: what is due, subscriptions (POLICYBOT_DB)")
    commands = r.add_subparsers(dest="reminders_command", metavar="{due,subscribe,unsubscribe}", required=True)

    due = commands.add_parser("due", help="the reminders that would be sent at a moment")
    due.add_argument("--at", required=True, metavar='"YYYY-MM-DD HH:MM"', help="the moment, Asia/Taipei time")
    due.add_argument("--json", action="store_true", help="print a JSON list")
    due.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of titles (default zh)")
    due.set_defaults(func=reminders_due)

    sub = commands.add_parser("subscribe", help="subscribe a chat (e.g. for testing or on a coordinator's behalf)")
    _chat_args(sub)
    sub.add_argument("--kinds", default="", help="kinds, as in /subscribe, e.g. closeout,open_classroom (default all)")
    sub.add_argument(
        "--lead-days", default="", metavar="30,14,7,1", help="days before each deadline (default 30,14,7,1)"
    )
    sub.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the reminders (default zh)")
    sub.set_defaults(func=reminders_subscribe)

    unsub = commands.add_parser("unsubscribe", help="remove a chat's subscription")
    _chat_args(unsub)
    unsub.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the reply (default zh)")
    unsub.set_defaults(func=reminders_unsubscribe)


def _chat_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--channel", default="cli", help="telegram, line or cli (default cli)")
    parser.add_argument("--chat", required=True, help="the chat id on that channel")


def _error(message: str, code: int) -> int:
    print(f"policybot: {message}", file=sys.stderr)
    return code


def _shown(value: str) -> str:
    """A user's value quoted in an error line: printable and short."""
    return repr(excerpt(value, 40))


def deadlines(args: argparse.Namespace) -> int:
    try:
        on = date.fromisoformat(args.on) if args.on else taipei_now().date()
    except ValueError:
        return _error(f"--on must be a date like 2027-08-01, not {_shown(args.on)}", 2)
    try:
        calendar = PlanCalendar.load()
    except CalendarError as exc:
        return _error(str(exc), 1)
    upcoming = calendar.deadlines(after=on)
    if args.json:
        rows = [
            {
                "id": d.id,
                "title": d.title(args.lang),
                "date": d.date.isoformat(),  # type: ignore[union-attr]
                "days_left": texts.days_left(d, on),
                "source": d.source_text(args.lang),
            }
            for d in upcoming
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print("\n".join(texts.deadline_block(d, on, args.lang) for d in upcoming) or "-")
    undated = calendar.undated()
    if undated:
        print(
            "\nNot dated yet (add `date:` in knowledge/data/calendar.yaml):"
            if args.lang == "en"
            else "\n尚未訂定日期（可在 knowledge/data/calendar.yaml 填入 date）："
        )
        print("\n".join(texts.undated_block(d, args.lang) for d in undated))
    return 0


def _moment(text: str) -> datetime:
    """ "YYYY-MM-DD HH:MM" (also H:MM, or any ISO 8601 form); naive means Asia/Taipei."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        return datetime.fromisoformat(text.strip())


def reminders_due(args: argparse.Namespace) -> int:
    try:
        at = as_taipei(_moment(args.at))
    except ValueError:
        return _error(f'--at must be a moment like "2027-08-31 09:00" (Asia/Taipei), not {_shown(args.at)}', 2)
    try:
        calendar = PlanCalendar.load()
        store = SubscriptionStore()
        try:
            due = schedule.due(store.subscriptions(), calendar.deadlines(after=at.date()), at, store.settled())
        finally:
            store.close()
    except (CalendarError, StoreError) as exc:
        return _error(str(exc), 1)
    rows = [
        {
            "channel": r.subscription.channel,
            "chat_id": r.subscription.chat_id,
            "deadline_id": r.deadline.id,
            "title": r.deadline.title(args.lang),
            "date": r.deadline.date.isoformat(),  # type: ignore[union-attr]
            "lead_days": r.lead_days,
            "scheduled_at": r.at.isoformat(),
            "days_left": texts.days_left(r.deadline, at.date()),
        }
        for r in due
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print(f"no reminders due at {texts.moment(at)} (Asia/Taipei)")
    else:
        for row in rows:
            print(
                f"{texts.moment(datetime.fromisoformat(str(row['scheduled_at'])))}  {row['channel']}:{row['chat_id']}  "
                f"{row['lead_days']}d before {row['date']}  {row['deadline_id']}  {row['title']}"
            )
    return 0


def reminders_subscribe(args: argparse.Namespace) -> int:
    def action(commands: ReminderCommands) -> int:
        ok, reply = commands.try_subscribe(args.channel, args.chat, f"{args.kinds} {args.lead_days}", args.lang)
        print(reply, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 2

    return _with_commands(action)


def reminders_unsubscribe(args: argparse.Namespace) -> int:
    def action(commands: ReminderCommands) -> int:
        print(commands.unsubscribe(args.channel, args.chat, args.lang))
        return 0

    return _with_commands(action)


def _with_commands(action: Callable[[ReminderCommands], int]) -> int:
    try:
        calendar = PlanCalendar.load()
        store = SubscriptionStore()
    except (CalendarError, StoreError) as exc:
        return _error(str(exc), 1)
    try:
        return action(ReminderCommands(store, calendar))
    finally:
        store.close()
