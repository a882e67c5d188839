"""The answer engine on the evaluation question set and on the promises it makes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.conversations import scored_dialog
from bench.dataset import HOLDOUT, NONE, is_correct, load_questions
from handlers.dialog import ChatRef
from knowledge.engine import CONFIDENT, Engine
from knowledge.textnorm import detect_lang

QUESTIONS = load_questions()


def test_question_set_is_large_and_varied() -> None:
    styles = Counter(q.style for q in QUESTIONS)
    assert len(QUESTIONS) >= 200
    assert sum(q.expect == NONE for q in QUESTIONS) >= 20
    for style in (
        "colloquial",
        "typo",
        "missing_chars",
        "simplified",
        "english",
        "fullwidth",
        "chinese_numerals",
        "terse",
        "verbose",
    ):
        assert styles[style] >= 5, style


def test_top1_accuracy_is_at_least_95_percent(engine: Engine) -> None:
    wrong = [
        (q.q, q.expect, engine.answer(q.q).intent) for q in QUESTIONS if not is_correct(q, engine.answer(q.q).intent)
    ]
    accuracy = 1 - len(wrong) / len(QUESTIONS)
    assert accuracy >= 0.95, f"accuracy {accuracy:.1%}; wrong: {wrong[:20]}"


@pytest.mark.parametrize("path", [None, HOLDOUT], ids=["questions", "holdout"])
def test_a_confident_answer_is_wrong_at_most_once_in_a_hundred(engine: Engine, path: Path | None) -> None:
    """Issue 10's precision target: of all questions, at most 1% get a confident wrong answer (an
    honest "not sure" or "the plans do not say" is not one)."""
    questions = QUESTIONS if path is None else load_questions(path)
    wrong = []
    for q in questions:
        answer = engine.answer(q.q)
        if answer.confident and not is_correct(q, answer.intent):
            wrong.append((q.q, q.expect, answer.intent))
    assert len(wrong) <= 0.01 * len(questions), f"{len(wrong)} of {len(questions)} confident and wrong: {wrong}"


def test_blind_holdout_set_stays_above_its_measured_floor(engine: Engine) -> None:
    """The hold-out set was written blind to the KB and to QUESTIONS and measured once at 88%
    before general fixes (never tuned on): a regression guard, not a target."""
    holdout = load_questions(HOLDOUT)
    assert len(holdout) >= 150
    accuracy = sum(is_correct(q, engine.answer(q.q).intent) for q in holdout) / len(holdout)
    assert accuracy >= 0.85, f"hold-out accuracy {accuracy:.1%}"


def test_no_unanswerable_question_gets_a_confident_answer(engine: Engine) -> None:
    confident = [
        (q.q, a.intent, a.confidence)
        for q in QUESTIONS
        if q.expect == NONE
        for a in [engine.answer(q.q)]
        if a.intent is not None or a.confidence >= CONFIDENT
    ]
    assert confident == []


def test_slot_questions_get_exactly_the_asked_figure(engine: Engine) -> None:
    checked = [q for q in QUESTIONS if q.contains and q.expect != NONE]
    assert len(checked) >= 30
    missing = [
        (q.q, q.contains)
        for q in checked
        for a in [engine.answer(q.q)]
        if a.intent == q.expect and not all(c in a.text for c in q.contains)
    ]
    assert len(missing) <= len(checked) * 0.05, missing


def test_year_and_level_narrow_a_kpi_table_to_one_cell(engine: Engine) -> None:
    answer = engine.answer("110學年度國中英語文章每學期要讀幾篇？")
    assert answer.intent == "kl.ap.01"
    assert "110" in answer.text and "2" in answer.text
    assert "109" not in answer.text and "111" not in answer.text
    whole = engine.answer("英語閱讀力倍增計畫的指標是什麼")
    assert whole.intent == "kl.ap.01"
    assert all(year in whole.text for year in ("109", "110", "111"))


@pytest.mark.parametrize(
    "question, intent",
    [
        ("我們 20 班做模式一最多補助多少？", "moe.cap.mode1.medium"),
        ("我們12班模式一最多補助多少", "moe.cap.mode1.small"),
        ("我們13班模式一最多補助多少", "moe.cap.mode1.medium"),
        ("模式二做兩個領域、8 班，部領經費多少", "moe.cap.pl.multi.medium"),
        ("模式二只做一個領域、8 班，部領經費多少", "moe.cap.pl.single.medium"),
    ],
)
def test_tier_is_picked_by_the_school_facts(engine: Engine, question: str, intent: str) -> None:
    assert engine.answer(question).intent == intent


@pytest.mark.parametrize(
    "question",
    [
        "基隆那個三年計畫裡面，外師 online live class 的試辦，到最後一年累計幾校？",
        "online live classes with a foreign teacher in Keelung",
    ],
)
def test_keelungs_online_live_lessons_named_in_english(engine: Engine, question: str) -> None:
    """行動方案 30 外師線上同步教學試辦, named "online live class" (its keyword was "live online" only)."""
    answer = engine.answer(question)
    assert answer.intent == "kl.ap.30" and answer.confident, (question, answer.intent)


@pytest.mark.parametrize("question", ["县府收到以后会做啥", "縣府收到申請以後會做什麼"])
def test_what_the_county_does_with_an_application_is_the_procedure(engine: Engine, question: str) -> None:
    """六、(一) 經地方政府初審、彙整列冊及排列補助順序後…向國教署申請: 縣府 (read as the local bureau)
    is no cue to Keelung's plan here."""
    answer = engine.answer(question)
    assert answer.intent == "moe.apply.procedure" and answer.confident, (question, answer.intent)


