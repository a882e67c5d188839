"""The engine never raises and always returns a well-formed answer, whatever it is sent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# -- the matcher's keywords: looked up in an index, found as trying every keyword finds them --

_matcher = _engine.matcher
_CJK_KEYWORDS = sorted({k for keys in _matcher._fuzzy_keywords.values() for k in keys})
_keyword_characters = sorted({c for keyword in _CJK_KEYWORDS for c in keyword})


def _one_off(window: str, keyword: str) -> int | None:
    """Where `window` has `keyword` with one character replaced (its position), -1 for one left
    out (keywords of four or more characters), None for neither."""
    if len(window) == len(keyword):
        differ = [i for i, (a, b) in enumerate(zip(window, keyword, strict=True)) if a != b]
        return differ[0] if len(differ) == 1 else None
    if len(window) == len(keyword) - 1 and len(keyword) >= 4:
        return -1 if any(keyword[:i] + keyword[i + 1 :] == window for i in range(len(keyword))) else None
    return None


def _keywords_trying_every_one(normalised: str) -> dict[str, float]:
    """What Matcher._keywords_in means: every keyword looked for whole, else every Chinese keyword
    tried against every window of the text with one character mistyped or left out, unless what
    is left of a three-character keyword is a common word."""
    found = {k: w for k, w in _matcher._keyword_weight.items() if k in normalised}
    if found:
        return found
    for keyword in _CJK_KEYWORDS:
        for length in (len(keyword), len(keyword) - 1):
            for start in range(len(normalised) - length + 1):
                window = normalised[start : start + length]
                if not all("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in window):
                    continue
                at = _one_off(window, keyword)
                if at is not None and (at == -1 or _matcher._kept_part_is_telling(keyword, at)):
                    found[keyword] = _matcher._keyword_weight[keyword] / 2
    return found


_around = st.text(alphabet=st.sampled_from(_keyword_characters), max_size=8)
# a keyword with one character mistyped (or dropped), among characters of other keywords
mistyped = st.builds(
    lambda before, keyword, at, typo, after: before + keyword[:at] + typo + keyword[at + 1 :] + after,
    _around,
    st.sampled_from(_CJK_KEYWORDS),
    st.integers(0, 12),
    st.one_of(st.just(""), st.sampled_from(_keyword_characters)),
    _around,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(mistyped, _around, texts))
def test_keywords_are_found_as_trying_every_keyword_finds_them(text: str) -> None:
    normalised = _engine.normalize(text)
    assert _matcher._keywords_in(normalised) == _keywords_trying_every_one(normalised)
