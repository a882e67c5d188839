"""A question can name a topic of the plans and ask a detail they never give (knowledge/details.py):
the engine says the detail is missing instead of answering with the topic, and still answers the
questions whose detail the matched answer does give. Phrasings here are written for this test,
apart from the quality sets."""

from __future__ import annotations

import pytest

from knowledge.details import row_total
from knowledge.engine import Engine

MISSING = [
    # who pays, whom to sign up with, how a listening rate is collected: the plans never say
    "國教署那個專家人才庫 專家到校的費用是國教署出還是我們自己付",
    "學分費是學校出還是老師自己出",
    "基隆英語學藝競賽的比賽項目有哪些",
    "what's the deadline to apply for 115?",  # an application date, not the close-out's two months
    "我们学校想排到外师巡回 要找谁报名",
    "ICRT收聽比率是怎麼統計的 學校自己填報還是市府抽查？",
    # a rate per distance (travel follows the national rules) and a club's periods a week
    "交通費每公里多少",
    "社团每周要上几节有规定吗",
    # how long a thing lasts, which the plan's own school years do not answer
    "how long does the kid stay in Texas?",
    # a count for one school, where the plan counts the city's (「累計進用計 18位」)
    "how many foreign teachers would our school get?",
    "我們學校可以分到幾位外師",
    # a count of people or a grade the answer does not give as one (「多少位」「幾年級」)
    "專家人才庫總共有多少位專家",
    "學生活動的保險費 每個人要編多少",  # 覈實報支: no amount a head
    "小小解說員要選幾年級的學生",
    "基隆外師那個線上教學是跟哪一家線上平台合作",  # the plan names no platform
    "解說員培訓要上幾個小時",
    # a fine for a late close-out, and fuel for one's own car (the national travel rules): details the
    # plans do not give, in English
    "will we be fined if the close-out report is late?",
    "the expert drives her own car, how much can we pay for gas",
    # a mark to pass, which a rate of improvement (英聽分數進步率達 5%) is not
    "What's the passing score on Keelung's grade 5 listening test?",
    # the class of a ticket, which the national travel rules decide
    "搭高鐵可以報商務車廂嗎",
    "can the expert fly business class and claim it?",
    # when the money is paid out, which neither plan dates
    "開放觀課的6萬什麼時候撥款",
    "When will the open-classroom grant be paid?",
    # students and classes, counted, where the plan counts schools or a ratio of them
    "小小解說員每校要培訓幾個學生",
    "基隆的雙語學分班一年開幾個班",  # 解說員 is the little guides' (it was the credit programme's 108 hours)
    # a name: with adjectives between "which" and the thing, and the plan's own quoted titles in the
    # answer are not a name
    "Which video platform do Keelung schools use for the online foreign-teacher classes?",
    "Which local university runs Keelung's bilingual credit classes?",
    "小小解說員活動會帶遊客去哪些景點",
    # schools, with the level words the normaliser writes in Chinese
    "Which Keelung junior high schools joined the English anchor plan?",
    # a count per school where the plans give a city-wide total or a rate
    "How many teams may every junior high enter in the English anchor programme?",
    "每所高中要開幾種第二外語",
    # a count the answer names but does not give a number of
    "How many prizes does the junior high English anchor contest award?",
    # a device the equipment rules do not cap, a teaching load, an agreement year, a threshold
    "買投影機的單價上限多少",
    "How many periods a week does a roving foreign teacher teach in Keelung?",
    "基隆是哪一年跟美國的姊妹市簽約的",
    "交換學生選拔的英文成績門檻是多少",
    # the events of a contest
    "英語學藝競賽有哪些比賽項目",
    # a web address: the plans name the expert pool but give no address
    "專家人才庫的網址是什麼",
    "Which website has the bilingual expert pool?",
    # a penalty for a late close-out: the plans state none
    "what's the penalty if we miss the close-out deadline?",
    "核結晚交會被罰嗎",
    "核結如果晚交會怎樣",  # what follows lateness, asked without a penalty named
    "what happens if it's late?",
    # an online system to upload to: the plans name none
    "申請表要用哪個系統上傳",
    "which system do we upload the application to?",
    # a lecturer the fee table does not list
    "請外國教授來線上演講 一節可以給多少",
    "What can we pay an overseas speaker per session?",
    "如果講者是從國外請來的學者，一節可以給多少？",
    "a professor from abroad gives 2 periods, what's the fee?",
    "We want to invite a children's book author from the UK (she's flying in). Max lecture fee per session?",
    # an amount of an item reimbursed at actual cost (覈實報支): the answer gives no figure at all
    "專家來學校的計程車資上限是多少",
    "學生獎品每人最多多少錢",
    # a number of schools funded nationwide: the plans give one only for the open classroom
    "模式二全國總共會補助幾所學校",
    "how many schools nationwide will get mode 1 money?",
    # a bus or a taxi is travel, reimbursed at actual cost ("mode 2" in the answer is no amount)
    "is there a cap on the speaker's taxi fare?",
    "when are the detailed lesson plans due?",  # a date the plans never give
    "雙語教學增能學分班大概幾月開課",  # a month the plans never set
    "what's the word limit for the senior high reading-response contest?",
    "專家人才庫的專家要怎麼預約",  # how to book, which the plans do not describe
    "代課老師的代課鐘點費一節是多少",  # a rate the plan leaves to the national pay table
    "酷英平台學校使用要付費嗎",  # a price the plans never give
    "國教署人才庫的專家來學校陪伴 要付錢嗎",  # whether it costs anything: the plan does not say
    # selection criteria, a sign-up deadline, where to download: none given
    "How is the Keelung exchange student chosen - what are the selection criteria?",
    "What's the sign-up deadline for the bilingual teaching credit programme?",
    "國教署那本課室英語手冊 要去哪裡下載",
    # a reason the plan never states
    "基隆沉浸式英語教學 為什麼109只有訂2校 有寫原因嗎",
    # a duration the plans never give
    "keelung summer camp - how many days is it",
    "基隆高中國際交換學生 交換期間多長",
    "基隆英語社團一週要上幾節",  # a count of periods the row never gives
    "ICRT每天要聽多久",  # a duration: 「五年級」 in the row is a grade, no length of time
    "開放觀課的學校要怎麼被選上",  # 擇優補助 30 校: how they are picked, unsaid
    "學分班在哪裡上",  # where a course is held: the office running it is no venue
    "第二階段什麼時候開始申請",  # the phases' dates are no application dates
    "模式二什麼時候要申請",
    "核結完多久會撥款",  # when money is paid: the plans date only the county's filing
    "when will we get the money?",
    "119學年之後還有嗎",  # what follows the plan's last school year
    "is there anything after school year 119?",
    # how a rate a target sets is counted: the rows never say
    "ICRT收聽比率是算班級還是學生人數",
    "英聽進步率5%是跟什麼比",
    "how is the ICRT listening rate measured?",
]

