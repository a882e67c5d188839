"""`policybot report`: what teachers asked, what policybot could not answer, what was marked wrong.

Reads the interaction log in POLICYBOT_DB (no salt needed: the report never shows a chat).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from bot import report
from bot.config import Settings
from bot.report_html import html
from bot.wiring import load_knowledge
from knowledge.errors import PolicybotError
from knowledge.textnorm import excerpt
from reminders.database import Database
from reminders.interactions import read


class ReportError(PolicybotError):
    """An option of `policybot report` cannot be used."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="the maintainers' report: unanswered questions, answers marked wrong, topics, weekly share",
        description="Read the interaction log (POLICYBOT_DB) and report the questions policybot could not "
        "answer (grouped by similarity), the answers marked wrong with their comments, the most-asked "
        "topics and the share of confident answers week by week.",
    )
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="only turns on or after this day (Asia/Taipei)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--html", metavar="FILE", type=Path, help="also write a self-contained HTML page with charts")
    parser.add_argument(
        "--export",
        metavar="FILE",
        type=Path,
        help="also write the unanswered questions as knowledge-base YAML stubs to complete",
    )
    parser.set_defaults(func=run)


def _since(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ReportError(f"--since must be a day like 2026-03-01, not {excerpt(value, 40)!r}") from None


def _write(path: Path, content: str, what: str) -> None:
    try:
        path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot write the {what} to {path}: {exc.strerror or exc}") from exc


def run(args: argparse.Namespace, settings: Settings) -> int:
    since = _since(args.since)
    engine = load_knowledge(settings.data_dir).engine
    db = Database(settings.db_path)
    try:
        rows, skipped = read(db, report.since_timestamp(since) if since else None)
    finally:
        db.close()
    data = report.build(rows, skipped, engine, since)
    if args.html:
        _write(args.html, html(data), "HTML report")
    if args.export:
        _write(args.export, report.stubs(data, engine), "knowledge-base stubs")
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(report.text(data))
        for path, what in ((args.html, "HTML report"), (args.export, "stubs")):
            if path:
                print(f"\n{what}: {path}", file=sys.stderr)
    return 0
