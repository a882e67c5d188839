"""Domain objects of the knowledge base: plans (documents), entries and their parts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

LANGS = ("zh", "en")

# A slot constraint value: an exact value, or an inclusive (min, max) range with None for an open end.
SlotValue = int | str | bool | tuple[int | None, int | None]


@dataclass(frozen=True)
class Bilingual:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Document:
    id: str
    short: Bilingual
    title: Bilingual
    issuer: Bilingual
    source_text: str  # file name under knowledge/sources/
    when: Mapping[str, SlotValue] = field(default_factory=dict)  # default slot constraints of its entries
    cues: tuple[str, ...] = ()  # words that mark a question as being about this plan
    coverage: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # section -> entry ids that must exist
    # For a plan that states no money at all (Keelung's lists targets only): the reply to a question
    # asking an amount of it, instead of the nearest entry or a funding calculation.
    no_amounts: Bilingual | None = None


# Word groups a question must all name, any one word of each group: ((已獲, received), (平板, tablet)).
Condition = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Detail:
    """One slot-specific part of an answer, e.g. the 國中 figure for 110 學年度."""

    when: Mapping[str, SlotValue]
    text: Bilingual


@dataclass(frozen=True)
class Entry:
    id: str
    document: Document
    topic: str
    section: str
    title: Bilingual
    phrasings: Mapping[str, tuple[str, ...]]
    answer: Bilingual
    quotes: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    when: Mapping[str, SlotValue] = field(default_factory=dict)
    details: tuple[Detail, ...] = ()
    derived: tuple[str, ...] = ()
    # The plan's yes or no to a permission question (「可以…嗎」 "can we …?") on this entry, when the
    # question meets one of these conditions.
    yes_if: tuple[Condition, ...] = ()
    no_if: tuple[Condition, ...] = ()
    # The same for a question whether something is required (「一定要…嗎」 "must we …?"): the plan
    # requires it (must_if) or does not (need_not_if). An entry's yes says allowed, not required.
    must_if: tuple[Condition, ...] = ()
    need_not_if: tuple[Condition, ...] = ()
    # A rule the plan states for one case only (「學校申請模式二時，不得同時申請…」): asked of another
    # case (模式一), its yes or no is not the plan's; `outside` says what the plan does and does not say.
    only_for: Mapping[str, SlotValue] = field(default_factory=dict)
    outside: Bilingual | None = None
    # Reimbursed at actual cost with no cap of the plan's (「覈實報支」): 「有上限嗎」 "is there a cap?" is a no.
    uncapped: bool = False
    file: str = ""

    def source(self, lang: str = "zh") -> str:
        """The citation shown to users: plan short name and section."""
        return f"{self.document.short.get(lang)} {self.section}"


@dataclass(frozen=True)
class OutOfScope:
    """A kind of question the plans do not answer, recognised by its trigger words.

    A question that also has one of `except_words` is not refused by this rule: the words of
    covered questions that share a trigger (代課 with 薪水: the plan pays substitutes). The chat's
    topic counts as said for those (「學費一學期兩萬二」 after the language-study fee); one of
    `said_except_words` counts only when the message itself says it (a school in another city asking
    of 模式一, not a city's own plan asked after a mode-1 ceiling).
    """

    id: str
    triggers: tuple[str, ...]
    reply: Bilingual
    except_words: tuple[str, ...] = ()
    said_except_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class UncoveredYear:
    """The reply to a question about a school year no plan covers; `{year}` is filled in."""

    except_words: tuple[str, ...]
    reply: Bilingual


@dataclass
class KnowledgeBase:
    documents: dict[str, Document]
    topics: dict[str, Bilingual]
    entries: dict[str, Entry]
    synonyms: dict[str, str]
    out_of_scope: tuple[OutOfScope, ...]
    fallback: Bilingual  # the "plans do not say; ask your education bureau" reply
    uncovered_year: UncoveredYear | None = None
