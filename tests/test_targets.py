"""Sums on a plan's yearly targets with the user's own figures (knowledge/targets.py), and the chat
using them after a Keelung action plan's row. Questions here are written for this test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bench.conversations import scored_dialog
from bot.wiring import Knowledge
from handlers.dialog import ChatRef
from knowledge.model import Bilingual, Detail
from knowledge.targets import Target, summed_targets, target_of, work


def row(year: int, zh: str) -> Detail:
    return Detail(when={"year": year}, text=Bilingual(zh=zh, en=zh))


SHARES = {y: Target(y, Decimal(p), True, "校", False, False) for y, p in ((109, 25), (110, 50), (111, 75))}
COUNTS = {y: Target(y, Decimal(n), False, "位", True, False) for y, n in ((109, 9), (110, 14), (111, 18))}


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("110 學年度：本市市屬國中小成立英語社團達 50%。", Target(110, Decimal(50), True, "", False, False)),
        ("110 學年度：辦理雙語學分班，高、國、中小 50% 學校參加。", Target(110, Decimal(50), True, "校", False, False)),
        ("110 學年度：累計進用計 14 位外籍英語教師。", Target(110, Decimal(14), False, "位", True, False)),
        ("110 學年度國中：7 至 9 年級英語文章每學期 2 篇。", Target(110, Decimal(2), False, "篇", False, True)),
        ("109 學年度國小：各國小 4 年級各 1 本；提升國小英語單字量 300 字。", None),  # two figures: no one target
    ],
)
def test_a_rows_one_figure_is_its_target(text: str, target: Target | None) -> None:
    assert target_of(row(int(text[:3]), text)) == target


@pytest.mark.parametrize(
    ("question", "rows", "year", "first_words", "met"),
    [
        ("假設全市有41校 那要幾校", SHARES, 111, "111 學年度目標 75%：41 校 × 75% = 31 校", None),  # 30.75 up
        # how many must, to meet it: the share of the schools told, not a count checked
        ("假設全市有60所 110學年要幾所成立才達標", SHARES, 110, "110 學年度目標 50%：60 校 × 50% = 30 校", None),
        # 「我們其實是65校」 tells the chat's own count (「是」 before it is no target claimed)
        ("我們其實是65校 111學分班要幾校", SHARES, 111, "111 學年度目標 75%：65 校 × 75% = 49 校", None),
        # 「至少要幾校」 asks how many, though 「至少」 also quotes a target (「至少補助2校嗎」)
        (
            "假設市屬國中小有60所 111學年至少要幾校有英語社團",
            SHARES,
            111,
            "111 學年度目標 75%：60 校 × 75% = 45 校",
            None,
        ),
        ("if only 20 of our 41 schools have one, is that enough?", SHARES, 110, "No", False),  # 20.5 → 21
        ("全市40校 有30校成立 有達標嗎", SHARES, 111, "符合", True),
        ("我們找到15位 夠嗎", COUNTS, 110, "符合", True),
        ("by 111 we only have 17 teachers, target met?", COUNTS, None, "No", False),
        ("111比110多幾位", COUNTS, None, "111 學年度 18 位 − 110 學年度 14 位 = 4 位", None),
        ("那110那年新增幾位", COUNTS, 110, "110 學年度 14 位 − 109 學年度 9 位 = 5 位", None),
        # a count said to be new that year, of a running total: its growth, not the total
        ("111那一年要新聘4位嗎", COUNTS, 111, "是：111 學年度 18 位 − 110 學年度 14 位 = 4 位", True),
        ("所以111那一年要新聘18位?", COUNTS, 111, "不是：111 學年度 18 位", False),
        ("111年要新聘幾位", COUNTS, 111, "111 學年度 18 位 − 110 學年度 14 位 = 4 位", None),
        # growth asked of every year: each step, said once when alike (25 a year) or one by one
        ("每年增加幾%", SHARES, None, "每年增加 25%：25 → 50 → 75（109–111 學年度）", None),
        ("how much does it grow each year?", SHARES, None, "Up 25% each year: 25 ", None),
        ("每年成長多少", COUNTS, None, "110 比 109 增加 5 位；111 比 110 增加 4 位（9 → 14 → 18）", None),
    ],
)
def test_the_sums_a_question_asks(
    question: str, rows: dict[int, Target], year: int | None, first_words: str, met: bool | None
) -> None:
    worked = work(question, rows, year)
    assert worked is not None
    text = worked.en if first_words.isascii() else worked.zh
    assert text.startswith(first_words) and worked.met is met, text


@pytest.mark.parametrize(
    "question",
    [
        "110學年度要幾%",  # the row itself
        "第2外語要開幾校",  # a count of something else (第二, normalised)
        "111學年的目標是18位嗎",  # the target claimed: the answer's own figures settle it
        "至少要進用14位嗎",
        "為什麼109只有訂2校",  # the target quoted (訂), not a count reached
        "基隆110學年外師18位 對嗎",  # a figure claimed, asked whether it is so: not a count reached
        "同事說109就要10校 是嗎",
        "they said 18 foreign teachers in 110, right?",
    ],
)
def test_questions_of_the_row_itself_are_not_summed(question: str) -> None:
    assert work(question, SHARES, 110) is None and work(question, COUNTS, 110) is None


def test_a_figure_claimed_of_a_target_is_checked_against_it(knowledge: Knowledge) -> None:
    """「基隆110學年外師18位 對嗎」: 18 is not the plan's 14, a no (it was 「符合…18 位 ≥ 14 位」, the
    claim read as a count reached)."""
    reply = scored_dialog(knowledge).handle_text(ChatRef("test", "claimed"), "基隆110學年外師18位 對嗎").to_json()
    assert reply["intent"] == "kl.ap.29" and reply["answer"].startswith("不是"), reply


def test_the_chat_works_a_target_with_the_schools_own_figures(knowledge: Knowledge) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "targets")
    first = dialog.handle_text(chat, "基隆的英語社團 110學年度目標多少").to_json()
    assert first["intent"] == "kl.ap.04" and "50%" in first["answer"], first
    share = dialog.handle_text(chat, "我們市有36校 那要幾校").to_json()
    assert share["route"] == "answer" and share["answer"].startswith("110 學年度目標 50%：36 校 × 50% = 18 校"), share
    check = dialog.handle_text(chat, "如果只有17校成立 有達標嗎").to_json()
    assert check["answer"].startswith("不符合") and "差 1 校" in check["answer"], check


def test_a_share_asked_of_a_total_told_at_length_and_a_ratio_is_no_growth(knowledge: Knowledge) -> None:
    """「成立比例 110要多少」 asks 110's share (比例 is no 「比…多」), and 「我們市有60所國中小 那要幾所成立」,
    however long, works that share of the 60 told."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "share-at-length")
    first = dialog.handle_text(chat, "基隆英語社團成立比例 110要多少").to_json()
    assert first["intent"] == "kl.ap.04" and "−" not in first["answer"] and "50%" in first["answer"], first
    share = dialog.handle_text(chat, "我們市有60所國中小 那要幾所成立").to_json()
    assert share["answer"].startswith("110 學年度目標 50%：60 校 × 50% = 30 校"), share


