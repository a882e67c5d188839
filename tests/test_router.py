"""The routing policy, table-driven: (previous topic, school facts, message) → what the message gets.

Each row goes through `handlers.router.decide` exactly as the dialog calls it: the message read
once with `engine.understand`, the topic and the school's facts as the chat remembered them, and
the reply's language as the dialog picks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from bench.conversations import scored_dialog
from bot.wiring import Knowledge
from handlers.dialog import ChatRef
from handlers.memory import Topic
from handlers.router import ANSWER, COMPUTE, DETAILS, EMPTY, LANGUAGE, Decision, decide
from knowledge.queries import CAPITAL, CEILING, ITEM, Query

KEY_FACTS = ("mode", "classes", "domains", "branch")
NOT_COVERED = "<not in the plans>"  # an `entry` expectation: an honest "the plans do not say"


def ceiling(lang: str = "zh", asked: str | None = None, **facts: Any) -> Topic:
    """The last topic: a ceiling computed (or, with `asked`, asked back) for `facts`."""
    return Topic(query=Query(CEILING, facts=facts), asked=asked, at=1000.0, lang=lang)


def entry(entry_id: str, text: str, lang: str = "zh", **slots: Any) -> Topic:
    return Topic(entry=entry_id, slots=slots, text=text, at=1000.0, lang=lang)


MODE1_20 = ceiling(mode=1, classes=20)
MODE1_20_EN = ceiling("en", mode=1, classes=20)
MODE1_13 = ceiling(mode=1, classes=13)
MODE2_8_1 = ceiling(mode=2, classes=8, domains=1)
MODE2_13_2 = ceiling(mode=2, classes=13, domains=2)
ASKED_CLASSES = ceiling(asked="classes", mode=1)
ASKED_DOMAINS = ceiling(asked="domains", mode=2, classes=8)
ASKED_MODE = ceiling(asked="mode", classes=20)
ASKED_BRANCH = ceiling(asked="branch", mode=1, classes=20)
CLOSEOUT = entry("moe.closeout", "結案要什麼時候交")
KL_READING_111 = entry("kl.ap.01", "基隆 英語閱讀力倍增 111學年度 國小單字量目標", year=111, level="國小")
SCHOOL = {"mode": 2, "classes": 8, "domains": 2}


@dataclass(frozen=True)
class Row:
    message: str
    route: str
    topic: Topic | None = None
    school: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] | None = None  # compute: the key facts of the (revised) query
    context: dict[str, Any] | None = None  # the facts said to be carried over from earlier turns
    entry: str | None = None  # answer: the entry id, or NOT_COVERED
    lang: str | None = None  # language: the language asked for


def row(row_id: str, r: Row, *marks: pytest.MarkDecorator) -> Any:
    return pytest.param(r, id=row_id, marks=marks)


ROWS = [
    # 1. empty
    row("empty", Row("", EMPTY)),
    row("blank", Row("   \u3000 ", EMPTY, topic=MODE1_20)),
    row("emoji only", Row("🎉🎉", EMPTY, topic=MODE1_20)),
    # 2. details
    row("詳細 after a ceiling", Row("詳細", DETAILS, topic=MODE1_20)),
    row("details after an English ceiling", Row("details", DETAILS, topic=MODE1_20_EN)),
    row("詳細 with no topic is a question", Row("詳細", ANSWER, entry=NOT_COVERED)),
    # 3. an answer to the step the bot asked
    row(
        "bare 20 answers classes",
        Row("20", COMPUTE, ASKED_CLASSES, facts={"mode": 1, "classes": 20}, context={"mode": 1}),
    ),
    row("20班 answers classes", Row("20班", COMPUTE, ASKED_CLASSES, facts={"mode": 1, "classes": 20})),
    row("bare 2 answers domains", Row("2", COMPUTE, ASKED_DOMAINS, facts={"mode": 2, "classes": 8, "domains": 2})),
    row("bare 1 answers domains", Row("1", COMPUTE, ASKED_DOMAINS, facts={"mode": 2, "classes": 8, "domains": 1})),
    row(
        "bare 2 answers mode", Row("2", COMPUTE, ASKED_MODE, facts={"mode": 2, "classes": 20}, context={"classes": 20})
    ),
    row("模式一 answers mode", Row("模式一", COMPUTE, ASKED_MODE, facts={"mode": 1, "classes": 20})),
    row("有 answers branch", Row("有", COMPUTE, ASKED_BRANCH, facts={"mode": 1, "classes": 20, "branch": True})),
    row("沒有 answers branch", Row("沒有", COMPUTE, ASKED_BRANCH, facts={"mode": 1, "classes": 20, "branch": False})),
    row(
        "a new question instead of the asked step", Row("結案要什麼時候交？", ANSWER, ASKED_MODE, entry="moe.closeout")
    ),
    # a mode named with another topic is not a ceiling question
    row("模式一 減課", Row("模式一可以減課嗎 一個人最多減幾節", ANSWER, entry="moe.teaching_load")),
    row("額度跟學校大小有關嗎", Row("模式二的雙語生活化額度跟學校大小有關嗎", ANSWER, entry="moe.cap.mode2.bilingual")),
    # 4. follow-ups and corrections of the last topic
    row("那13班呢", Row("那13班呢", COMPUTE, MODE1_20, facts={"mode": 1, "classes": 13}, context={"mode": 1})),
    row("模式二呢", Row("模式二呢", COMPUTE, MODE1_20, facts={"mode": 2, "classes": 20}, context={"classes": 20})),
    row(
        "2個領域呢",
        Row("2個領域呢", COMPUTE, MODE2_8_1, facts={"mode": 2, "classes": 8, "domains": 2}, context={"classes": 8}),
    ),
    row("國中呢 keeps the ceiling", Row("國中呢", COMPUTE, MODE1_20, facts={"mode": 1, "classes": 20})),
    row(
        "a count of people asked beside the mode is no ceiling asked",
        Row("我们做模式二，想申请开放教室给别校老师来观课，一学期要接待多少人才行", ANSWER, entry="moe.open_classroom"),
    ),
    row(
        "a count of people asked after a ceiling, beside a fact that would change it, is no ceiling again",
        Row(
            "我们做模式二，想申请开放教室给别校老师来观课，一学期要接待多少人才行",
            ANSWER,
            MODE2_13_2,
            entry="moe.open_classroom",
        ),
    ),
    row(
        "a class count told beside a question of Keelung's action plan is no ceiling asked",
        Row("學校在基隆山上全校才六班 那個英語閱讀力倍增 國小單字量第一年要到多少字", ANSWER, entry="kl.ap.01"),
    ),
    row(
        "a greeting introducing the asker does not drown the question",
        Row(
            "Hi, I'm the NET at our school. My Taiwanese co-teacher teaches science in English and wants to take "
            "the TOEIC Listening & Reading. Can the plan pay her registration fee?",
            ANSWER,
            entry="moe.item.english_test_fee",
        ),
    ),
    row(
        "a Keelung KPI named after a ceiling is that KPI, not the ceiling again",
        Row("ok 換基隆的 英語閱讀力倍增 110學年國小單字量KPI要到多少", ANSWER, MODE1_13, entry="kl.ap.01"),
    ),
    row(
        "隔年呢 after a Keelung KPI is the next school year's",
        Row(
            "那隔年呢",
            ANSWER,
            entry("kl.ap.01", "基隆 英語閱讀力倍增 110學年度 國小單字量目標", year=110, level="國小"),
            entry="kl.ap.01",
            context={"level": "國小"},  # the year is the message's own: 111
        ),
    ),
    row(
        "國中那邊 同一年 after a Keelung KPI is that KPI",
        Row("國中那邊是什麼指標 同一年", ANSWER, KL_READING_111, entry="kl.ap.01", context={"year": 111}),
    ),
    row(
        "by the end of the plan after a Keelung KPI is the plan's last year",
        Row(
            "and by the end of the plan?",
            ANSWER,
            entry("kl.ap.29", "keelung foreign english teachers hired by 110", year=110),
            entry="kl.ap.29",
        ),
    ),
    row(
        "another KPI 'that same year' is that year's",
        Row(
            "what about online live lessons w/ foreign teachers, how many schools that same year?",
            ANSWER,
            entry("kl.ap.29", "keelung foreign english teachers hired by 111", year=111),
            entry="kl.ap.30",
        ),
    ),
    row(
        "不是12班 是13班: the class count affirmed, not the one denied",
        Row("不是12班 是13班", COMPUTE, MODE1_20, facts={"mode": 1, "classes": 13}, context={"mode": 1}),
    ),
    row(
        "不是模式一 是模式二 after a ceiling: mode 2",
        Row("不是模式一 是模式二", COMPUTE, MODE1_13, facts={"mode": 2, "classes": 13}, context={"classes": 13}),
    ),
    row(
        "不是，我是問模式二 keeps the classes",
        Row("不是，我是問模式二", COMPUTE, MODE1_13, facts={"mode": 2, "classes": 13}, context={"classes": 13}),
    ),
    row(
        "其中老師專業支持 is the teacher part of the last ceiling",
        Row("其中老師專業支持是多少", COMPUTE, MODE2_13_2, facts={"mode": 2, "classes": 13, "domains": 2}),
    ),
    row(
        "a short question closest to the last rule when read with it is that rule",
        Row(
            "那其他老師最多幾節",
            ANSWER,
            entry("moe.teaching_load", "模式二 我是計畫總召 可以減幾節"),
            entry="moe.teaching_load",
        ),
    ),
    row(
        "a short question close to nothing read alone asks about the last entry",
        Row("去哪個城市", ANSWER, entry("kl.ap.21", "基隆高中國際交換學生計畫是做什麼"), entry="kl.ap.21"),
    ),
    row(
        "a short question the last entry rules on and the sure one read alone does not is the last one's",
        Row("可以兩種都申請嗎", ANSWER, entry("moe.modes", "計畫有幾種模式可以選"), entry="moe.modes"),
    ),
    row(
        "a short question close to a rule read alone is its own",
        Row(
            "申請流程是什麼", ANSWER, entry("kl.ap.21", "基隆高中國際交換學生計畫是做什麼"), entry="moe.apply.procedure"
        ),
    ),
    row("a lone 13 after a ceiling", Row("13", COMPUTE, MODE1_20, facts={"mode": 1, "classes": 13})),
    row(
        "what about 13 classes?",
        Row("what about 13 classes?", COMPUTE, MODE1_20_EN, facts={"mode": 1, "classes": 13}, context={"mode": 1}),
    ),
    row("and in mode 2?", Row("and in mode 2?", COMPUTE, MODE1_20_EN, facts={"mode": 2, "classes": 20})),
    row(
        "oops, a long correction naming the subjects keeps the classes",
        Row(
            "oops, it's arts AND integrative activities, so 2 subjects",
            COMPUTE,
            MODE2_8_1,
            facts={"mode": 2, "classes": 8, "domains": 2},
            context={"classes": 8},
        ),
    ),
    row(
        "sorry, I meant mode 2",
        Row("sorry, I meant mode 2", COMPUTE, MODE1_13, facts={"mode": 2, "classes": 13}, context={"classes": 13}),
    ),
    row(
        "模式一呢 after mode 2 drops the domains, also from the context",
        Row("模式一呢", COMPUTE, MODE2_13_2, facts={"mode": 1, "classes": 13}, context={"classes": 13}),
    ),
    row(
        "回到剛剛 follows up an earlier ceiling",
        Row(
            "回到剛剛的 那13班呢",
            COMPUTE,
            Topic(entry="moe.closeout", text="結案要什麼時候交", at=1000.0, lang="zh", earlier=(MODE1_20,)),
            facts={"mode": 1, "classes": 13},
        ),
    ),
    row(
        "回到剛剛 passes over an earlier topic on the same item as the last (膳費 a meal, then a day)",
        Row(
            "回到剛剛三十六班那個，照上限申請的話資本門最多編多少？",
            COMPUTE,
            Topic(
                query=Query(ITEM, item="meals", inputs={"days": 1}),
                at=1000.0,
                lang="zh",
                earlier=(Topic(query=Query(ITEM, item="meals"), at=990.0, lang="zh"), ceiling(mode=1, classes=36)),
            ),
            facts={"mode": 1, "classes": 36},
        ),
    ),
    row(
        "那我們學校呢 uses the school's facts",
        Row("那我們學校呢", COMPUTE, MODE1_20, SCHOOL, facts=SCHOOL),
    ),
    # 5. a new complete question during a topic is answered fresh
    row(
        "a new complete ceiling question",
        Row(
            "模式二 8班 2領域 最多補助多少",
            COMPUTE,
            MODE1_20,
            facts={"mode": 2, "classes": 8, "domains": 2},
            context={},
        ),
    ),
    row("a new knowledge question", Row("結案要什麼時候交？", ANSWER, MODE1_20, entry="moe.closeout")),
    row(
        "an entry named that rules on the case outranks the last rule's exception",
        Row(
            "那資本門可以合併嗎",
            ANSWER,
            entry("moe.cap.no_pooling", "生活化的經常門沒用完可以挪去部領用嗎"),
            entry="moe.cap.capital_pooling",
        ),
    ),
    # a number of an item named (one meal, two nights) is not a class count for the last ceiling
    row(
        "交通費呢 after lodging: nothing to compute travel from, its rule answers",
        Row(
            "交通費呢",
            ANSWER,
            Topic(query=Query(ITEM, item="lodging", inputs={"nights": 1}), at=1000.0, lang="zh"),
            entry="moe.item.travel",
        ),
    ),
    row("a knowledge question, no topic", Row("部領可以用在哪些領域？", ANSWER, entry="moe.pl.application")),
    # the item named outweighs another item's likeness (「可以報嗎」 resembles language study's phrasings)
    row("代課費可以報嗎 is the substitute fee", Row("代課費可以報嗎", ANSWER, entry="moe.item.substitute_fee")),
    row(
        "a ceiling after an answer for mode 2 takes that mode, and says so",
        Row(
            "我們12班 最多多少",
            COMPUTE,
            entry("moe.cap.mode2.bilingual", "模式二的雙語生活化額度", mode=2),
            facts={"mode": 2, "classes": 12},
            context={"mode": 2},
        ),
    ),
    row(
        "模是一 is 模式一",
        Row("模是一 十二班 有分校 最多補助多少", COMPUTE, facts={"mode": 1, "classes": 12, "branch": True}),
    ),
    # typing slips cost nothing (synonyms.yaml `typos`)
    row(
        "整個年級 is 全年級",
        Row("部領一定要整個年級一起上喔 可不可以先挑兩個班試辦", ANSWER, entry="moe.pl.whole_grade"),
    ),
    row("鐘典費 is 鐘點費", Row("老師去研習 代課的鐘典費可以報嗎", ANSWER, entry="moe.item.substitute_fee")),
    row(
        "clases is classes",
        Row(
            "mode 2, 2 domains, our school only has 7 clases. max?",
            COMPUTE,
            facts={"mode": 2, "classes": 7, "domains": 2},
        ),
    ),
    # the school's facts fill a ceiling question that states none
    row("the school's facts fill a ceiling", Row("補助上限多少", COMPUTE, None, SCHOOL, facts=SCHOOL, context=SCHOOL)),
    row(
        "the school's facts fill an English ceiling",
        Row("How much funding can we get at most?", COMPUTE, None, SCHOOL, facts=SCHOOL, context=SCHOOL),
    ),
    row("no school facts: the ceiling asks", Row("補助上限多少", COMPUTE, None, {}, facts={}, context={})),
    row(
        "分校那3班 are the branch's, left out: the main campus's count",
        Row("如果分校那3班不納入實施範圍呢", COMPUTE, MODE1_20, facts={"mode": 1, "classes": 20, "branch": False}),
    ),
    row(
        '"the branch class is NOT joining": the main campus alone',
        Row(
            "sorry, correction - the branch class is NOT joining this year",
            COMPUTE,
            MODE1_20,
            facts={"mode": 1, "classes": 20, "branch": False},
        ),
    ),
    row(
        '"what\'s the most" is a ceiling asked',
        Row("what's the most a school like ours can get?", COMPUTE, None, {}, facts={}, context={}),
    ),
    # 7. not in the plans
    row("台北市 with no topic", Row("台北市的雙語計畫補助多少", ANSWER, entry=NOT_COVERED)),
    row("台北市 after a ceiling", Row("台北市的雙語計畫補助多少", ANSWER, MODE1_20, entry=NOT_COVERED)),
    row("台北市 with the school's facts", Row("台北市的雙語計畫補助多少", ANSWER, MODE1_20, SCHOOL, entry=NOT_COVERED)),
    row("台北市呢 after a ceiling", Row("台北市呢", ANSWER, MODE1_20, entry=NOT_COVERED)),
    # the language of the last answer
    row("英文呢 after a ceiling", Row("英文呢", LANGUAGE, MODE1_20, lang="en")),
    row("英文呢 after an entry", Row("英文呢", LANGUAGE, CLOSEOUT, lang="en")),
    row("in English please", Row("in english", LANGUAGE, CLOSEOUT, lang="en")),
    row("中文 after an English ceiling", Row("中文", LANGUAGE, MODE1_20_EN, lang="zh")),
    row("英文呢 with no topic is not a language switch", Row("英文呢", ANSWER)),
]


def decision_for(knowledge: Knowledge, r: Row) -> Decision:
    engine, rules = knowledge.engine, knowledge.rules
    u = engine.understand(r.message, rules)
    topic = r.topic
    lang = u.lang or (topic.lang if topic and topic.asked else None) or "zh"  # as Dialog._turn picks it
    return decide(u, topic, dict(r.school), engine, rules, lang)


@pytest.mark.parametrize("r", ROWS)
def test_routing_policy(knowledge: Knowledge, r: Row) -> None:
    d = decision_for(knowledge, r)
    assert d.route == r.route, d
    if r.facts is not None:
        assert d.query is not None and d.query.kind == CEILING, d
        assert {k: v for k, v in d.query.facts.items() if k in KEY_FACTS} == r.facts, d
    if r.context is not None:
        assert d.context == r.context, d
    if r.entry == NOT_COVERED:
        assert d.answer is not None and d.answer.intent is None and not d.answer.covered, d
    elif r.entry is not None:
        assert d.answer is not None and d.answer.intent == r.entry and d.answer.confident, d
    if r.route == DETAILS:
        assert r.topic is not None and d.query == r.topic.query
    if r.route == LANGUAGE:
        assert r.topic is not None and d.lang == r.lang
        assert d.query == r.topic.query and d.slots == r.topic.slots


@pytest.mark.parametrize("message", ["膳費一餐多少錢", "那膳費3餐呢"])
def test_a_number_of_meals_after_a_ceiling_is_meals_not_classes(knowledge: Knowledge, message: str) -> None:
    d = decision_for(knowledge, Row(message, COMPUTE, MODE1_20))
    assert d.route == COMPUTE and d.query is not None and (d.query.kind, d.query.item) == (ITEM, "meals"), d


def test_a_capital_cap_after_a_ceiling_is_that_ceilings_not_the_schools_told_facts(knowledge: Knowledge) -> None:
    """「我們…1個領域」 told, then 「如果再加科技 變兩個領域」 computed, a question between: the capital
    cap asked next is a share of the 2-domain ceiling just computed, and says what it carried."""
    last = ceiling(mode=2, classes=11, domains=2).then(entry("moe.teaching_load", "主要負責人可以減幾節"))
    d = decision_for(
        knowledge, Row("部領的資本門最多多少", COMPUTE, last, school={"mode": 2, "classes": 11, "domains": 1})
    )
    assert d.route == COMPUTE and d.query is not None and d.query.kind == CAPITAL, d
    assert {k: d.query.facts.get(k) for k in ("mode", "classes", "domains")} == {"mode": 2, "classes": 11, "domains": 2}
    assert d.context.get("domains") == 2, d


def test_the_total_after_a_capital_cap_is_the_ceiling_again(knowledge: Knowledge) -> None:
    capital = Topic(query=Query(CAPITAL, facts={"mode": 2, "classes": 11, "domains": 2}, inputs={}), at=1000.0)
    d = decision_for(knowledge, Row("有分校的話總額呢", COMPUTE, capital))
    assert d.route == COMPUTE and d.query is not None and d.query.kind == CEILING, d
    assert {k: d.query.facts.get(k) for k in KEY_FACTS} == {"mode": 2, "classes": 11, "domains": 2, "branch": True}


@pytest.mark.parametrize("message", ["把生活化也算進來 全部加起來呢", "add campus life too: grand total?"])
def test_the_whole_after_a_part_of_a_ceiling_is_that_ceiling_without_the_part(
    knowledge: Knowledge, message: str
) -> None:
    """「全部加起來」 after the teachers' part of a ceiling: the whole ceiling for the same school, though
    the message names the campus-life part (an entry of its own)."""
    part = Query(CEILING, facts={"mode": 2, "classes": 11, "domains": 2}, inputs={"focus": "pd_teacher"})
    d = decision_for(knowledge, Row(message, COMPUTE, Topic(query=part, at=1000.0)))
    assert d.route == COMPUTE and d.query is not None and d.query.kind == CEILING, d
    assert d.query.facts == part.facts and "focus" not in d.query.inputs


@pytest.mark.parametrize("message", ["模式二開放教室讓外校觀課 額外有多少補助", "模式二 觀課額外補助多少"])
def test_the_open_classroom_grant_asked_without_a_class_count_is_its_rule(knowledge: Knowledge, message: str) -> None:
    """The open-classroom grant is a fixed 6萬 whatever the school's size: its rule answers, not the
    mode-2 ceiling asking how many classes."""
    d = decision_for(knowledge, Row(message, ANSWER))
    assert d.route == ANSWER and d.answer is not None and d.answer.intent == "moe.open_classroom", d


def test_every_route_is_in_the_table() -> None:
    routes = {p.values[0].route for p in ROWS}
    assert routes == {EMPTY, DETAILS, COMPUTE, ANSWER, LANGUAGE}


def test_what_a_plan_is_based_on_after_its_period_is_its_basis(knowledge: Knowledge) -> None:
    """ "what's it based on?" after the Keelung plan's school years: its basis (貳、計畫依據), not the
    period again."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "based-on")
    dialog.handle_text(chat, "Which school years does Keelung's international education plan cover?")
    reply = dialog.handle_text(chat, "what's it based on?")
    assert reply.intent == "kl.basis" and "White Paper" in reply.text, reply.text


