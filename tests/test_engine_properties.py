"""The engine never raises and always returns a well-formed answer, whatever it is sent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from knowledge.engine import Answer, Engine
from knowledge.textnorm import MAX_QUESTION_CHARS

_engine = Engine.load()

texts = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=200),  # control characters
    st.text(alphabet=st.sampled_from("😀🎉👍🏻‍♀️🇹🇼𝄞\u200d\ufe0f"), max_size=200),  # emoji and joiners
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=300),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=20), st.integers(1, 6000)),  # up to ~100 kB
)


def _well_formed(answer: Answer) -> None:
    data = answer.to_json()
    assert set(data) == {"intent", "confidence", "answer", "sources", "suggestions", "lang"}
    assert data["intent"] is None or data["intent"] in _engine.kb.entries
    assert 0.0 <= data["confidence"] <= 1.0
    assert isinstance(data["answer"], str) and data["answer"]
    assert data["lang"] in ("zh", "en")
    assert all(isinstance(s, str) for s in data["sources"])
    assert len(data["suggestions"]) <= 3


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_engine_never_raises(text: str) -> None:
    _well_formed(_engine.answer(text))


def test_a_100_kb_message_is_cut_before_matching(monkeypatch) -> None:
    """Work per message is bounded: the matcher only ever sees a capped question."""
    seen: list[str] = []
    original = _engine.matcher.rank
    monkeypatch.setattr(
        _engine.matcher, "rank", lambda text, slots, **kw: seen.append(text) or original(text, slots, **kw)
    )
    huge = "我們 20 班做模式一最多補助多少？" * 6000
    assert len(huge.encode()) > 100_000
    _well_formed(_engine.answer(huge))
    assert seen and len(seen[0]) <= MAX_QUESTION_CHARS


# -- the matcher's keywords: looked up by character, found as trying every keyword finds them --

_matcher = _engine.matcher
_keyword_characters = sorted({c for keyword in _matcher._fuzzy_keywords for c in keyword})


def _keywords_trying_every_one(normalised: str) -> dict[str, float]:
    """What Matcher._keywords_in means: every keyword looked for whole, else every Chinese keyword
    scored with one character off."""
    found = {k: w for k, w in _matcher._keyword_weight.items() if k in normalised}
    if found:
        return found
    candidates = [k for k in _matcher._fuzzy_keywords if len(k) <= len(normalised)]
    for keyword, score, _ in process.extract(
        normalised, candidates, scorer=fuzz.partial_ratio, score_cutoff=60, limit=None
    ):
        if score >= 100 * (len(keyword) - 1) / len(keyword) - 0.01:
            found[keyword] = _matcher._keyword_weight[keyword] / 2
    return found


_around = st.text(alphabet=st.sampled_from(_keyword_characters), max_size=8)
# a keyword with one character mistyped (or dropped), among characters of other keywords
mistyped = st.builds(
    lambda before, keyword, at, typo, after: before + keyword[:at] + typo + keyword[at + 1 :] + after,
    _around,
    st.sampled_from(_matcher._fuzzy_keywords),
    st.integers(0, 12),
    st.one_of(st.just(""), st.sampled_from(_keyword_characters)),
    _around,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(mistyped, _around, texts))
def test_keywords_are_found_as_trying_every_keyword_finds_them(text: str) -> None:
    normalised = _engine.normalize(text)
    assert _matcher._keywords_in(normalised) == _keywords_trying_every_one(normalised)
