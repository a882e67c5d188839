"""Quality gates on the blind sets (bench/conversations.py scores them): the multi-turn dialogues
(tests/data/dialogues.yaml), the computation questions (tests/data/computations.yaml) and the
fresh single questions (tests/data/questions_blind2.yaml).

Each set is answered once per module, by a dialog of its own with "today" fixed at
bench.conversations.TODAY (2026-12-02) so that days-left figures do not change with the date the
suite runs. A turn is right when every expectation it states holds (figure, date, verdict, entry,
clarify, none); a *confident-but-wrong* turn is one answered outright (a knowledge-base answer or a
calculation) and wrongly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import bench.conversations as conversations
from bench.conversations import Score
from bot.wiring import Knowledge
from handlers.dialog import ChatRef

# Accuracy floors: issue 10 (dialogues) 90%, issue 11 (computations) 95%; blind2 90%.
DIALOGUES_MIN_ACCURACY = 0.90
COMPUTATIONS_MIN_ACCURACY = 0.95
BLIND2_MIN_ACCURACY = 0.90

# Confident-but-wrong: at most 1% of turns (issue 10) on the dialogues and on every set of single
# questions (here and in tests/test_engine.py). blind4 below is harder and kept as a ratchet at
# its measured level (6.4% of single questions, 0% of dialogue turns at stop 19; 4.8% of single
# questions at stop 23; see
# docs/evidence.md): lower those as the rate falls, never raise them.
MAX_CONFIDENT_WRONG = 0.01
DIALOGUES_MAX_CONFIDENT_WRONG = MAX_CONFIDENT_WRONG
COMPUTATIONS_MAX_CONFIDENT_WRONG = MAX_CONFIDENT_WRONG
BLIND2_MAX_CONFIDENT_WRONG = MAX_CONFIDENT_WRONG
# tests/data/blind4.yaml: written to be hard (a third asks what the plans leave out)
BLIND4 = conversations.DATA / "blind4.yaml"
BLIND4_MIN_ACCURACY = 0.86
BLIND4_MAX_CONFIDENT_WRONG = 0.055
BLIND4_DIALOGUES_MIN_ACCURACY = 0.95
BLIND4_DIALOGUES_MAX_CONFIDENT_WRONG = 0.01

# tests/data/blind5.yaml … blind15.yaml: dialogues written last, hard follow-ups, school facts and
# corrections; ratchets a turn or so below the levels measured at the end of stop 23, after yes-or-
# no questions that neither an entry nor a computed figure settles became unsure replies (blind5
# 80.9% / 7.4%, blind6 91.8% / 3.2%, blind7 84.6% / 4.6%, blind8 85.8% / 6.6%, blind9 86.0% / 3.1%,
# blind10 80.6% / 8.2%, blind11 89.9% / 4.8%, blind12 76.2% / 9.9%, blind13 86.5% / 6.5%, blind14
# 77.8% / 8.5%, blind15 82.7% / 9.1%), far from the 1% target: see docs/evidence.md. blind6's and
# blind9's accuracy floors went down a point with that change (turns that asked yes or no and
# expected the entry or figure alone, which the rule alone had met).
BLIND5 = conversations.DATA / "blind5.yaml"
BLIND5_MIN_ACCURACY, BLIND5_MAX_CONFIDENT_WRONG = 0.925, 0.032
BLIND6 = conversations.DATA / "blind6.yaml"
BLIND6_MIN_ACCURACY, BLIND6_MAX_CONFIDENT_WRONG = 0.949, 0.024
BLIND7 = conversations.DATA / "blind7.yaml"
# (moved down one turn at stop 42: a held-out turn that "open our classrooms" read as the open-classroom
# fact answers otherwise, the same change gaining nine held-out turns elsewhere; see docs/evidence.md)
BLIND7_MIN_ACCURACY, BLIND7_MAX_CONFIDENT_WRONG = 0.915, 0.024
BLIND8 = conversations.DATA / "blind8.yaml"
BLIND8_MIN_ACCURACY, BLIND8_MAX_CONFIDENT_WRONG = 0.896, 0.033
BLIND9 = conversations.DATA / "blind9.yaml"
BLIND9_MIN_ACCURACY, BLIND9_MAX_CONFIDENT_WRONG = 0.912, 0.021
# blind10 (stop 20): first measured at 70.4% / 20.9% before any change made against it
BLIND10 = conversations.DATA / "blind10.yaml"
BLIND10_MIN_ACCURACY, BLIND10_MAX_CONFIDENT_WRONG = 0.898, 0.031
# blind11 (stop 21): first measured at 79.7% / 15.0% before any change made against it
BLIND11 = conversations.DATA / "blind11.yaml"
BLIND11_MIN_ACCURACY, BLIND11_MAX_CONFIDENT_WRONG = 0.927, 0.025
# blind12 (stop 21, late): first measured at 66.8% / 20.3% before any change made against it
BLIND12 = conversations.DATA / "blind12.yaml"
BLIND12_MIN_ACCURACY, BLIND12_MAX_CONFIDENT_WRONG = 0.846, 0.055
# blind13 (stop 22): first measured at 76.3% / 16.7% before any change made against it
BLIND13 = conversations.DATA / "blind13.yaml"
BLIND13_MIN_ACCURACY, BLIND13_MAX_CONFIDENT_WRONG = 0.939, 0.029
# blind14 (stop 22, late): first measured at 75.0% / 17.9% before any change made against it
BLIND14 = conversations.DATA / "blind14.yaml"
BLIND14_MIN_ACCURACY, BLIND14_MAX_CONFIDENT_WRONG = 0.881, 0.043
# blind15 (stop 23): first measured at 78.6% / 10.5% (after the unsure replies to yes-or-no
# questions nothing settles; 77.7% / 15.0% before them); 0.87 → 0.865 at stop 26, one turn: "how many days
# is the summer camp?" is now said to be missing (right), and the next turns lose that topic
BLIND15 = conversations.DATA / "blind15.yaml"
BLIND15_MIN_ACCURACY, BLIND15_MAX_CONFIDENT_WRONG = 0.935, 0.037
# blind16 and blind17 (stop 24): first measured at 74.1% / 12.7% and 61.1% / 17.7% before any
# change made against them (blind17 is computations from the user's own figures and near misses);
# 80.7% / 8.3% and 73.9% / 11.5% at the end of the stop
BLIND16 = conversations.DATA / "blind16.yaml"
BLIND16_MIN_ACCURACY, BLIND16_MAX_CONFIDENT_WRONG = 0.889, 0.049
BLIND17 = conversations.DATA / "blind17.yaml"
BLIND17_MIN_ACCURACY, BLIND17_MAX_CONFIDENT_WRONG = 0.893, 0.041
# blind18 and blind19 (stop 24, late, after this stop's changes): first measured at 72.2% / 10.8%
# and 74.8% / 13.1% (blind19 leans on yes-or-no near misses); 77.6% / 8.1% and 82.0% / 9.0% at the end
# of the stop (their development halves were looked at and fixed against)
BLIND18 = conversations.DATA / "blind18.yaml"
BLIND18_MIN_ACCURACY, BLIND18_MAX_CONFIDENT_WRONG = 0.869, 0.035
BLIND19 = conversations.DATA / "blind19.yaml"
BLIND19_MIN_ACCURACY, BLIND19_MAX_CONFIDENT_WRONG = 0.94, 0.019
# blind20 and blind21 (stop 25, written blind by two helpers and audited by two more, measured
# first at f392216, after this stop's first changes): 71.4% / 13.4% and 75.2% / 8.7%
BLIND20 = conversations.DATA / "blind20.yaml"
BLIND20_MIN_ACCURACY, BLIND20_MAX_CONFIDENT_WRONG = 0.914, 0.032
BLIND21 = conversations.DATA / "blind21.yaml"
BLIND21_MIN_ACCURACY, BLIND21_MAX_CONFIDENT_WRONG = 0.925, 0.019
# blind22 and blind23 (stop 25, late, after this stop's changes; written and audited blind as
# above, 3 and 17 turns changed): first measured at cfd1651, 74.2% / 15.3% and 76.1% / 11.5%
BLIND22 = conversations.DATA / "blind22.yaml"
BLIND22_MIN_ACCURACY, BLIND22_MAX_CONFIDENT_WRONG = 0.894, 0.049
BLIND23 = conversations.DATA / "blind23.yaml"
BLIND23_MIN_ACCURACY, BLIND23_MAX_CONFIDENT_WRONG = 0.866, 0.041
# blind24 and blind25 (stop 26, written blind by two helpers and audited by two more): blind24
# first measured at cafab2b, 79.1% / 7.0%; blind25 (4 turns changed) at 643e219, 76.4% / 11.8%
BLIND24 = conversations.DATA / "blind24.yaml"
BLIND24_MIN_ACCURACY, BLIND24_MAX_CONFIDENT_WRONG = 0.89, 0.04
BLIND25 = conversations.DATA / "blind25.yaml"
BLIND25_MIN_ACCURACY, BLIND25_MAX_CONFIDENT_WRONG = 0.907, 0.032
# blind27 (stop 26, mid-stop: newcomers asking rules, eligibility and details the plans leave out;
# audited, 9 turns changed): first measured at 97e7864, 70.2% / 9.8%
# blind26 (stop 26, mid-stop: coordinators working through their budget sheet; audited, 13 turns
# changed): first measured at 96da61f, 77.1% / 9.3%
BLIND26 = conversations.DATA / "blind26.yaml"
BLIND26_MIN_ACCURACY, BLIND26_MAX_CONFIDENT_WRONG = 0.898, 0.023
BLIND27 = conversations.DATA / "blind27.yaml"
BLIND27_MIN_ACCURACY, BLIND27_MAX_CONFIDENT_WRONG = 0.846, 0.040
# blind28 and blind29 (stop 27, written blind by two helpers and audited by two more): blind28 (a
# new rural director, a Keelung KPI checker, an accountant with their own figures, a foreign
# teacher; 7 turns changed) first measured at cdf23a3, 76.7% / 9.7%; blind29 (a homeroom teacher
# correcting herself, a large school's principal, a county clerk, code-mixing; 4 turns changed) at
# 8b2142e, 78.3% / 10.6%
BLIND28 = conversations.DATA / "blind28.yaml"
BLIND28_MIN_ACCURACY, BLIND28_MAX_CONFIDENT_WRONG = 0.880, 0.035
BLIND29 = conversations.DATA / "blind29.yaml"
BLIND29_MIN_ACCURACY, BLIND29_MAX_CONFIDENT_WRONG = 0.884, 0.044
# blind30 and blind31 (stop 27, later; written and audited the same way): blind30 (a director
# preparing the application, a PE teacher teaching a partial domain, a camp volunteer with own
# figures, a Keelung senior-high teacher; 8 turns changed) first measured at 0bb1d51, 66.5% / 11.7%;
# blind31 (a branch campus, mode-2 money moved, a year of workshops, close-out dates; 5 turns
# changed) at 4d8a4b6, 73.9% / 10.5%
BLIND30 = conversations.DATA / "blind30.yaml"
BLIND30_MIN_ACCURACY, BLIND30_MAX_CONFIDENT_WRONG = 0.785, 0.052
BLIND31 = conversations.DATA / "blind31.yaml"
BLIND31_MIN_ACCURACY, BLIND31_MAX_CONFIDENT_WRONG = 0.852, 0.056
# blind32 to blind35 (stop 28; written blind by four helpers, audited by four more): blind32 (an
# accountant and a principal checking a budget line by line, Keelung KPIs; 6 turns changed), blind33
# (a first-time coordinator: eligibility, steps, deadlines, both plans in turn; 5), blind34 (foreign
# and bilingual teachers, more English; 12), blind35 (messy chat: several facts at once, typos,
# corrections, returns three turns back; 2), all first measured at c1aacd1: 77.5% / 10.8%,
# 79.8% / 10.1%, 68.5% / 8.7%, 78.9% / 9.0%
BLIND32 = conversations.DATA / "blind32.yaml"
BLIND32_MIN_ACCURACY, BLIND32_MAX_CONFIDENT_WRONG = 0.877, 0.046
BLIND33 = conversations.DATA / "blind33.yaml"
BLIND33_MIN_ACCURACY, BLIND33_MAX_CONFIDENT_WRONG = 0.912, 0.033
BLIND34 = conversations.DATA / "blind34.yaml"
BLIND34_MIN_ACCURACY, BLIND34_MAX_CONFIDENT_WRONG = 0.826, 0.042
BLIND35 = conversations.DATA / "blind35.yaml"
BLIND35_MIN_ACCURACY, BLIND35_MAX_CONFIDENT_WRONG = 0.864, 0.046
# blind36 and blind37 (stop 28, at its end; written, self-checked and audited the same way): blind36 (a
# coordinator's semester: ceilings, item caps, dates, near misses, terse follow-ups, corrections; 5
# turns changed) and blind37 (newcomers typing as they talk: a foreign teacher, a nurse or clerk on
# the budget, a principal in Simplified Chinese; 4), first measured at 1bd24f4: 82.8% / 6.6% and
# 70.7% / 7.9%
BLIND36 = conversations.DATA / "blind36.yaml"
BLIND36_MIN_ACCURACY, BLIND36_MAX_CONFIDENT_WRONG = 0.911, 0.036
BLIND37 = conversations.DATA / "blind37.yaml"
BLIND37_MIN_ACCURACY, BLIND37_MAX_CONFIDENT_WRONG = 0.824, 0.036
# blind38 and blind39 (stop 29, written, self-checked and audited the same way): blind38 (the whole
# catalogue, follow-ups changing one thing; 7 turns changed) and blind39 (a coordinator preparing a
# budget and a close-out: several items in one message, own prices and head counts, both plans; 5),
# first measured at 69e7aeb: 82.4% / 9.5% and 77.4% / 10.6%
BLIND38 = conversations.DATA / "blind38.yaml"
BLIND38_MIN_ACCURACY, BLIND38_MAX_CONFIDENT_WRONG = 0.882, 0.055
BLIND39 = conversations.DATA / "blind39.yaml"
BLIND39_MIN_ACCURACY, BLIND39_MAX_CONFIDENT_WRONG = 0.875, 0.065
# blind40 and blind41 (stop 29, at its end; written, self-checked and audited the same way):
# blind40 (40% the Keelung plan's goals, action plans and yearly KPIs; 9 turns changed) and blind41
# (short messy phone typing by teachers, a clerk, a substitute, a nurse; 6), first measured after all
# the stop's changes at 70d6c59: 76.9% / 9.5% and 82.1% / 6.7%
BLIND40 = conversations.DATA / "blind40.yaml"
BLIND40_MIN_ACCURACY, BLIND40_MAX_CONFIDENT_WRONG = 0.841, 0.069
BLIND41 = conversations.DATA / "blind41.yaml"
BLIND41_MIN_ACCURACY, BLIND41_MAX_CONFIDENT_WRONG = 0.869, 0.041
# blind42 and blind43 (stop 30; written, self-checked and audited the same way): blind42 (a
# coordinator's school year: own school facts told early and used later, dates, corrections, KPIs;
# 12 turns changed) and blind43 ("can I pay for this?": items, caps and near misses, English and
# Simplified writers; 7), first measured at 13ffd50 (43: 71.7% / 14.3%) and 8067c1a (42: 73.0% / 12.6%)
BLIND42 = conversations.DATA / "blind42.yaml"
BLIND42_MIN_ACCURACY, BLIND42_MAX_CONFIDENT_WRONG = 0.881, 0.045
BLIND43 = conversations.DATA / "blind43.yaml"
BLIND43_MIN_ACCURACY, BLIND43_MAX_CONFIDENT_WRONG = 0.89, 0.049
# blind44 and blind45 (stop 30, near its end; written, self-checked and audited the same way): blind44
# (a principal checking colleagues' claims and draft figures: wrong bases, tiers, rates, years; 10
# turns changed) and blind45 (the rules behind the money: eligibility, grades, documents, steps; 9),
# first measured at 2b78cad: 62.8% / 20.4% and 70.5% / 7.9%
BLIND44 = conversations.DATA / "blind44.yaml"
BLIND44_MIN_ACCURACY, BLIND44_MAX_CONFIDENT_WRONG = 0.76, 0.085
BLIND45 = conversations.DATA / "blind45.yaml"
BLIND45_MIN_ACCURACY, BLIND45_MAX_CONFIDENT_WRONG = 0.752, 0.05
# blind46 and blind47 (stop 31; written, self-checked and audited the same way): blind46 (a small or
# remote school's new coordinator: tiny schools, branches, open classrooms, own dates, Keelung KPIs;
# 4 turns changed) and blind47 (the accountant checking budget lines and receipts; 13), first
# measured at d4a9a5f: 82.3% / 11.5% and 80.6% / 9.5%
BLIND46 = conversations.DATA / "blind46.yaml"
BLIND46_MIN_ACCURACY, BLIND46_MAX_CONFIDENT_WRONG = 0.888, 0.063
BLIND47 = conversations.DATA / "blind47.yaml"
BLIND47_MIN_ACCURACY, BLIND47_MAX_CONFIDENT_WRONG = 0.873, 0.069
# blind48 and blind49 (stop 31, at its end; written blind by two helpers, each of which then audited
# its own set: 3 and 5 turns changed): blind48 (Keelung teachers at every level, both plans) and blind49
# (the teachers who teach it: who may teach, tests, credits, lesson plans, workshops), first measured
# after all of the stop's changes, at 7490860: 84.6% / 5.7% and 69.3% / 14.9%
BLIND48 = conversations.DATA / "blind48.yaml"
BLIND48_MIN_ACCURACY, BLIND48_MAX_CONFIDENT_WRONG = 0.876, 0.036
BLIND49 = conversations.DATA / "blind49.yaml"
BLIND49_MIN_ACCURACY, BLIND49_MAX_CONFIDENT_WRONG = 0.753, 0.120
# blind50–53 (stop 32; written blind by four helpers from the plan texts and the entry catalogue only,
# each audited by another: 3, 4, 2 and 3 turns changed): blind50 (a 教務主任 and 會計 with their own
# numbers), blind51 (yes-or-no questions from newcomers in several languages), blind52 (the 承辦人 over a
# school year: applying, running, closing out) and blind53 (English-speaking staff, about 60% English),
# first measured at 11afce7, after the stop's first changes: 86.4% / 6.4%, 75.3% / 8.8%, 76.1% / 9.9%
# and 79.9% / 9.2%
BLIND50 = conversations.DATA / "blind50.yaml"
BLIND50_MIN_ACCURACY, BLIND50_MAX_CONFIDENT_WRONG = 0.935, 0.025
BLIND51 = conversations.DATA / "blind51.yaml"
BLIND51_MIN_ACCURACY, BLIND51_MAX_CONFIDENT_WRONG = 0.787, 0.075
BLIND52 = conversations.DATA / "blind52.yaml"
BLIND52_MIN_ACCURACY, BLIND52_MAX_CONFIDENT_WRONG = 0.837, 0.051
BLIND53 = conversations.DATA / "blind53.yaml"
BLIND53_MIN_ACCURACY, BLIND53_MAX_CONFIDENT_WRONG = 0.833, 0.062
# blind54 and blind55 (stop 33; written blind by two helpers from the plan texts and the entry catalogue
# only, each audited by another: 12 and 22 turns changed): blind54 (small and remote schools, branch
# campuses, Keelung schools running both plans; corrections and returns) and blind55 (busy teachers on
# phones: short turns, typos, Chinese numerals, mixed languages, what a budget line may pay for), first
# measured on 4e50b94, the commit the stop started from: 83.5% / 9.3% and 82.6% / 5.4%
BLIND54 = conversations.DATA / "blind54.yaml"
BLIND54_MIN_ACCURACY, BLIND54_MAX_CONFIDENT_WRONG = 0.91, 0.052
BLIND55 = conversations.DATA / "blind55.yaml"
BLIND55_MIN_ACCURACY, BLIND55_MAX_CONFIDENT_WRONG = 0.878, 0.032
# blind56 and blind57 (stop 34; written blind by two helpers from the plan texts and the entry catalogue
# only, each audited by another: 9 and 5 turns changed): blind56 (principals choosing between the modes
# and 部領, Keelung principals and their level's KPIs) and blind57 (teachers new to the system writing
# English and Simplified Chinese: their own eligibility, fees with their own numbers, dates in many
# formats), first measured at af80417, the commit the stop started from: 84.3% / 8.0% and 75.9% / 8.8%
BLIND56 = conversations.DATA / "blind56.yaml"
BLIND56_MIN_ACCURACY, BLIND56_MAX_CONFIDENT_WRONG = 0.885, 0.046
BLIND57 = conversations.DATA / "blind57.yaml"
BLIND57_MIN_ACCURACY, BLIND57_MAX_CONFIDENT_WRONG = 0.822, 0.071
# blind58 and blind59 (stop 35; written blind by two helpers from the plan texts and the entry catalogue
# only, each audited by another: 16 and 13 turns changed): blind58 (the 總務 and 出納 and the teacher
# buying things: what may be bought and how much, with their own figures and corrections) and blind59
# (coordinators running both plans in one long chat: switching plans, dates in mixed formats, KPIs year
# by year, class counts changing), first measured at 6df83a7, the commit the stop started from:
# 81.6% / 12.0% and 86.2% / 5.4%
BLIND58 = conversations.DATA / "blind58.yaml"
BLIND58_MIN_ACCURACY, BLIND58_MAX_CONFIDENT_WRONG = 0.896, 0.044
BLIND59 = conversations.DATA / "blind59.yaml"
BLIND59_MIN_ACCURACY, BLIND59_MAX_CONFIDENT_WRONG = 0.91, 0.036
# blind60 and blind61 (stop 36; each written blind by four helpers, one part each, from the plan texts
# and the entry catalogue only, and audited by another: 15 and 14 turns changed): blind60 (English-first
# and mixed-language users: foreign English teachers, coordinators switching Chinese and English,
# phones typing Simplified) and blind61 (first-time applicants at small rural schools and schools with
# branch campuses, typing on phones), first measured at 636f91c, the commit the stop started from:
# 68.3% / 15.7% and 76.2% / 13.0%
BLIND60 = conversations.DATA / "blind60.yaml"
BLIND60_MIN_ACCURACY, BLIND60_MAX_CONFIDENT_WRONG = 0.799, 0.097
BLIND61 = conversations.DATA / "blind61.yaml"
BLIND61_MIN_ACCURACY, BLIND61_MAX_CONFIDENT_WRONG = 0.843, 0.075
# blind62 and blind63 (stop 37; written and audited the same way: 4 and 0 turns changed): blind62
# (coordinators mid-year: claims from their own figures, moving money, close-out dates, Keelung targets)
# and blind63 (terse phone typing and voice input: Zhuyin endings, full-width digits, Chinese numerals,
# homophone slips, Simplified phones, terse English), first measured at 85c7a4b (the stop's start)
# at 84.5% / 8.2% and 77.7% / 11.3%
BLIND62 = conversations.DATA / "blind62.yaml"
BLIND62_MIN_ACCURACY, BLIND62_MAX_CONFIDENT_WRONG = 0.904, 0.066
BLIND63 = conversations.DATA / "blind63.yaml"
BLIND63_MIN_ACCURACY, BLIND63_MAX_CONFIDENT_WRONG = 0.864, 0.081
# blind64 and blind65 (stop 38; written and audited the same way: 1 and 5 turns changed): blind64
# (reviewers, auditors and doubters checking what someone told them, comparing two options) and blind65
# (a coordinator handing the plan over mid-year: facts restated from notes, then corrected), first
# measured at a16335c (the stop's start) at 74.5% / 14.0% and 81.4% / 10.6%
BLIND64 = conversations.DATA / "blind64.yaml"
BLIND64_MIN_ACCURACY, BLIND64_MAX_CONFIDENT_WRONG = 0.803, 0.103
BLIND65 = conversations.DATA / "blind65.yaml"
BLIND65_MIN_ACCURACY, BLIND65_MAX_CONFIDENT_WRONG = 0.859, 0.073
# blind66 and blind67 (stop 39; written and audited the same way: 0 and 1 turns changed): blind66
# (people who describe what they mean instead of naming it, with pronouns and stories before the
# question) and blind67 (arithmetic chains: a ceiling or cap computed from in steps, dates chained),
# first measured at 2dea770 (the stop's start) at 50.4% / 11.0% and 75.1% / 19.0%
BLIND66 = conversations.DATA / "blind66.yaml"
BLIND66_MIN_ACCURACY, BLIND66_MAX_CONFIDENT_WRONG = 0.651, 0.082
BLIND67 = conversations.DATA / "blind67.yaml"
BLIND67_MIN_ACCURACY, BLIND67_MAX_CONFIDENT_WRONG = 0.822, 0.132
# blind68 and blind69 (stop 40; written and audited the same way: 0 and 1 turns changed): blind68
# (both plans in one chat, years told by their place: 「第一年」「最後一年」「隔年」) and blind69 (money
# across several people, items and steps: event totals, what an amount buys, one count changed),
# first measured at 69bea48 (the stop's start) at 84.0% / 8.4% and 53.8% / 35.7%
BLIND68 = conversations.DATA / "blind68.yaml"
BLIND68_MIN_ACCURACY, BLIND68_MAX_CONFIDENT_WRONG = 0.894, 0.052
BLIND69 = conversations.DATA / "blind69.yaml"
BLIND69_MIN_ACCURACY, BLIND69_MAX_CONFIDENT_WRONG = 0.721, 0.182
# blind70 (stop 41; four writers, two auditors, no turn changed): deadlines counted from the user's own
# dates, a school's facts told bit by bit and corrected, who and what a budget line may pay for, and
# Keelung's yearly targets by year and level; first measured at 5f37c1a (the stop's start) at 75.2% / 11.1%
BLIND70 = conversations.DATA / "blind70.yaml"
BLIND70_MIN_ACCURACY, BLIND70_MAX_CONFIDENT_WRONG = 0.843, 0.054
# blind71 (stop 42; four writers, two auditors, no turn changed): an event's costs from the user's own
# numbers (items added, taken out, counts changed), long English questions, substitutes' terms and
# teaching loads over weeks, Simplified Chinese with a small budget listed in one message; first
# measured at c63fc17 (the stop's start) at 68.4% / 20.1%
BLIND71 = conversations.DATA / "blind71.yaml"
BLIND71_MIN_ACCURACY, BLIND71_MAX_CONFIDENT_WRONG = 0.809, 0.124
# blind72 (stop 43; four writers, two auditors, two entries changed): a school choosing what to apply
# for, spending and closing out in English, very short LINE-style typing, classroom practice and people
# with Keelung's targets; first measured at d301076 (the stop's start) at 75.4% / 12.3%
BLIND72 = conversations.DATA / "blind72.yaml"
BLIND72_MIN_ACCURACY, BLIND72_MAX_CONFIDENT_WRONG = 0.808, 0.103
# blind73 (stop 44; four writers, two auditors, three expectations changed): drafting the budget line
# by line with corrections, modes and partial domains by school size in Simplified Chinese, running
# the plan through the year in English, a busy director jumping between topics; first measured at
# f4ef195 (the stop's start) at 76.7% / 11.5%
BLIND73 = conversations.DATA / "blind73.yaml"
BLIND73_MIN_ACCURACY, BLIND73_MAX_CONFIDENT_WRONG = 0.812, 0.082
# tests/data/questions_yesno.yaml (stop 20): 140 yes-or-no questions aimed at near misses, first
# measured at 35.0% / 58.6% (the rule alone, with no yes or no, answered most); 78.6% / 5.0% at
# stop 23, once such questions got unsure replies: see docs/evidence.md
YESNO = conversations.DATA / "questions_yesno.yaml"
YESNO_MIN_ACCURACY, YESNO_MAX_CONFIDENT_WRONG = 0.77, 0.045

MIN_DIALOGUES = 150
LANGUAGES = {"zh", "zh-hans", "en"}  # Traditional and Simplified Chinese, English
SHOWN_WRONG = 20

Ask = Callable[[str, str], dict[str, Any]]


def make_ask(knowledge: Knowledge) -> Ask:
    """(chat id, text) -> the reply's JSON, from a dialog of its own with a fixed today."""
    dialog = conversations.scored_dialog(knowledge)
    return lambda chat, text: dialog.handle_text(ChatRef("eval", chat), text).to_json()