@pytest.mark.parametrize("question", ["基隆國際教育計畫的期程", "基隆那個國際教育計畫是到幾學年度"])
def test_the_keelung_plans_period_is_its_period_not_its_overview(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.intent == "kl.period" and answer.confident, (question, answer.intent)


def test_every_answer_cites_its_source(engine: Engine) -> None:
    for question in ("結案要什麼時候交？", "部領可以用在哪些領域？", "Can I claim my TOEIC fee?"):
        answer = engine.answer(question)
        assert answer.confident and answer.sources
        assert answer.sources[0].startswith(answer_document_short(engine, answer.intent, answer.lang))


def answer_document_short(engine: Engine, intent: str, lang: str) -> str:
    return engine.kb.entries[intent].document.short.get(lang)


def test_language_follows_the_question(engine: Engine) -> None:
    english = engine.answer("Can I claim my TOEIC fee?")
    assert english.lang == "en" and detect_lang(english.text) == "en"
    simplified = engine.answer("结案要什么时候交？")
    assert simplified.lang == "zh"
    assert "結" in simplified.text or "國教署" in simplified.text  # answered in Traditional


@pytest.mark.parametrize("question", ["去哪裡", "誰負責", "經費"])
def test_three_characters_naming_no_topic_are_too_vague_to_answer(engine: Engine, question: str) -> None:
    """「去哪裡」 fits 「雙語專家要去哪裡找」 word for word, and says nothing of experts."""
    assert not engine.answer(question).confident


def test_unsure_answers_offer_three_closest_topics(engine: Engine) -> None:
    answer = engine.answer("經費")
    assert answer.intent is None
    assert len(answer.suggestions) == 3
    assert all(s.intent in engine.kb.entries for s in answer.suggestions)


@pytest.mark.parametrize(
    "question", ["台北市的雙語計畫補助多少？", "外師月薪多少", "What is the salary of a foreign teacher?"]
)
def test_questions_the_plans_do_not_answer_point_to_the_bureau(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.intent is None
    assert ("教育局" in answer.text) or ("education bureau" in answer.text)


def test_empty_question_gets_a_prompt(engine: Engine) -> None:
    for text in ("", "   ", "\x00\x01", "？？？"):
        answer = engine.answer(text)
        assert answer.intent is None and answer.text


def test_answer_entry_for_a_tapped_suggestion(engine: Engine) -> None:
    answer = engine.answer_entry("moe.item.lodging", "en")
    assert answer.intent == "moe.item.lodging" and answer.lang == "en" and "3,000" in answer.text
    assert engine.answer_entry("no.such.entry").intent is None


def test_english_workshops_in_keelung_are_the_english_teaching_workshops(engine: Engine) -> None:
    """英語研習 is 行動方案 27 (英語教學研習), not 28's bilingual credit courses."""
    answer = engine.answer("英語研習111學年度的目標是幾成學校")
    assert answer.intent == "kl.ap.27" and answer.confident, (answer.intent, answer.confidence)


@pytest.mark.parametrize(
    ("question", "count"),
    [
        ("部領只做一個領域，一學年要交幾份教案詳案", "1 份"),
        ("部領做藝術和科技兩個領域，每學年要交幾份教案", "2 個領域共 2 份"),
    ],
)
def test_the_lesson_plans_due_are_counted_by_the_domains_taught(engine: Engine, question: str, count: str) -> None:
    """附件1 二(十): 1 detailed unit lesson plan a year for each domain taught."""
    answer = engine.answer(question)
    assert answer.intent == "moe.pl.lesson_plans" and count in answer.text, answer.text


def test_misc_is_miscellaneous(engine: Engine) -> None:
    answer = engine.answer("misc cap?")
    assert answer.intent == "moe.item.misc" and answer.confident, (answer.intent, answer.confidence)


@pytest.mark.parametrize("question", ["data collection 費 上限 多少", "data collection fee cap?", "資料搜集費上限多少"])
def test_the_data_collection_fee_is_named_in_english_too(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.intent == "moe.item.data_collection" and answer.confident, (question, answer.intent)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("學校要交什麼給縣府", "moe.closeout"),  # what is sent at close-out, not when
        ("學校這邊要交什麼給縣府", "moe.closeout"),  # a filler (這邊) does not lower the score
        ("想請問一下 學校這裡要交什麼給縣府", "moe.closeout"),
        ("what does the county need to send in at the end?", "moe.closeout"),
        ("減課要怎麼決定，校長說了算嗎", "moe.teaching_load"),
        # the open classroom described: other schools' teachers coming in to watch lessons
        ("讓外校老師進來看我們上課 可以另外拿多少錢", "moe.open_classroom"),
        # the reduction described: teaching fewer periods
        ("聽說做這個可以少上幾堂課 一個禮拜最多可以少幾堂", "moe.teaching_load"),
        # who said what is being checked is no topic either (it was unsure between three entries)
        ("我們主任說核結是執行期間結束後一個月內 對嗎", "moe.closeout"),
        (
            "I'm a foreign English teacher. My coordinator says if we join mode 2 I'll be the one teaching "
            "the bilingual PE lessons. is that how it works?",
            "moe.pl.foreign_teachers",
        ),
    ],
)
def test_what_to_hand_in_and_who_decides(engine: Engine, question: str, entry: str) -> None:
    answer = engine.answer(question)
    assert answer.intent == entry and answer.confident, (question, answer.intent, answer.confidence)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("基隆目標一底下有幾個策略", "kl.goal.1"),  # not goal 4, phrased 「目標四…有三項實施策略」 alike
        ("續辦學校可以維持原來的領域嗎", "moe.pl.continuing_schools"),
    ],
)
def test_a_keyword_named_is_no_question_about_its_one_character_contrast(
    engine: Engine, question: str, entry: str
) -> None:
    """目標一 and 目標四, 新辦學校 and 續辦學校: a question naming one is not about the other's entry,
    however alike the rest of the wording is."""
    answer = engine.answer(question)
    assert answer.confident and answer.intent == entry, (question, answer.intent, answer.confidence)


