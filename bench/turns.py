"""Conversations through the shared dialog, as a chat has them: turn accuracy, the
confident-but-wrong rate and per-turn latency on the blind sets (bench/conversations.py judges
the replies). Latency is the whole turn in process: understanding, routing, the calculators or
the knowledge base, the wording and the chat memory (in memory, as the tests use it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from bench import conversations

if TYPE_CHECKING:
    from bot.wiring import Knowledge

P99_TARGET_MS = 5.0


@dataclass
class SetResult:
    name: str
    turns: int
    accuracy: float
    confident_wrong_rate: float
    p50_ms: float
    p99_ms: float


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _timed_ask(knowledge: Knowledge, timings: list[float]) -> conversations.Ask:
    from handlers.dialog import ChatRef

    dialog = conversations.scored_dialog(knowledge)

    def ask(chat: str, text: str) -> dict[str, Any]:
        started = time.perf_counter()
        reply = dialog.handle_text(ChatRef("bench", chat), text)
        timings.append((time.perf_counter() - started) * 1000)
        return reply.to_json()

    return ask


def measure(knowledge: Knowledge) -> list[SetResult]:
    """Every set once; the latency of every turn of every set."""
    runs: list[tuple[str, Callable[[conversations.Ask], conversations.Score]]] = [
        ("dialogues", lambda ask: conversations.run_dialogues(ask, conversations.load_dialogues())),
        (
            "computations",
            lambda ask: conversations.run_single(ask, conversations.load_single(conversations.COMPUTATIONS), "c"),
        ),
        ("blind2", lambda ask: conversations.run_single(ask, conversations.load_single(conversations.BLIND2), "b")),
    ]
    results = []
    for name, run in runs:
        timings: list[float] = []
        score = run(_timed_ask(knowledge, timings))
        results.append(
            SetResult(
                name,
                score.turns,
                round(score.accuracy * 100, 1),
                round(score.confident_wrong_rate * 100, 1),
                round(_percentile(timings, 0.50), 3),
                round(_percentile(timings, 0.99), 3),
            )
        )
    return results


def report(results: list[SetResult]) -> dict[str, tuple[float, bool]]:
    print(f"\n{'set':<13} {'turns':>6} {'accuracy':>9} {'conf.wrong':>11} {'p50 ms':>8} {'p99 ms':>8}")
    for r in results:
        print(
            f"{r.name:<13} {r.turns:>6} {r.accuracy:8.1f}% {r.confident_wrong_rate:10.1f}% "
            f"{r.p50_ms:8.3f} {r.p99_ms:8.3f}"
        )
    worst = max(r.p99_ms for r in results)
    return {"turn_p99_ms": (worst, worst < P99_TARGET_MS)}


def as_json(results: list[SetResult]) -> list[dict[str, Any]]:
    return [asdict(r) for r in results]