@pytest.fixture(scope="module")
def dialogues_score(knowledge: Knowledge) -> Score:
    return conversations.run_dialogues(make_ask(knowledge), conversations.load_dialogues(conversations.DIALOGUES))


@pytest.fixture(scope="module")
def computations_score(knowledge: Knowledge) -> Score:
    turns = conversations.load_single(conversations.COMPUTATIONS)
    return conversations.run_single(make_ask(knowledge), turns, "computations-")


@pytest.fixture(scope="module")
def blind2_score(knowledge: Knowledge) -> Score:
    return conversations.run_single(make_ask(knowledge), conversations.load_single(conversations.BLIND2), "blind2-")


@pytest.fixture(scope="module")
def blind4_score(knowledge: Knowledge) -> Score:
    return conversations.run_single(make_ask(knowledge), conversations.load_single(BLIND4), "blind4-")


@pytest.fixture(scope="module")
def blind4_dialogues_score(knowledge: Knowledge) -> Score:
    return conversations.run_dialogues(make_ask(knowledge), conversations.load_dialogues(BLIND4))


def wrong_turns(score: Score) -> str:
    shown = "\n".join(score.wrong[:SHOWN_WRONG])
    more = len(score.wrong) - SHOWN_WRONG
    return shown + (f"\n… and {more} more" if more > 0 else "")