@pytest.mark.parametrize("question", ["被派的老師要有什麼資格", "被派去學分班的老師要什麼資格"])
def test_the_teachers_sent_are_the_credit_programmes(engine: Engine, question: str) -> None:
    """「被派的老師」 says 薦派 as people do: their qualification is the credit programme's
    (薦派教師資格：需具備該學等教師證), not the B1 priority for teaching the partial domains."""
    answer = engine.answer(question)
    assert answer.confident and answer.intent == "moe.pl.credit_program", (answer.intent, answer.text[:80])


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("參、計畫目標列了哪些", "kl.objectives"),  # Keelung's section 參, not MOE's 二、計畫目標
        ("二、計畫目標有哪些", "moe.goals"),
    ],
)
def test_a_section_heading_quoted_whole_names_its_entry(engine: Engine, question: str, entry: str) -> None:
    answer = engine.answer(question)
    assert answer.confident and answer.intent == entry, (question, answer.intent, answer.confidence)


def test_what_a_question_compares_with_is_not_what_it_asks_about(engine: Engine) -> None:
    """「部領的資本門是不是也跟模式一一樣可以編到兩成」 asks about the partial domains' capital, not
    mode 1's: it was answered from mode 1's capital rule, sure and wrong."""
    answer = engine.answer("部領那邊的資本門 是不是也跟模式一一樣可以編到兩成")
    assert not (answer.confident and answer.intent == "moe.cap.mode1.capital"), answer.text[:80]