GIVEN = [
    # sittings of a test are times it is taken: the entry counts them (聽讀、說寫各 1 次)
    (
        "TOEIC is split into listening/reading and speaking/writing. How many sittings a year can one teacher get paid for?",
        "moe.item.english_test_fee",
    ),
    # whom a national school applies through is given (its city or county): no contact detail missing
    ("我們是國立大學附設實小 要跟誰申請", "moe.apply.national_schools"),
    # a share's base asked beside the plan's "total budget" words: the misc rule's 經常門總編列經費
    ("雜支10%是用經常門總額算 還是整個計畫總經費算", "moe.item.misc"),
    ("新辦學校部領最低可以從幾年級做", "moe.pl.new_schools"),  # 國小三年級以上
    ("英檢報名費可以補助幾次", "moe.item.english_test_fee"),  # 每學年至多補助 1 次: a count, not a price
    # a share of a named whole states its basis: 經常門總編列經費之 10%
    ("雜支10%的比例怎麼算", "moe.item.misc"),
    ("how is the misc percentage calculated?", "moe.item.misc"),
    ("基隆外籍英語教師110學年累計幾位", "kl.ap.29"),  # 14 位
    ("how many foreign English teachers by 111?", "kl.ap.29"),  # 18 位: the city's running total
    ("how long does the plan run?", "moe.periods"),  # the plan's own span, its two phases
    ("授課鐘點費是照什麼基準支給", "moe.item.teaching_fee"),
    ("How many schools join Keelung's online foreign-teacher lessons in school year 111?", "kl.ap.30"),
    ("平板的單價上限多少", "moe.item.equipment"),
    # "is there a cap" of an item whose rule says it has none (覈實報支, no unit cap) answers it
    ("is there a cap on printing", "moe.item.printing"),
    # a rate the rule gives as the minimum wage, saying it writes no amount: its answer
    ("活動找工讀生幫忙布置場地 工作費一小時可以給多少錢", "moe.item.work_fee"),
    ("does printing have a limit?", "moe.item.printing"),
    ("每人每週減課最多幾節", "moe.teaching_load"),
    ("雜支最多可以編多少", "moe.item.misc"),  # a share is an amount's cap (10%)
    # 「多少錢」 of an item capped as a share of the recurrent budget: that share is how much
    ("教材教具費最多可以編到多少錢", "moe.item.teaching_aids"),
    ("雜支可以編多少錢", "moe.item.misc"),
    ("外聘講師鐘點費上限是多少", "moe.item.lecture_external"),
    ("開放課室觀課的補助全國一共幾校", "moe.open_classroom"),
    ("外聘專家講座一節是多少", "moe.item.lecture_external"),  # a rate per period the plan gives
    ("核結的期限是計畫結束後幾個月內", "moe.closeout"),  # months, not a month of the year
    ("英語短片錄完之後怎麼選", "kl.benefits"),  # 從班級、學校、全市票選: how they are picked
    # a count of what the entry lists: "three goals" in words, 「6 個行動方案」 counted from the list
    ("how many goals does the MOE bilingual campus plan list?", "moe.goals"),
    ("Under the strategy 'strengthen English communication', how many action plans are there?", "kl.strategy.1.1"),
    ("強化英語溝通能力有幾個行動方案", "kl.strategy.1.1"),
    # "kids" counted as the students the row counts (1名高中生)
    ("Keelung exchange student thing - how many kids a year, and where do they go?", "kl.ap.21"),
]


