"""A yes-or-no question that states a figure gets its yes or no from the answer's figures
(knowledge/figure_check.py, applied by the dialog to knowledge-base answers and computations).
Questions are written for this test, apart from the quality sets."""

from __future__ import annotations

import pytest

from bench.conversations import scored_dialog
from bot.wiring import Knowledge
from handlers.dialog import ChatRef
from knowledge import figure_check
from knowledge.figure_check import agrees
from knowledge.textnorm import Normalizer

plain = Normalizer({}).plain


@pytest.mark.parametrize(
    ("question", "answer", "permission", "expected"),
    [
        ("上限是25萬嗎", "最多補助合計 250,000 元", False, True),
        ("上限是30萬嗎", "最多補助合計 250,000 元", False, False),
        ("111學年目標是500字嗎", "111 學年度國小：提升國小英語單字量 400 字。", False, False),
        ("每年選2個人去嗎", "每年公開選拔 1名高中生", False, False),  # 人 and 名 are both people
        ("110學年是16隊嗎", "110 學年度（國中）：校園英語主播計畫計 16 隊參與。", False, True),  # teams
        ("110學年是20隊嗎", "110 學年度（國中）：校園英語主播計畫計 16 隊參與。", False, False),
        ("111學年累計6案嗎", "111 學年度（國中）：英語輔導團發展在地特色暨雙語課程教案累計至少 6 案。", False, True),
        ("is the target 55 schools?", "55 schools join", False, True),
        ("我們13班 上限是25萬嗎", "13 班，最多 250,000 元", False, True),  # 13 班 is a fact, not asked
        ("可以申請120萬嗎", "最高 100 萬元(教師 60 萬元+學生 40 萬元)", True, False),  # above all
        ("可以申請100萬嗎", "最高 100 萬元(教師 60 萬元+學生 40 萬元)", True, True),  # the headline
        ("可以申請50萬嗎", "最高 100 萬元(教師 60 萬元+學生 40 萬元)", True, None),  # which part?
        ("線上諮詢4小時都能報嗎", "諮詢費最多 3,000 元\n1 人 × 3 小時 × 1,000 元", True, False),  # a count too
        ("上限是25萬嗎", "規定如下：需經校內會議通過", False, None),  # no figure of that unit
        ("要附什麼資料嗎", "最多補助合計 250,000 元", False, None),  # no figure asked
        ("有3位老師 目標是55校嗎", "55 校參與", False, True),  # the last figure is asked
        ("教師經費60萬 可以挪18萬嗎", "可調入最多 180,000 元\n600,000 元 × 30%", True, True),  # the last only
        # an amount said to be one part is checked against that part (教師 40 萬), not the tier's 60 萬
        ("教師專業支持費可以編到50萬嗎", "最高 60 萬元（教師 40 萬元＋學生 20 萬元）", True, False),
        ("學生的部分是20萬嗎", "最高 60 萬元（教師 40 萬元＋學生 20 萬元）", False, True),
        ("教師的部分是60萬嗎", "最高 60 萬元（教師 40 萬元＋學生 20 萬元）", False, False),
        ("總共是60萬嗎", "最高 60 萬元（教師 40 萬元＋學生 20 萬元）", False, True),  # no part named
        # months and days are counted too; a figure with 以上 is a floor: below it a no, above it nothing
        ("期滿後3個月才報可以嗎", "於計畫核定執行期間屆滿後2個月內函報", True, False),
        ("是錄一支3分鐘的影片嗎", "畢業前皆錄製 1分鐘英語短片", False, False),
        ("代理2個月的老師可以報嗎", "含正式及 3 個月以上代理教師", True, False),
        ("代理5個月的老師可以報嗎", "含正式及 3 個月以上代理教師", True, None),
        ("單價8000元的可以嗎", "單價 1 萬元以上者列資本門", True, False),
        ("a substitute for 6 months, ok?", "substitutes of 3 months or more", True, None),
        ("a substitute for 2 months, ok?", "substitutes of 3 months or more", True, False),
        # a share to reach (「達 95%」) is a floor; a figure claimed to be the plan's (「是100%嗎」) is checked as one
        ("我們收聽率90% 可以嗎", "收聽比率達 95%", True, False),
        ("是100%嗎", "收聽比率達 100%", True, True),
        ("會考也是一樣5%嗎", "收聽比率達 100%；會考英聽成績進步率達 5%", True, True),  # 「一樣」 claims it too
        # a grade: 「國小三年級以上」 is a floor (an English grade is read in the question)
        ("可以在國小2年級做嗎", "得申請於國小3年級以上之校訂課程", True, False),
        ("is grade 2 ok?", "得申請於國小3年級以上之校訂課程", True, False),
        ("what about the 5th grade?", "得申請於國小3年級以上之校訂課程", True, None),
        # a figure claimed as a bound (「超過20校」「至少20隊」 "fewer than 20"): the plan's figure on that side
        ("110是不是要超過20校", "110 學年度：計 25校參與。", False, True),
        ("110是不是要超過30校", "110 學年度：計 25校參與。", False, False),
        ("111學年是不是至少17隊", "111 學年度（國中）：計 17 隊參與。", False, True),
        ("is it fewer than 20 teams in 111?", "School year 111: 17 teams join.", False, True),
        ("要20隊以上嗎", "111 學年度（國中）：計 17 隊參與。", False, False),
        # a share claimed of a rule that caps a sum, no share at all: 不是
        ("資料蒐集費是不是也是經常門的10%", "資料蒐集費編列金額以 3 萬元為限", False, False),
        ("資料蒐集費可以編經常門的10%嗎", "資料蒐集費編列金額以 3 萬元為限", True, None),  # asked, not claimed
        # people counted in English with a word of who they are between: "35 visiting teachers", "40 visitors"
        (
            "one observation a semester with 35 visiting teachers, do we qualify?",
            "at least 40 visitors per semester",
            True,
            False,
        ),
    ],
)
def test_agrees(question: str, answer: str, permission: bool, expected: bool | None) -> None:
    text = plain(answer, limit=None)
    assert agrees(plain(question), text, text.splitlines()[0], permission) is expected