def test_a_total_of_both_levels_asked_in_english_is_added_up(knowledge: Knowledge) -> None:
    """ "total of both levels that year?" after each level's row: 40 + 80 participants."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "total-of-both")
    dialog.handle_text(chat, "keelung english contest, how many junior high participants in 110?")
    dialog.handle_text(chat, "and elementary?")
    total = dialog.handle_text(chat, "total of both levels that year?").to_json()
    assert "In total: 40 + 80 = 120 participants" in total["answer"], total


def test_an_english_question_counting_the_schools_it_has_is_worked(knowledge: Knowledge) -> None:
    """ "we have 48 city elementary + junior high schools — how many need an English club in 111?": the
    schools told (the level words folded to 國中 in between) and "how many need" (no noun counted)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "targets-en")
    reply = dialog.handle_text(
        chat, "we have 48 city elementary + junior high schools. how many need an English club in 111?"
    )
    assert reply.intent == "kl.ap.04" and reply.body.startswith("School year 111 target 75%: 48 × 75% = 36"), reply.body


def test_a_count_reached_told_at_length_after_a_target_is_checked_against_it(knowledge: Knowledge) -> None:
    """「111學年國中這邊統計出來 實際只有42人次參加 這樣有達標嗎」 after the contest's targets: a long
    message naming no topic, checked against the row (45): 不符合; 「109學年締結了3校」 after the
    sister-school plan is not the contest scheme, whose condition names only a year and a figure."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "targets-reached")
    dialog.handle_text(chat, "基隆英語學藝競賽 111學年國中目標幾人次")
    reply = dialog.handle_text(chat, "111學年國中這邊統計出來 實際只有42人次參加 這樣有達標嗎")
    assert reply.intent == "kl.ap.03" and reply.body.startswith("不符合"), reply.body
    other = ChatRef("test", "targets-sister")
    dialog.handle_text(other, "基隆姊妹校 110學年目標幾校")
    sister = dialog.handle_text(other, "110學年全市締結了4校 有達標嗎")
    assert sister.intent == "kl.ap.20" and sister.body.startswith("符合"), sister.body  # 4 ≥ 4


@pytest.mark.parametrize(
    "asked",
    [
        "那從109到110學年要再多幾位",
        "so how many more in 110 than 109?",
        "那110新增",
        "所以109到110要再多進用幾位",  # more recruited: 「多進用幾」
        "so how many more teachers from 109 to 110",
        "how many were added in 110?",  # "added": a growth asked, no noun counted
    ],
)
def test_the_growth_between_two_years_asked_after_a_running_total(knowledge: Knowledge, asked: str) -> None:
    """After the foreign teachers' running total: a range of years (「109到110」) or "more in 110 than
    109" asks the growth, 14 − 9 = 5, naming no topic."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"growth-{asked}")
    dialog.handle_text(chat, "基隆外籍英語教師111學年累計要進用幾位")
    reply = dialog.handle_text(chat, asked)
    assert reply.intent == "kl.ap.29" and ("= 5 位" in reply.body or "= 5 " in reply.body), reply.body