@pytest.mark.parametrize("question", MISSING)
def test_a_detail_the_plans_do_not_give_is_said_to_be_missing(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert not answer.confident, (question, answer.intent, answer.text[:120])


@pytest.mark.parametrize(("question", "entry"), GIVEN)
def test_a_detail_the_answer_gives_is_answered(engine: Engine, question: str, entry: str) -> None:
    answer = engine.answer(question)
    assert answer.confident and answer.intent == entry, (question, answer.intent, answer.text[:120])


@pytest.mark.parametrize(
    ("rows", "lang", "total"),
    [
        (
            ["111 學年度國中：參與人次計 45 人次。", "111 學年度國小：參與人次計 85 人次。"],
            "zh",
            "合計：45 ＋ 85 = 130 人次",
        ),
        (["School year 110: 4 校", "School year 111: 6 校"], "en", "In total: 4 + 6 = 10 schools"),
        (["109 學年度：收聽比率達 90%。", "110 學年度：收聽比率達 95%。"], "zh", None),  # shares are not added
        (["國小：各 1 本；單字量 300 字。", "國中：每學期 1 篇。"], "zh", None),  # two counts in a row
        (["111 學年度國中：45 人次。", "111 學年度國中：4 校。"], "zh", None),  # units differ
        (["111 學年度國中：45 人次。"], "zh", None),  # one row: nothing to add
        # a row that counts nothing is left out, and said to be
        (
            [
                "111 學年度國小：雙語學校國小共 3 所。",
                "111 學年度國中：雙語學校國中共 1 所。",
                "111 學年度高中：雙語實驗班。",
            ],
            "zh",
            "合計：3 ＋ 1 = 4 所（另有 1 列未寫數量，未計入）",
        ),
        (["111 學年度國中：共 1 所。", "111 學年度高中：雙語實驗班。"], "zh", None),  # one count: nothing to add
        (["109 學年度：累計進用計 9 位。", "110 學年度：累計進用計 14 位。"], "zh", None),  # running totals
        (["School year 109: at least 2 in total (cumulative)", "School year 110: 4 案 (cumulative)"], "en", None),
    ],
)
def test_table_rows_are_added_up_only_when_they_count_one_thing(rows: list[str], lang: str, total: str | None) -> None:
    assert row_total(rows, lang) == total


def test_a_table_of_school_years_is_added_up_over_the_years_asked(knowledge) -> None:
    """「三年加起來幾隊」 after a school year's row: every year's row (the level carried), added up;
    asked first, the same; running totals are listed, never added."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "years-added")
    assert "17 隊" in dialog.handle_text(chat, "國中校園英語主播111學年幾隊").text
    after = dialog.handle_text(chat, "三年加起來幾隊")
    assert after.intent == "kl.ap.08" and "15 ＋ 16 ＋ 17 = 48 隊" in after.text, after.text
    first = dialog.handle_text(ChatRef("test", "years-added-first"), "英語村遊學 三年總共幾班次")
    assert first.intent == "kl.ap.05" and "= 180 班次" in first.text, first.text
    running = dialog.handle_text(ChatRef("test", "years-running"), "外籍英語教師增聘三年加起來幾位")
    assert running.intent == "kl.ap.29" and "合計" not in running.text and "18 位" in running.text
    english = dialog.handle_text(ChatRef("test", "years-added-en"), "Keelung English village trips: 3 years added up?")
    assert english.intent == "kl.ap.05" and "= 180 classes" in english.text, english.text  # counted in the plan's units


def test_a_follow_up_asking_a_detail_the_entry_does_not_give_is_told_so(knowledge) -> None:
    """「跟哪一家平台合作」 after an action plan that names no platform: the plan does not say, with
    the related rule offered, as for the same question asked fresh (Engine.lacking)."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "lacking")
    for text in ("基隆國際教育計畫有寫112學年的KPI嗎", "所以整個計畫是涵蓋哪幾個學年"):
        dialog.handle_text(chat, text)
    assert dialog.handle_text(chat, "外師線上同步教學到111學年累計幾校").intent == "kl.ap.30"
    reply = dialog.handle_text(chat, "是跟哪一家線上平台合作？")  # blind9 d9-029, a development turn
    assert reply.route == "not_in_plans" and "外師線上同步教學試辦" in reply.text, reply.text
    assert reply.suggestions[0].intent == "kl.ap.30"


def test_a_foreign_lecturer_after_a_lecture_fee_is_given_no_rate(knowledge) -> None:
    """ "foreign expert flown in from the UK, rate per period?" after lecture fees computed: 附件3
    lists no rate for a lecturer from abroad, so none is computed (the last lecturer's is not
    carried over)."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "foreign-lecturer")
    assert dialog.handle_text(chat, "and our own teacher, 2 periods, lecture fee?").route == "calculation"
    reply = dialog.handle_text(chat, "foreign expert flown in from the UK, rate per period?")
    assert reply.route != "calculation" and "1,000" not in reply.text, reply.text
    # a speaker named by the country they come from, in mixed Chinese and English
    dialog.handle_text(chat, "講座鐘點費一節多少")
    reply = dialog.handle_text(chat, "那如果請美國的 professor 線上講 一節可以給多少")
    assert reply.route != "calculation" and "2,000" not in reply.text, reply.text
    # 「美国的大学教授」: a university's professor abroad is no 國內專家學者 either (2 periods of 2,000 were computed)
    reply = dialog.handle_text(chat, "如果请美国的大学教授线上来讲 钟点费一节是多少")
    assert reply.route != "calculation" and "2,000" not in reply.text, reply.text


def test_the_rows_of_both_levels_told_one_after_the_other_are_added_up(knowledge) -> None:
    """「兩個加起來」 after an entry's row for elementary, then for junior high: both rows, added up."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "levels-added")
    assert "80 人次" in dialog.handle_text(chat, "英語學藝競賽 110學年國小參與幾人次").text
    assert "40 人次" in dialog.handle_text(chat, "那國中呢").text
    both = dialog.handle_text(chat, "兩個加起來呢")
    assert both.intent == "kl.ap.03" and "40 ＋ 80 = 120 人次" in both.text, both.text
    chat = ChatRef("test", "levels-together-en")
    dialog.handle_text(chat, "Keelung English contest: how many junior high participants in 110?")
    dialog.handle_text(chat, "and elementary?")
    together = dialog.handle_text(chat, "so both levels together that year?")
    assert together.intent == "kl.ap.03" and "40 + 80 = 120" in together.text, together.text


def test_both_levels_added_up_stay_added_up_for_another_year_and_for_every_year(knowledge) -> None:
    """「110學年呢」 after 「109學年國中跟國小加起來幾人次」: both levels of 110, added up (40 + 80); then
    「三個學年全部加起來呢」: every row of both levels and three years (35 + 75 + 40 + 80 + 45 + 85 = 360)."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "levels-then-years")
    first = dialog.handle_text(chat, "基隆國中小英語學藝競賽 109學年國中跟國小加起來目標是幾人次")
    assert "35 ＋ 75 = 110 人次" in first.text, first.text
    next_year = dialog.handle_text(chat, "110學年呢")
    assert next_year.intent == "kl.ap.03" and "40 ＋ 80 = 120 人次" in next_year.text, next_year.text
    every = dialog.handle_text(chat, "三個學年全部加起來呢")
    assert every.intent == "kl.ap.03" and "= 360 人次" in every.text, every.text


def test_a_count_in_an_english_answer_is_written_as_a_figure(engine: Engine) -> None:
    """ "how many high schools does the exchange student share with?" is answered with 4, as the Chinese
    「本市四所高中」 says (the English "four" read as no count of them)."""
    answer = engine.answer("in 111, how many senior high schools does the Keelung exchange student share with?")
    assert answer.intent == "kl.ap.21" and "4 senior high schools" in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    ["第二阶段的补助额度跟现在一样吗", "will there be a phase 3 after 119?", "phase 2 funding the same as now?"],
)
def test_a_later_phases_amounts_or_a_third_phase_are_said_to_be_missing(engine: Engine, question: str) -> None:
    """附件2 gives this plan's amounts; 三、計畫期程 two phases: phase 2's amounts and a phase 3 are
    nowhere (a phase 3 was computed as school year 119, "Yes, within the plan")."""
    answer = engine.answer(question)
    assert not answer.covered and not answer.confident, answer.text
    assert "117–119" in answer.text


def test_a_sum_keelung_pays_a_school_is_said_not_to_be_given(knowledge) -> None:
    """「每間雙語學校市府補多少」: the Keelung plan states no money at all (not its expected outcomes)."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    reply = scored_dialog(knowledge).handle_text(ChatRef("test", "kl-money"), "每間雙語學校市府補多少")
    assert reply.route == "not_in_plans" and "基隆" in reply.text, reply.text
    # 「這些方案預算各多少」 after an action plan: each one's budget, which the plan gives none of either
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "kl-money-each")
    assert dialog.handle_text(chat, "基隆在地課程雙語化 111學年做什麼").intent == "kl.ap.16"
    each = dialog.handle_text(chat, "這些方案預算各多少")
    assert each.route == "not_in_plans" and "基隆" in each.text, each.text


