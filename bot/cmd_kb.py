"""`policybot check-kb`: validate the knowledge base and summarise what it covers."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from knowledge import funding_rules, loader


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("check-kb", help="validate the knowledge base and print a summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        kb = loader.load()
    except loader.KnowledgeBaseError as exc:
        print(f"knowledge base error: {exc}", file=sys.stderr)
        return 1
    problems = loader.provenance_problems(kb)
    try:
        rules = funding_rules.read_raw()
        funding_rules.build_rules(rules, funding_rules.RULES_FILE.name, kb.documents)
        problems += [
            f"{funding_rules.RULES_FILE.name}: {p}"
            for p in funding_rules.provenance_problems(rules, loader.source_text(kb.documents[rules["document"]]))
        ]
    except (funding_rules.RulesError, KeyError) as exc:
        problems.append(f"calculator rules cannot be loaded: {exc}")
    per_topic = Counter(entry.topic for entry in kb.entries.values())
    per_document = Counter(entry.document.id for entry in kb.entries.values())
    phrasings = sum(len(e.phrasings[lang]) for e in kb.entries.values() for lang in ("zh", "en"))
    print(
        f"Knowledge base OK: {len(kb.entries)} entries, {phrasings} phrasings, "
        f"{sum(len(e.details) for e in kb.entries.values())} slot-specific details."
    )
    print("\nEntries per document:")
    for doc_id, document in kb.documents.items():
        print(f"  {per_document[doc_id]:4d}  {document.title.zh}")
    print("\nEntries per topic:")
    for key, name in kb.topics.items():
        print(f"  {per_topic[key]:4d}  {name.zh} ({key})")
    print("\nCoverage of the required sections:")
    gaps = loader.coverage_gaps(kb)
    for document in kb.documents.values():
        print(f"  {document.short.zh}")
        for label, ids in document.coverage.items():
            missing = gaps[document.id][label]
            mark = "✓" if not missing else "✗ missing " + ", ".join(missing)
            print(f"    {mark} {label} ({len(ids) - len(missing)}/{len(ids)} entries)")
        problems += [
            f"{document.short.zh} {label}: no entry {i}" for label, ids in gaps[document.id].items() for i in ids
        ]
    if problems:
        print(f"\n{len(problems)} provenance problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print("\nEvery quote is in the plan text, and every number in an answer or a calculator rule is backed by a quote.")
    return 0