@pytest.mark.parametrize(
    ("asked", "worked"),
    [
        ("所以跟109比多幾個字", "111 學年度 400 字 − 109 學年度 300 字 = 100 字"),
        ("所以跟第一年比 總共要多幾個字", "111 學年度 400 字 − 109 學年度 300 字 = 100 字"),
        ("so how many more words than in 109?", "School year 111: 400 words − school year 109: 300 words"),
    ],
)
def test_the_growth_since_a_year_named_after_the_last_years_row(knowledge: Knowledge, asked: str, worked: str) -> None:
    """After 111's vocabulary row (400 字), the growth since the year compared with it: 「跟109比」,
    「跟第一年比」 (the first school year of the rows), "than in 109"."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"growth-since-{asked}")
    english = asked.isascii()
    dialog.handle_text(
        chat,
        "Keelung reading doubling plan: elementary vocabulary for 109?"
        if english
        else "基隆英語閱讀力倍增 國小單字量109要多少",
    )
    dialog.handle_text(chat, "and 111?" if english else "那111學年度呢")
    reply = dialog.handle_text(chat, asked)
    assert reply.intent == "kl.ap.01" and worked in reply.body, reply.body


def test_the_growth_between_the_two_years_asked_before(knowledge: Knowledge) -> None:
    """「這兩年差了幾隊」 after 111's row and then 109's: 17 − 15 = 2, the two years the chat asked."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "growth-two-years")
    dialog.handle_text(chat, "國中校園英語主播111學年幾隊")
    dialog.handle_text(chat, "那109呢")
    reply = dialog.handle_text(chat, "這兩年差了幾隊")
    assert reply.intent == "kl.ap.08" and "17 隊 − 109 學年度 15 隊 = 2 隊" in reply.body, reply.body