@pytest.mark.parametrize(
    ("message", "correction"),
    [
        ("不是，我是問模式二", True),
        ("不對 是四位", True),
        ("外籍英語老師111年累計是不是要請到20位", False),  # 「是不是」 asks yes or no
        ("三年加起來是30校 對不對", False),
    ],
)
def test_a_yes_or_no_form_is_no_correction(knowledge: Knowledge, message: str, correction: bool) -> None:
    """「是不是」「對不對」 ask; only 「不是」「不對」 on their own correct the last question."""
    assert knowledge.engine.understand(message, knowledge.rules).correction is correction


def test_a_short_question_of_the_rule_a_ceilings_part_cited_is_that_rules(knowledge: Knowledge) -> None:
    """「一学期至少要接待几个人」 after the open classroom's extra on a ceiling the chat returned to: the
    open-classroom rule (每學期接待總人數至少 40 人), sure read alone, not a detail the ceiling tier's
    entry lacks ("not in the plans")."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "short-question-of-the-cited-rule")
    for text in (
        "我们国中45班想做部领，一个领域跟两个领域，部领经费有差吗",
        "那隔壁小学11班，一个领域呢",
        "11班改成两个领域呢",
        "回到我们45班，如果开放教室给外校老师来观课，可以多拿多少",
    ):
        dialog.handle_text(chat, text)
    reply = dialog.handle_text(chat, "一学期至少要接待几个人")
    assert (reply.route, reply.intent) == ("answer", "moe.open_classroom"), reply.text


def test_decide_is_pure(knowledge: Knowledge) -> None:
    """Deciding never changes the topic or the school's facts it is given."""
    school = dict(SCHOOL)
    topic = MODE1_20
    before = (dict(school), topic.query.facts.copy() if topic.query else None)
    for message in ("那13班呢", "模式二呢", "補助上限多少", "不是，我是問模式二", "我們是23班"):
        u = knowledge.engine.understand(message, knowledge.rules)
        decide(u, topic, school, knowledge.engine, knowledge.rules, "zh")
    assert (school, topic.query.facts if topic.query else None) == before