def test_a_knowledge_base_answer_computes_no_allowed_amount() -> None:
    """A rule's figure is no headline: 「雜支不超過10%可以嗎」 is not a yes because the rule states 10%
    (the entry's conditions answer it); only above every figure it states is a no."""
    rule = plain("雜支不得逾各項模式經常門總編列經費之 10%", limit=None)
    assert agrees(plain("雜支編10%可以嗎"), rule, None, True) is None
    assert agrees(plain("雜支編15%可以嗎"), rule, None, True) is False


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("基隆英語村遊學每年安排60班次嗎", "是。"),
        ("基隆國際學伴計畫111學年目標是8校參與嗎", "是。"),
        ("基隆的英語閱讀力倍增計畫，111學年國小英語單字量目標是600字嗎", "不是。"),
        ("我們13班，模式一的上限是25萬嗎？", "是。"),
        ("部領做兩個領域，8個班，可以申請120萬嗎", "不可以。"),
        ("Is the mode 1 cap for 20 classes NT$300,000?", "No. "),
        ("專家線上諮詢同一天上了4小時，4小時的諮詢費都能報嗎？", "不可以。"),  # online: 3 hours a day
        ("we're mode 1, 20 classes. is our cap 250k?", "Yes. "),  # the yes/no in its own sentence
        ("模式一20班 上限25萬對吧", "是。"),  # a tag question
        ("模式一20班 上限是25萬吧", "是。"),  # a figure claimed with 吧
        ("基隆高中第二外語 111學年開設率是80%吧", "不是。"),
        # the amount claimed is not the request the capital is a share of (it said 是 to 10% of 10萬)
        ("模式二部領8班2個領域，資本門10%是10萬嗎", "是。"),
        ("模式二部領8班2個領域，資本門是12萬嗎", "不是。"),
        ("部領只做一個領域、全校7班，教師專業支持費可以編到50萬嗎？", "不可以。"),
        ("模式二2個領域12班，教師專業支持費是60萬嗎", "不是。"),
    ],
)
def test_a_figure_asked_about_gets_yes_or_no_first(knowledge: Knowledge, question: str, first: str) -> None:
    reply = scored_dialog(knowledge).handle_text(ChatRef("test", question), question).to_json()
    assert reply["route"] in ("answer", "calculation")
    assert reply["answer"].startswith(first), reply["answer"]