def summary(name: str, score: Score) -> str:
    return (
        f"{name}: {score.right}/{score.turns} right ({score.accuracy:.1%}), "
        f"{score.confident_wrong} confident but wrong ({score.confident_wrong_rate:.2%})"
    )


# -- the sets themselves -----------------------------------------------------------------------


def test_the_dialogue_set_is_large_enough_in_every_language() -> None:
    dialogues = conversations.load_dialogues(conversations.DIALOGUES)
    assert len(dialogues) >= MIN_DIALOGUES
    assert len({d.id for d in dialogues}) == len(dialogues), "dialogue ids must be unique (each is a chat)"
    languages = {d.lang for d in dialogues}
    assert languages >= LANGUAGES, f"missing languages: {LANGUAGES - languages}"
    assert all(d.turns for d in dialogues)
    assert any(len(d.turns) > 1 for d in dialogues), "a dialogue set needs follow-ups"


@pytest.mark.parametrize(
    "path",
    [
        conversations.DIALOGUES,
        conversations.COMPUTATIONS,
        conversations.BLIND2,
        YESNO,
        BLIND5,
        BLIND6,
        BLIND7,
        BLIND8,
        BLIND9,
        BLIND10,
    ],
    ids=lambda p: p.stem,
)
def test_each_set_parses(path: Path) -> None:
    if path in (conversations.DIALOGUES, BLIND5, BLIND6, BLIND7, BLIND8, BLIND9, BLIND10):
        turns = [turn for d in conversations.load_dialogues(path) for turn in d.turns]
    else:
        turns = conversations.load_single(path)
    assert turns
    known = {"figure", "date", "verdict", "entry", "also", "none", "clarify", "why", "audit"}
    for turn in turns:
        assert turn.say.strip(), turn
        assert turn.expect, f"{turn.say!r} states no expectation"
        assert set(turn.expect) <= known, f"{turn.say!r}: unknown expectation {set(turn.expect) - known}"