def test_a_detail_the_last_answer_gives_is_asked_of_it(knowledge) -> None:
    """「是跟哪間大學合作」 after the summer camp held with 海大: a detail that answer gives, asked of it
    (read alone it is unsure), and 「影片要上傳到哪個平台」 after the expected outcomes is still a detail
    they do not give (「擴大學習」 names no university)."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "detail-given")
    dialog.handle_text(chat, "基隆三年計畫的暑期國際夏令營，110學年要幾校參加")
    reply = dialog.handle_text(chat, "是跟哪間大學合作")
    assert reply.intent == "kl.ap.14" and "海大" in reply.text, reply.text
    chat = ChatRef("test", "detail-given-suo")
    dialog.handle_text(chat, "基隆暑期國際夏令營 110學年幾校參與")
    reply = dialog.handle_text(chat, "是跟哪所大學合作")  # 哪所大學 asks a university, not which schools
    assert reply.intent == "kl.ap.14" and "海大" in reply.text, reply.text
    chat = ChatRef("test", "detail-not-given")
    dialog.handle_text(chat, "預期效益說學生畢業前要錄多長的英語短片")
    assert dialog.handle_text(chat, "要上傳到哪個平台").route in ("not_in_plans", "unsure")


def test_which_rule_a_reply_came_from_is_answered_with_that_rule(knowledge) -> None:
    """ "ok so what rule is it tied to" after a work fee's hourly rate (the rule: the minimum wage, no
    amount written), and 「這是根據哪一條」 after a lecture fee computed: that rule, whole (blind55 d55-005)."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "which-rule-en")
    first = dialog.handle_text(chat, "student helpers work fee - how much per hour exactly?")
    assert first.intent == "moe.item.work_fee" and "does not state the amount" in first.text, first.text
    reply = dialog.handle_text(chat, "ok so what rule is it tied to")
    assert reply.route == "answer" and reply.intent == "moe.item.work_fee", reply.text
    chat = ChatRef("test", "which-rule-zh")
    assert dialog.handle_text(chat, "外聘講師講3節多少").route == "calculation"
    reply = dialog.handle_text(chat, "這是根據哪一條")
    assert reply.route == "answer" and reply.intent == "moe.item.lecture_external", reply.text