@pytest.mark.parametrize(
    ("turns", "entry"),
    [
        (["國際化行政支援窗口是哪個策略"], "kl.strategy.2.4"),
        (["雙語導覽大使", "那小小解說員屬於哪個策略"], "kl.strategy.2.2"),
        (["雙語導覽大使", "which goal is it under?"], "kl.goal.2"),
        (["雙語導覽大使", "那這個計畫要培訓誰"], "kl.ap.15"),  # no heading asked: the plan itself
        # asked of the last action plan in words that name nothing (the entry's own words are no case)
        (["基隆國際教育融入課程 111學年各校專業團隊要發展幾個領域的工作坊", "這是屬於哪個策略"], "kl.strategy.4.1"),
        (
            ["tell me about Keelung's international education resource centre", "what strategy is it under?"],
            "kl.strategy.3.3",
        ),
        # …but one the message names is its own (not the new-immigrant languages just asked)
        (["新住民語開課率每年目標是多少", "雙語學校建置是哪個策略"], "kl.strategy.1.3"),
    ],
)
def test_the_heading_an_entry_is_under_is_answered_by_that_headings_entry(knowledge, turns, entry) -> None:
    """An action plan's section 「柒、分年目標 目標二(二) 行動方案15 …」 is under the strategy 「… 目標二(二)
    …」 and the goal 「… 目標二 …」: asked which, that entry answers (it also names what else it holds)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"heading-{len(turns)}-{turns[-1][:6]}")
    for text in turns:
        reply = dialog.handle_text(chat, text)
    assert reply.intent == entry, (reply.intent, reply.text)


@pytest.mark.parametrize(
    "question",
    ["workshop plan: a prof from NTNU, 2 periods. fee per period?", "one of our own teachers does 3 periods"],
)
def test_a_class_period_is_not_the_plans_period(engine: Engine, question: str) -> None:
    """ "period" alone is a class period in these questions, not Keelung's 計畫期程 (its keywords
    say "plan period")."""
    answer = engine.answer(question)
    assert answer.intent != "kl.period", answer.text[:120]


@pytest.mark.parametrize("question", ["我是教务主任，整个模式二计划都是我在推，每周最多能减几节？", "一週可以減多少節"])
def test_periods_taken_off_name_the_teaching_load_rule(engine: Engine, question: str) -> None:
    """「能減幾節」「可以減多少節」 name the teaching-load reduction (附件3 備註 減課原則)."""
    answer = engine.answer(question)
    assert answer.confident and answer.intent == "moe.teaching_load", (answer.intent, answer.text[:80])


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("how many phases does the bilingual campus plan have?", "2 phases"),
        ("how many strategies does Keelung's goal 1 have?", "4 strategies"),
        ("how many school years does the Keelung plan cover?", "3 school years"),
        ("how many open classroom sessions per semester at least?", "1 open session"),
    ],
)
def test_an_english_answer_states_a_count_as_a_figure(engine: Engine, question: str, figure: str) -> None:
    """ "how many phases?": the count is written as a number, which the reader scans for."""
    answer = engine.answer(question)
    assert answer.confident and figure in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    ["how many elementary kids should join the English contest in 111?", "基隆英語比賽111學年國小要幾人次"],
)
def test_the_english_contest_named_plainly_is_keelungs_academic_contest(engine: Engine, question: str) -> None:
    """行動方案 3 國中小英語學藝競賽 asked as "the English contest" 「英語比賽」, not the English clubs."""
    answer = engine.answer(question)
    assert answer.intent == "kl.ap.03" and answer.confident, (answer.intent, answer.text[:60])
