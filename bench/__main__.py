"""Accuracy, latency, throughput and memory of policybot's engine and two baselines; conversations
through the dialog, turn by turn (bench/turns.py); then the reminder fan-out and webhook
throughput against the fake platforms (bench/reliability.py).

Run with `make bench`. Every system answers the same questions from the same knowledge
base; the baselines are difflib over the phrasings and BM25 over jieba tokens. A baseline
answers "none" below a score threshold, and each gets the threshold that suits it best on
this very set: a generous comparison, so policybot's lead is not flattered.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from bench import reliability, turns
from bench.dataset import HOLDOUT, NONE, Question, is_correct, load_questions

if TYPE_CHECKING:
    from knowledge.engine import Engine

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
TARGETS = {"accuracy_lead_points": 15.0, "p99_ms": 5.0, "load_s": 1.0, "rss_mb": 150.0}


@dataclass
class Result:
    system: str
    accuracy: float
    p50_ms: float
    p99_ms: float
    qps: float


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(name: str, questions: list[Question], predict: Callable[[str], str | None]) -> Result:
    latencies, correct = [], 0
    started = time.perf_counter()
    for question in questions:
        t0 = time.perf_counter()
        intent = predict(question.q)
        latencies.append((time.perf_counter() - t0) * 1000)
        correct += is_correct(question, intent)
    elapsed = time.perf_counter() - started
    return Result(
        name,
        100.0 * correct / len(questions),
        statistics.median(latencies),
        _percentile(latencies, 0.99),
        len(questions) / elapsed,
    )


def best_threshold(questions: list[Question], scored: list[tuple[str, float]]) -> float:
    """The 'none' threshold that maximises a baseline's accuracy on the set."""
    candidates = [*sorted({score for _, score in scored}), float("inf")]

    def accuracy(threshold: float) -> int:
        return sum(
            is_correct(q, intent if score >= threshold else None)
            for q, (intent, score) in zip(questions, scored, strict=False)
        )

    return max(candidates, key=accuracy)


def difflib_baseline(engine: Engine) -> Callable[[str], tuple[str, float]]:
    from difflib import SequenceMatcher

    choices = [
        (engine.normalize.base(p), entry.id)
        for entry in engine.kb.entries.values()
        for lang in ("zh", "en")
        for p in entry.phrasings[lang]
    ]

    def score(question: str) -> tuple[str, float]:
        text = engine.normalize.base(question)
        best = max(choices, key=lambda c: SequenceMatcher(None, text, c[0]).ratio())
        return best[1], SequenceMatcher(None, text, best[0]).ratio()

    return score


def bm25_baseline(engine: Engine) -> Callable[[str], tuple[str, float]]:
    import logging

    import jieba
    from rank_bm25 import BM25Okapi

    jieba.setLogLevel(logging.WARNING)
    entries = list(engine.kb.entries.values())
    corpus = [
        [t for t in jieba.lcut(engine.normalize.base(" ".join(e.phrasings["zh"] + e.phrasings["en"]))) if t.strip()]
        for e in entries
    ]
    bm25 = BM25Okapi(corpus)

    def score(question: str) -> tuple[str, float]:
        tokens = [t for t in jieba.lcut(engine.normalize.base(question)) if t.strip()]
        scores = bm25.get_scores(tokens) if tokens else [0.0] * len(entries)
        best = max(range(len(entries)), key=lambda i: scores[i])
        return entries[best].id, float(scores[best])

    return score


def thresholded(questions: list[Question], scorer: Callable[[str], tuple[str, float]]) -> Callable[[str], str | None]:
    threshold = best_threshold(questions, [scorer(q.q) for q in questions])

    def predict(question: str) -> str | None:
        intent, score = scorer(question)
        return intent if score >= threshold else None

    return predict


def compare_scorers(questions: list[Question]) -> None:
    """Accuracy of the engine with each rapidfuzz scorer (and pair) in place of the default."""
    from rapidfuzz import fuzz

    from knowledge.engine import Engine
    from knowledge.matcher import Matcher

    engine = Engine.load()
    variants = {
        "ratio": (fuzz.ratio,),
        "partial_ratio": (fuzz.partial_ratio,),
        "WRatio": (fuzz.WRatio,),
        "token_sort_ratio": (fuzz.token_sort_ratio,),
        "token_set_ratio": (fuzz.token_set_ratio,),
        "partial_token_set_ratio": (fuzz.partial_token_set_ratio,),
        "token_set + ratio": (fuzz.token_set_ratio, fuzz.ratio),
        "token_set + WRatio": (fuzz.token_set_ratio, fuzz.WRatio),
        "token_set + token_sort (default)": (fuzz.token_set_ratio, fuzz.token_sort_ratio),
    }
    print(f"{'scorer over character units':<34} {'accuracy':>9}")
    for name, scorers in variants.items():
        engine.matcher = Matcher(engine.kb, engine.normalize, scorers)
        result = measure(name, questions, lambda q: engine.answer(q).intent)
        print(f"{name:<34} {result.accuracy:8.1f}%")
    compare_normalisation(questions)