@pytest.mark.parametrize(
    ("message", "earlier", "year"),
    [
        ("and by the end of the plan?", 110, 111),  # the plan's last school year
        ("what about online live lessons w/ foreign teachers, how many schools that same year?", 111, 111),
        ("那線上外師同步教學同一年幾校", 110, 110),
        ("and how many in year 2?", 111, 110),  # the plan's second school year
    ],
)
def test_a_year_named_relative_to_the_last_kpi(knowledge: Knowledge, message: str, earlier: int, year: int) -> None:
    last = entry("kl.ap.29", f"keelung foreign english teachers hired by {earlier}", year=earlier)
    d = decision_for(knowledge, Row(message, ANSWER, last))
    assert d.route == ANSWER and d.slots.get("year") == year, d


def test_a_question_after_the_schools_facts_is_answered_for_itself(knowledge: Knowledge) -> None:
    """Facts told first, then a question: the question read alone decides the entry (the facts
    pulled it to the school's ceiling tier); unsure alone, it asks back rather than give the tier."""
    told = "我們是國中 ２１班，部領只做科技一個領域，第一次申請。要先經過校內哪個會通過？"
    d = decision_for(knowledge, Row(told, ANSWER))
    assert d.answer is not None and d.answer.intent == "moe.pl.application" and d.answer.confident, d
    # a question that needs the sentence before it is read with it ("Is that allowed?")
    told = "We're mode 2. Our project lead wants 6 periods a week off teaching. Is that allowed?"
    d = decision_for(knowledge, Row(told, ANSWER))
    assert d.answer is not None and d.answer.intent == "moe.teaching_load" and d.answer.confident, d
    unsure = (
        "先說一下我們學校：國小１８班，要申請模式二，部領做藝術跟健體兩個領域。請問模式二是不是也一定要做雙語生活化？"
    )
    d = decision_for(knowledge, Row(unsure, ANSWER))
    assert d.answer is not None and not (d.answer.confident and d.answer.intent == "moe.cap.pl.multi.large"), d