# -- the gates ----------------------------------------------------------------------------------


def test_dialogues_accuracy(dialogues_score: Score) -> None:
    assert dialogues_score.turns > 0
    assert dialogues_score.accuracy >= DIALOGUES_MIN_ACCURACY, (
        f"{summary('dialogues', dialogues_score)}\n{wrong_turns(dialogues_score)}"
    )


def test_dialogues_confident_but_wrong(dialogues_score: Score) -> None:
    assert dialogues_score.confident_wrong_rate <= DIALOGUES_MAX_CONFIDENT_WRONG, (
        f"{summary('dialogues', dialogues_score)}\n{wrong_turns(dialogues_score)}"
    )


def test_computations_accuracy(computations_score: Score) -> None:
    assert computations_score.turns > 0
    assert computations_score.accuracy >= COMPUTATIONS_MIN_ACCURACY, (
        f"{summary('computations', computations_score)}\n{wrong_turns(computations_score)}"
    )


def test_computations_confident_but_wrong(computations_score: Score) -> None:
    assert computations_score.confident_wrong_rate <= COMPUTATIONS_MAX_CONFIDENT_WRONG, (
        f"{summary('computations', computations_score)}\n{wrong_turns(computations_score)}"
    )


def test_blind2_accuracy(blind2_score: Score) -> None:
    assert blind2_score.turns > 0
    assert blind2_score.accuracy >= BLIND2_MIN_ACCURACY, (
        f"{summary('blind2', blind2_score)}\n{wrong_turns(blind2_score)}"
    )