def test_a_question_naming_the_other_plan_is_not_taken_for_the_last_topics_case(knowledge) -> None:
    """「換問教育部的 學生用英語做校園導覽 可以放在模式一嗎」 after Keelung's little-guides action plan:
    the MOE plan's mode 1 (campus tours in English are one of its measures), not the Keelung action
    plan whose case it resembles (blind54 d54-015)."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "other-plan-named")
    assert dialog.handle_text(chat, "基隆小小解說員 110學年幾校參與").intent == "kl.ap.15"
    reply = dialog.handle_text(chat, "換問教育部的 學生用英語做校園導覽 可以放在模式一嗎")
    assert reply.intent == "moe.mode1" and reply.text.startswith("可以"), reply.text


def test_a_what_question_nearest_the_chats_topic_is_asked_of_it(knowledge) -> None:
    """ "what does the county have to send?" after the close-out date was computed: unsure read alone,
    nearest the close-out rule the chat is about, so that rule answers (blind54 d54-041)."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "what-of-the-topic")
    first = "our approved execution period ends 2027-07-31. deadline for the county to file close-out with MOE?"
    assert dialog.handle_text(chat, first).route == "calculation"
    reply = dialog.handle_text(chat, "what does the county have to send?")
    assert reply.route == "answer" and reply.intent == "moe.closeout", reply.text