def _intent_of(engine: Engine) -> Callable[[str], str | None]:
    return lambda question: engine.answer(question).intent


def compare_normalisation(questions: list[Question]) -> None:
    """What each normalisation step is worth: the default engine without it."""
    import dataclasses

    from knowledge import matcher
    from knowledge.engine import Engine

    kb = Engine.load().kb
    print(f"\n{'normalisation':<34} {'accuracy':>9}")
    variants = {
        "all steps (default)": Engine(kb),
        "without synonyms and typo folding": Engine(dataclasses.replace(kb, synonyms={})),
    }
    for name, variant in variants.items():
        print(f"{name:<34} {measure(name, questions, _intent_of(variant)).accuracy:8.1f}%")
    original_units = matcher.units
    matcher.units = lambda text: text  # whole strings: token scorers see Chinese as one token
    try:
        engine = Engine(kb)
        name = "whole strings, no character units"
        print(f"{name:<34} {measure(name, questions, lambda q: engine.answer(q).intent).accuracy:8.1f}%")
    finally:
        matcher.units = original_units


def main() -> int:
    if "--scorers" in sys.argv[1:]:
        compare_scorers(load_questions())
        return 0
    if "--reliability" in sys.argv[1:]:  # only the fan-out and webhook runs
        return 0 if all(ok for _, ok in reliability.report(reliability.measure()).values()) else 1
    if "--turns" in sys.argv[1:]:  # only the conversations
        from bot.wiring import load_knowledge

        return 0 if all(ok for _, ok in turns.report(turns.measure(load_knowledge())).values()) else 1
    process = psutil.Process()
    rss_before = process.memory_info().rss
    t0 = time.perf_counter()
    from knowledge.engine import Engine

    engine = Engine.load()
    engine.answer("暖身")  # first call loads the Simplified-to-Traditional tables
    load_s = time.perf_counter() - t0
    rss_mb = process.memory_info().rss / 2**20
    questions = load_questions()

    results = [measure("policybot", questions, lambda q: engine.answer(q).intent)]
    results.append(measure("difflib", questions, thresholded(questions, difflib_baseline(engine))))
    results.append(measure("bm25+jieba", questions, thresholded(questions, bm25_baseline(engine))))

    mine, baselines = results[0], results[1:]
    lead = mine.accuracy - max(r.accuracy for r in baselines)
    print(
        f"{len(questions)} questions ({sum(q.expect == NONE for q in questions)} unanswerable), "
        f"{len(engine.kb.entries)} entries\n"
    )
    print(f"{'system':<12} {'accuracy':>9} {'p50 ms':>8} {'p99 ms':>8} {'q/s':>9}")
    for r in results:
        print(f"{r.system:<12} {r.accuracy:8.1f}% {r.p50_ms:8.3f} {r.p99_ms:8.3f} {r.qps:9.0f}")
    holdout = load_questions(HOLDOUT)
    holdout_results = [
        measure("policybot", holdout, lambda q: engine.answer(q).intent),
        measure("difflib", holdout, thresholded(holdout, difflib_baseline(engine))),
        measure("bm25+jieba", holdout, thresholded(holdout, bm25_baseline(engine))),
    ]
    print(f"\nblind hold-out set: {len(holdout)} questions")
    for r in holdout_results:
        print(f"{r.system:<12} {r.accuracy:8.1f}%")
    checks = {
        "accuracy_lead_points": (lead, lead >= TARGETS["accuracy_lead_points"]),
        "p99_ms": (mine.p99_ms, mine.p99_ms < TARGETS["p99_ms"]),
        "load_s": (load_s, load_s < TARGETS["load_s"]),
        "rss_mb": (rss_mb, rss_mb < TARGETS["rss_mb"]),
    }
    print(f"\nload+index {load_s:.3f} s, resident memory {rss_mb:.1f} MB (process start {rss_before / 2**20:.1f} MB)")
    for name, (value, ok) in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name} = {value:.3f} (target {TARGETS[name]})")
    from bot.wiring import load_knowledge

    conversation = turns.measure(load_knowledge())
    checks |= turns.report(conversation)
    for name, (value, ok) in checks.items():
        if name.startswith("turn_"):
            print(f"  {'PASS' if ok else 'FAIL'}  {name} = {value:.3f} (target {turns.P99_TARGET_MS})")
    delivery = reliability.measure()
    delivery_checks = reliability.report(delivery)
    for name, (value, ok) in delivery_checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name} = {value:.3f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "questions": len(questions),
                "results": [asdict(r) for r in results],
                "holdout": {"questions": len(holdout), "results": [asdict(r) for r in holdout_results]},
                "load_s": load_s,
                "rss_mb": rss_mb,
                "targets": TARGETS,
                "checks": {k: {"value": v, "pass": ok} for k, (v, ok) in {**checks, **delivery_checks}.items()},
                "conversations": turns.as_json(conversation),
                "reliability": delivery,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"\nwrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return 0 if all(ok for _, ok in {**checks, **delivery_checks}.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