def test_a_target_share_follows_the_total_told_and_the_unit_asked(knowledge: Knowledge) -> None:
    """A follow-up after a share of the user's schools keeps that total (「不是，我是說110學年」, another
    action plan 「一樣用40校算」 then 「111學年呢」); a row giving books and words is summed in the unit asked."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "targets-follow")
    first = dialog.handle_text(chat, "基隆英語社團 我們市屬國中小算48校 111學年要幾校").to_json()
    assert first["answer"].startswith("111 學年度目標 75%：48 校 × 75% = 36 校"), first
    corrected = dialog.handle_text(chat, "不是，我是說110學年").to_json()
    assert corrected["answer"].startswith("110 學年度目標 50%：48 校 × 50% = 24 校"), corrected
    other = dialog.handle_text(chat, "雙語學分班111學年呢 一樣用48校算").to_json()
    assert other["intent"] == "kl.ap.28" and "48 校 × 80% = 39 校" in other["answer"], other  # 38.4, up
    words = ChatRef("test", "targets-words")
    dialog.handle_text(words, "英語閱讀力倍增 國小111學年單字量要到多少")
    growth = dialog.handle_text(words, "比110多幾個字").to_json()
    assert growth["answer"].startswith("111 學年度 400 字 − 110 學年度 350 字 = 50 字"), growth


def test_a_total_of_the_levels_is_summed_a_year_before_the_growth(knowledge: Knowledge) -> None:
    """行動方案 3 gives 國中 and 國小 a row each year: 「111比109多幾人次 國中小合計」 adds each year's rows
    (45 + 85 = 130, 35 + 75 = 110), then the growth; without 合計 the rows are not summed."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "targets-levels")
    dialog.handle_text(chat, "基隆英語學藝競賽 109學年國小要多少人次")
    reply = dialog.handle_text(chat, "111比109多幾人次 國中小合計")
    assert reply.body.startswith("111 學年度 130 人次 − 109 學年度 110 人次 = 20 人次"), reply.body
    assert summed_targets(SHARES[110], SHARES[110]) is None  # shares of schools do not add up


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("高中英語閱讀心得寫作比賽 一學年辦幾次", "每學期 1 次 × 2 學期 = 2 次（109–111 學年度皆同）"),
        ("how many times a year is the writing contest held?", "once a semester × 2 semesters = 2 times"),
    ],
)
def test_times_a_semester_asked_over_a_year_when_every_year_is_alike(knowledge: Knowledge, question, first) -> None:
    """行動方案 9: 「每學期 1次」 each of 109–111; times asked over a school year, naming none, is the
    semester's count twice (其他 counts beside 次 stay the row's target when times are not asked)."""
    reply = scored_dialog(knowledge).handle_text(ChatRef("test", "times"), question)
    assert reply.intent == "kl.ap.09" and reply.body.startswith(first), reply.body


def test_a_total_told_carries_through_bare_years_but_not_to_another_plans_targets(knowledge: Knowledge) -> None:
    """56 schools told, then 「111呢」 and a bare 「109」: each year's share of them (the bare year lost
    them); then another action plan's share is not of those schools (60 elementary and junior high
    schools are not the senior highs' second foreign languages)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "targets-carried")
    dialog.handle_text(chat, "基隆三年計畫 英語社團 110學年要達幾%")
    assert "28" in dialog.handle_text(chat, "假設市屬國中小五十六所 那110要幾所有社團").text
    assert "42" in dialog.handle_text(chat, "111呢").text
    bare = dialog.handle_text(chat, "109")
    assert "56 校 × 25% = 14 校" in bare.text, bare.text
    other = dialog.handle_text(chat, "高中第二外语选修班109学年开设率目标")
    assert other.intent == "kl.ap.11" and "56 校" not in other.text, other.text


def test_a_figure_checked_against_a_target_is_checked_against_the_next_years_row(knowledge: Knowledge) -> None:
    """「111呢」 after 「我們統計出來48% 算有達標嗎」 (110: 50%): 48% against 111's 75%, 不符合 (it could not
    say and answered unsure); a figure claimed (「110是25校對吧」) is not carried so."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "checked-before")
    dialog.handle_text(chat, "基隆110學年 要多少%的學校成立英語社團")
    dialog.handle_text(chat, "我們統計出來48% 算有達標嗎")
    reply = dialog.handle_text(chat, "１１１呢")
    assert reply.text.startswith("不符合") and "75%" in reply.text, reply.text


