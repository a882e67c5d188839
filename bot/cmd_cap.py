"""`policybot cap`: a school's funding ceiling (附件2) from its mode, classes, domains and branch."""

from __future__ import annotations

import argparse
import json

from bot.config import Settings
from bot.wiring import load_knowledge
from handlers.replies import ceiling_details, source_line
from knowledge.calculators import SchoolFacts, ceiling


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "cap",
        help="funding ceiling of a school (附件2)",
        description="The most a school can be granted, part by part, with capital caps and sources.",
    )
    # Mode and domains are validated by SchoolFacts (not argparse choices) for a one-line message.
    parser.add_argument("--mode", type=int, required=True, metavar="{1,2}", help="1 or 2")
    parser.add_argument("--classes", type=int, required=True, metavar="N", help="classes of the main campus (1-200)")
    parser.add_argument("--domains", type=int, metavar="{1,2}", help="mode 2: 部領 domains, 1 or 2 (two or more)")
    parser.add_argument("--branch", action="store_true", help="the plan includes a branch school or classes")
    parser.add_argument("--open-classroom", action="store_true", help="mode 2: volunteer to open classrooms")
    parser.add_argument("--json", action="store_true", help="print JSON (amounts in NT$ as integers)")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of the output (default zh)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    rules = load_knowledge(settings.data_dir).rules
    facts = SchoolFacts(
        mode=args.mode,
        classes=args.classes,
        domains=args.domains,
        branch=args.branch,
        open_classroom=args.open_classroom,
    )
    result = ceiling(rules, facts)
    lang = args.lang or "zh"
    if args.json:
        print(json.dumps(result.to_json(lang), ensure_ascii=False, indent=2))
    else:
        print(ceiling_details(result, lang))
        print(source_line(result.sources(lang), lang))
    return 0