def test_a_figure_given_without_a_yes_or_no_question_gets_none(knowledge: Knowledge) -> None:
    reply = scored_dialog(knowledge).handle_text(ChatRef("test", "fig"), "我們13班 模式一最多補助多少").to_json()
    assert reply["answer"].startswith("模式一")


@pytest.mark.parametrize(
    ("count", "ruled"),
    # (「20幾個老師」: at least 20 teachers, at most 29: short of 40 all the same)
    [("38人", False), ("40人", None), ("45人", None), ("20幾個老師", False), ("30多位", False)],
)
def test_a_floor_written_before_its_figure_is_one(count: str, ruled: bool | None) -> None:
    """「每學期接待總人數至少 40 人」 is a floor: fewer is a no, as many or more is no yes by itself
    (it was read as a cap, and 45 got a no)."""
    answer = "開放課室供他校教師入校觀課（每學期至少 1 次；每學期接待總人數至少 40 人），額外補助經常門 6 萬元"
    assert agrees(f"這學期來觀課的總共{count} 這樣有符合嗎", answer, None, True) is ruled


def test_a_question_whether_a_case_meets_the_rule_is_answered_so(knowledge) -> None:
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    reply = scored_dialog(knowledge).handle_text(ChatRef("test", "meets"), "開放觀課 這學期外校老師來了35人 有符合嗎")
    assert reply.text.startswith("不符合。") and reply.intent == "moe.open_classroom", reply.text


@pytest.mark.parametrize(
    ("question", "ruled"),
    [
        ("每學期辦1次 每次來40人 可以嗎", True),
        ("一學期辦2次 共50人 這樣可以嗎", True),
        ("每學期1次 來35人 可以嗎", False),
        ("1學期開2場 每場25人 可以嗎", True),  # 2 × 25 visitors, and 場 counts sessions as 次 does
        ("每場15人 共2場 可以嗎", False),
        ("這學期辦2場 1場22人1場20人呢", True),  # sessions listed one by one: 22 + 20 visitors
        ("第1場30人 第2場5人 可以嗎", False),
    ],
)
def test_a_rule_of_two_floors_is_met_when_the_question_meets_both(question: str, ruled: bool) -> None:
    answer = "開放課室供他校教師入校觀課（每學期至少 1 次；每學期接待總人數至少 40 人），額外補助經常門 6 萬元"
    assert agrees(question, answer, None, True) is ruled


@pytest.mark.parametrize(
    ("question", "ruled"),
    [
        ("2 open days each semester, about 25 visitors each time. does that meet the condition?", True),
        ("3 sessions with 10 teachers per session, ok?", False),
        ("1 open day with 45 visitors each time, ok?", True),
    ],
)
def test_an_english_rule_of_once_and_a_count_is_met_when_the_question_meets_both(question: str, ruled: bool) -> None:
    answer = "opens its classrooms to teachers from other schools (at least once per semester, at least 40 visitors per semester in total)"
    assert agrees(question, answer, None, False, True) is ruled


