"""`policybot check-budget FILE`: every rule of 附件2/附件3 a budget file breaks.

Exit status: 0 no violations (warnings allowed), 1 violations found, 2 the file (or the
school's facts) cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.cmd_cap import error_line
from knowledge.budget import BudgetFileError, check_budget, format_report
from knowledge.calculators import InvalidFacts, SchoolFacts


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check-budget",
        help="check a budget file (CSV or YAML) against the plan's rules",
        description="Check a budget (CSV or YAML; UTF-8, UTF-8 with BOM or Big5) against 附件2 and 附件3. "
        "Give the school's facts to compare each part with its ceiling.",
    )
    parser.add_argument("file", metavar="FILE", help="budget file: .csv, .tsv, .txt, .yaml or .yml")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--mode", type=int, metavar="{1,2}", help="the school's mode, to check the ceilings")
    parser.add_argument("--classes", type=int, metavar="N", help="classes of the main campus")
    parser.add_argument("--domains", type=int, metavar="{1,2}", help="mode 2: 部領 domains, 1 or 2 (two or more)")
    parser.add_argument("--branch", action="store_true", help="the plan includes a branch school or classes")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of the report (default zh)")
    parser.set_defaults(func=run)


def _facts(args: argparse.Namespace) -> SchoolFacts | None:
    if args.mode is None and args.classes is None and args.domains is None and not args.branch:
        return None
    facts = SchoolFacts(mode=args.mode, classes=args.classes, domains=args.domains, branch=args.branch)
    if facts.missing():
        names = {"mode": "--mode", "classes": "--classes", "domains": "--domains"}
        needed = " ".join(names[m] for m in facts.missing())
        raise InvalidFacts(f"要比對補助上限還需要 {needed}。", f"to compare with the ceiling, also give {needed}.")
    return facts


def run(args: argparse.Namespace) -> int:
    lang = args.lang or "zh"
    try:
        facts = _facts(args)
    except InvalidFacts as error:
        print(f"policybot check-budget: {error_line(error, args.lang)}", file=sys.stderr)
        return 2
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(f"policybot check-budget: 無法讀取 {path}（{reason}） / cannot read {path} ({reason})", file=sys.stderr)
        return 2
    try:
        report = check_budget(content, path.name, facts)
    except BudgetFileError as error:
        print(f"policybot check-budget: {path.name}: {error_line(error, args.lang)}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(lang), ensure_ascii=False, indent=2))
    else:
        print(format_report(report, lang))
    return 0 if report.ok else 1