def test_how_much_after_a_rule_that_states_its_amount_is_that_amount(knowledge: Knowledge) -> None:
    """「那補助多少」 naming no school fact, after the open-classroom rule: the 6萬 it states, not a
    ceiling that asks the class count; 「回到我們學校…最多多少」 is still the school's ceiling."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "amount-of-the-rule")
    assert dialog.handle_text(chat, "模式二學校開放課室給外校老師觀課的規定").intent == "moe.open_classroom"
    reply = dialog.handle_text(chat, "那補助多少")
    assert reply.intent == "moe.open_classroom" and "6 萬" in reply.text, reply.text


def test_a_school_fact_changed_after_a_ceiling_tiers_rule_computes_that_ceiling(knowledge: Knowledge) -> None:
    """A long message changing the class count after a tier's rule (「是25萬那級對吧」) is that school's
    ceiling for the new count, not a fresh question unsure of the tier (「部領」 repeating mode 2 is no change)."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "retiered")
    assert dialog.handle_text(chat, "我們是模式一 30班 是拿25萬那一級對嗎").intent == "moe.cap.mode1.medium"
    reply = dialog.handle_text(chat, "明年招生變多會到38班 那是不是就變35萬了")
    assert reply.route == "calculation" and "350,000" in reply.text.splitlines()[0], reply.text