def test_fuel_for_ones_own_car_after_the_travel_rule_is_told_missing(knowledge) -> None:
    """「開自己的車去 油錢怎麼算」 after the travel rule: the plans name the national travel rules and
    say nothing of fuel, so the reply says so (with the travel rule offered), not the rule as if it
    answered."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "own-car")
    assert dialog.handle_text(chat, "講師搭高鐵來 交通費怎麼報").intent == "moe.item.travel"
    reply = dialog.handle_text(chat, "如果他開自己的車去 油錢怎麼算")
    assert reply.route == "not_in_plans", reply.text


def test_a_year_of_the_other_plans_target_after_an_entry_is_that_targets_row(knowledge) -> None:
    """ "how many sister schools were planned for 111" after the MOE lesson-plan rule (115's plan, no
    111): Keelung's sister-school action plan, whose 111 row says 至少 5校, not "no plan covers 111"."""
    from bench.conversations import scored_dialog
    from handlers.dialog import ChatRef

    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "other-plans-year")
    assert (
        dialog.handle_text(chat, "mode 2 with two subjects, how many lesson plans a year?").intent
        == "moe.pl.lesson_plans"
    )
    reply = dialog.handle_text(chat, "ok then and the sister schools target for 111")
    assert reply.intent == "kl.ap.20" and "5" in reply.text, reply.text
    chat = ChatRef("test", "other-plans-year-zh")
    dialog.handle_text(chat, "部領兩個領域 一年要交幾份教案")
    reply = dialog.handle_text(chat, "那姊妹校111年要幾校")
    assert reply.intent == "kl.ap.20" and "5" in reply.text, reply.text
