"""The conversation every channel shares: commands, questions, buttons, files.

Telegram, LINE and the terminal chat only translate platform messages into calls on `Dialog`
and its `Reply` objects back into platform messages, so everything behaves the same everywhere
and is tested once. Each turn follows Rasa's message processor: fetch the chat's state (under a
per-chat lock), understand the message once, decide the route (handlers/router.py), act, word
the reply (handlers/replies.py), save the state. The methods block (they may touch the
database): adapters call them off their event loop.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol, TypeVar

from handlers import cards, replies
from handlers.memory import SAID_LIMIT, SCHOOL_KEYS, ChatMemory, ChatRef, ChatState, Topic
from handlers.replies import (
    ANSWER,
    CALCULATION,
    CLARIFICATION,
    NOT_IN_PLANS,
    UNSURE,
    Button,
    Card,
    Reply,
    compose,
)
from handlers.router import ANSWER as ANSWER_FROM_KB
from handlers.router import (
    COMPUTE,
    DETAILS,
    EMPTY,
    LANGUAGE,
    Decision,
    about_the_school,
    asks_a_change,
    counts_something,
    decide,
    item_entries,
    last_ceiling,
    with_the_case_asked_before,
    without_contrasts,
)
from handlers.texts import examples, t
from knowledge import budget, figure_check
from knowledge.calculators import SchoolFacts, Verdict
from knowledge.compute import (
    CeilingAnswer,
    DateFigure,
    Figure,
    NeedFact,
    Refused,
    Result,
    YearFigure,
    compute,
    higher_side,
    school_facts,
)
from knowledge.dates import PlanRules
from knowledge.engine import Answer, Engine
from knowledge.funding_rules import FundingRules
from knowledge.quantities import GRADE, MONTHS, ORDINAL_YEAR, without_figures
from knowledge.queries import (
    CEILING,
    CLOSEOUT,
    ITEM,
    SCHOOL_YEAR,
    TRANSFER,
    VERDICT,
    Query,
    lecturer_in,
    lone_number,
    period_end_in,
    period_end_text,
    tells_period_end,
)
from knowledge.terms import SchoolYearsOfTwoTests, Term, term_told, tests_told
from knowledge.textnorm import writes_simplified
from knowledge.understand import (
    RULE_ASKED,
    SCHOOL_FACTS,
    Understanding,
    asks_yes_or_no,
    follows_permission,
    spoken_clauses,
    with_figure_righted,
)
from reminders.calendar import Deadline

# What a question's own figures count against a rule, settling its yes or no (`met`) with the working
# shown first: a part of a whole, sessions of so many people, a substitute's term, two tests' school years
Counted = figure_check.ShareOfCounts | figure_check.SessionsOfPeople | Term | SchoolYearsOfTwoTests

__all__ = ["BUTTON_DATA_LIMIT", "Button", "ChatRef", "Dialog", "Reply", "parse_command"]

log = logging.getLogger(__name__)

R = TypeVar("R", Reply, Reply | None)

# A reply that already says yes or no first (「超過了」「在上限內」「來得及」 "Yes.")
# the school's facts as they will be: 「下學年會變36班」「明年增班成13班」 "we'll have 13 classes next year"
_BECOMES = re.compile(r"會變成?|要變成?|變成|增班|減班|會有|will (?:have|be|become)|we'll have|going to have")
_NONE_HELD = re.compile(r"沒辦|沒有辦|未辦|沒開|沒舉辦|\b(?:didn't|did not|none|no one|not held)\b")
_STARTS_WITH_VERDICT = re.compile(
    r"^\W*(?:可以|不可以|不行|是。|是，|不是|超過|在上限內|符合|不符合|來得及|來不及|yes\b|no\b|within|over|late|in time)",
    re.IGNORECASE,
)
# A correction of the question rather than of the school: 「我是問模式二」 "I was asking about mode 2".
_ASKS_INSTEAD = re.compile(r"我是問|我問的是|我要問|我想問|i was asking|i'm asking|i am asking|asking about")

BUTTON_DATA_LIMIT = replies.BUTTON_DATA_LIMIT
ASK_PREFIX = "ask:"
EXAMPLE_PREFIX = "ex:"
CAP_PREFIX = "cap:"
PART_PREFIX = "part:"
DETAILS_DATA = "details"
# Budget files larger than the checker reads are refused before download.
MAX_FILE_BYTES = budget.MAX_BYTES
BUDGET_FILE_SUFFIXES = (".csv", ".tsv", ".yaml", ".yml", ".txt")
# A topic older than this is not followed up on (the school's facts stay). Settings may change it.
DEFAULT_TOPIC_MINUTES = 30


class ReminderService(Protocol):
    """What the dialog needs from reminders (implemented by reminders.commands.ReminderCommands)."""

    def deadlines(self, lang: str) -> str: ...
    def upcoming(self) -> tuple[date, list[Deadline]]: ...
    def subscribe(self, channel: str, chat_id: str, args: str, lang: str) -> str: ...
    def unsubscribe(self, channel: str, chat_id: str, lang: str) -> str: ...
    def status(self, channel: str, chat_id: str, lang: str) -> str: ...
    def forget_chat(self, channel: str, chat_id: str) -> None: ...


class TurnObserver(Protocol):
    """Sees every turn (handlers/feedback.py: the interaction log and the 👍/👎 buttons). `via` is
    "text", "button" or "command"; `take` may answer a message itself (a feedback tap, /wrong, the
    comment after a 👎), `seen` gets each reply and returns the one to send."""

    def take(self, chat: ChatRef, said: str, via: str, lang_hint: str | None) -> Reply | None: ...
    def seen(self, chat: ChatRef, said: str, via: str, reply: Reply) -> Reply: ...


@dataclass(frozen=True)
class Command:
    name: str
    zh: str
    en: str


# The one command registry: the phone menus, /help and the dispatch all read it.
COMMANDS = (
    Command("start", "開始與範例問題", "Start and example questions"),
    Command("help", "使用說明", "How to use"),
    Command("cap", "計算補助上限", "Funding ceiling"),
    Command("school", "我的學校資料（模式、班級數…）", "My school's facts (mode, classes…)"),
    Command("forget", "清除我說過的學校資料", "Forget my school's facts"),
    Command("deadlines", "近期期限", "Upcoming deadlines"),
    Command("subscribe", "訂閱期限提醒", "Deadline reminders"),
    Command("unsubscribe", "取消提醒", "Stop reminders"),
    Command("reminders", "我的提醒", "My reminders"),
    Command("budget", "經費表檢查說明", "Checking a budget file"),
    Command("sources", "收錄的計畫與章節", "Plans and sections I know"),
    Command("lang", "切換語言 zh/en", "Switch language zh/en"),
)


def parse_command(text: str) -> tuple[str, str] | None:
    """'/cap@policybot 模式二 8班' -> ('cap', '模式二 8班'); None when not a command.

    Phones in full-width input mode send ／ｈｅｌｐ and ideographic spaces: the command word is
    read after NFKC and split on any white space.
    """
    stripped = text.strip()
    if not stripped or unicodedata.normalize("NFKC", stripped[0]) != "/":
        return None
    head, *rest = stripped[1:].split(maxsplit=1) or [""]
    args = rest[0] if rest else ""
    name = unicodedata.normalize("NFKC", head).split("@", 1)[0].lower()
    if not name or not all(ch.isalnum() or ch == "_" for ch in name):
        return None
    return name, args.strip()


# -- typed button payloads (aiogram's CallbackData is the model) ----------------------------


def pack_facts(facts: SchoolFacts, ask_all: bool) -> str:
    """'cap:1:2:20:2:0:' — whether every step is asked, then mode, classes, domains, branch,
    open classroom ('' unknown); Button raises above Telegram's 64 bytes."""
    values = [facts.mode, facts.classes, facts.domains, facts.branch, facts.open_classroom]
    return CAP_PREFIX + ":".join(["1" if ask_all else "0", *("" if v is None else str(int(v)) for v in values)])


