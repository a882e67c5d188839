"""The judge the quality sets are scored with (bench/conversations.py) can fail: a sure answer that
does not say the plans are silent is wrong for a turn they are silent on, in either language."""

from __future__ import annotations

import pytest

from bench.conversations import judge

NONE = {"none": True}


@pytest.mark.parametrize(
    ("answer", "right"),
    [
        ("授課鐘點費依支給基準表辦理；計畫本身沒有列金額。", True),
        ("Teaching fees follow the official table; the plan itself gives no amount.", True),
        ("Neither plan says anything about this.", True),
        ("Work fees are paid at the statutory minimum hourly wage; the plan does not state the amount.", True),
        ("Teaching fees follow the official table of hourly rates.", False),
        ("授課鐘點費每節 400 元。", False),
    ],
)
def test_a_sure_answer_to_a_silent_turn_must_say_the_plans_are_silent(answer: str, right: bool) -> None:
    assert judge(NONE, {"route": "answer", "answer": answer}) is right


def test_an_unsure_reply_never_answers_a_silent_turn_wrongly() -> None:
    assert judge(NONE, {"route": "unsure", "answer": "I am not sure which rule you mean."})


@pytest.mark.parametrize(
    ("answer", "figure", "right"),
    [
        ("計畫目標有三項：(一)…", 3, True),  # a count in words before its counter
        ("組合為兩種模式", 2, True),
        ("分為四大目標", 4, True),
        ("基隆市國際教育三年計畫", 3, False),  # 三年 is the plan's name, no count of anything asked
        ("第三項目標", 3, False),  # an ordinal
        ("計畫目標有三項", 4, False),
    ],
)
def test_a_count_in_words_is_the_figure_it_states(answer: str, figure: int, right: bool) -> None:
    assert judge({"figure": figure}, {"route": "answer", "answer": answer}) is right