def test_a_detail_for_our_school_after_its_ceiling_uses_that_ceilings_facts(knowledge: Knowledge) -> None:
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "detail-after-ceiling")
    assert "1,350,000" in dialog.handle_text(chat, "模式二 14班 做健體跟藝術兩個領域 上限多少").text
    reply = dialog.handle_text(chat, "那像我們這樣 教案詳案一年要交幾份")
    assert reply.intent == "moe.pl.lesson_plans" and "2 個領域共 2 份" in reply.text, reply.text


def test_school_facts_that_pick_a_row_of_the_last_rule_are_a_follow_up_on_it(knowledge: Knowledge) -> None:
    """「我們做健體跟綜合兩個領域 一年總共要交幾份」 after the lesson-plan rule: its row for 2 domains, not a
    ceiling that asks the class count; asked for money (「那補助最多多少」) it is still the ceiling."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "row-of-the-rule")
    assert dialog.handle_text(chat, "部領的教案詳案要怎麼交").intent == "moe.pl.lesson_plans"
    rows = dialog.handle_text(chat, "我們做健體跟綜合兩個領域 一年總共要交幾份")
    assert rows.intent == "moe.pl.lesson_plans" and "2 個領域共 2 份" in rows.text, rows.text
    money = dialog.handle_text(chat, "我們兩個領域 12班 補助最多多少")
    assert money.route == "calculation" and "1,350,000" in money.text, money.text


@pytest.mark.parametrize(
    ("message", "wanted"),
    [
        ("双语学校 109 国小几所", "kl.ap.10"),  # names the bilingual schools' title: a question of its own
        ("那109呢", "kl.ap.20"),  # a year alone: the sister schools' row
        ("所以110當年新增幾校", "kl.ap.20"),  # names no other title: still the sister schools
        ("那111學年國小雙語學校要幾所", "kl.ap.10"),  # 「那…」 yet another plan's title, named whole
        ("110學年幾校參與", "kl.ap.20"),  # 「校參與」 is no title named (學校參與國際活動補助計畫)
    ],
)
def test_a_year_beside_another_plans_title_is_a_question_of_its_own(
    knowledge: Knowledge, message: str, wanted: str
) -> None:
    last = entry("kl.ap.20", "姐妹校111至少几校", year=111)
    d = decision_for(knowledge, Row(message, ANSWER, last))
    assert d.route == ANSWER and d.answer is not None and d.answer.intent == wanted, d


def _dialog(knowledge: Knowledge) -> Any:
    """The dialog over the router, for the tests that follow a whole conversation."""
    from bench.conversations import scored_dialog

    return scored_dialog(knowledge)


def _chat(name: str) -> Any:
    from handlers.dialog import ChatRef

    return ChatRef("test", name)


def test_the_schools_own_cap_is_its_ceiling_and_a_branch_denied_is_no_branch_question(knowledge: Knowledge) -> None:
    """「我們上限多少」 after the school's facts is its ceiling (it was the equipment's unit-price caps);
    「我們沒有分校分班」 says no branch, so it does not make the question the branch rule's."""
    dialog = _dialog(knowledge)
    chat = _chat("own-cap")
    dialog.handle_text(chat, "我們學校36班，沒有分校分班，想做模式一。模式一可以做哪些活動？")
    cap = dialog.handle_text(chat, "我們上限多少")
    assert cap.route == "calculation" and "350,000" in cap.text, cap.text
    unit = dialog.handle_text(_chat("unit-cap"), "電子白板單價上限是多少")
    assert unit.route != "calculation", unit.text  # a unit price's cap is no ceiling
    denied = dialog.handle_text(_chat("no-branch"), "生活化那塊可以申請20萬嗎 我們沒有分校分班")
    assert denied.intent != "moe.cap.branch", denied.text


def test_a_very_short_question_pointing_back_is_of_the_last_answer(knowledge: Knowledge) -> None:
    """ "who runs it" after the credit programme: that programme (run by the MOE's teacher education
    department), not the expert pool whose phrasing fits its three words."""
    dialog = _dialog(knowledge)
    chat = _chat("points-back")
    dialog.handle_text(chat, "Do we have to nominate a teacher for the bilingual teaching credit program?")
    reply = dialog.handle_text(chat, "who runs it")
    assert reply.intent == "moe.pl.credit_program", (reply.intent, reply.text)


def test_a_return_naming_the_close_out_is_the_close_out_not_the_date_revised(knowledge: Knowledge) -> None:
    """ "back to dates: if our period ends 2028-07-31, close-out due when?" after a question of the plan's
    phases: that period's close-out deadline (it revised the phase question with the new date)."""
    dialog = _dialog(knowledge)
    chat = _chat("back-to-dates")
    dialog.handle_text(chat, "when does phase 2 of the bilingual campus plan start?")
    dialog.handle_text(chat, "can one teacher get both the TOEIC L&R and S&W fees covered in the same school year?")
    reply = dialog.handle_text(chat, "back to dates: if our period ends 2028-07-31, close-out due when?")
    assert "2028-09-30" in reply.text.splitlines()[0], reply.text