@pytest.mark.parametrize(
    ("question", "met", "working"),
    [
        ("照節數算 我們1週33節 用英語上10節 算有三分之一嗎", False, "10 ÷ 33 ≈ 30.3%，未達 3 分之 1。"),
        ("我們1週33節 用英語上12節 有到三分之一嗎", True, "12 ÷ 33 ≈ 36.4%，已達 3 分之 1。"),
        ("33節裡有10節 算一半嗎", None, None),  # the rule states a third, not a half
        ("英語上10節 算有三分之一嗎", None, None),  # no whole counted
    ],
)
def test_a_part_of_a_whole_is_checked_against_the_rules_fraction(question: str, met: bool | None, working) -> None:
    rule = "111 學年度國小：雙語學校國小共 3 所，3 分之 1 以上課程以英語文授課"
    found = figure_check.share_of_counts(question, rule)
    assert (found.met if found is not None else None) is met
    assert (found.working("zh") if found is not None else None) == working


def test_the_share_of_counts_decides_the_yes_or_no_and_shows_its_working(knowledge: Knowledge) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "share-of-counts")
    dialog.handle_text(chat, "基隆雙語學校建置 111學年國小要幾所")
    reply = dialog.handle_text(chat, "照節數算 我們ㄧ週33節 用英語上10節 算有三分之一嗎")
    assert reply.text.startswith("不是。10 ÷ 33 ≈ 30.3%"), reply.text


def test_a_count_said_again_is_checked_with_the_rest_said_before(knowledge: Knowledge) -> None:
    """「如果來45位呢」 after 「一學期開一次 來了35位老師 這樣符合嗎」: once a semester (said before) and 45
    people (now), both of the open classroom's floors met: 符合; 30 people then is short of 40."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "counts-again")
    dialog.handle_text(chat, "我們模式二 想開放課室給外校老師觀課 會多給多少")
    assert dialog.handle_text(chat, "一學期開一次 來了35位老師 這樣符合嗎").body.startswith("不符合")
    assert dialog.handle_text(chat, "如果來45位呢").body.startswith("符合")
    assert figure_check.with_counts_replaced("一學期開1次 來了35位老師", "如果來45位呢") is not None
    assert figure_check.with_counts_replaced("110是不是25校", "109呢") is None  # nothing counted again


@pytest.mark.parametrize(
    ("question", "met", "working"),
    [
        ("每學期辦3場 每場大概12位外校老師 這樣有到嗎", False, "3 場 × 12 人 = 36 人，未達至少 40 人。"),
        ("一學期2場 每場約25人 夠嗎", True, "2 場 × 25 人 = 50 人，已達至少 40 人。"),
        ("每場20人 共3場 符合嗎", True, "3 場 × 20 人 = 60 人，已達至少 40 人。"),
        ("這學期來了45人 符合嗎", None, None),  # no sessions of so many each: the floors' own check
    ],
)
def test_sessions_of_so_many_people_are_counted_against_the_floors(question: str, met: bool | None, working) -> None:
    rule = "開放課室供他校教師入校觀課（每學期至少 1 次；每學期接待總人數至少 40 人），額外補助經常門 6 萬元"
    found = figure_check.sessions_of_people(question, rule)
    assert (found.met if found is not None else None) is met
    assert (found.working("zh") if found is not None else None) == working


def test_sessions_counted_show_their_working_and_a_count_put_right_is_counted_again(knowledge: Knowledge) -> None:
    """3 場 × 12 人 = 36 人 falls short of 「每學期接待總人數至少 40 人」; 「不是 每場是15位」 puts the
    people of each right in the sentence before: 45, met."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "sessions-of-people")
    dialog.handle_text(chat, "模式二學校開放教室給外校老師觀課 有額外補助嗎")
    short = dialog.handle_text(chat, "我們每學期辦3場公開授課 每場大概12位外校老師 這樣有到嗎")
    assert short.body.startswith("不符合。3 場 × 12 人 = 36 人"), short.body
    again = dialog.handle_text(chat, "啊不是 每場是15位 打錯了")
    assert again.body.startswith("符合。3 場 × 15 人 = 45 人"), again.body