def test_blind2_confident_but_wrong(blind2_score: Score) -> None:
    assert blind2_score.confident_wrong_rate <= BLIND2_MAX_CONFIDENT_WRONG, (
        f"{summary('blind2', blind2_score)}\n{wrong_turns(blind2_score)}"
    )


def test_blind4_single_questions(blind4_score: Score) -> None:
    assert blind4_score.accuracy >= BLIND4_MIN_ACCURACY, (
        f"{summary('blind4', blind4_score)}\n{wrong_turns(blind4_score)}"
    )
    assert blind4_score.confident_wrong_rate <= BLIND4_MAX_CONFIDENT_WRONG, (
        f"{summary('blind4', blind4_score)}\n{wrong_turns(blind4_score)}"
    )


def test_blind4_dialogues(blind4_dialogues_score: Score) -> None:
    score = blind4_dialogues_score
    assert score.accuracy >= BLIND4_DIALOGUES_MIN_ACCURACY, (
        f"{summary('blind4 dialogues', score)}\n{wrong_turns(score)}"
    )
    assert score.confident_wrong_rate <= BLIND4_DIALOGUES_MAX_CONFIDENT_WRONG, (
        f"{summary('blind4 dialogues', score)}\n{wrong_turns(score)}"
    )


LATE_SETS = {
    "blind5": (BLIND5, BLIND5_MIN_ACCURACY, BLIND5_MAX_CONFIDENT_WRONG),
    "blind6": (BLIND6, BLIND6_MIN_ACCURACY, BLIND6_MAX_CONFIDENT_WRONG),
    "blind7": (BLIND7, BLIND7_MIN_ACCURACY, BLIND7_MAX_CONFIDENT_WRONG),
    "blind8": (BLIND8, BLIND8_MIN_ACCURACY, BLIND8_MAX_CONFIDENT_WRONG),
    "blind9": (BLIND9, BLIND9_MIN_ACCURACY, BLIND9_MAX_CONFIDENT_WRONG),
    "blind10": (BLIND10, BLIND10_MIN_ACCURACY, BLIND10_MAX_CONFIDENT_WRONG),
    "blind11": (BLIND11, BLIND11_MIN_ACCURACY, BLIND11_MAX_CONFIDENT_WRONG),
    "blind12": (BLIND12, BLIND12_MIN_ACCURACY, BLIND12_MAX_CONFIDENT_WRONG),
    "blind13": (BLIND13, BLIND13_MIN_ACCURACY, BLIND13_MAX_CONFIDENT_WRONG),
    "blind14": (BLIND14, BLIND14_MIN_ACCURACY, BLIND14_MAX_CONFIDENT_WRONG),
    "blind15": (BLIND15, BLIND15_MIN_ACCURACY, BLIND15_MAX_CONFIDENT_WRONG),
    "blind16": (BLIND16, BLIND16_MIN_ACCURACY, BLIND16_MAX_CONFIDENT_WRONG),
    "blind17": (BLIND17, BLIND17_MIN_ACCURACY, BLIND17_MAX_CONFIDENT_WRONG),
    "blind18": (BLIND18, BLIND18_MIN_ACCURACY, BLIND18_MAX_CONFIDENT_WRONG),
    "blind19": (BLIND19, BLIND19_MIN_ACCURACY, BLIND19_MAX_CONFIDENT_WRONG),
    "blind20": (BLIND20, BLIND20_MIN_ACCURACY, BLIND20_MAX_CONFIDENT_WRONG),
    "blind21": (BLIND21, BLIND21_MIN_ACCURACY, BLIND21_MAX_CONFIDENT_WRONG),
    "blind22": (BLIND22, BLIND22_MIN_ACCURACY, BLIND22_MAX_CONFIDENT_WRONG),
    "blind23": (BLIND23, BLIND23_MIN_ACCURACY, BLIND23_MAX_CONFIDENT_WRONG),
    "blind24": (BLIND24, BLIND24_MIN_ACCURACY, BLIND24_MAX_CONFIDENT_WRONG),
    "blind25": (BLIND25, BLIND25_MIN_ACCURACY, BLIND25_MAX_CONFIDENT_WRONG),
    "blind26": (BLIND26, BLIND26_MIN_ACCURACY, BLIND26_MAX_CONFIDENT_WRONG),
    "blind27": (BLIND27, BLIND27_MIN_ACCURACY, BLIND27_MAX_CONFIDENT_WRONG),
    "blind28": (BLIND28, BLIND28_MIN_ACCURACY, BLIND28_MAX_CONFIDENT_WRONG),
    "blind29": (BLIND29, BLIND29_MIN_ACCURACY, BLIND29_MAX_CONFIDENT_WRONG),
    "blind30": (BLIND30, BLIND30_MIN_ACCURACY, BLIND30_MAX_CONFIDENT_WRONG),
    "blind31": (BLIND31, BLIND31_MIN_ACCURACY, BLIND31_MAX_CONFIDENT_WRONG),
    "blind32": (BLIND32, BLIND32_MIN_ACCURACY, BLIND32_MAX_CONFIDENT_WRONG),
    "blind33": (BLIND33, BLIND33_MIN_ACCURACY, BLIND33_MAX_CONFIDENT_WRONG),
    "blind34": (BLIND34, BLIND34_MIN_ACCURACY, BLIND34_MAX_CONFIDENT_WRONG),
    "blind35": (BLIND35, BLIND35_MIN_ACCURACY, BLIND35_MAX_CONFIDENT_WRONG),
    "blind36": (BLIND36, BLIND36_MIN_ACCURACY, BLIND36_MAX_CONFIDENT_WRONG),
    "blind37": (BLIND37, BLIND37_MIN_ACCURACY, BLIND37_MAX_CONFIDENT_WRONG),
    "blind38": (BLIND38, BLIND38_MIN_ACCURACY, BLIND38_MAX_CONFIDENT_WRONG),
    "blind39": (BLIND39, BLIND39_MIN_ACCURACY, BLIND39_MAX_CONFIDENT_WRONG),
    "blind40": (BLIND40, BLIND40_MIN_ACCURACY, BLIND40_MAX_CONFIDENT_WRONG),
    "blind41": (BLIND41, BLIND41_MIN_ACCURACY, BLIND41_MAX_CONFIDENT_WRONG),
    "blind42": (BLIND42, BLIND42_MIN_ACCURACY, BLIND42_MAX_CONFIDENT_WRONG),
    "blind43": (BLIND43, BLIND43_MIN_ACCURACY, BLIND43_MAX_CONFIDENT_WRONG),
    "blind44": (BLIND44, BLIND44_MIN_ACCURACY, BLIND44_MAX_CONFIDENT_WRONG),
    "blind45": (BLIND45, BLIND45_MIN_ACCURACY, BLIND45_MAX_CONFIDENT_WRONG),
    "blind46": (BLIND46, BLIND46_MIN_ACCURACY, BLIND46_MAX_CONFIDENT_WRONG),
    "blind47": (BLIND47, BLIND47_MIN_ACCURACY, BLIND47_MAX_CONFIDENT_WRONG),
    "blind48": (BLIND48, BLIND48_MIN_ACCURACY, BLIND48_MAX_CONFIDENT_WRONG),
    "blind49": (BLIND49, BLIND49_MIN_ACCURACY, BLIND49_MAX_CONFIDENT_WRONG),
    "blind50": (BLIND50, BLIND50_MIN_ACCURACY, BLIND50_MAX_CONFIDENT_WRONG),
    "blind51": (BLIND51, BLIND51_MIN_ACCURACY, BLIND51_MAX_CONFIDENT_WRONG),
    "blind52": (BLIND52, BLIND52_MIN_ACCURACY, BLIND52_MAX_CONFIDENT_WRONG),
    "blind53": (BLIND53, BLIND53_MIN_ACCURACY, BLIND53_MAX_CONFIDENT_WRONG),
    "blind54": (BLIND54, BLIND54_MIN_ACCURACY, BLIND54_MAX_CONFIDENT_WRONG),
    "blind55": (BLIND55, BLIND55_MIN_ACCURACY, BLIND55_MAX_CONFIDENT_WRONG),
    "blind56": (BLIND56, BLIND56_MIN_ACCURACY, BLIND56_MAX_CONFIDENT_WRONG),
    "blind57": (BLIND57, BLIND57_MIN_ACCURACY, BLIND57_MAX_CONFIDENT_WRONG),
    "blind58": (BLIND58, BLIND58_MIN_ACCURACY, BLIND58_MAX_CONFIDENT_WRONG),
    "blind59": (BLIND59, BLIND59_MIN_ACCURACY, BLIND59_MAX_CONFIDENT_WRONG),
    "blind60": (BLIND60, BLIND60_MIN_ACCURACY, BLIND60_MAX_CONFIDENT_WRONG),
    "blind61": (BLIND61, BLIND61_MIN_ACCURACY, BLIND61_MAX_CONFIDENT_WRONG),
    "blind62": (BLIND62, BLIND62_MIN_ACCURACY, BLIND62_MAX_CONFIDENT_WRONG),
    "blind63": (BLIND63, BLIND63_MIN_ACCURACY, BLIND63_MAX_CONFIDENT_WRONG),
    "blind64": (BLIND64, BLIND64_MIN_ACCURACY, BLIND64_MAX_CONFIDENT_WRONG),
    "blind65": (BLIND65, BLIND65_MIN_ACCURACY, BLIND65_MAX_CONFIDENT_WRONG),
    "blind66": (BLIND66, BLIND66_MIN_ACCURACY, BLIND66_MAX_CONFIDENT_WRONG),
    "blind67": (BLIND67, BLIND67_MIN_ACCURACY, BLIND67_MAX_CONFIDENT_WRONG),
    "blind68": (BLIND68, BLIND68_MIN_ACCURACY, BLIND68_MAX_CONFIDENT_WRONG),
    "blind69": (BLIND69, BLIND69_MIN_ACCURACY, BLIND69_MAX_CONFIDENT_WRONG),
    "blind70": (BLIND70, BLIND70_MIN_ACCURACY, BLIND70_MAX_CONFIDENT_WRONG),
    "blind71": (BLIND71, BLIND71_MIN_ACCURACY, BLIND71_MAX_CONFIDENT_WRONG),
    "blind72": (BLIND72, BLIND72_MIN_ACCURACY, BLIND72_MAX_CONFIDENT_WRONG),
    "blind73": (BLIND73, BLIND73_MIN_ACCURACY, BLIND73_MAX_CONFIDENT_WRONG),
}


@pytest.mark.parametrize("name", LATE_SETS)
def test_late_blind_dialogues(knowledge: Knowledge, name: str) -> None:
    path, minimum, most_wrong = LATE_SETS[name]
    score = conversations.run_dialogues(make_ask(knowledge), conversations.load_dialogues(path))
    assert score.accuracy >= minimum, f"{summary(name, score)}\n{wrong_turns(score)}"
    assert score.confident_wrong_rate <= most_wrong, f"{summary(name, score)}\n{wrong_turns(score)}"


def test_yes_no_questions(knowledge: Knowledge) -> None:
    """Yes-or-no questions written blind, half of them near misses of an allowed thing: a ratchet,
    far from the 1% target (the rule alone, with no yes or no, still answers many)."""
    score = conversations.run_single(make_ask(knowledge), conversations.load_single(YESNO), "yesno-")
    assert score.accuracy >= YESNO_MIN_ACCURACY, f"{summary('yes/no', score)}\n{wrong_turns(score)}"
    assert score.confident_wrong_rate <= YESNO_MAX_CONFIDENT_WRONG, f"{summary('yes/no', score)}\n{wrong_turns(score)}"