def test_a_capital_said_after_its_cap_is_checked_and_a_cheap_device_goes_to_recurrent(knowledge: Knowledge) -> None:
    """「那我資本門編６萬 應該還好吧」 after the cap of a 25萬 request: the 6萬 is the capital planned,
    over the 50,000 cap (it was taken for a new request, 60,000 × 20%); 「擴音喇叭一組8000 放資本門ok?」
    is a device under 1 萬 (it was 8,000 × 20%); a new request said 「總申請…編」 is still a request."""
    dialog = _dialog(knowledge)
    chat = _chat("capital-planned")
    dialog.handle_text(chat, "模式一 我們總共申請25萬 資本們最多能編多少？")
    planned = dialog.handle_text(chat, "那我資本門編６萬 應該還好吧")
    assert planned.text.startswith("超過") and "50,000" in planned.text.splitlines()[0], planned.text
    device = dialog.handle_text(chat, "擴音喇叭一組8000 放資本門ok?")
    assert device.intent == "moe.item.equipment" and device.text.startswith("不可以"), device.text
    assert "經常門" in device.text
    cheap = dialog.handle_text(_chat("capital-cheap-device"), "資本門裡面有一台9000塊的喇叭 也放資本門")
    assert cheap.intent == "moe.item.equipment" and cheap.text.startswith("不可以"), cheap.text
    other = _chat("capital-new-request")
    dialog.handle_text(other, "模式一 我們總共申請25萬 資本們最多能編多少？")
    request = dialog.handle_text(other, "如果總申請改成只編20萬 資本門最多多少")
    assert "40,000" in request.text.splitlines()[0], request.text


def test_the_open_classroom_grant_asked_how_much_more_and_its_conditions_after_it(knowledge: Knowledge) -> None:
    """「想開放課室給外校老師觀課 會多給多少」 is the fixed 6萬 (it asked the class count back); then
    35 visitors a semester is short of 40, and 「這６萬要在經費明細…列出來嗎」 is that grant's 無須…編列."""
    dialog = _dialog(knowledge)
    chat = _chat("open-classroom")
    extra = dialog.handle_text(_chat("open-classroom-extra"), "模式二 開放教室給別校老師觀課 可以額外補多少")
    assert extra.intent == "moe.open_classroom" and "6 萬" in extra.text, extra.text
    grant = dialog.handle_text(chat, "我們模式二 想開放課室給外校老師觀課 會多給多少")
    assert (grant.route, grant.intent) == ("answer", "moe.open_classroom") and "6 萬" in grant.text, grant.text
    short = dialog.handle_text(chat, "一學期接待35位外校老師 這樣符合嗎")
    assert short.intent == "moe.open_classroom" and short.text.startswith("不符合"), short.text
    listed = dialog.handle_text(chat, "這６萬要在經費明細一項一項列出來嗎")
    assert listed.intent == "moe.open_classroom" and listed.text.startswith("不用"), listed.text


def test_how_much_we_get_for_that_after_the_open_classroom_is_its_grant(knowledge: Knowledge) -> None:
    """ "how much extra do we get for that?" after the open-classroom rule: its 60,000 (the school's
    "we" with "for that" points back to the rule), not a ceiling asking the class count."""
    dialog = _dialog(knowledge)
    chat = _chat("open-classroom-en")
    first = dialog.handle_text(
        chat,
        "mode 2 here. with one observation a semester and 35 visiting teachers, do we qualify for the open classroom grant?",
    )
    assert first.text.startswith("No"), first.text
    reply = dialog.handle_text(chat, "how much extra do we get for that?")
    assert (reply.route, reply.intent) == ("answer", "moe.open_classroom") and "60,000" in reply.text, reply.text


def test_a_mode_changed_after_a_rule_is_that_rules_case_not_a_ceiling(knowledge: Knowledge) -> None:
    """ "what if we switch to mode 2 and I'm the one running the whole plan?" after the teaching-load
    rule: that rule for mode 2 (its lead's 6 periods), not a ceiling asking the class count back."""
    dialog = _dialog(knowledge)
    chat = _chat("load-mode-2")
    dialog.handle_text(chat, "I'm coordinating our mode 1 plan. how many periods a week can my teaching load be cut?")
    reply = dialog.handle_text(chat, "what if we switch to mode 2 and I'm the one running the whole plan?")
    assert (reply.route, reply.intent) == ("answer", "moe.teaching_load"), reply.text
    assert "6 periods" in reply.text


def test_how_many_periods_a_week_she_can_drop_is_the_teaching_load(knowledge: Knowledge) -> None:
    """ "our deputy head runs the whole mode 2 plan, how many periods a week can she drop?": the
    teaching-load rule (6 for mode 2's one lead), not "not sure"; not a teacher's minimum periods."""
    dialog = _dialog(knowledge)
    reply = dialog.handle_text(
        _chat("load-drop"), "our deputy head runs the whole mode 2 plan, how many periods a week can she drop?"
    )
    assert (reply.route, reply.intent) == ("answer", "moe.teaching_load"), reply.text
    other = dialog.handle_text(
        _chat("load-minimum"), "minimum number of bilingual periods per week a teacher must teach?"
    )
    assert other.intent != "moe.teaching_load", other.text


def test_a_follow_up_after_the_plans_do_not_say_continues_the_rule_named(knowledge: Knowledge) -> None:
    """「授課鐘點費一節多少錢」 is "the plans do not say", naming the teaching-fee rule; 「所以是照什麼標準」
    then asks that rule (it lost the topic and answered an earlier one), and 「那一節多少錢」 is again
    the detail the rule does not give."""
    dialog = _dialog(knowledge)
    chat = _chat("after-no-detail")
    assert dialog.handle_text(chat, "授課鐘點費一節多少錢").route == "not_in_plans"
    rule = dialog.handle_text(chat, "所以是照什麼標準")
    assert (rule.route, rule.intent) == ("answer", "moe.item.teaching_fee"), rule.text
    assert "鐘點費支給基準表" in rule.text
    assert dialog.handle_text(chat, "那一節多少錢").route == "not_in_plans"


@pytest.mark.parametrize(
    ("first", "then"), [("when does phase 2 start?", "and end?"), ("第一階段什麼時候開始", "那什麼時候結束")]
)
def test_the_end_asked_after_a_phase_start_is_that_phases_span(knowledge: Knowledge, first: str, then: str) -> None:
    """ "and end?" after a phase's start: the phase's span again, from the periods' entry (not the
    close-out, which 「結束」 alone is closest to, nor "not sure")."""
    dialog = _dialog(knowledge)
    chat = _chat(f"phase-span-{first}")
    start = dialog.handle_text(chat, first)
    reply = dialog.handle_text(chat, then)
    assert (reply.route, reply.intent) == ("calculation", "moe.periods"), reply.text
    assert reply.text.splitlines()[0] == start.text.splitlines()[0]


