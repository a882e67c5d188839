"""Rank knowledge-base entries for a normalised question with rapidfuzz.

Chinese has no spaces, so rapidfuzz's token scorers would see a whole question as one
token. Each text is therefore also written as space-separated characters (CJK) and words
(Latin), and the scorer compares those units. The choice of scorer and weights was
measured on tests/data/questions.yaml (`python -m bench --scorers`), not guessed.

An entry's score is its best phrasing's fuzzy score plus evidence the fuzzy score cannot
see: distinctive keywords of the entry found in the question (weighted down when several
entries share a keyword), cue words naming one plan, and slots (school year, level, mode,
domains, classes) that fit or contradict what the entry is about.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.model import LANGS, Entry, KnowledgeBase, SlotValue
from knowledge.slots import Slots, satisfies
from knowledge.textnorm import Normalizer, any_word, detect_lang, without_fillers
from knowledge.understand import ASKS_SHARE

_UNITS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[a-z]+|\d+")
_ALL_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WH_WORD = re.compile(r"\b(?:what|which)\s+(?=([a-z]+\s+)?)")
_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z]+|\d+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "how",
        "i",
        "in",
        "is",
        "it",
        "many",
        "much",
        "my",
        "of",
        "on",
        "or",
        "our",
        "per",
        "the",
        "this",
        "to",
        "we",
        "what",
        "when",
        "which",
        "who",
        "with",
    ]
)

# Weights of the score parts (points on rapidfuzz's 0-100 scale).
COVERAGE_WEIGHT = 30.0  # times the IDF-weighted share of the question's terms found in the entry's text
KEYWORD_BONUS = 8.0  # per distinctive keyword found (divided among entries sharing it), at most 2
NAMED_PENALTY = 12.0  # an entry without any keyword of a question that names one entry's keyword
NEGATED_PENALTY = 12.0  # an entry whose keyword the question says it is not about (「不是新辦」)
HEADING_LENGTH = 5  # a section heading this long or longer, quoted in a question, names its entry
CONTRASTED_PENALTY = 12.0  # an entry whose keyword is one character off one the question names (目標四 for 目標一)
UNSTATED_TIER_PENALTY = 10.0  # an entry about one class-count tier, for a question that gives no class count
ASKED_ABOUT_BONUS = 4.0  # the keyword a Chinese question names last, right before what it asks
CUE_BONUS = 6.0  # the question names this entry's plan (and not the other)
SLOT_MATCH_BONUS = 6.0  # per slot the entry is about that the question names with a fitting value
SLOT_CONFLICT_PENALTY = 40.0
SHARE_BONUS = 6.0  # an entry whose answer states a percentage, for a question asking a share (「佔多少」)
# Score to confidence: below FLOOR means no idea, at CEILING and above means certain.
FLOOR, CEILING = 45.0, 85.0
MARGIN_FULL = 8.0  # a lead of this many points over the runner-up keeps full confidence
CANDIDATES = 20  # entries whose phrasings are fuzzy-scored for a question
# A mistyped keyword's two remaining characters name it only when at most this many entries use them.
RARE_BIGRAM_ENTRIES = 8
VAGUE_UNITS = 3  # a question of at most this many units needs a keyword to be answered outright (「去哪裡」)


def units(text: str) -> str:
    """Space-separated matching units: each CJK character, each Latin word, each number."""
    return " ".join(_UNITS.findall(text))


def terms(text: str) -> set[str]:
    """Index terms: Chinese character bigrams (a lone character stays), Latin words cut to
    five letters (a crude stem: subsidy/subsidies), numbers."""
    found: set[str] = set()
    for run in _RUNS.findall(text):
        if run[0] >= "\u3400" and not run.isascii():
            found |= {run[i : i + 2] for i in range(len(run) - 1)} if len(run) > 1 else {run}
        elif run not in _STOPWORDS:
            found.add(run[:5])
    return found


@dataclass(frozen=True)
class Ranked:
    entry: Entry
    score: float
    confidence: float


# Mean of token_set_ratio (word overlap, forgiving extra words) and token_sort_ratio
# (overall likeness): the pair beat each alone, WRatio and partial ratios on the question
# set (`python -m bench --scorers` re-measures).
DEFAULT_SCORERS: tuple[Callable[..., float], ...] = (fuzz.token_set_ratio, fuzz.token_sort_ratio)


def _sorted_tokens(text: str) -> str:
    """What token_sort_ratio compares: the space-separated tokens, sorted."""
    return " ".join(sorted(text.split()))


class Matcher:
    def __init__(
        self, kb: KnowledgeBase, normalize: Normalizer, scorers: tuple[Callable[..., float], ...] = DEFAULT_SCORERS
    ) -> None:
        self._recent: dict[tuple[str, Slots, int, str, str | None], list[Ranked]] = {}
        self._scorers = scorers
        self._entries: list[Entry] = list(kb.entries.values())
        # Fuzzy choices per entry and language: a question is compared with the phrasings in its
        # own language only (an English question scores nothing against Chinese characters).
        self._choices_of: dict[str, list[list[str]]] = {lang: [] for lang in LANGS}
        self._keywords: list[tuple[str, ...]] = []
        self._states_share: list[bool] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(self._entries):
            # Each text of the entry is normalised once (uncut: these are the KB's own texts)
            # and serves the fuzzy choices, the keywords and the term index alike.
            asked_in = {
                lang: {without_fillers(normalize(p, limit=None)) for p in entry.phrasings[lang]}
                | {normalize(entry.title.get(lang), limit=None)}
                for lang in LANGS
            }
            asked = set().union(*asked_in.values())
            keywords = {normalize(k, limit=None) for k in entry.keywords} - {""}
            answers = {normalize(entry.answer.zh, limit=None), normalize(entry.answer.en, limit=None)}
            for lang in LANGS:
                self._choices_of[lang].append([units(text) for text in sorted(asked_in[lang]) if text])
            self._keywords.append(tuple(keywords))
            self._states_share.append("%" in entry.answer.zh)
            for term in set().union(*(terms(text) for text in asked | keywords | answers)):
                self._postings[term].append(index)
        self._sorted_of = {
            lang: [[_sorted_tokens(c) for c in texts] for texts in self._choices_of[lang]] for lang in LANGS
        }
        shared = Counter(k for keywords in self._keywords for k in keywords)
        self._keyword_entries: dict[str, list[int]] = defaultdict(list)
        for index, own in enumerate(self._keywords):
            for keyword in own:
                self._keyword_entries[keyword].append(index)
        self._keyword_weight = {k: KEYWORD_BONUS / n for k, n in shared.items()}
        # Keywords by their first character: a message is only looked for those starting with
        # one of its own characters (a few dozen of the 500).
        self._keywords_from: dict[str, list[str]] = defaultdict(list)
        for keyword in self._keyword_weight:
            self._keywords_from[keyword[0]].append(keyword)
        # Chinese keywords of three or more characters also count, at half weight, with one
        # character mistyped (諮循費 for 諮詢費): Zhuyin input picks same-sounding characters.
        self._fuzzy_keywords = self._one_off_index(shared)
        self._contrasts = self._contrasting(shared)
        self._fuzzy_lengths = sorted({len(key) for key in self._fuzzy_keywords})
        self._documents = [entry.document.id for entry in self._entries]
        # a section heading quoted whole (「參、計畫目標」, not MOE's 「二、計畫目標」): that entry's
        self._headings = [normalize(entry.section.split("；")[0], limit=None) for entry in self._entries]
        # …and not the entries under a heading one character off it (MOE's 「二、計畫目標」)
        heading_entries: dict[str, list[int]] = defaultdict(list)
        for index, heading in enumerate(self._headings):
            heading_entries[heading].append(index)
        off = _one_off(heading_entries, HEADING_LENGTH)
        self._heading_contrasts = [
            {other for them in off.get(heading, ()) for other in heading_entries[them]} for heading in self._headings
        ]
        self._cues = {doc.id: any_word({normalize(c) for c in doc.cues} - {""}) for doc in kb.documents.values()}
        self._points: dict[Slots, list[tuple[int, float]]] = {}
        # Entries about one class-count tier: they weigh less for a question that gives no class count.
        self._tiered = [index for index, entry in enumerate(self._entries) if "classes" in entry.when]
        # The entries of each distinct `when`: a handful (most only name their plan's school years).
        whens: dict[tuple[tuple[str, SlotValue], ...], tuple[Mapping[str, SlotValue], list[int]]] = {}
        for index, entry in enumerate(self._entries):
            whens.setdefault(tuple(entry.when.items()), (entry.when, []))[1].append(index)
        self._when_groups = list(whens.values())
        # Per plan a question names, the points of each entry: more for its own, fewer for the other's.
        self._cue_bonus = {
            cue: [CUE_BONUS if doc == cue else -CUE_BONUS for doc in self._documents] for cue in self._cues
        }
        count = len(self._entries)
        self._idf = {t: math.log((count + 1) / (len(p) + 0.5)) for t, p in self._postings.items()}
        self._unseen_idf = math.log((count + 1) / 0.5)

    def _coverage(self, normalised: str) -> list[float]:
        """Per entry, the IDF-weighted share of the question's terms that occur in its text:
        this sees the vocabulary of the answers, which phrasings alone miss."""
        found = [0.0] * len(self._entries)
        question_terms = terms(normalised)
        total = sum(self._idf.get(t, self._unseen_idf) for t in question_terms)
        if not total:
            return found
        for term in question_terms:
            entries = self._postings.get(term)
            if entries:
                share = self._idf[term] / total
                for index in entries:
                    found[index] += share
        return found

    def has_keyword(self, normalised: str) -> bool:
        """Whether any entry's keyword is in the text as written (no typo tolerance: cheap)."""
        return any(self._whole_keywords(normalised))

    def _whole_keywords(self, normalised: str) -> Iterator[str]:
        """The keywords in the text as written, each once: those starting with one of its characters."""
        for character in dict.fromkeys(normalised):
            for keyword in self._keywords_from.get(character, ()):
                if keyword in normalised:
                    yield keyword

    def _one_off_index(self, keywords: Counter[str]) -> dict[str, list[str]]:
        """Chinese keywords of three or more characters, under each way of writing them with one
        character replaced by "?" (諮詢費 as ?詢費, 諮?費 and 諮詢?) and, from four characters on,
        with one left out (成果報告 as 成報告)."""
        index: dict[str, list[str]] = defaultdict(list)
        for keyword in keywords:
            if len(keyword) < 3 or not _ALL_CJK.fullmatch(keyword):
                continue  # 「12 班以下」 one character off is 「13 班以下」, another tier
            for position in range(len(keyword)):
                index[keyword[:position] + "?" + keyword[position + 1 :]].append(keyword)
                if len(keyword) >= 4:  # 成報告 for 成果報告: one character left out
                    index[keyword[:position] + keyword[position + 1 :]].append(keyword)
        return index

    def _contrasting(self, keywords: Counter[str]) -> dict[str, set[int]]:
        """Per keyword, the entries with a keyword of the same length one character off it, which
        they do not share (目標一: goal 4's 目標四; 新辦學校: 續辦學校; "goal 1": "goal 2"): named
        whole, the one keyword says the question is not about the other's entries."""
        contrasts: dict[str, set[int]] = {}
        for keyword, others in _one_off(keywords, 3).items():
            own = set(self._keyword_entries[keyword])
            contrasts[keyword] = {i for other in others for i in self._keyword_entries[other]} - own
        return contrasts

    def _keywords_in(self, normalised: str) -> dict[str, float]:
        """Weight of each keyword found in the question; only when none is there whole, those
        with one character mistyped, at half weight (Zhuyin input picks same-sounding characters:
        諮循費 for 諮詢費). A mistyped keyword whose other characters are a common word on their
        own (原領域 in 科技領域, 國中部 in 國中) is no evidence; look-alike keywords such as
        閱讀力倍增 / 聽力倍增 must not blur either."""
        found = {k: self._keyword_weight[k] for k in self._whole_keywords(normalised)}
        if found:
            return found
        for length in self._fuzzy_lengths:
            for start in range(len(normalised) - length + 1):
                window = normalised[start : start + length]
                if not _ALL_CJK.fullmatch(window):
                    continue
                for keyword in self._fuzzy_keywords.get(window, ()):
                    found[keyword] = self._keyword_weight[keyword] / 2
                for position in range(length):
                    for keyword in self._fuzzy_keywords.get(window[:position] + "?" + window[position + 1 :], ()):
                        if self._kept_part_is_telling(keyword, position):
                            found[keyword] = self._keyword_weight[keyword] / 2
        return found

    def _kept_part_is_telling(self, keyword: str, replaced: int) -> bool:
        """Whether what is left of a three-character keyword with an end character replaced (a
        two-character word) is rare enough in the knowledge base to name the keyword."""
        if len(keyword) > 3 or replaced == 1:
            return True
        kept = keyword[1:] if replaced == 0 else keyword[:2]
        return len(self._postings.get(kept, ())) <= RARE_BIGRAM_ENTRIES

    def _keyword_asked_about(self, normalised: str, found: dict[str, float]) -> str | None:
        """Of two or more keywords in a question, the one it asks about. Chinese names it last,
        right before the question words (「…會請外聘講師…膳費每餐的上限是多少」 asks about 膳費),
        unless the keywords are listed one after another (「膳費住宿講座全部加起來」). English puts
        it after what/which ("under what licence are the lesson plans…"), or last in a compound
        ("the student foundation activity fee": a fee)."""
        if len(found) < 2:
            return None
        ends = {k: normalised.rfind(k) + len(k) for k in found if k in normalised}
        # a keyword inside a longer one found too (講師 in 外聘講師) is the same mention
        ends = {k: end for k, end in ends.items() if not any(k != other and k in other for other in ends)}
        if len(ends) < 2:
            return None
        last = max(ends, key=ends.__getitem__)
        start = ends[last] - len(last)
        next_to = any(0 <= start - end <= 1 for k, end in ends.items() if k != last)
        if detect_lang(normalised) == "zh":
            return None if next_to else last
        asked = _WH_WORD.search(normalised)
        if asked is not None:  # "what licence", "which expert pool": at most one word between
            starts = {asked.end(), asked.end() + len(asked.group(1) or "")}
            for keyword, end in ends.items():
                if end - len(keyword) in starts:
                    return keyword
        return last if next_to else None

    def denied_keywords(self, negated: str) -> set[str]:
        """The keywords a message's denials name (「沒有分校」: 分校), which name no topic of it."""
        return self._denied_keywords(negated)

    def _denied_keywords(self, negated: str) -> set[str]:
        """The keywords the question says it is not about: those in what it denies, or beginning
        with it (新辦 → 新辦學校)."""
        denied: set[str] = set()
        for denial in negated.split():
            if len(denial) >= 2:
                denied.update(self._whole_keywords(denial))
                denied.update(k for k in self._keywords_from.get(denial[0], ()) if k.startswith(denial))
        return denied

    def _evidence(
        self, normalised: str, slots: Slots, negated: str = "", plan: str | None = None
    ) -> tuple[list[float], set[int]]:
        """Everything but the fuzzy score: answer vocabulary, keywords, plan cues (or the `plan` the
        chat is about when the question names none), slots, what the question says it is not
        about; and the entries one of whose keywords is in it."""
        cued = [doc for doc, cues in self._cues.items() if cues.search(normalised)] or ([plan] if plan else [])
        coverage = self._coverage(normalised)
        found = self._keywords_in(normalised)
        # A keyword only one entry has (雜支, 資料蒐集費) names what the question is about: the
        # entries that have none of the question's keywords weigh less than fuzzy likeness says.
        names_one = any(self._keyword_weight.get(k, 0) >= KEYWORD_BONUS and len(k) >= 2 for k in found)
        denied = self._denied_keywords(negated)
        # Per entry, the weights of its keywords in the question (only entries that have one).
        hits: dict[int, list[float]] = defaultdict(list)
        for keyword, weight in found.items():
            for index in self._keyword_entries.get(keyword, ()):
                hits[index].append(weight)
        quoted = [
            i for i, heading in enumerate(self._headings) if len(heading) >= HEADING_LENGTH and heading in normalised
        ]
        for index in quoted:
            hits[index].append(KEYWORD_BONUS)  # as if its keyword were named
        contrasted_headings = {other for index in quoted for other in self._heading_contrasts[index]}
        denied_entries = {i for k in denied for i in self._keyword_entries.get(k, ())}
        cue = cued[0] if len(cued) == 1 else None
        share_asked = ASKS_SHARE.search(normalised) is not None
        asked_about = self._keyword_asked_about(normalised, found)
        # Each part for every entry, in this order: the same sums to the last bit as adding the
        # parts entry by entry (floating-point addition is not associative). A part that adds
        # nothing to an entry is left out for it (x + 0.0 is x).
        evidence = [COVERAGE_WEIGHT * share for share in coverage]
        for index, weights in hits.items():
            evidence[index] += sum(sorted(weights, reverse=True)[:2])
            if asked_about in self._keywords[index]:
                evidence[index] += ASKED_ABOUT_BONUS
        if names_one:
            evidence = [score if index in hits else score - NAMED_PENALTY for index, score in enumerate(evidence)]
        for index in denied_entries:
            evidence[index] -= NEGATED_PENALTY
        contrasted = {i for k in found if self._keyword_weight[k] == found[k] for i in self._contrasts.get(k, ())}
        for index in (contrasted - set(hits)) | contrasted_headings:
            evidence[index] -= CONTRASTED_PENALTY
        if cue is not None:
            evidence = [score + bonus for score, bonus in zip(evidence, self._cue_bonus[cue], strict=True)]
        if share_asked:
            evidence = [
                score + SHARE_BONUS if states else score
                for score, states in zip(evidence, self._states_share, strict=True)
            ]
        if slots.classes is None:
            for index in self._tiered:
                evidence[index] -= UNSTATED_TIER_PENALTY
        for index, points in self._slot_points(slots):
            evidence[index] += points
        return evidence, set(hits)

    def _slot_points(self, slots: Slots) -> list[tuple[int, float]]:
        """The entries whose `when` earns points (slots the question names with a fitting value)
        or loses them (with a contradicting one), with those points. The same few slots come back
        turn after turn (most questions name none): the last few are kept."""
        points = self._points.get(slots)
        if points is None:
            named = slots.as_dict()
            points = []
            for when, indices in self._when_groups:
                matched, conflicts = satisfies(named, when)
                if matched or conflicts:
                    fit = SLOT_MATCH_BONUS * matched - SLOT_CONFLICT_PENALTY * conflicts
                    points += [(index, fit) for index in indices]
            self._points[slots] = points
            if len(self._points) > 64:
                del self._points[next(iter(self._points))]
        return points

    def rank(
        self, normalised: str, slots: Slots, limit: int = 10, negated: str = "", plan: str | None = None
    ) -> list[Ranked]:
        """The entries for a question, best first (`plan`: a document id weighed as if the question
        named it, when it names none). A turn may rank the same question more than once (to
        answer, then to name the rule a calculation applies): the last few are kept."""
        key = (normalised, slots, limit, negated, plan)
        cached = self._recent.get(key)
        if cached is None:
            cached = self._rank(normalised, slots, limit, negated, plan)
            self._recent[key] = cached
            if len(self._recent) > 64:
                del self._recent[next(iter(self._recent))]
        return list(cached)

    def _rank(
        self, normalised: str, slots: Slots, limit: int, negated: str = "", plan: str | None = None
    ) -> list[Ranked]:
        query = units(normalised)
        if not query:
            return []
        evidence, keyword_hits = self._evidence(normalised, slots, negated, plan)
        # Fuzzy-score only the phrasings of the entries the cheap evidence favours: it keeps
        # every question well under a millisecond of rapidfuzz work.
        candidates = sorted(range(len(self._entries)), key=evidence.__getitem__, reverse=True)[:CANDIDATES]
        written_in = detect_lang(normalised)
        langs = [written_in] if written_in else list(LANGS)
        # The candidates' phrasings in one flat list (and the same with their tokens sorted), an
        # entry's own next to each other: strings[ends[i - 1]:ends[i]] are candidates[i]'s.
        strings: list[str] = []
        sorted_strings: list[str] = []
        ends: list[int] = []
        for index in candidates:
            for lang in langs:
                strings += self._choices_of[lang][index]
                sorted_strings += self._sorted_of[lang][index]
            ends.append(len(strings))
        per_choice = [0.0] * len(strings)
        for scorer in self._scorers:
            if scorer is fuzz.token_sort_ratio:  # the same score, with the choices' tokens sorted once
                asked, against, scorer = _sorted_tokens(query), sorted_strings, fuzz.ratio
            else:
                asked, against = query, strings
            for _, score, position in process.extract(asked, against, scorer=scorer, limit=None, score_cutoff=1):
                per_choice[position] += score / len(self._scorers)
        best = [max(per_choice[start:end], default=0.0) for start, end in zip([0, *ends], ends, strict=False)]
        scored = sorted(
            ((fuzzy + evidence[index], index) for index, fuzzy in zip(candidates, best, strict=True)), reverse=True
        )
        top = scored[:limit]
        runner_up = top[1][0] if len(top) > 1 else 0.0
        # One or two characters ("經費") fit dozens of phrasings perfectly; without a keyword
        # of the entry such a question is too vague to answer outright.
        vague = len(query.split()) <= VAGUE_UNITS and top[0][1] not in keyword_hits
        ranked = []
        for i, (score, index) in enumerate(top):
            confidence = _confidence(score, score - runner_up if i == 0 else 0.0)
            ranked.append(Ranked(self._entries[index], score, confidence / 2 if vague else confidence))
        return ranked


def _one_off(texts: Iterable[str], shortest: int) -> dict[str, set[str]]:
    """Per text of `shortest` characters or more, the others of its length one character off it
    (目標一: 目標四; 「參 計畫目標」: 「二 計畫目標」), found through each text with one character
    blanked out rather than by comparing every pair."""
    alike: dict[str, set[str]] = defaultdict(set)
    for text in texts:
        if len(text) >= shortest:
            for position in range(len(text)):
                alike[text[:position] + "\0" + text[position + 1 :]].add(text)
    off: dict[str, set[str]] = defaultdict(set)
    for group in alike.values():
        for text in group:
            off[text] |= group - {text}
    return {text: others for text, others in off.items() if others}


def _confidence(score: float, margin: float) -> float:
    base = min(max((score - FLOOR) / (CEILING - FLOOR), 0.0), 1.0)
    if margin <= 0:
        return base * 0.5
    return base * (0.5 + 0.5 * min(margin / MARGIN_FULL, 1.0))