def test_a_question_opening_with_so_follows_the_last_targets(knowledge: Knowledge) -> None:
    """「所以110那一年要新增幾案」 after the local-curriculum lesson plans' running total: that plan's growth
    (4 − 2 = 2), not the sister schools whose phrasing fits 「新增」."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "so-follows")
    dialog.handle_text(chat, "在地課程雙語化 110累計要幾案")
    reply = dialog.handle_text(chat, "所以110那一年要新增幾案")
    assert reply.intent == "kl.ap.16" and "2 案" in reply.text, reply.text


def test_a_figure_claimed_of_all_three_years_is_checked_against_every_years_row(knowledge: Knowledge) -> None:
    """「三年都是5%?」 after one school year's row: every year's rows, and the 5% claimed checked (a
    question mark alone asks it); 「三年都是10%?」 is a no."""
    dialog = scored_dialog(knowledge)
    for claim, first in (("三年都是5%?", "是。"), ("三年都是10%?", "不是。")):
        chat = ChatRef("test", f"all-years-{claim}")
        dialog.handle_text(chat, "基隆英語聽力倍增計畫 國小110學年的目標是什麼")
        reply = dialog.handle_text(chat, claim)
        assert reply.intent == "kl.ap.02" and reply.body.startswith(first), reply.body
        assert all(f"{year} 學年度" in reply.body for year in (109, 110, 111)), reply.body


@pytest.mark.parametrize(
    ("question", "first", "year"),
    [
        ("switching: Keelung's summer camp with the university, is it 6 schools in year 2?", "No.", "110"),
        ("基隆英語社團 第二年要達到多少", "", "110"),
    ],
)
def test_a_plans_own_year_named_in_a_question_of_its_own_is_that_school_year(
    knowledge: Knowledge, question: str, first: str, year: str
) -> None:
    """ "year 2" 「第二年」 in a question naming its own action plan: the plan's second school year's row
    (110), and a figure claimed after a comma is checked (6 schools in 110 is a no: 4)."""
    reply = scored_dialog(knowledge).handle_text(ChatRef("test", f"relative-{question}"), question)
    assert reply.body.startswith(first), reply.body
    assert f"{year} 學年度" in reply.body or f"School year {year}" in reply.body, reply.body
    assert "109" not in reply.body and "111" not in reply.body, reply.body


def test_a_total_over_the_three_years_said_with_gong(knowledge: Knowledge) -> None:
    """「三年共幾班次」 after one year's row of 行動方案 5 (60 班次 each year): 共幾 asks a total as
    加起來 does, so the three years are added up (60 + 60 + 60)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "three-years-gong")
    dialog.handle_text(chat, "英語村遊學一年幾班次")
    reply = dialog.handle_text(chat, "三年共幾班次")
    assert reply.intent == "kl.ap.05" and "60 ＋ 60 ＋ 60 = 180 班次" in reply.body, reply.body


def test_a_question_torn_between_the_plans_follows_the_plan_of_the_chat(knowledge: Knowledge) -> None:
    """「雙語學分班」 is Keelung's action plan 28 or the MOE credit programme; after a Keelung row the
    message that names no plan is Keelung's, and 「同一年」 (normalised 「同1年」) keeps that row's
    year, so the share of the 60 schools told is worked out (50% in 110)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "plan-of-the-chat")
    dialog.handle_text(chat, "基隆計畫 英語教學研習110學年要多少%學校參加")
    reply = dialog.handle_text(chat, "我們高國中小共60校 同一年雙語學分班要幾校")
    assert reply.intent == "kl.ap.28" and reply.body.startswith("110 學年度目標 50%：60 校 × 50% = 30 校"), reply.body
    alone = dialog.handle_text(ChatRef("test", "plan-of-no-chat"), "我們高國中小共60校 同一年雙語學分班要幾校")
    assert alone.to_json()["route"] == "unsure", alone.body  # with no chat before it, either plan


def test_two_years_after_the_row_asked(knowledge: Knowledge) -> None:
    """ "and two years after that?" after 109's sister schools (at least 3): 111's row, at least 5;
    「那兩年後呢」 the same in Chinese."""
    dialog = scored_dialog(knowledge)
    for first, then in (
        ("how many overseas sister schools was Keelung aiming for in 109?", "and two years after that?"),
        ("基隆姊妹校109要幾校", "那兩年後呢"),
    ):
        chat = ChatRef("test", f"years-after-{then}")
        dialog.handle_text(chat, first)
        reply = dialog.handle_text(chat, then)
        assert reply.intent == "kl.ap.20" and "111" in reply.body and "5" in reply.body, reply.body


def test_the_third_year_after_money_asked_of_a_keelung_action_plan(knowledge: Knowledge) -> None:
    """ "how much does each school get?" of action plan 22 is told the plan states no money, and
    the action plan stays the topic: "how many schools in the third year?" is its 111 row (at least
    3 schools), not the bilingual schools' action plan the words are close to."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "third-year-after-money")
    dialog.handle_text(chat, "does the Keelung plan have any money for schools that join international competitions?")
    money = dialog.handle_text(chat, "how much does each school get?")
    assert money.to_json()["route"] == "not_in_plans", money.body
    third = dialog.handle_text(chat, "how many schools in the third year?")
    assert third.intent == "kl.ap.22" and "School year 111" in third.body and "3 schools" in third.body, third.body