@pytest.mark.parametrize(
    ("turns", "first_line"),
    [
        # 「８班 如果再加藝術 變兩個領域」 answered by the tier's rule, then the total: 8 classes and 2 domains
        # (it revised the 1-domain ceiling before, and read the denied 分校 and 觀課 as rules asked)
        (
            [
                "我們全校７班 模式二部領只做健體 上限多少",
                "那８班呢",
                "８班 如果再加藝術 變兩個領域",
                "再加上雙語生活化 沒有分校 也不算觀課那個 總共最多多少",
            ],
            "1,150,000",
        ),
        # a new period end after the close-out computed and then its rule asked (it answered the rule again)
        (
            ["我们核定执行期间到2027年7月31日", "那学校要几号前把成果报告交给县市", "如果执行期改成到2027年1月31日呢"],
            "2027/03/31",
        ),
        # 「兩個差多少」 after one school's ceiling for 1 domain and then for 2: 1,350,000 − 950,000
        (["部領只做ㄧ個領域 全校11班 上限多少", "老師那塊多少", "如果做兩個領域 一樣11班呢", "兩個差多少"], "400,000"),
    ],
)
def test_the_last_turn_computes_from_what_the_conversation_established(
    knowledge: Knowledge, turns: list[str], first_line: str
) -> None:
    dialog = _dialog(knowledge)
    chat = _chat(f"established-{turns[-1][:8]}")
    for text in turns:
        reply = dialog.handle_text(chat, text)
    assert reply.route == "calculation" and first_line in reply.text.splitlines()[0], reply.text


def test_another_item_named_with_its_amount_is_not_the_last_item_computed_again(knowledge: Knowledge) -> None:
    """「那印刷費5000元 最多可以報多少」 after lodging was computed: the printing rule (no cap), not the
    5,000 checked against the lodging's nightly cap."""
    lodging = Topic(query=Query(ITEM, item="lodging", inputs={"people": 3, "nights": 2}), at=1000.0)
    d = decision_for(knowledge, Row("那印刷費5000元 最多可以報多少", ANSWER, lodging))
    assert not (d.route == COMPUTE and d.query is not None and d.query.item == "lodging"), d


def test_another_item_named_after_an_items_rule_is_not_that_item_computed(knowledge: Knowledge) -> None:
    """「印刷费上限多少 组长说一万」 after the lodging rule: the printing rule asked (it has no cap),
    not the 10,000 computed as lodging."""
    lodging = Topic(entry="moe.item.lodging", text="住宿費上限多少", at=1000.0, lang="zh")
    d = decision_for(knowledge, Row("印刷费上限多少 组长说一万", ANSWER, lodging))
    assert not (d.route == COMPUTE and d.query is not None and d.query.item == "lodging"), d


def test_a_follow_up_naming_no_plan_stays_in_the_chats_plan_when_it_answers_surely(knowledge: Knowledge) -> None:
    """「那「參、計畫目標」那邊列了幾項」 after Keelung's overview: Keelung's objectives (參、計畫目標), not the
    MOE plan's, which the words fit as well."""
    overview = Topic(entry="kl.overview", text="基隆國際教育三年計畫 分成幾大目標", at=1000.0, lang="zh")
    d = decision_for(knowledge, Row("那「參、計畫目標」那邊列了幾項", ANSWER, overview))
    assert d.answer is not None and d.answer.intent == "kl.objectives", d


def test_a_fact_corrected_after_a_question_that_took_none_returns_to_where_it_was_told(knowledge: Knowledge) -> None:
    """ "sorry, I meant 3 subjects, not 2" after the licence, asked after the lesson plans for 2
    subjects: the lesson plans again, for 3 (每 1 實施領域/科目擇優以 1 單元教案詳案繳交)."""
    plans = Topic(
        entry="moe.pl.lesson_plans", slots={"domains": 2}, text="2 subjects lesson plans", at=1000.0, lang="en"
    )
    licence = plans.then(Topic(entry="moe.licence", text="under what kind of licence", at=1001.0, lang="en"))
    d = decision_for(knowledge, Row("sorry, I meant 3 subjects, not 2", ANSWER, licence))
    assert d.answer is not None and d.answer.intent == "moe.pl.lesson_plans", d


def test_the_local_bureau_named_after_a_close_out_date_names_no_other_plan(knowledge: Knowledge) -> None:
    """「縣府」 reads as 教育局, and so does Keelung's cue 市府: a date the county files on after the
    close-out deadline is still checked against it, not taken for a question of the Keelung plan."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "county-files")
    dialog.handle_text(chat, "核定執行期間到116年7月31日 縣府最晚哪天要報核結")
    reply = dialog.handle_text(chat, "縣府說9/25才會送出去 來得及嗎")
    assert reply.route == "calculation" and reply.text.startswith("來得及"), reply.text


def test_the_rate_asked_after_a_fee_is_that_fees_rate(knowledge: Knowledge) -> None:
    """ "At what hourly rate?" after a consultation fee computed: the consultation fee's own entry
    (NT$1,000 an hour), not the teaching fee's hourly table the words resemble."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "rate-asked")
    dialog.handle_text(
        chat, "If we invite an expert for a full-day school visit, how many consultation hours can we pay for?"
    )
    reply = dialog.handle_text(chat, "At what hourly rate?")
    assert reply.intent == "moe.item.consultation_fee" and "1,000" in reply.text, reply.text