def unpack_facts(data: str) -> tuple[dict[str, Any], bool] | None:
    fields = data[len(CAP_PREFIX) :].split(":")
    if len(fields) != 6 or fields[0] not in ("0", "1") or not all(f == "" or f.isdigit() for f in fields[1:]):
        return None
    names = ("mode", "classes", "domains", "branch", "open_classroom")
    facts: dict[str, Any] = {}
    for name, value in zip(names, fields[1:], strict=True):
        if value != "":
            facts[name] = bool(int(value)) if name in ("branch", "open_classroom") else int(value)
    return facts, fields[0] == "1"


# 「也是這樣走嗎」 "same process for us?": the way the last answer described
_THE_SAME_WAY = re.compile(r"(?:這樣|這麼|一樣)\s*(?:走|辦|做|處理|申請|送)|\bsame (?:way|process|route|procedure)\b")


class Dialog:
    """Turns one incoming message into one reply, the same way on every channel."""

    def __init__(
        self,
        engine: Engine,
        rules: FundingRules,
        plan: PlanRules | None = None,
        reminders: ReminderService | None = None,
        memory: ChatMemory | None = None,
        topic_minutes: int = DEFAULT_TOPIC_MINUTES,
        clock: Callable[[], float] = time.time,
        today: Callable[[], date] | None = None,
        observer: TurnObserver | None = None,
    ) -> None:
        self.engine = engine
        self.rules = rules
        self.plan = plan or PlanRules()
        self.reminders = reminders
        self.memory = memory or ChatMemory()
        self.topic_seconds = topic_minutes * 60
        self._clock = clock
        self._today = today or (lambda: date.fromtimestamp(self._clock()))
        self.observer = observer
        self._item_entries = item_entries(engine, rules)
        replies.register_plans(
            [name for d in engine.kb.documents.values() for name in (d.short.zh, d.short.en)] + list(self.plan.plan)
        )

    # -- languages ----------------------------------------------------------------------

    def language(self, chat: ChatRef, hint: str | None = None) -> str:
        """The chat's chosen language, else the one it was last answered in (an English chat's
        /school is answered in English), else the client's hint, else Chinese."""
        state = self.memory.peek(chat)
        return state.lang or (state.topic.lang if state.topic is not None else None) or _hint(hint)

    # -- text ----------------------------------------------------------------------------

    def handle_text(self, chat: ChatRef, text: str, lang_hint: str | None = None) -> Reply:
        command = parse_command(text or "")
        if command is not None:
            return self.handle_command(chat, *command, lang_hint=lang_hint)
        if (taken := self._taken(chat, text or "", "text", lang_hint)) is not None:
            return taken
        with self.memory.turn(chat) as box:
            reply, box[0] = self._continuing(box[0], lambda state: self._turn(state, text or "", lang_hint))
            box[0] = replace(box[0], simplified=writes_simplified(text or "", box[0].simplified))
            reply = _in_script(reply, box[0].simplified)
        return self._seen(chat, text or "", "text", reply)

    @staticmethod
    def _continuing(state: ChatState, step: Callable[[ChatState], tuple[R, ChatState]]) -> tuple[R, ChatState]:
        """Runs a turn; when it breaks on the stored topic (a query written by another version or
        edited by hand) the turn runs again without that topic, keeping the school's facts and the
        chat's language, rather than failing every message of the chat until the topic expires."""
        try:
            return step(state)
        except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError, AssertionError):
            if state.topic is None:
                raise
            log.warning("a chat's stored topic could not be continued; it is dropped", exc_info=True)
            return step(replace(state, topic=None))

    def _replayed_with_figure_righted(
        self, state: ChatState, topic: Topic, u: Understanding, hint: str | None
    ) -> tuple[Reply, ChatState] | None:
        """「不是12週啦 是8週」 when the 12 weeks were told in a message before the last (「奠基課開4個班
        每週2節 上12週…」, then 「我們全校10班…這樣材料費會爆嗎」): the chat from that message on, told
        again with the figure put right, answering as its last message would; None when no earlier
        message wrote that figure once."""
        for at, earlier in enumerate(topic.earlier):
            fixed = with_figure_righted(u.normalised, earlier.said) if earlier.said else None
            if fixed is None:
                continue
            later = [t.said for t in reversed(topic.earlier[:at])] + [topic.said]
            if not all(later):
                return None
            before = topic.earlier[at + 1 :]
            replayed = replace(state, topic=replace(before[0], earlier=before[1:]) if before else None)
            reply, replayed = self._turn(replayed, fixed, hint)
            for said in later:
                reply, replayed = self._turn(replayed, said, hint)
            return reply, replayed
        return None

    def _turn(self, state: ChatState, text: str, hint: str | None) -> tuple[Reply, ChatState]:
        now = self._clock()
        topic = state.current_topic(now, self.topic_seconds)
        u = self.engine.understand(text, self.rules)
        righted = with_figure_righted(u.normalised, topic.said) if topic is not None else None
        if righted is not None:  # 「不是12週啦 是8週」: the last question asked again with that count
            u = self.engine.understand(righted, self.rules)
        elif topic is not None and (replayed := self._replayed_with_figure_righted(state, topic, u, hint)):
            return replayed
        # a question is answered in its own language; /lang decides for messages that have none
        lang = u.lang or (topic.lang if topic and topic.asked else None) or state.lang or _hint(hint)
        decision = decide(u, topic, state.school, self.engine, self.rules, lang)
        if decision.route == EMPTY:
            return Reply(t("empty", lang), lang=lang, route=UNSURE, confidence=0.0), state
        if decision.route == LANGUAGE:
            return self._in_language(state, topic, decision.lang or lang, now)
        if decision.route == DETAILS:
            return self._details(state, topic, lang, now)
        school = self._school_after(state.school, u, decision, topic)
        state = replace(state, school=school)
        if decision.route == COMPUTE and decision.query is not None:
            decision = self._unless_ruled_out(decision, decision.query, u, lang, topic)
        if decision.route == COMPUTE:
            assert decision.query is not None
            # the same item computed again (「改成半天營呢」 after the camp's meals): the entry it was
            # answered from before, unless this message picks another
            earlier = topic.cites if topic is not None and topic.query is not None else None
            same_item = topic is not None and topic.query is not None and topic.query.item == decision.query.item
            # (a school year's phase again, "and end?": the entry the last one cited; not a ceiling's)
            last_kind = topic.query.kind if topic is not None and topic.query is not None else None
            same_item = same_item and (decision.query.kind != SCHOOL_YEAR or last_kind == SCHOOL_YEAR)
            reply, new_topic = self._compute(
                decision.query,
                lang,
                decision.context,
                now,
                u,
                earlier if same_item else None,
                self._ceiling_changed(decision.query, topic, u),
            )
            new_topic = replace(new_topic, said=u.normalised[:SAID_LIMIT])
            return reply, replace(state, topic=topic.then(new_topic) if topic else new_topic)
        assert decision.answer is not None
        # 「是跟哪一家平台合作」 after the action plan: a detail it does not give; 「這個屬於哪個策略」:
        # the entry of the strategy it is under
        answer = self.engine.lacking(u, decision.answer) or self.engine.heading_asked(u, decision.answer)
        if answer is not None:
            decision = replace(decision, answer=answer)
        answer = decision.answer
        assert answer is not None
        # 「那如果我們是模式一 也不能同時申請縣府的嗎」: a rule the plan states of mode 2 only
        outside = self.engine.outside_its_case(answer, u.slots.as_dict() | decision.slots)
        if outside is not None:
            decision, answer = replace(decision, answer=outside), outside
        # 「我們市假設60校 那要幾校」 after a target share: worked with the user's figures, its own verdict
        # (what was said of this entry's targets: 60 schools told of the English clubs are not the
        # second foreign languages' senior highs)
        chain = reversed((topic, *topic.earlier)) if topic is not None else ()
        told = tuple(t.said for t in chain if t.entry in (None, answer.intent))
        last_year = topic.slots.get("year") if topic is not None else None
        worked = self.engine.on_the_targets(
            u, answer, decision.slots, told, last_year if isinstance(last_year, int) else None
        )
        if worked is not None:
            decision = replace(decision, answer=worked)
            ruling, asked, unruled = None, u, False  # the sum says 符合/不符合 itself
        else:
            counted = (
                self._share_checked(u, answer)
                or self._sessions_checked(u, answer, topic)
                or self._dates_checked(u, answer, topic)
            )
            ruling, asked, unruled = self._ruling(u, answer, topic, counted)
            if counted is not None:  # the working of the share (or days) it was checked by, first
                shown = replace(answer, text=f"{counted.working(lang)}\n{answer.text}")
                decision = replace(decision, answer=shown)
        earlier = (topic.said or topic.text) if asked is not u and topic is not None else ""
        kind = replies.asked_kind(asked, earlier)
        if kind == replies.CAPPED and ruling is False and self._allowed_beside_the_cap(u, answer.intent):
            kind = replies.ALLOWED_UNCAPPED
        reply, answered = self._answered(decision, lang, now, ruling, kind, unruled)
        if answered is None:
            return reply, state
        yes_no = worked is None and (ruling is not None or asked.asks_yes_no)
        said = u.normalised
        if topic is not None and topic.yes_no and topic.said and answer.intent == topic.entry:
            # 「工作费呢」 asked 「…工作费也要一起算进去吗」: kept whole for the next item named (「膳費呢」)
            said = with_the_case_asked_before(u, topic.said, answer.intent, self.engine, self.rules).normalised
        answered = replace(answered, yes_no=yes_no, said=said[:SAID_LIMIT])
        return reply, replace(state, topic=topic.then(answered) if topic else answered)

    def _ruling(
        self,
        u: Understanding,
        answer: Answer,
        topic: Topic | None,
        counted: Counted | None = None,
    ) -> tuple[bool | None, Understanding, bool]:
        """The plan's yes or no to a knowledge-base answer's question, the question as asked (a follow-up
        of a permission question asks permission too), and whether it is a yes-or-no question nothing
        settles (answered unsure). `counted`: what the question's own figures count against the entry's
        rule (a part of a whole against its fraction, 「一週33節 用英語上10節 算有三分之一嗎」; a term against
        its months; two tests' school years), which decides first."""
        asked = u
        if topic is not None and u.returns and topic.entry != answer.intent:
            # 「回到剛剛代理老師 如果聘期只有兩個半月」 after another question: the earlier one returned to
            topic = next((t for t in topic.earlier if t.entry == answer.intent), topic)
        if topic is not None and topic.entry is not None and follows_permission(u, topic.text, topic.yes_no):
            asked = replace(u, asks_permission=True, asks_yes_no=True)  # 「代理老師呢」 after 「…可以補助嗎」
        ruling = counted.met if counted is not None else None
        if ruling is None:
            ruling = self.engine.ruling(asked, answer.intent)
        if ruling is None and answer.confident and topic is not None and topic.said:
            # (a case the last message told, 「偏遠學校，已經拿過…的補助」; not one it asked and had
            # answered, 「模式一跟模式二可以同時申請嗎」, under a new question of its own: 「國中可以申請模式二嗎」)
            told = asked.follow_up or asked.correction or not asks_yes_or_no(topic.said)
            ruling = self._ruling_with_what_was_said(asked, topic.said, answer.intent) if told else None
        if ruling is None and answer.confident:
            ruling = self._figure_ruling(asked, answer.text)
        if ruling is None and answer.confident:
            ruling = self.engine.level_ruling(asked, answer.intent)  # 「這個是國小在做的嗎」: its 學階
        if ruling is None and answer.confident and (asked is not u or u.correction) and topic is not None:
            ruling = self._figure_checked_before(u, asked, answer, topic)
        if ruling is None and answer.confident and asked is not u and topic is not None and topic.said:
            # 「如果來45位呢」 after 「一學期開一次 來了35位老師 這樣符合嗎」: the count said again, with
            # the once a semester said before, checked against both floors
            plain = self.engine.normalize.plain
            both = figure_check.with_counts_replaced(plain(topic.said), plain(u.text))
            if both is not None:
                ruling = figure_check.agrees(both, plain(answer.text, limit=None), None, asked.asks_permission)
        # 「那我考全民英檢中級呢」 after 「…報名費可以補助嗎」, 「那110一樣78呢」 after 「109…達標嗎」: the same yes
        # or no of another case or year, unsettled as well (not a return to another topic's row:
        # 「回到基隆那個 111呢」)
        # (after a figure claimed, 「…110學年是16隊嗎」 then 「那111呢」, the year's row answers)
        checked = (
            topic is not None
            and answer.intent == topic.entry
            and replies.asked_kind(u, topic.said or topic.text) == replies.MEETS
        )
        inherited = asked is not u and not u.asks_other_than_yes_no and (checked or not u.slots.as_dict())
        return ruling, asked, ruling is None and (u.asks_only_yes_no or inherited)

    def _unless_ruled_out(
        self, decision: Decision, query: Query, u: Understanding, lang: str, topic: Topic | None = None
    ) -> Decision:
        """A yes-or-no question about a computation that names, whole, a case an entry says no to
        in two or more word groups — the computed rule's entry or one closest to the message — gets
        that no, not a figure (「那印刷費 5000 要一起算進補充保費嗎」 after the premium: printing is not
        in its base); not when two entries rule on it alike."""
        if not (u.asks_yes_no or u.asks_obligation) or query.kind == VERDICT:
            return decision  # a computed verdict weighs the case itself (a remote school never funded)
        if u.asks_amount:
            return decision  # "ok and the premium? 住宿吃飯要算進去嗎": the amount asked too, computed
        alone = self.engine.answer_to(u)
        named = [self._intent_for(u, query), alone.intent, *(s.intent for s in alone.suggestions)]
        if topic is not None:  # "does lodging count toward the base?" after the premium: the premium's rule
            named.append(topic.cites or topic.entry)
        ruled = sorted(
            {(self.engine.rules_on(u, e), e) for e in named if e and self.engine.ruling(u, e) is False}, reverse=True
        )
        if not ruled or ruled[0][0] < 2 or (len(ruled) > 1 and ruled[1][0] == ruled[0][0]):
            return decision
        entry = ruled[0][1]
        slots = _slots({k: v for k, v in query.facts.items() if isinstance(v, (int, str))})
        return Decision(ANSWER_FROM_KB, answer=self.engine.answer_entry(entry, lang, slots))

    def _school_after(
        self, school: dict[str, Any], u: Understanding, decision: Decision, topic: Topic | None
    ) -> dict[str, Any]:
        """The school's facts after this message: what it says about the school itself (「我們 20
        班」), or the fact it gives when the bot asked for one."""
        told: dict[str, Any] = {}
        answering = topic is not None and topic.asked is not None
        if about_the_school(u) or answering:
            told = {k: v for k, v in u.usable_facts.items() if k in SCHOOL_FACTS}
            if u.slots.level:
                told["level"] = u.slots.level
        elif (u.correction or _BECOMES.search(u.normalised)) and not _ASKS_INSTEAD.search(u.normalised):
            # 「不好意思 是19班」 corrects what the school told, 「下學年會變36班」 changes it; 「不是，我是問
            # 模式二」 changes only the question
            told = {k: v for k, v in u.usable_facts.items() if k in SCHOOL_FACTS and k in school}
        ceiling = decision.query if decision.query is not None and decision.query.kind == CEILING else None
        if (
            u.correction
            and "classes" in school
            and ceiling is not None
            and lone_number(u) == ceiling.facts.get("classes")
        ):
            told["classes"] = ceiling.facts["classes"]  # "oops, 36": the school's count put right
        if decision.query is not None and decision.query.kind == CLOSEOUT and tells_period_end(u):
            end = period_end_text(decision.query.inputs["end"])
            if end is not None:
                told["period_end"] = end  # 「我們執行期間到116/7/31」: its close-out deadline later
        if answering and decision.query is not None and topic is not None and topic.asked in SCHOOL_FACTS:
            value = decision.query.facts.get(topic.asked)
            if value is not None and not isinstance(value, str):
                told[topic.asked] = value
        if not told:
            return school
        updated = dict(school) | told
        if told.get("mode") == 1:  # (as a computation's facts: 「模式一…開放教室」 is mode 1's, no classroom)
            updated.pop("domains", None)
            updated.pop("open_classroom", None)
        facts, error = school_facts(updated)
        keep = {k: v for k, v in vars(facts).items() if v is not None}
        kept = (*keep, "level", "period_end")
        return {k: v for k, v in updated.items() if k in kept} if error is None else dict(school)

    # -- computations ---------------------------------------------------------------------

    def _compute(
        self,
        query: Query,
        lang: str,
        context: dict[str, Any],
        now: float,
        u: Understanding | None = None,
        earlier: str | None = None,
        ruled: bool | None = None,
    ) -> tuple[Reply, Topic]:
        """`ruled`: the yes or no already known for a yes-or-no question (a ceiling compared)."""
        result = compute(query, self.rules, self.plan, self._today())
        if isinstance(result, NeedFact):
            known = {k: v for k, v in vars(result.facts).items() if v is not None}
            pending = replace(query, facts=known) if query.kind == CEILING else query
            body = replies.need_text(result, self.rules, lang)
            buttons = self._step_buttons(result, query, lang)
            reply = compose(body, lang, route=CLARIFICATION, buttons=buttons, confidence=0.0, context=context)
            return reply, Topic(query=pending, asked=result.step, at=now, lang=lang)
        body, sources, buttons = self._render(result, query, lang)
        route = CALCULATION if not isinstance(result, Refused) else CLARIFICATION
        verdict = self._figure_ruling(u, body, body.splitlines()[0]) if u is not None and route == CALCULATION else None
        verdict = ruled if ruled is not None and route == CALCULATION else verdict
        if verdict is not None and u is not None:
            body = replies.with_ruling(body, verdict, lang, replies.asked_kind(u))
        intent = self._intent_for(u, query, result, earlier) if u is not None and route == CALCULATION else None
        # A yes-or-no question the figure does not settle (no figure of its own to check, no verdict
        # computed) is answered with the rule's figure below the confidence line, as an unruled
        # answer from the knowledge base is (see _answer_reply); a school year's result says
        # itself whether the year is in the plan.
        unruled = route == CALCULATION and verdict is None and u is not None and u.asks_only_yes_no
        unruled = unruled and query.kind != SCHOOL_YEAR and not _STARTS_WITH_VERDICT.match(body)
        reply = compose(
            (t("unruled_figure", lang) + "\n" if unruled else "") + replies.with_context(body, context, lang),
            lang,
            route=UNSURE if unruled else route,
            sources=sources,
            buttons=buttons,
            intent=intent,
            confidence=(0.5 if unruled else 1.0) if route == CALCULATION else 0.0,
            context=context,
        )
        reply.card = None if unruled else self._card(result, reply)  # a card would hide the first line
        if verdict is not None and u is not None and reply.card is not None:
            word = replies.ruling_word(verdict, lang, replies.asked_kind(u))
            reply.card = replace(reply.card, title=f"{word}{reply.card.title}")
        return reply, Topic(query=query, at=now, lang=lang, cites=intent)

    def _figure_checked_before(
        self, u: Understanding, asked: Understanding, answer: Answer, topic: Topic
    ) -> bool | None:
        """「111呢」 after 「我們統計出來48% 算有達標嗎」: the figure the chat checked against a target,
        checked against this row of the same entry (not after a figure claimed, 「110是25校對吧」, nor
        when the message gives a figure of its own)."""
        own_figure = u.figures.percentages or u.figures.amounts or u.figures.labelled or counts_something(u)
        checked = replies.asked_kind(u, topic.said or topic.text) == replies.MEETS
        # (「喔我講錯 是國小」 after 「110學年國中收聽比率目標是95%對吧」: the claim, of the row corrected)
        claimed_again = u.correction and topic.yes_no
        if own_figure or not (checked or claimed_again) or answer.intent != topic.entry or not topic.said:
            return None
        return self._figure_ruling(replace(asked, text=topic.said, asks_yes_no=True), answer.text)

    def _ruling_with_what_was_said(self, u: Understanding, said: str, entry: str | None) -> bool | None:
        """The yes or no to a question whose case the chat's last message told (「偏遠學校，已經拿過設施
        設備計畫的補助」 then 「那可以用這個計畫買投影機嗎」): the entry's conditions read over both, when a
        condition of two or more word groups decides. Not for a question whether the plan sets a rule
        at all (「英語社團有規定要外師帶嗎」): its own words name what the rule would be of."""
        if not (u.asks_yes_no or u.asks_obligation) or RULE_ASKED.search(u.normalised):
            return None
        if _THE_SAME_WAY.search(u.normalised):
            return None  # 「也是這樣走嗎」: the way the answer gave, not the case the last message told
        # 「那25%呢」 after 「…挪35%…嗎」: the share (or amount) asked now replaces the one said before
        # …and 「那如果已經是第四年呢」 after 「今年才第一年做，可以…嗎」 is another year of the run
        # (and 「那四年級呢」 after 「…二年級…可以嗎」 another grade, 「那4個月呢」 after a 2-month contract)
        ordinals = ORDINAL_YEAR.search(u.normalised) is not None
        grades = GRADE.search(u.normalised) is not None
        months = MONTHS.search(u.normalised) is not None  # "what if her contract is 4 months?" after 2 months
        years = u.slots.year is not None  # "and in 111?" after 「…already in 110?」: that year, not 110
        said = without_figures(
            said, bool(u.figures.percentages), bool(u.figures.amounts), ordinals, grades, months, years
        )
        said = without_contrasts(said, u.normalised)  # 「經常門呢」 after capital: not the capital said
        both = with_the_case_asked_before(u, said, entry, self.engine, self.rules)  # 「工作费呢」 after 印刷费
        if both is u:
            text = f"{said} {u.matching or u.normalised}"
            both = replace(u, normalised=text, matching=text)
        return self.engine.ruling(both, entry) if self.engine.rules_on(both, entry) >= 2 else None

    def _share_checked(self, u: Understanding, answer: Answer) -> figure_check.ShareOfCounts | None:
        """A yes-or-no question counting a part of a whole against a fraction its entry states
        anywhere (a row other than the one shown included), or None."""
        entry = self.engine.kb.entries.get(answer.intent or "")
        if entry is None or not answer.confident or not (u.asks_yes_no or u.yes_no_form):
            return None
        plain = self.engine.normalize.plain
        stated = " ".join([entry.answer.zh, *(detail.text.zh for detail in entry.details)])
        return figure_check.share_of_counts(plain(u.text), plain(stated, limit=None))

    def _sessions_checked(
        self, u: Understanding, answer: Answer, topic: Topic | None
    ) -> figure_check.SessionsOfPeople | None:
        """Sessions of so many people each against the entry's floors (「每學期辦３場 每場大概１２位 這樣有到
        嗎」), asked, or told again after that question of the same entry (「阿不是 每場是15位」: the
        count put right in the sentence before); or None."""
        entry = self.engine.kb.entries.get(answer.intent or "")
        if entry is None or not answer.confident:
            return None
        plain = self.engine.normalize.plain
        rule = plain(entry.answer.zh, limit=None)
        if u.asks_yes_no or u.yes_no_form:
            asked = figure_check.sessions_of_people(plain(u.text), rule)
            if asked is not None:
                return asked
        if topic is None or not topic.yes_no or topic.entry != answer.intent or not topic.said:
            return None
        again = figure_check.with_counts_replaced(plain(topic.said), plain(u.text))
        return figure_check.sessions_of_people(again, rule) if again is not None else None

    def _dates_checked(self, u: Understanding, answer: Answer, topic: Topic | None) -> Counted | None:
        """Days told that settle a yes or no by counting: a test and its retake told by their months, of
        the English-test fee funded once a school year (their school years); a substitute's term told by
        its days (「從115/9/1代到115/11/20 報英檢也能補嗎」, or 「那如果聘期改到116/1/20呢」 after it), of an
        item that covers substitutes of so many months or more (the term against that floor); else None."""
        if not answer.confident:
            return None
        if answer.intent in self._item_entries.get("english_test", []) and (u.asks_yes_no or u.yes_no_form):
            # 「115年10月考…116年4月想再考一次 還能補嗎」: once a school year, so the school years of the two
            again = tests_told(u.normalised, u.figures.dates)
            if again is not None:
                return again
        floors = [self.rules.substitute_floor(item) for item, ids in self._item_entries.items() if answer.intent in ids]
        floor = next((months for months in floors if months is not None), None)
        asked_before = topic is not None and topic.yes_no and topic.entry == answer.intent
        if floor is None or not (u.asks_yes_no or u.yes_no_form or asked_before):
            return None
        said = topic.said if topic is not None and topic.entry == answer.intent else ""
        return term_told(u.normalised, u.figures.dates, floor, self._today().year, said)

    def _ceiling_changed(self, query: Query, topic: Topic | None, u: Understanding) -> bool | None:
        """「還有分校 有多嗎」 "does that add anything?" after a ceiling, the school's facts changed:
        whether the new ceiling is more than (or differs from) the one computed before; None when
        no such thing is asked."""
        asked = asks_a_change(u)
        # (the chat's last ceiling, also when its capital was asked after it: 「喔對 我們有一個分班 總額會變嗎」)
        last = last_ceiling(topic)
        if asked is None or last is None or query.kind != CEILING or not u.asks_yes_no:
            return None
        if "compare" in last.inputs:  # (after two ceilings' difference: the one told last)
            fact, values = last.inputs["compare"]["fact"], last.inputs["compare"]["values"]
            inputs = {k: v for k, v in last.inputs.items() if k != "compare"}
            last = replace(last, facts=dict(last.facts) | {fact: values[-1]}, inputs=inputs)
        before = compute(last, self.rules, self.plan, self._today())
        after = compute(query, self.rules, self.plan, self._today())
        if not isinstance(before, CeilingAnswer) or not isinstance(after, CeilingAnswer):
            return None
        old, new = before.result.total, after.result.total
        return new > old if asked == "more" else new != old

    def _allowed_beside_the_cap(self, u: Understanding, entry_id: str | None) -> bool:
        """Whether a message asking if an uncapped item has a cap also asks, in a part of its own,
        whether it is allowed, and the entry says yes (「小獎品可以報嗎 有沒有金額上限」)."""
        for clause in spoken_clauses(u.text):
            asked = self.engine.understand(clause)
            if asked.asks_permission and self.engine.ruling(asked, entry_id) is True:
                return True
        return False

    def _figure_ruling(self, u: Understanding, answer: str, headline: str | None = None) -> bool | None:
        """The yes or no a yes-or-no question stating a figure gets from the figures of its answer
        (knowledge/figure_check.py), unless the answer already starts with one (「超過了」);
        `headline`: a computed answer's first line (a knowledge-base answer has none)."""
        # 「上限是25萬嗎」 asks a yes or no though it names a ceiling
        if not (u.asks_yes_no or u.yes_no_form) or _STARTS_WITH_VERDICT.match(answer):
            return None
        plain = self.engine.normalize.plain
        answer_plain = plain(answer, limit=None)
        heading = plain(headline, limit=None) if headline is not None else None
        # 「辦兩場 總共50人 符合嗎」: a rule of two floors met figure by figure (not with a time said to
        # have had none: 「下學期沒辦」)
        meets = replies.asked_kind(u) == replies.MEETS and not _NONE_HELD.search(u.normalised)
        return figure_check.agrees(plain(u.text), answer_plain, heading, u.asks_permission, meets)

    def _card(self, result: Result, reply: Reply) -> Card | None:
        """The same computed reply as a card (LINE shows it), from the same result; its foot also
        offers the plan's entry for the rule applied, the closest related question."""
        if reply.route != CALCULATION:
            return None
        entry = self.engine.kb.entries.get(reply.intent or "")
        related = Button(entry.title.get(reply.lang), f"{ASK_PREFIX}{entry.id}") if entry is not None else None
        return cards.card_for(result, reply, related=related)

    def _intent_for(
        self, u: Understanding, query: Query, result: Result | None = None, earlier: str | None = None
    ) -> str | None:
        """The entry that states the rule a computed answer applies: the item's entry, or the
        entry the engine is sure of for the question with the computation's facts, or for the
        name of what was computed or checked (「雙語生活化資本門」) when the question alone is too
        terse ("we planned 50,000 for equipment, ok?")."""
        item = query.item or ""
        parts = {str(part.get("item")) for part in query.inputs.get("parts") or []} if item == "combined" else set()
        if len(parts) == 1:
            item = parts.pop()  # 「第三天改成只有半天呢」: meals of full days and of a half day, one item
        entries = self._item_entries.get(item, [])
        lecturer = query.inputs.get("lecturer")
        if len(entries) > 1 and lecturer:  # the lecture fee computed: the entry of that lecturer's rate
            entries = [e for e in entries if lecturer_in(self.engine.title_words(e)) == lecturer] or entries
        if len(entries) > 1:  # the one the latest words pick (「內聘呢」 after 外聘: the internal fee)
            picked: list[str | None] = []
            # the question the computation was asked with is most often this very message: asked once
            for text in dict.fromkeys((u.normalised, str(query.inputs.get("text") or ""))):
                ranked = self.engine.answer(text)
                picked += [ranked.intent] if ranked.confident else []
            chosen = next((e for e in picked if e in entries), None)
            if chosen is not None:
                return chosen
            # 「奠基英語營 學生每天膳費300可以嗎」: the entry a case of which the message names whole (two
            # word groups of its conditions: a foundation camp's meals are the student-activity rule's)
            cases = sorted(((self.engine.rules_on(u, e), e) for e in entries), reverse=True)
            if cases[0][0] >= 2 and cases[1][0] < cases[0][0]:
                return cases[0][1]
            return earlier if earlier in entries else entries[0]
        if entries:
            return entries[0]
        higher = higher_side(query, self.rules) if query.kind == CEILING else None
        # (two ceilings compared: the entry of the higher, whose rule the answer turns on)
        facts = query.facts if higher is None else higher
        slots = {k: v for k, v in facts.items() if k in ("mode", "classes", "domains") and isinstance(v, int)}
        if query.kind == CEILING and query.inputs.get("focus") in (None, "pd_teacher", "pd_student", "partial_domains"):
            return self.engine.tier_entry(dict(slots))  # the tier's entry states its parts too
        moved = result.result.transfer if isinstance(result, CeilingAnswer) else None
        if query.inputs.get("focus") == "transfer" and moved is not None:
            return self.engine.entry_quoting(moved.rule.quotes)  # 「挪25萬可以嗎」: the transfer's rule
        applied = result.rules if isinstance(result, Figure) else result[0].sources if isinstance(result, tuple) else ()
        if len(applied) == 1:
            quoting = self.engine.entry_quoting(applied[0].quotes)
            if quoting is not None:
                return quoting  # the one rule applied (a verdict's too): the entry that quotes it
        if earlier is not None and query.kind in (ITEM, VERDICT, SCHOOL_YEAR):
            return earlier  # "and if we were mode 2?" after a lead's reduction: still that rule's
        named = result.title.zh if isinstance(result, (Figure, DateFigure)) and result.title is not None else None
        # a date computed (the close-out) or a transfer names its rule, whatever part of it was asked
        if not (isinstance(result, DateFigure) or query.kind == TRANSFER) or named is None:
            answer = self.engine.answer_to(u, _slots(slots) if slots else None)
            if answer.confident:
                return answer.intent
        if isinstance(result, tuple):  # a verdict: what was checked (「減課每週 6 節（模式二，主要負責人）」)
            named = result[1].zh
        if named is None:
            return None
        by_name = self.engine.answer_to(self.engine.understand(named), _slots(slots) if slots else None)
        return by_name.intent if by_name.confident else None

    def _render(
        self, result: Result, query: Query, lang: str, detailed: bool = False
    ) -> tuple[str, list[str], list[Button]]:
        if isinstance(result, CeilingAnswer):
            sources = result.result.sources(lang)
            if detailed:
                return replies.ceiling_details(result.result, lang), sources, []
            details = Button("詳細" if lang != "en" else "Details", DETAILS_DATA)
            return replies.ceiling_text(result, lang), sources, [details]
        if isinstance(result, Figure):
            return replies.figure_text(result, lang), [r.source(lang) for r in result.rules], []
        if isinstance(result, DateFigure):
            return replies.date_text(result, lang), [_pick(result.source, lang)], []
        if isinstance(result, YearFigure):
            return replies.year_text(result, lang), [_pick(result.source, lang)] if result.source[0] else [], []
        if isinstance(result, Refused):
            return result.error.message(lang), [], []
        if isinstance(result, tuple):
            verdict, what = result
            assert isinstance(verdict, Verdict)
            return replies.verdict_text(verdict, what, lang), replies.verdict_sources(verdict, lang), []
        assert isinstance(result, list)
        return replies.items_text(result, lang), replies.item_sources(result, lang), []

    def _step_buttons(self, need: NeedFact, query: Query, lang: str) -> list[Button]:
        if need.step == "part":
            return [
                Button(label, f"{PART_PREFIX}{value}")
                for label, value in replies.choices(self.rules, need.facts, "part", lang)
            ]
        ask_all = bool(query.inputs.get("ask_all"))
        buttons = []
        for label, value in replies.choices(self.rules, need.facts, need.step, lang):
            values = vars(need.facts) | {need.step: value}
            if need.step == "mode" and value == 1:
                values |= {"domains": None, "open_classroom": None}
            buttons.append(Button(label, pack_facts(SchoolFacts(**values), ask_all)))
        return buttons

    def _details(self, state: ChatState, topic: Topic | None, lang: str, now: float) -> tuple[Reply, ChatState]:
        if topic is None or topic.query is None:
            return Reply(t("no_details", lang), lang=lang, route=UNSURE, confidence=0.0), state
        result = compute(topic.query, self.rules, self.plan, self._today())
        if isinstance(result, (NeedFact, Refused)):  # 「詳細」 while the bot asks back: ask again
            reply, new_topic = self._compute(topic.query, lang, {}, now)
            return reply, replace(state, topic=new_topic)
        body, sources, _ = self._render(result, topic.query, lang, detailed=True)
        reply = compose(body, lang, route=CALCULATION, sources=sources)
        return reply, replace(state, topic=replace(topic, at=now))

    def _in_language(self, state: ChatState, topic: Topic | None, lang: str, now: float) -> tuple[Reply, ChatState]:
        assert topic is not None
        if topic.query is not None:
            reply, new_topic = self._compute(topic.query, lang, {}, now)
            return reply, replace(state, topic=new_topic)
        if topic.entry is not None:
            answer = self.engine.answer_entry(topic.entry, lang, _slots(topic.slots))
            return self._answer_reply(answer, {}), replace(state, topic=replace(topic, at=now, lang=lang))
        return Reply(t("empty", lang), lang=lang, route=UNSURE, confidence=0.0), state

    # -- knowledge-base answers -----------------------------------------------------------

    def _answered(
        self,
        decision: Decision,
        lang: str,
        now: float,
        ruling: bool | None = None,
        kind: str = replies.PERMISSION,
        unruled: bool = False,
    ) -> tuple[Reply, Topic | None]:
        """The reply and the topic it leaves; an unruled answer (see _answer_reply) leaves its
        entry as the topic all the same, so that the next turn can follow it up."""
        answer = decision.answer
        assert answer is not None
        reply = self._answer_reply(answer, decision.context, ruling, kind, unruled)
        if answer.related is not None:
            # "the plans do not say" of a rule's detail: that rule is what the next turn follows up
            return reply, Topic(
                entry=answer.related, slots=dict(decision.slots), text=decision.text, at=now, lang=answer.lang
            )
        if not answer.confident or answer.intent is None:
            return reply, None
        return reply, Topic(
            entry=answer.intent, slots=dict(decision.slots), text=decision.text, at=now, lang=answer.lang
        )

    def _answer_reply(
        self,
        answer: Answer,
        context: dict[str, Any],
        ruling: bool | None = None,
        kind: str = replies.PERMISSION,
        unruled: bool = False,
    ) -> Reply:
        """The reply to an answer from the knowledge base. `unruled`: a yes-or-no question the entry
        has no yes or no for. The rule alone would read as an answer but says neither, and on fresh
        questions it was the commonest confident wrong answer (docs/evidence.md, stop 23): so it is
        shown as the closest rule, said to be no yes or no, below the confidence line."""
        if answer.confident and unruled:
            body = t("unruled", answer.lang) + "\n" + replies.with_context(answer.text, context, answer.lang)
            return compose(
                body,
                answer.lang,
                route=UNSURE,
                sources=answer.sources,
                intent=answer.intent,
                confidence=answer.confidence / 2,  # sure of the rule, not of the yes or no
                context=context,
            )
        if answer.confident:
            route = ANSWER
        elif not answer.covered:
            route = NOT_IN_PLANS
        else:
            route = UNSURE
        buttons = [] if answer.confident else [Button(s.title, f"{ASK_PREFIX}{s.intent}") for s in answer.suggestions]
        body = replies.with_context(answer.text, context if answer.confident else {}, answer.lang)
        if answer.confident and ruling is not None:
            body = replies.with_ruling(body, ruling, answer.lang, kind)
        return compose(
            body,
            answer.lang,
            route=route,
            sources=answer.sources,
            buttons=buttons,
            intent=answer.intent if answer.confident else None,
            confidence=answer.confidence,
            suggestions=answer.suggestions,
            context=context if answer.confident else {},
        )

    # -- buttons ----------------------------------------------------------------------------

    def handle_button(self, chat: ChatRef, data: str, lang_hint: str | None = None) -> Reply:
        if (taken := self._taken(chat, data, "button", lang_hint)) is not None:
            return taken
        reply = self._as_the_chat_writes(chat, self._button(chat, data, lang_hint))
        if data.startswith(EXAMPLE_PREFIX) or parse_command(data) is not None:
            return reply  # answered as typed text, and seen there
        return self._seen(chat, data, "button", reply)

    def _button(self, chat: ChatRef, data: str, lang_hint: str | None) -> Reply:
        if data.startswith(ASK_PREFIX):
            with self.memory.turn(chat) as box:
                lang = box[0].lang or _hint(lang_hint)
                topic = box[0].current_topic(self._clock(), self.topic_seconds)
                lang = topic.lang if topic and topic.lang else lang
                answer = self.engine.answer_entry(data[len(ASK_PREFIX) :], lang)
                if answer.intent is not None:
                    box[0] = replace(box[0], topic=Topic(entry=answer.intent, at=self._clock(), lang=lang))
                return self._answer_reply(answer, {})
        if data.startswith(EXAMPLE_PREFIX):
            lang = self.language(chat, lang_hint)
            index = data[len(EXAMPLE_PREFIX) :]
            found = examples(lang)
            if index.isascii() and index.isdigit() and int(index) < len(found):
                return self.handle_text(chat, found[int(index)], lang_hint)
        if data.startswith(CAP_PREFIX):
            unpacked = unpack_facts(data)
            if unpacked is not None:
                facts, ask_all = unpacked
                with self.memory.turn(chat) as box:
                    topic = box[0].current_topic(self._clock(), self.topic_seconds)
                    lang = (topic.lang if topic else None) or box[0].lang or _hint(lang_hint)
                    query = Query(CEILING, facts=facts, inputs={"ask_all": True} if ask_all else {})
                    reply, new_topic = self._compute(query, lang, {}, self._clock())
                    box[0] = replace(box[0], topic=new_topic, school=_school_with(box[0].school, facts))
                    return reply
        if data.startswith(PART_PREFIX) or data == DETAILS_DATA:
            with self.memory.turn(chat) as box:
                taken, box[0] = self._continuing(box[0], lambda state: self._part(state, data, lang_hint))
                if taken is not None:
                    return taken
        if parse_command(data) is not None:  # buttons of earlier versions sent commands
            return self.handle_text(chat, data, lang_hint)
        # Data the bot never made (a stale or forged button): not the user's words, so no
        # guessing at its language; offer the examples again.
        lang = self.language(chat, lang_hint)
        welcome = self.welcome(chat, lang_hint)
        return Reply(f"{t('stale_button', lang)}\n\n{welcome.text}", welcome.buttons, lang)

    def _part(self, state: ChatState, data: str, lang_hint: str | None) -> tuple[Reply | None, ChatState]:
        """「詳細」 or one part of the last ceiling, from a button; None when there is no topic."""
        topic = state.current_topic(self._clock(), self.topic_seconds)
        lang = (topic.lang if topic else None) or state.lang or _hint(lang_hint)
        if topic is None or topic.query is None:
            return None, state
        if data == DETAILS_DATA:
            return self._details(state, topic, lang, self._clock())
        part = data[len(PART_PREFIX) :]
        if part not in ("bilingual_life", "partial_domains"):
            return None, state
        query = replace(topic.query, inputs=dict(topic.query.inputs) | {"part": part})
        reply, new_topic = self._compute(query, lang, {}, self._clock())
        return reply, replace(state, topic=new_topic)

    # -- files ------------------------------------------------------------------------------

    def refuse_file(self, chat: ChatRef, filename: str, size: int | None, lang_hint: str | None = None) -> Reply | None:
        """The reply refusing a document before it is downloaded, or None when it may be fetched."""
        lang = self.language(chat, lang_hint)
        if not filename.lower().endswith(BUDGET_FILE_SUFFIXES):
            return Reply(t("file_type", lang), lang=lang)
        if size is not None and size > MAX_FILE_BYTES:
            return Reply(t("file_too_big", lang).format(mb=budget.MAX_MB), lang=lang)
        return None

    def handle_file(self, chat: ChatRef, filename: str, content: bytes, lang_hint: str | None = None) -> Reply:
        """A document sent to the bot: the budget checker, with the school's facts the chat told."""
        return self._as_the_chat_writes(chat, self._file(chat, filename, content, lang_hint))

    def _file(self, chat: ChatRef, filename: str, content: bytes, lang_hint: str | None) -> Reply:
        refusal = self.refuse_file(chat, filename, len(content), lang_hint)
        if refusal is not None:
            return refusal
        state = self.memory.peek(chat)
        lang = state.lang or _hint(lang_hint)
        facts, _ = school_facts(state.school)
        known = facts if facts.mode is not None and not facts.missing() else None
        try:
            report = budget.check_budget(content, filename, known, self.rules)
        except budget.BudgetFileError as exc:
            return Reply(exc.message(lang), lang=lang)
        text = budget.format_report(report, lang)
        if known is not None:
            text = replies.with_context(
                text, {k: v for k, v in vars(known).items() if v is not None and v is not False}, lang
            )
        return Reply(text, lang=lang, route=CALCULATION)

    # -- commands ---------------------------------------------------------------------------

    def welcome(self, chat: ChatRef, lang_hint: str | None = None) -> Reply:
        lang = self.language(chat, lang_hint)
        buttons = [Button(e, f"{EXAMPLE_PREFIX}{i}") for i, e in enumerate(examples(lang))]
        return Reply(t("welcome", lang), buttons, lang)

    def unsupported(self, chat: ChatRef, lang_hint: str | None = None) -> Reply:
        lang = self.language(chat, lang_hint)
        return Reply(t("unsupported", lang), lang=lang)

    def apology(self, chat: ChatRef, lang_hint: str | None = None) -> Reply:
        """What the user sees when handling their message failed unexpectedly."""
        lang = self.language(chat, lang_hint)
        return Reply(t("apology", lang), lang=lang)

    def chat_gone(self, chat: ChatRef) -> None:
        """The user blocked the bot or left: forget the chat and stop its reminders."""
        self.memory.forget(chat)
        if self.reminders is not None:
            self.reminders.forget_chat(chat.channel, chat.chat_id)

    @staticmethod
    def command_menu(lang: str) -> list[tuple[str, str]]:
        """(command, description) pairs for a phone's command menu."""
        return [(c.name, c.en if lang == "en" else c.zh) for c in COMMANDS]

    def handle_command(self, chat: ChatRef, name: str, args: str, lang_hint: str | None = None) -> Reply:
        return self._as_the_chat_writes(chat, self._command(chat, name, args, lang_hint))

    def _command(self, chat: ChatRef, name: str, args: str, lang_hint: str | None) -> Reply:
        if (taken := self._taken(chat, f"{name} {args}".strip(), "command", lang_hint)) is not None:
            return taken
        lang = self.language(chat, lang_hint)
        if name == "start":
            return self.welcome(chat, lang_hint)
        if name == "help":
            return Reply(t("help", lang), lang=lang)
        if name == "sources":
            return Reply(self.sources_text(lang), lang=lang)
        if name == "budget":
            return Reply(t("budget_help", lang).format(mb=budget.MAX_MB), lang=lang)
        if name == "lang":
            return self._set_language(chat, args, lang)
        if name in ("deadlines", "subscribe", "unsubscribe", "reminders"):
            return self._reminder_command(chat, name, args, lang)
        if name == "ask":
            return self.handle_text(chat, args, lang_hint) if args.strip() else Reply(t("empty", lang), lang=lang)
        if name == "cap":
            return self._seen(chat, f"/cap {args}".strip(), "command", self._cap(chat, args, lang_hint))
        if name == "wrong":  # feedback (handlers/feedback.py) when the interaction log is on
            return Reply(t("not_available", lang), lang=lang)
        if name == "school":
            return self._school(chat, args, lang_hint)
        if name == "forget":
            self.memory.forget(chat, keep_lang=True)
            return Reply(t("forgotten", lang), lang=lang)
        return Reply(t("unknown_command", lang).format(name="/" + name[:30]), lang=lang)

    # -- the observer's seam ------------------------------------------------------------------

    def _as_the_chat_writes(self, chat: ChatRef, reply: Reply) -> Reply:
        """A reply to a button, command or file in the script the chat last wrote in."""
        return _in_script(reply, self.memory.peek(chat).simplified)

    def _taken(self, chat: ChatRef, said: str, via: str, lang_hint: str | None) -> Reply | None:
        return self.observer.take(chat, said, via, lang_hint) if self.observer is not None else None

    def _seen(self, chat: ChatRef, said: str, via: str, reply: Reply) -> Reply:
        return self.observer.seen(chat, said, via, reply) if self.observer is not None else reply

    def _cap(self, chat: ChatRef, args: str, lang_hint: str | None) -> Reply:
        """`/cap 模式二 8班 2領域 分校`; with no arguments it asks every fact in turn."""
        with self.memory.turn(chat) as box:
            u = self.engine.understand(args, self.rules)
            # Arguments are tokens rather than prose: the chat's choice of language comes first.
            lang = box[0].lang or u.lang or _hint(lang_hint)
            now = self._clock()
            if u.empty:
                query = Query(CEILING, inputs={"ask_all": True})
                prefix = ""
            elif not u.facts:
                query = Query(CEILING, inputs={"ask_all": True})
                prefix = t("cap_usage", lang) + "\n"
            else:
                facts = {k: v if isinstance(v, (bool, int)) else str(v) for k, v in u.facts.items()}
                query = Query(CEILING, facts=facts)
                prefix = ""
            reply, topic = self._compute(query, lang, {}, now)
            if prefix:
                reply = replace(reply, text=prefix + reply.text, body=prefix + reply.body)
            box[0] = replace(box[0], topic=topic)
            return reply

    def _school(self, chat: ChatRef, args: str, lang_hint: str | None) -> Reply:
        """`/school` shows the facts the chat told; `/school 模式二 20班 2領域 國小` sets them."""
        with self.memory.turn(chat) as box:
            u = self.engine.understand(args, self.rules)
            last = box[0].topic.lang if box[0].topic is not None else None
            lang = box[0].lang or u.lang or last or _hint(lang_hint)
            school = dict(box[0].school)
            if not u.empty:
                told = {k: v for k, v in u.usable_facts.items() if k in SCHOOL_FACTS}
                if u.slots.level:
                    told["level"] = u.slots.level
                if (end := period_end_in(u)) is not None:
                    told["period_end"] = end
                if not told:
                    return Reply(t("school_usage", lang), lang=lang)
                school = _school_with(school, told)
                box[0] = replace(box[0], school=school)
            if not school:
                return Reply(t("school_empty", lang), lang=lang)
            return Reply(t("school_facts", lang).format(facts=replies.facts_label(school, lang)), lang=lang)

    def sources_text(self, lang: str) -> str:
        """The plans and, per plan, the required sections it covers (their names in the plan's own words)."""
        lines = []
        kb = self.engine.kb
        for document in kb.documents.values():
            lines.append(f"📘 {document.title.get(lang)}")
            topics = {kb.topics[e.topic].get(lang) for e in kb.entries.values() if e.document is document}
            label, separator = ("   主題：", "、") if lang == "zh" else ("   Topics: ", "; ")
            lines.append(label + separator.join(sorted(topics)))
            if lang == "zh":
                lines.append("   章節：" + "、".join(document.coverage))
        return "\n".join(lines)

    def _set_language(self, chat: ChatRef, args: str, lang: str) -> Reply:
        choice = args.strip().lower()[:2]
        if choice not in ("zh", "en"):
            return Reply(t("lang_usage", lang), [Button("中文", "/lang zh"), Button("English", "/lang en")], lang)
        with self.memory.turn(chat) as box:
            box[0] = replace(box[0], lang=choice)
        return Reply(t("lang_set", choice), lang=choice)

    def _reminder_command(self, chat: ChatRef, name: str, args: str, lang: str) -> Reply:
        if self.reminders is None:
            return Reply(t("not_available", lang), lang=lang)
        if name == "deadlines":
            return Reply(
                self.reminders.deadlines(lang), lang=lang, card=cards.deadlines_card(*self.reminders.upcoming(), lang)
            )
        elif name == "subscribe":
            text = self.reminders.subscribe(chat.channel, chat.chat_id, args, lang)
        elif name == "unsubscribe":
            text = self.reminders.unsubscribe(chat.channel, chat.chat_id, lang)
        else:
            text = self.reminders.status(chat.channel, chat.chat_id, lang)
        return Reply(text, lang=lang)


def _in_script(reply: Reply, simplified: bool) -> Reply:
    """The reply in the script the chat writes (Traditional unless it writes Simplified)."""
    return replies.in_simplified(reply) if simplified else reply


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _hint(hint: str | None) -> str:
    return "en" if (hint or "").lower().startswith("en") else "zh"


def _slots(values: dict[str, Any]) -> Any:
    from knowledge.slots import Slots

    return Slots(**{k: v for k, v in values.items() if k in ("year", "level", "mode", "domains", "classes", "branch")})


def _school_with(school: dict[str, Any], told: dict[str, Any]) -> dict[str, Any]:
    updated = dict(school) | {k: v for k, v in told.items() if k in SCHOOL_KEYS}
    if told.get("mode") == 1:
        updated.pop("domains", None)
        updated.pop("open_classroom", None)
    return updated