def test_whether_a_count_is_allowed_is_no_check_against_the_target(knowledge: Knowledge) -> None:
    """「可以一間學校派兩隊嗎」 after the anchors' 110 row (16 隊): whether two teams are allowed, which the
    row does not say; not 「2 隊 < 16 隊」 as if the city's target were checked."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "allowed-not-met")
    dialog.handle_text(chat, "國中校園英語主播110學年幾隊")
    reply = dialog.handle_text(chat, "我們國中才６班 可以一間學校派兩隊嗎")
    assert "16 隊" not in reply.body.splitlines()[0] and "不符合" not in reply.body, reply.body
    met = dialog.handle_text(chat, "那全市110只有2隊 有達標嗎")
    assert "2 隊 < 16 隊" in met.body, met.body


def test_a_school_fact_a_target_does_not_use_is_not_said_to_be_carried(knowledge: Knowledge) -> None:
    """「全校才六班」 told beside a Keelung target, then 「那111學年度呢」: the level is carried and said to be;
    the class count, which no row of the target depends on, is not said to be used."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "carried-not-used")
    dialog.handle_text(chat, "學校在基隆山上全校才六班 那個英語閱讀力倍增 國小單字量第一年要到多少字")
    reply = dialog.handle_text(chat, "那１１１學年度呢")
    assert reply.intent == "kl.ap.01" and "400 字" in reply.body, reply.body
    assert reply.context == {"level": "國小"}, reply.context


@pytest.mark.parametrize(
    ("turns", "first"),
    [
        (
            (
                "Keelung's plan: how many schools should join the international partner (學伴) program in 110?",
                "and 111?",
                "so how many more is that?",
            ),
            "School year 111: 8 schools − school year 110: 5 schools = 3 schools",
        ),
        (("基隆國際學伴 109年幾校", "比110少幾校"), "110 學年度 5 校 − 109 學年度 2 校 = 3 校"),
    ],
)
def test_a_difference_asked_after_two_years_rows_is_worked(
    knowledge: Knowledge, turns: tuple[str, ...], first: str
) -> None:
    """ "so how many more is that?" after 110's row, then 111's, and 「比110少幾校」 after 109's: the
    two school years' difference (the first was told the plans say nothing: "how many more" read as
    a count of "more"; the second repeated 110's row). 「至少幾案」 stays a row asked, no difference."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"difference-{len(turns)}")
    for text in turns[:-1]:
        dialog.handle_text(chat, text)
    reply = dialog.handle_text(chat, turns[-1]).to_json()
    assert reply["answer"].splitlines()[0] == first, reply
    row = dialog.handle_text(ChatRef("test", "at-least"), "在地課程雙語化 111學年累計至少幾案").to_json()
    assert "−" not in row["answer"], row


def test_a_long_question_naming_an_action_plan_and_a_year_gets_its_row(knowledge: Knowledge) -> None:
    """ "how many foreign english teachers were they aiming for in total by 111", after another
    question: the foreign-teacher plan's 111 row (累計進用計 18 位), which it names and is far closest
    to, not the closest topics asked back; the year told again is the row's."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "long-named-target")
    dialog.handle_text(chat, "can we spend the open classroom money on a document camera")
    reply = dialog.handle_text(
        chat, "diff question - how many foreign english teachers were they aiming for in total by 111"
    )
    assert (reply.route, reply.intent) == ("answer", "kl.ap.29") and "18" in reply.text, reply.text