def test_a_question_of_its_own_does_not_repeat_an_older_computation(knowledge: Knowledge) -> None:
    """ "and whats our deadline as a school…?" after the close-out computed, itself after a teaching
    load checked: a question of its own ("whats" asks as "what's" does), not the teaching load again."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "older-computation")
    dialog.handle_text(chat, "mode 2: can our lead coordinator have 6 periods a week off?")
    dialog.handle_text(chat, "if our approved period ends 31 July 2027, when is the close-out due?")
    reply = dialog.handle_text(chat, "and whats our deadline as a school to hand the report in")
    assert reply.intent == "moe.closeout" and "teaching" not in reply.text.lower(), reply.text


def test_every_item_computed_in_the_chat_added_up(knowledge: Knowledge) -> None:
    """「所以講座+出席+便當 全部加起來」 after each was computed (the attendance of two people asked as
    「兩位加起來」, their sum, not the lecture's and theirs): 6,000 + 4,000 + 3,600, in the order asked."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "every-item")
    dialog.handle_text(chat, "外聘教授講3節 講座費最多多少")
    two = dialog.handle_text(chat, "再請2位專家來出席 出席費兩位加起來多少")
    assert two.text.startswith("出席費最多 4,000 元"), two.text
    dialog.handle_text(chat, "老師30人 中午吃便當 膳費最多多少")
    total = dialog.handle_text(chat, "所以講座+出席+便當 全部加起來最多多少")
    assert total.text.startswith("合計最多 13,600 元"), total.text
    lines = total.text.splitlines()
    assert lines[1].startswith("講座") and lines[2].startswith("出席費") and lines[3].startswith("膳費"), total.text


def test_reductions_at_the_cap_added_up_over_several_people(knowledge: Knowledge) -> None:
    """「另外3個老師每人都減到上限 加起來一週最多幾節」: 3 × 4 periods (附件3 備註 減課原則), and
    「兩個人都各減6節 可以嗎」 after it checks those 6 periods (one lead only), not the caps again."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "reductions-added")
    dialog.handle_text(chat, "我們是模式二")
    total = dialog.handle_text(chat, "另外3個執行老師 每人都減到上限 3個人加起來一週最多幾節")
    assert total.route == "calculation" and total.text.startswith("每週減課最多 12 節"), total.text
    both = dialog.handle_text(chat, "回到負責人 教務主任跟組長兩個人都各減6節 可以嗎")
    assert both.text.startswith("不可以"), both.text


def test_what_an_amount_buys_is_asked_again_of_the_case_changed(knowledge: Knowledge) -> None:
    """「那內聘呢」 after 「講座費預算24000 可以排幾節」: the same amount's periods at the internal rate
    (24,000 ÷ 1,000); 「講3節呢」 tells the periods, so the fee of 3 periods is checked instead."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "buys-again")
    first = dialog.handle_text(chat, "講座費預算24000 請外聘教授 可以排幾節")
    assert first.text.startswith("講座鐘點費可支付最多 12 節"), first.text
    internal = dialog.handle_text(chat, "那內聘呢")
    assert internal.text.startswith("講座鐘點費可支付最多 24 節"), internal.text
    told = dialog.handle_text(chat, "講3節呢")
    assert "3 節 × 1,000 元 = 3,000 元" in told.text, told.text


def test_a_count_changed_by_so_many_is_added_to_the_one_before(knowledge: Knowledge) -> None:
    """「多住一晚呢」 after three lecturers' two nights: three nights each (3 × 3 × 3,000), not one;
    「少1位呢」 one person fewer; 「不是4位 是2位」 takes the second count; "2 more periods" adds."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "one-more")
    dialog.handle_text(chat, "3位講師各住2晚 住宿費最多多少")
    assert dialog.handle_text(chat, "多住一晚呢").text.startswith("住宿費最多 27,000 元")
    assert dialog.handle_text(chat, "少1位呢").text.startswith("住宿費最多 18,000 元")
    assert dialog.handle_text(chat, "不是2位 是4位").text.startswith("住宿費最多 36,000 元")
    chat = ChatRef("test", "two-more-periods")
    dialog.handle_text(chat, "a professor gives 3 periods, fee max?")
    assert "NT$10,000" in dialog.handle_text(chat, "and 2 more periods?").text.splitlines()[0]
    # (「最多能編多少 40個人」 is no "40 fewer")
    chat = ChatRef("test", "not-fewer")
    dialog.handle_text(chat, "研習一整天 膳費一個人最多多少")
    reply = dialog.handle_text(chat, "那一天的膳費總共最多能編多少 40個人")
    assert reply.text.startswith("膳費最多 13,600 元"), reply.text


def test_the_class_periods_the_materials_share_buys_after_a_ceiling(knowledge: Knowledge) -> None:
    """ "how many class-periods of 教學材料費 can that fund?" after a mode-2 ceiling (9 classes, 1
    domain): the student foundation 300,000 × 20% ÷ 800 = 75, shown with the share it is of; a class
    count corrected (7: 200,000) gives 50."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "materials-periods")
    dialog.handle_text(chat, "mode 2, 9 classes, 1 domain: max grant?")
    reply = dialog.handle_text(chat, "how many class-periods of 教學材料費 can that fund at most?")
    assert "at most 75 class-periods" in reply.text and "NT$300,000 × 20% = NT$60,000" in reply.text, reply.text
    fewer = dialog.handle_text(chat, "wait we actually have 7 classes not 9")
    assert "at most 50 class-periods" in fewer.text, fewer.text


def test_per_teacher_after_several_is_one_teacher(knowledge: Knowledge) -> None:
    """ "and per teacher for the whole school year?" after five teachers' language courses for a
    term: one teacher's two semesters (2 × 20,000), not five teachers'; and "1 main coordinator + 5
    部領 teachers" counts five teachers beside the lead (5 × 4 + 6)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "per-teacher")
    dialog.handle_text(chat, "5 of our teachers want domestic english courses this semester, max in total?")
    reply = dialog.handle_text(chat, "and per teacher for the whole school year (2 semesters)?")
    assert reply.text.splitlines()[0].endswith("NT$40,000"), reply.text
    team = dialog.handle_text(
        ChatRef("test", "team"), "mode 2 team = 1 main coordinator + 5 部領 teachers. max reductions per week added up?"
    )
    assert "26 periods" in team.text.splitlines()[0], team.text


def test_a_detail_after_the_schools_capital_uses_the_ceilings_facts(knowledge: Knowledge) -> None:
    """「一學年要交幾份教案詳案」 right after the capital of a 2-domain ceiling: that school's row
    (2 domains, 2 plans), said to be used, not the rule for one domain."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "plans-after-capital")
    dialog.handle_text(chat, "模式二部領 6班 2個領域 最多補助多少")
    dialog.handle_text(chat, "資本門最多多少")
    reply = dialog.handle_text(chat, "一學年要交幾份教案詳案")
    assert reply.intent == "moe.pl.lesson_plans" and "2 個領域共 2 份" in reply.text, reply.text


def test_another_term_and_another_group_of_a_language_course(knowledge: Knowledge) -> None:
    """「下學期也要上呢」 after six teachers' one term: two terms each (6 × 2 × 20,000); 「再加2位行政人員
    也上兩學期 總共呢」: their two terms beside the teachers', added up (240,000 + 80,000)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "another-term")
    dialog.handle_text(chat, "6位老師上一學期語言課 進修費最多多少")
    assert dialog.handle_text(chat, "下學期也要上呢").text.startswith("教師國內語言進修費最多 240,000 元")
    total = dialog.handle_text(chat, "再加2位行政人員 也上兩學期 總共呢")
    assert total.text.startswith("合計最多 320,000 元") and "2 人 × 2 學期" in total.text, total.text
