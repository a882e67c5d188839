"""A yes-or-no question whether something is allowed gets the plan's yes or no first
(knowledge/understand.py `asks_permission`, the entries' `yes_if`/`no_if`, Engine.ruling), and
only when the plan says it: a question that does not meet an entry's condition, or meets a yes and
a no at once, gets the closest rule said to be no yes or no, below the confidence line (an
"unsure" reply naming the entry). Questions here are written for this test, apart from the
quality sets."""

from __future__ import annotations

import re

import pytest

from bench.conversations import as_traditional, scored_dialog
from bot.wiring import Knowledge
from handlers.dialog import ChatRef
from handlers.texts import t
from knowledge.engine import CONFIDENT
from knowledge.textnorm import to_simplified

YES_ZH, NO_ZH, YES_EN, NO_EN = "可以。", "不可以。", "Yes. ", "No. "
IS_ZH, IS_NOT_ZH = "是。", "不是。"  # to whether something is so, not allowed

RULED = [
    # a substitute going along on a trip: the trip's insurance (包含代理教師), not a substitute's 勞健保
    (
        "a substitute teacher is coming along too. can her insurance be claimed?",
        "moe.item.student_transport_insurance",
        YES_EN,
    ),
    # 雜支 named and toner its 資訊耗材 yes, though worded unlike the entry's phrasings (Engine._named_and_ruled)
    ("toner for the office printer, can that go under 雜支", "moe.item.misc", YES_EN),
    # 每學年至多補助 1 次: a month told by its number is no 月考 (monthly exam) of the out-of-scope words
    ("英文老師115年10月考全民英檢中高級報名費有補助 116年4月想再考一次 還能補嗎", "moe.item.english_test_fee", NO_ZH),
    # 代課教師勞健保及勞退費, asked in English as the substitute's labour and health insurance
    ("can we pay the substitute's labor and health insurance from the plan?", "moe.item.substitute_insurance", YES_EN),
    # (question, the entry that answers it, the first words of the reply)
    ("我們還有分班 這樣可以多拿一點錢嗎", "moe.cap.branch", YES_ZH),  # 最高額外核定 5 萬元
    # 學生活動之交通費及保險費「包含代理教師或非公教人員」: a parent going along is no civil servant
    ("帶學生校外教學 陪同家長的保險費可以報嗎", "moe.item.student_transport_insurance", YES_ZH),
    ("我們本校有分校 可以多拿嗎 多多少", "moe.cap.branch", YES_ZH),  # the yes, then the rule with its 5 萬
    # the 5 萬 is of 模式一 and of 模式二's 雙語生活化: 部領's ceilings list no branch extra
    ("我们有分校，部领的钱也能多加5万吗", "moe.cap.branch", IS_NOT_ZH),
    ("with a branch campus, does the PL budget get an extra 50k too?", "moe.cap.branch", NO_EN),
    # 「並以1人為限」, asked after what-if words ("can me and…": a permission question all the same)
    ("next year can me and my co-coordinator both get the 6?", "moe.teaching_load", NO_EN),
    # whether, "n how much": both asked, the yes first
    (
        "mode 2 school, our art teacher wants english classes at a licensed language school, can the plan pay n how much",
        "moe.item.language_study",
        YES_EN,
    ),
    # 「最高額外核定 5 萬元」: one extra, not one for each branch
    ("兩個分般可以各加五萬嗎", "moe.cap.branch", NO_ZH),
    ("we have two branch campuses, do we get 50k extra for each branch?", "moe.cap.branch", NO_EN),
    (
        "I retook the TOEIC listening & reading a 2nd time this school year, can that fee be claimed?",
        "moe.item.english_test_fee",
        NO_EN,
    ),
    (
        "if i redo the TOEIC L&R in july for a better score, same school year, is that fee covered?",
        "moe.item.english_test_fee",
        NO_EN,
    ),
    ("分班那5萬可以勻一點給本校用嗎", "moe.cap.branch", YES_ZH),
    ("我們國中部跟國小部可以各送各的嗎", "moe.apply.divisions", YES_ZH),  # 得獨立申請, said 「各送各的」
    ("國立的也是送縣市政府嗎 我們是附中", "moe.apply.national_schools", IS_ZH),  # 含國立學校…向地方政府提出申請
    # 雙語生活化之資本門編列仍不得超過3萬元 (「變多」 was no word of raising it: a yes)
    ("把部領教師經費挪到生活化以後 生活化的資本門可以跟著變多嗎", "moe.cap.pl.transfer", NO_ZH),
    # 上開班級數以本校班級數計列: the main campus's classes only, a branch's not added
    ("計算班級數時只算本校的班級嗎", "moe.cap.branch", IS_ZH),
    ("is there a fixed ratio for splitting the money with the branch campus?", "moe.cap.branch", NO_EN),  # 得依實際需求
    ("我們分班有4班 計算班級數時可以算進去嗎", "moe.cap.branch", NO_ZH),
    ("分校有5班 可以加進去算成21班嗎", "moe.cap.branch", NO_ZH),  # not counted with the main campus
    (
        "申請時班級數只算本校 分校的不用算進去 對嗎",
        "moe.cap.branch",
        IS_ZH,
    ),  # 於總額度下調整分配本校及分校或分班之經費額度
    ("下課時間做雙語廣播讓學生當播音員可以嗎", "moe.mode1", YES_ZH),  # 並可由學生擔任播音人員
    ("can my co-lead also get 6 off a week?", "moe.teaching_load", NO_EN),  # 以1人為限
    ("副召也可以減到6嗎", "moe.teaching_load", NO_ZH),
    # an amount named only as a bound is a question about the rule, not a planned amount checked
    ("資料蒐集費可以超過3萬嗎", "moe.item.data_collection", NO_ZH),
    ("Can we spend more than NT$30,000 on books?", "moe.item.data_collection", NO_EN),
    ("單價不到一萬的東西可以編資本門嗎", "moe.item.equipment", NO_ZH),
    ("單價超過一萬的設備可以編資本門嗎", "moe.item.equipment", YES_ZH),
    ("已經拿了偏遠地區設施設備計畫的錢 還可以用這個計畫買相機嗎", "moe.item.remote_schools", NO_ZH),
    ("我們是偏遠學校 已經拿過設施設備計畫補助 還可以買平板嗎", "moe.item.remote_schools", NO_ZH),
    ("我們是偏遠學校 但沒拿設施設備計畫 可以買平板嗎", "moe.item.remote_schools", YES_ZH),  # 「且已獲」 not met
    ("國中部跟國小部可以分別提計畫嗎", "moe.apply.divisions", YES_ZH),
    ("may the arts teacher insist that pupils answer in English?", "moe.pl.differentiation", NO_EN),  # 不得強制
    ("may a company use the teacher's CC-licensed lesson plans commercially?", "moe.licence", NO_EN),  # 非商業性
    ("部領老師可以在單元結束時考學生的英文程度嗎", "moe.pl.english_ratio", NO_ZH),  # 不得進行英語能力評量
    ("生活化經常門用不完 可以流到部領去用嗎", "moe.cap.no_pooling", NO_ZH),  # 各面向間亦不得辦理經費流用
    ("我們是國立的學校 申請也是送到縣政府嗎", "moe.apply.national_schools", IS_ZH),  # 比照…由所在地縣(市)統籌
    ("學校可以直接把計畫送教育部嗎", "moe.apply.procedure", NO_ZH),
    ("部領跟生活化的經常門可以互相挪用嗎", "moe.cap.no_pooling", NO_ZH),
    ("學生奠基費沒用完，可以流用到教師專業支持嗎", "moe.cap.no_pooling", NO_ZH),  # not the one exception
    ("生活化的錢可以流用到教師專業支持嗎", "moe.cap.no_pooling", NO_ZH),
    # 雙語生活化之資本門編列仍不得超過3萬元, also after moving teacher funds (「挪」 meets the yes)
    ("部領教師費挪到生活化之後 生活化的資本門可以超過3萬嗎", "moe.cap.pl.transfer", NO_ZH),
    # only the teacher support moves, and only into campus life: any other move is the no to pooling
    # (「除部領教師專業支持費用可依規定…併入雙語生活化外，各面向的經常門經費…不得辦理經費流用」)
    ("部領學生的經費可以挪到生活化嗎", "moe.cap.no_pooling", NO_ZH),
    ("can the student money be moved to campus life?", "moe.cap.no_pooling", NO_EN),
    ("生活化的錢可以挪去部領嗎", "moe.cap.no_pooling", NO_ZH),
    ("全部的教師費都挪到生活化可以嗎", "moe.cap.pl.transfer", NO_ZH),
    # the student items say nothing of moving: the transfer rule's student case answers it
    ("could we move some of the student-foundation money over into campus life?", "moe.cap.pl.transfer", NO_EN),
    # a percentage named against the rule's own (a condition group written 「>30%」 or 「<=20%」)
    ("把部領教師費用3成併到生活化，這樣可以嗎", "moe.cap.pl.transfer", YES_ZH),
    ("部領教師費挪35%到生活化可以嗎", "moe.cap.pl.transfer", NO_ZH),
    ("教材教具費編到經常門的25%可以嗎", "moe.item.teaching_aids", NO_ZH),
    ("教材教具費編15%可以嗎", "moe.item.teaching_aids", YES_ZH),
    ("雜支編到經常門的百分之十五可以嗎", "moe.item.misc", NO_ZH),
    ("Is it OK if misc is 8% of our recurrent budget?", "moe.item.misc", YES_EN),
    # a new school's school-based curriculum from grade 3: grade 2 is no, grade 4 yes
    ("新辦學校部領可以改在校訂課程做嗎？從二年級開始", "moe.pl.new_schools", NO_ZH),
    ("第一次做部領，可以在四年級的校訂課程實施嗎", "moe.pl.new_schools", YES_ZH),
    # at most one full test a year, or each part of a split one once
    ("同一位老師這學年考了兩次聽讀，兩次報名費都能報嗎", "moe.item.english_test_fee", NO_ZH),
    ("聽讀考完了，說寫也要考，兩次都可以補助嗎", "moe.item.english_test_fee", YES_ZH),
    ("多益聽讀可以報兩次嗎", "moe.item.english_test_fee", NO_ZH),  # the same part twice
    ("多益先考聽讀 下學期再考說寫 都能補助嗎", "moe.item.english_test_fee", YES_ZH),  # each part once
    # a national school goes through the county too: a two-group yes (國立 + 申請) no longer outweighs it
    ("國立學校可以直接向國教署申請嗎", "moe.apply.national_schools", NO_ZH),
    ("can a national school apply directly to the K-12 Administration?", "moe.apply.national_schools", NO_EN),
    # not "may we" but "is it so": the entry's no answers it too
    ("我們是國立學校，計畫經費會算進縣市的額度嗎", "moe.apply.national_schools", IS_NOT_ZH),
    # 額度 named in a yes-or-no question is no amount asked (it gave the rule alone)
    ("國立學校的額度會吃掉縣市的額度嗎", "moe.apply.national_schools", IS_NOT_ZH),
    # no auxiliary, no question word: "same route …?" still asks yes or no
    ("we're a national school (guoli) tho, same route for us?", "moe.apply.national_schools", YES_EN),
    # a negative question after other words asks yes or no; a branch's classes move no tier (以本校班級數計列)
    (
        "main campus 11 classes, branch has 3 classes so thats 14 total, doesnt that put us in the 13-35 band?",
        "moe.cap.branch",
        NO_EN,
    ),
    ("國立學校也是送縣市嗎", "moe.apply.national_schools", IS_ZH),
    # 「…的喔」 ends a statement asked back as 「…嗎」 (本人仍保有著作之著作權)
    ("簽了那個CC授權 著作權就變國教署的喔", "moe.licence", IS_NOT_ZH),
    # 如文具用品、紙張…及國內外郵資等屬之: a receipt's amount is no recurrent budget to take 10% of
    ("收據：郵票500元 可以報雜支嗎", "moe.item.misc", YES_ZH),
    ("寄给国外姐妹校的邮费 可以报杂支吗", "moe.item.misc", YES_ZH),
    ("有分校的話 總額裡面本校可以多用一點 分校少一點嗎", "moe.cap.branch", YES_ZH),  # 於總額度下調整分配
    ("我們是分班 不是分校 一樣可以加５萬嗎", "moe.cap.branch", YES_ZH),  # 分校或分班…額外核定 5 萬元
    ("老師去參加研習 找人代課 可以請事假嗎", "moe.item.substitute_fee", NO_ZH),  # 應與以公假排代
    # the no-case (計入額度) denied and confirmed (「不會…對吧」) is agreed with; asked plainly, it is a no
    ("國立學校的經費不會佔到縣市的額度 對嗎", "moe.apply.national_schools", IS_ZH),
    ("國立學校的經費會佔到縣市的額度嗎", "moe.apply.national_schools", IS_NOT_ZH),
    ("Does a national school count against the county quota?", "moe.apply.national_schools", NO_EN),
    # too unlike any phrasing to be answered outright, it names the transfer rule's capital case whole
    (
        "after moving teacher money into campus life, can the campus-life equipment budget go above 30k?",
        "moe.cap.pl.transfer",
        NO_EN,
    ),
    ("教案可以拿去賣嗎", "moe.licence", NO_ZH),
    ("模式一可以編場地費嗎", "moe.item.venue", NO_ZH),
    ("代理老師可以報英檢嗎", "moe.item.english_test_fee", YES_ZH),
    # 代理 meets a yes; 代理 with 兩個月 a more particular no
    ("代理兩個月可以報英檢嗎", "moe.item.english_test_fee", NO_ZH),
    # the item itself asked of: yes, unless a case named says no (「教師」及「行政人員」, 應試事實)
    ("Can I claim my TOEIC fee?", "moe.item.english_test_fee", YES_EN),
    ("Hi! Can the plan pay for my TOEIC?", "moe.item.english_test_fee", YES_EN),  # the test, not workshops
    ("另外我们是国中小一起的学校，国中部国小部可以各送一份吗", "moe.apply.divisions", YES_ZH),  # 得獨立申請
    # 以於部定課程之藝術、健康與體育、綜合活動或科技領域/科目實施為原則: maths, science are not among them
    # (a no in principle: the answer says the domains are listed 「為原則」 and the others are not listed;
    # every blind set's writers read it so, where it was once left to the rule alone)
    ("部領可以用在數學嗎", "moe.pl.application", NO_ZH),
    ("自然科可以用雙語上部領嗎", "moe.pl.application", NO_ZH),
    ("Can we do bilingual maths?", "moe.pl.application", NO_EN),
    ("模式二開放觀課的6萬 只要有開放就一定補嗎", "moe.open_classroom", "不是。"),  # 擇優補助 30 校
    # 七、配套措施 names no mode, but the 6萬 and the 30 schools are listed under mode 2 only (附件2), as
    # the answer says: a mode-1 school asking for it gets a no (it was left to the rule alone)
    ("模式一可以申請開放課室補助嗎", "moe.open_classroom", NO_ZH),
    ("If we chose Mode 1 instead, could we still get the open-classroom money?", "moe.open_classroom", NO_EN),
    ("生活化跟部領的經常門可以合在一起嗎", "moe.cap.no_pooling", NO_ZH),  # 不得合併編列及運用
    ("明年續辦的話可以加四年級嗎", "moe.pl.continuing_schools", YES_ZH),  # 逐步擴增實施年級
    ("部領老師要全英文上課嗎", "moe.pl.english_ratio", "不用。"),  # 並未要求…採全英語教學: required? no
    # 模式一: 透過雙語對話角…有外師之學校; 引導學生善用酷英平臺自主學習
    (
        "we have a foreign teacher — can we run an English conversation corner with him under mode 1?",
        "moe.mode1",
        YES_EN,
    ),
    ("模式一可以用酷英平台让学生自学吗", "moe.mode1", YES_ZH),
    # a domestic train ticket is domestic travel (依「國內出差旅費報支要點」): once left to the rule alone,
    # which every blind set's writers read as a yes
    ("講師搭高鐵的票可以報嗎", "moe.item.travel", YES_ZH),
    ("can we also pay her train ticket?", "moe.item.travel", YES_EN),
    ("工讀生的工作費，時薪可以比基本工資低嗎", "moe.item.work_fee", NO_ZH),  # 依…最低基本工資
    ("英語 fair 請大學生來幫忙 可以付他們工作費嗎", "moe.item.work_fee", YES_ZH),
    # 薦派教師資格：需具備「該學等」教師證
    ("我們是國中 想派去學分班的老師只有國小教師證 可以嗎", "moe.pl.credit_program", NO_ZH),
    (
        "I'm a foreign English teacher and I don't have a Taiwanese teaching certificate. Can my school "
        "nominate me for the in-service bilingual teaching credit program?",
        "moe.pl.credit_program",
        NO_EN,
    ),
    # 外師 co-plans with 「部領授課之本國籍教師」: the foreign teacher does not teach the partial-domain classes
    ("部領的授課老師可以直接讓外師來當嗎", "moe.pl.foreign_teachers", NO_ZH),
    ("can our foreign English teacher be the one teaching the bilingual PE classes?", "moe.pl.foreign_teachers", NO_EN),
    ("外師可以跟部領老師一起備課嗎", "moe.pl.foreign_teachers", YES_ZH),
    # 學校得依實際需求，於總額度下調整分配本校及分校或分班之經費額度
    ("分校的經費可以分超過一半嗎", "moe.cap.branch", YES_ZH),
    ("分校那邊是不是一定要分到５萬？", "moe.cap.branch", "不用。"),
    ("老師考英檢的報名費 計畫能補嗎", "moe.item.english_test_fee", YES_ZH),
    ("學生考英檢的報名費可以補助嗎", "moe.item.english_test_fee", NO_ZH),
    ("英檢報名了沒去考 可以報嗎", "moe.item.english_test_fee", NO_ZH),
    ("my colleague is a sub on a 2-month contract, can she claim the TOEIC fee?", "moe.item.english_test_fee", NO_EN),
    ("專家來學校的計程車資可以報嗎", "moe.item.travel", YES_ZH),  # 交通費…依「國內出差旅費報支要點」
    ("老師出國研習的機票可以報交通費嗎", "moe.item.travel", NO_ZH),  # 國內出差旅費: not abroad
    ("那他的國內語言進修費也可以嗎", "moe.item.language_study", YES_ZH),
    ("模式一可以補助老師的語言進修費嗎", "moe.item.language_study", NO_ZH),  # 部領教師專業支持費用 only
    ("代理老師聘期4個月 可以補英檢嗎", "moe.item.english_test_fee", YES_ZH),  # 3 個月以上代理教師
    ("學生不想講英文 可以規定一定要用英文回答嗎", "moe.pl.differentiation", NO_ZH),  # 不得強制要求學生以英語回答
    ("is immersion teaching one of the modes we can pick?", "moe.modes", NO_EN),  # 二種模式
    (
        "mode 2: could my co-coordinator cut 6 periods too, besides me as the lead?",
        "moe.teaching_load",
        NO_EN,
    ),  # 以1人為限
    # 教師亦不得進行英語能力評量: English itself tested and counted in the subject's grade
    ("期末想考學生英文口說 算進健體成績 ok嗎", "moe.pl.english_ratio", NO_ZH),
    ("期末想给学生做英语口试打分 可以吗", "moe.pl.english_ratio", NO_ZH),  # an oral English test, marked
    (
        "mode 2 here. can 2 ppl get 6 periods each? she shares the lead job with me",
        "moe.teaching_load",
        NO_EN,
    ),  # 並以1人為限
    ("can I give an English vocab quiz that counts toward their arts grade?", "moe.pl.english_ratio", NO_EN),
    ("國中部走模式二的話，還能同時申請市政府自己辦的雙語教學計畫嗎", "moe.pl.no_double_funding", NO_ZH),
    # whether the plan sets a rule at all: 「有規定…嗎」, a question word inside what it would fix
    ("那至少要講幾成英文 有規定嗎", "moe.pl.english_ratio", "沒有規定。"),  # 亦未規定使用英語文之比率
    ("部領上課有規定英語至少要佔幾成嗎", "moe.pl.english_ratio", "沒有規定。"),
    ("代理兩個半月可以報英檢嗎", "moe.item.english_test_fee", NO_ZH),
    ("代課老師只代兩個月 英檢報名費也能補嗎", "moe.item.english_test_fee", NO_ZH),  # 代課 said for 代理, under 3 months
    ("代理老師不到3個月 語言進修費可以補嗎", "moe.item.language_study", NO_ZH),
    (
        "a teacher goes to a bilingual workshop during school hours. can we pay a sub?",
        "moe.item.substitute_fee",
        YES_EN,
    ),
    ("分校的經費可以多分一些嗎", "moe.cap.branch", YES_ZH),
    ("Is it OK to mix Chinese and English in the same sentence when teaching?", "moe.pl.correct_english", NO_EN),
    ("Can the expert pool consult with us online?", "moe.support.expert_pool", YES_EN),
    ("Could our junior high and elementary divisions apply separately?", "moe.apply.divisions", YES_EN),
    # 各面向之經常門經費…不得合併編列及運用: recurrent money moved between the parts (「拿去」 too) is a no
    ("核定後 學生奠基的經常門可以拿去教師專業支持用嗎", "moe.cap.no_pooling", NO_ZH),
    ("生活化的經常門沒用完 可以拿去部領用嗎", "moe.cap.no_pooling", NO_ZH),
    # 每 1 實施領域/科目 1 份: not one per grade or class
    ("每個年級都要交教案嗎", "moe.pl.lesson_plans", "不用。"),
    ("do we have to submit a lesson plan for every class?", "moe.pl.lesson_plans", NO_EN),
    # whether an item reimbursed at actual cost (覈實報支, `uncapped`) has a cap: the plan sets none
    ("印刷費有上限嗎", "moe.item.printing", "計畫沒有訂上限。"),
    ("营队保险费有没有金额上限", "moe.item.student_transport_insurance", "計畫沒有訂上限。"),
    ("場地費有上限嗎", "moe.item.venue", "計畫沒有訂上限。"),  # 場地費 names the outside venue fee
    ("is there a cap on printing?", "moe.item.printing", "No, the plan sets no cap. "),
    ("are student prizes capped?", "moe.item.student_prizes", "No, the plan sets no cap. "),
    ("is there a cap on student prizes?", "moe.item.student_prizes", "No, the plan sets no cap. "),  # (said missing)
    # asked whether allowed and whether capped, one after the other: both answered
    ("那活動給小朋友的小獎品可以報嗎 有沒有金額上限", "moe.item.student_prizes", "可以；計畫沒有訂上限。"),
    ("can we claim student prizes? is there a cap?", "moe.item.student_prizes", "Yes, and the plan sets no cap. "),
    ("印刷费上限多少 组长说一万", "moe.item.printing", IS_NOT_ZH),  # a colleague's cap claimed
    # budget items the plan lists or bounds in so many words (附件2, 附件3)
    ("專家用視訊線上諮詢的費用可以報嗎", "moe.item.consultation_fee", YES_ZH),
    ("Can we pay an expert for an online consultation?", "moe.item.consultation_fee", YES_EN),
    ("學校自己的老師擔任研習講師，可以領講座鐘點費嗎", "moe.item.lecture_internal", YES_ZH),
    ("Can a colleague from our school be paid as the speaker at our workshop?", "moe.item.lecture_internal", YES_EN),
    ("老師參加計畫會議時請代課，代課費可以編嗎", "moe.item.substitute_fee", YES_ZH),
    ("Can we budget cover-teacher pay when staff go to plan meetings?", "moe.item.substitute_fee", YES_EN),
    ("代课教师的劳保健保可以编列吗", "moe.item.substitute_insurance", YES_ZH),
    ("補充保費可以編在計畫經費裡嗎", "moe.item.nhi_premium", YES_ZH),
    ("Can the supplementary premium be claimed from the grant?", "moe.item.nhi_premium", YES_EN),
    ("學習單跟講義的印刷費可以報嗎", "moe.item.printing", YES_ZH),
    ("Can the grant pay to print worksheets?", "moe.item.printing", YES_EN),
    ("專家學者到我們偏遠學校搭計程車，車資可以報嗎", "moe.item.travel", YES_ZH),
    ("Can a professor's taxi to our remote school be reimbursed?", "moe.item.travel", YES_EN),
    ("可以買英文雜誌嗎", "moe.item.data_collection", YES_ZH),
    ("Can the grant buy storybooks for the classroom library?", "moe.item.data_collection", YES_EN),
    ("买书可以不用附书单吗", "moe.item.data_collection", NO_ZH),
    ("Can we buy books without a book list?", "moe.item.data_collection", NO_EN),
    ("Can postage be claimed?", "moe.item.misc", YES_EN),
    ("雜支10%以內可以嗎", "moe.item.misc", YES_ZH),
    ("雜支可以編到超過經常門10%嗎", "moe.item.misc", NO_ZH),
    ("英文朗讀比賽的獎品可以買嗎", "moe.item.student_prizes", YES_ZH),
    ("Can we buy rewards for students in the English contest?", "moe.item.student_prizes", YES_EN),
    ("可以用語言進修費去國外遊學嗎", "moe.item.language_study", NO_ZH),
    ("Can I spend the language study allowance on a course overseas?", "moe.item.language_study", NO_EN),
    ("部領教師研習可以租校外場地嗎", "moe.item.venue", YES_ZH),
    ("Can partial domain teacher training use an outside venue?", "moe.item.venue", YES_EN),
    ("奠基課程的耗材可以用教學材料費買嗎", "moe.item.teaching_materials", YES_ZH),
    ("教學材料費可以編到學生經費的20%以內嗎", "moe.item.teaching_materials", YES_ZH),
    ("教學材料費可以超過學生奠基經費的20%嗎", "moe.item.teaching_materials", NO_ZH),
    ("寒假營隊可以用學生奠基經費辦嗎", "moe.item.student_activities", YES_ZH),
    ("帶學生校外教學的遊覽車費可以報嗎", "moe.item.student_transport_insurance", YES_ZH),
    ("Can insurance for non-civil-servant camp staff be claimed?", "moe.item.student_transport_insurance", YES_EN),
    ("教師專業支持費用可以編語言進修費嗎", "moe.cap.pl.teacher_items", YES_ZH),
    ("學生英語能力奠基經費可以付課後加課老師的鐘點嗎", "moe.cap.pl.student_items", YES_ZH),
    ("Can the student foundation budget pay for a winter camp?", "moe.cap.pl.student_items", YES_EN),
    # 學生英語能力奠基係以縮短學習落差為目的，非拔尖措施 is 附件1 二(八)'s (the student items repeat it)
    ("Can the foundation money be used for a gifted class?", "moe.pl.support_measures", NO_EN),
    ("部領的經費能買教學設備嗎", "moe.cap.pl.capital", YES_ZH),
    ("Can partial-domain funds be used to buy equipment?", "moe.cap.pl.capital", YES_EN),
    ("部領資本門買設備可以不寫用途嗎", "moe.cap.pl.capital", NO_ZH),
    # the plan's own rules
    ("展能樂學計畫還可以申請嗎", "moe.background", NO_ZH),
    ("Can our school still apply to the speaking showcase programme?", "moe.background", NO_EN),
    ("模式一跟模式二可以一起申請嗎", "moe.modes", NO_ZH),
    ("選模式二的話，雙語生活化跟部領可以同時做嗎", "moe.modes", YES_ZH),  # that is mode 2 itself
    ("模式一可以跟國外姊妹校做視訊交流嗎", "moe.mode1", YES_ZH),
    ("Can mode 1 schools run online exchanges with a school abroad?", "moe.mode1", YES_EN),
    ("職員也可以參加英語增能研習嗎", "moe.mode1.staff_english", YES_ZH),
    ("Can admin staff join English training paid by the plan?", "moe.mode1.staff_english", YES_EN),
    ("開放觀課的6萬元可以不用列經費明細嗎", "moe.open_classroom", YES_ZH),
    ("部領沒有經過課程發展委員會可以申請嗎", "moe.pl.application", NO_ZH),
    # 須有應試事實: a registered teacher who does not sit the test
    (
        "Our teacher registered for the English test but didn't sit it. Can the fee still be claimed?",
        "moe.item.english_test_fee",
        NO_EN,
    ),
    # MOE items and rules the conditions audit decided (from the plan's wording, each with its quote)
    ("影印紙可以列雜支嗎", "moe.item.misc", YES_ZH),  # 雜支…如文具用品、紙張
    ("成果冊可以用計畫經費印嗎", "moe.item.printing", YES_ZH),  # 配合各項模式相關資料之印刷費用
    ("自編教材的費用可以報教材教具費嗎", "moe.item.teaching_aids", YES_ZH),
    ("Can we budget pension contributions for cover teachers?", "moe.item.substitute_insurance", YES_EN),
    ("Can we buy English magazines with data collection funds?", "moe.item.data_collection", YES_EN),
    ("分校加額是10萬嗎", "moe.cap.branch", IS_NOT_ZH),  # 最高額外核定 5 萬元
    ("部領資本門編8%可以嗎", "moe.cap.pl.capital", YES_ZH),  # 不超過…10%
    # Keelung facts asked yes or no: a plan's level, partner, frequency or place
    ("Is the reading response writing contest a city-level contest?", "kl.ap.09", YES_EN),  # 市級
    ("Is the English book report contest held every semester?", "kl.ap.09", YES_EN),  # 每學期 1 次
    ("教育人員國際參訪是給學生參加的嗎", "kl.ap.23", IS_NOT_ZH),
    ("交換學生是去姊妹市嗎", "kl.ap.21", IS_ZH),  # 本市姊妹市美國德州考柏克利市
    # 惟國立學校之計畫額度及經費，不計入該直轄市、縣(市)額度 (a national school in a city named is not
    # another city's plan)
    ("is a national school's quota counted separately from the city's, right?", "moe.apply.national_schools", YES_EN),
    # 未具前開英語能力檢定，惟具有一定程度英語能力及教學意願者，亦可申請
    ("科技老師都沒有B1 這樣還能申請嗎", "moe.pl.teacher_b1", YES_ZH),
    # a level not yet reached is who may teach, not the test fee (no fee asked)
    ("上课老师英检还没考到B1 还能申请吗", "moe.pl.teacher_b1", YES_ZH),
    ("is Keelung's exchange student scheme for junior high kids?", "kl.ap.21", NO_EN),  # 1名高中生
    ("跨國專案研究是國小在做的嗎", "kl.ap.18", IS_NOT_ZH),  # 學階：高中
    ("融入課程工作坊有放網路分享嗎", "kl.ap.25", IS_ZH),
    # 續辦學校…亦得視學校辦理情形，逐步擴增實施年級或領域/科目
    ("部領去年做過藝術，今年可以擴展到科技嗎", "moe.pl.continuing_schools", YES_ZH),
    # 學生活動之交通費及保險費：包含代理教師 (the insurance is what is bought, the substitute who it covers)
    (
        "can we buy trip insurance for the substitute teacher who comes along?",
        "moe.item.student_transport_insurance",
        YES_EN,
    ),
    # 雜支…資訊耗材 (toner is one), unless a remote school funded by the facilities plan asks
    ("雜支買印表機碳粉匣可以嗎", "moe.item.misc", YES_ZH),
    # 「再加一個年級」 adds a grade, no grade 1 read against 「國小三年級以上」
    ("我们是续办学校 今年想再加一个年级可以吗", "moe.pl.continuing_schools", YES_ZH),
    ("我們去年已經做部領健體 今年可以繼續做健體嗎", "moe.pl.continuing_schools", YES_ZH),  # 維持於原領域
    ("我們部領已經做兩年了 今年想多擴一個年級 可以嗎", "moe.pl.continuing_schools", YES_ZH),
    # 應採「全年級實施」，不得僅以部分班級實施
    ("部領可以先挑其中三個班做嗎", "moe.pl.whole_grade", NO_ZH),
    ("模式二的學校可以不用全年級實施嗎", "moe.pl.whole_grade", NO_ZH),  # the whole grade left out
    # 不得強制要求學生以英語回答
    ("上課時學生不想講英文回答可以嗎", "moe.pl.differentiation", YES_ZH),
    # 本人仍保有著作之著作權
    ("教案授權以後版權就屬於國教署了嗎", "moe.licence", IS_NOT_ZH),
    # 部領已執行多年…之學校…至多可調整30%之部領教師專業支持費用併入雙語生活化
    ("部領第一年而已，老師的經費可以挪三成去生活化嗎", "moe.cap.pl.transfer", NO_ZH),
    (
        "We just started partial domains. Can we move 30% of the teacher money to campus life?",
        "moe.cap.pl.transfer",
        NO_EN,
    ),
    # 學校得依實際需求，於總額度下調整分配本校及分校或分班之經費額度
    ("本校和分校的經費可以自己調配嗎", "moe.cap.branch", YES_ZH),
    # 國內進修機構包括國內大學、合格立案之語言學習機構(含線上學習平臺): a country abroad is not 國內
    ("有老師想寒假去澳洲上語言課，語言進修費可以補助嗎", "moe.item.language_study", NO_ZH),
    # 並以於部定課程之藝術、健康與體育、綜合活動或科技領域/科目實施為原則
    ("部領可以在健體領域做嗎", "moe.pl.application", YES_ZH),
    ("我們想用綜合活動來做部領，可以嗎", "moe.pl.application", YES_ZH),
    ("部領可以做體育嗎", "moe.pl.application", YES_ZH),  # 體育, of 健康與體育
    ("Can we apply for partial domains without the curriculum committee?", "moe.pl.application", NO_EN),
    ("我們學校的代理老師可以擔任部領授課教師嗎", "moe.pl.teacher_b1", NO_ZH),
    ("Can a contract teacher teach the partial-domain classes?", "moe.pl.teacher_b1", NO_EN),
    ("授課老師全部都修過學分班，今年可以不薦派嗎", "moe.pl.credit_program", YES_ZH),
    ("還有雙語老師沒修過學分班，可以不派人嗎", "moe.pl.credit_program", NO_ZH),
    ("沒有教師證的老師可以被薦派去學分班嗎", "moe.pl.credit_program", NO_ZH),
    ("Can a teacher with no teaching certificate be nominated for the credit course?", "moe.pl.credit_program", NO_EN),
    ("一開始可以只選兩三個單元用雙語嗎", "moe.pl.teaching_approach", YES_ZH),
    ("Is it OK to begin with a few units in English?", "moe.pl.teaching_approach", YES_EN),
    ("學生回答可以用中文嗎", "moe.pl.differentiation", YES_ZH),
    ("Can students respond in Chinese when I ask questions in a bilingual lesson?", "moe.pl.differentiation", YES_EN),
    ("外籍老師可以和部領老師共同備課嗎", "moe.pl.foreign_teachers", YES_ZH),
    ("Can the foreign teacher observe bilingual PE lessons?", "moe.pl.foreign_teachers", YES_EN),
    ("奠基經費可以拿來培訓拔尖學生嗎", "moe.pl.support_measures", NO_ZH),
    ("部領學校可以不組教師社群嗎", "moe.pl.support_measures", NO_ZH),
    # 社群成員應包括行政、領域科目教師、英語文教師或外籍英語教學人員: one kind of teacher alone is not it
    ("部領的教師社群可以只有英文老師嗎", "moe.pl.support_measures", NO_ZH),
    ("our teacher community = just the PE teachers, ok?", "moe.pl.support_measures", NO_EN),
    ("部領遇到困難可以請專家來學校陪伴嗎", "moe.pl.expert_companion", YES_ZH),
    ("Can an expert from the pool mentor our bilingual subject teachers?", "moe.pl.expert_companion", YES_EN),
    # a question after a colon is still asked ("unrelated:" before it)
    (
        "unrelated: can experts from the expert pool advise us online rather than visiting?",
        "moe.support.expert_pool",
        YES_EN,
    ),
    ("老師報名了 結果考試那天沒去 還能報帳嗎", "moe.item.english_test_fee", NO_ZH),
    ("教案的著作權我可以保留嗎", "moe.licence", YES_ZH),
    # 補助項目同部領之經常門經費: a recurrent item paid from the open-classroom grant
    ("開放觀課的6萬可以付講師費嗎", "moe.open_classroom", YES_ZH),
    ("can the 60k open classroom money pay for a speaker?", "moe.open_classroom", YES_EN),
    ("do schools send the close-out report to the MOE directly?", "moe.closeout", NO_EN),  # via the county
    ("國教署可以把我們的教學影片放在網站上嗎", "moe.licence", YES_ZH),
    ("別人可以把我的教案改編後拿去賣嗎", "moe.licence", NO_ZH),  # 非商業性 outweighs the yes to adapting
    ("so does the teacher lose the copyright to her lesson plan?", "moe.licence", NO_EN),  # 仍保有著作權
    ("Is moving 20% of the teacher support money into campus life allowed?", "moe.cap.pl.transfer", YES_EN),
    # the premium's base is six fees: another cost is no part of it ("amount" asks no amount here)
    (
        "Is the printing fee part of the amount we multiply by 2.11% for the NHI supplementary premium?",
        "moe.item.nhi_premium",
        NO_EN,
    ),
    ("講座鐘點費要算進補充保費嗎", "moe.item.nhi_premium", IS_ZH),
    # …and the costs outside it said the ways teachers say them: a train fare, "does the premium apply"
    ("他坐高鐵來 車錢也要併進去算補充保費嗎", "moe.item.nhi_premium", "不用。"),
    ("does the premium apply to the lecture fee?", "moe.item.nhi_premium", YES_EN),
    # 未具前開英語能力檢定…亦可申請, said the English way
    (
        "Our art teacher is permanent staff but doesn't have a B1 certificate. Can she still teach PL?",
        "moe.pl.teacher_b1",
        YES_EN,
    ),
    # the split test's yes and the two-month substitute's no tie; 2 months is below 「3 個月以上」
    ("代理兩個月的老師考多益聽讀說寫可以補助嗎", "moe.item.english_test_fee", NO_ZH),
    # an item the mode-1 list names, asked above its own share: that item's no
    ("模式一 雜支可以編到經常門的15%嗎", "moe.cap.mode1.items", NO_ZH),
    # written for these conditions' words, apart from the quality sets
    ("薦派的老師後來沒去 也沒特殊原因 補助會被收回嗎", "moe.pl.credit_program", IS_ZH),
    ("簽了創用CC授權書 國教署會給報酬嗎", "moe.licence", IS_NOT_ZH),  # 無償授權
    ("can we pay subs when teachers attend plan workshops", "moe.item.substitute_fee", YES_EN),
    ("can the plan pay an experts short ride from the station, our school is remote", "moe.item.travel", YES_EN),
    (
        "can the student foundation money fund an advanced class for our top english kids",
        "moe.pl.support_measures",
        NO_EN,
    ),
]

RULE_ALONE = [
    # 每位教師（含正式及 3 個月以上代理教師）: a part-time teacher is neither, nor said to be left out
    ("兼任老師的英檢報名費可以補嗎", "moe.item.english_test_fee"),
    # 開放觀課 is voluntary (自願): whether to open at all is a no, but a duty of running it (photos as
    # evidence) the plan does not set
    ("開放觀課要不要拍照存證", "moe.open_classroom"),
    # 交通費 依「國內出差旅費報支要點」: a flight, a rented car or a parent paid, the plan does not settle
    ("講師交通費可以報機票嗎", "moe.item.travel"),
    ("交通費可以付給家長嗎", "moe.item.travel"),
    # 學生獎品費 覈實報支 says nothing of cash, vouchers or a device as a prize
    ("學生獎品可以買禮券嗎", "moe.item.student_prizes"),
    ("獎品可以買平板嗎", "moe.item.student_prizes"),
    # keeping the copyright (yes) and selling (the licence is non-commercial: no), as particular
    ("我保留著作權的話 教案可以拿去賣嗎", "moe.licence"),
    # the plan's no is for remote schools already funded by the other equipment plan: not said here
    ("偏遠學校可以用這個計畫買相機嗎", "moe.item.remote_schools"),
    # no online consultation named: the hours are the calculator's, the yes is for online consultation
    ("諮詢費可以報嗎", "moe.item.consultation_fee"),
    # attending a workshop, not speaking at it
    ("本校老師參加研習可以領講座費嗎", "moe.item.lecture_internal"),
    # the plan pays cover for plan activities and meetings: none named here
    ("代課鐘點費可以報嗎", "moe.item.substitute_fee"),
    ("勞健保可以編嗎", "moe.item.substitute_insurance"),  # whose insurance is not said
    ("補充保費可以用2%算嗎", "moe.item.nhi_premium"),  # a rate, not whether it is budgeted
    ("印刷費可以報嗎", "moe.item.printing"),  # nothing to print named
    ("資料蒐集費可以報嗎", "moe.item.data_collection"),
    # 「不超過10%」 meets the 10% no as much as the yes within it
    ("雜支不超過10%可以嗎", "moe.item.misc"),
    ("英語競賽的經費可以報嗎", "moe.item.student_prizes"),  # not the prizes
    # 含線上學習平臺 (yes) and 國內進修機構 (no) at once
    ("國外的線上英文課程可以用語言進修費嗎", "moe.item.language_study"),
    ("辦研習借外面場地可以報嗎", "moe.item.venue"),  # mode 1 does not list it: which budget is not said
    ("教學材料費不超過20%可以嗎", "moe.item.teaching_materials"),
    ("暑假英語營可以申請補助嗎", "moe.item.student_activities"),  # which budget is not said
    ("保險費可以報嗎", "moe.item.student_transport_insurance"),  # whose insurance is not said
    ("教師專業支持費用可以編學生獎品嗎", "moe.cap.pl.teacher_items"),  # not listed, but not forbidden in words
    ("學生英語能力奠基費用可以編印刷費嗎", "moe.cap.pl.student_items"),
    # the 10% share: pooling with campus-life capital leaves it unsettled
    ("部領資本門可以超過10%嗎", "moe.cap.pl.capital"),
    ("一間學校可以選模式二嗎", "moe.modes"),
    ("模式一可以辦雙語廣播嗎", "moe.mode1"),
    ("老師可以用課室英語手冊嗎", "moe.mode1.staff_english"),
    ("代理老師沒有B1可以教部領嗎", "moe.pl.teacher_b1"),  # a yes (no B1) and a no (代理) at once
    ("學分班可以不派人嗎", "moe.pl.credit_program"),  # depends on whether all have taken it
    ("可以只挑一個單元用雙語嗎", "moe.pl.teaching_approach"),  # the plan says 2 to 3
    ("學生程度差很多可以分組嗎", "moe.pl.differentiation"),
    ("外師可以協助部領嗎", "moe.pl.foreign_teachers"),
    ("部領有問題可以問教育局嗎", "moe.pl.expert_companion"),
    ("授權同意書可以晚點交嗎", "moe.licence"),
]


def _ask(knowledge: Knowledge, text: str) -> dict:
    """The reply as JSON, its answer as worded (one asked in Simplified is shown so: read back)."""
    reply = scored_dialog(knowledge).handle_text(ChatRef("test", "rulings"), text).to_json()
    return reply | {"answer": as_traditional(reply["answer"])}


@pytest.mark.parametrize(("question", "entry", "first"), RULED)
def test_a_permission_question_gets_the_plans_yes_or_no_first(knowledge, question, entry, first) -> None:
    reply = _ask(knowledge, question)
    assert (reply["route"], reply["intent"]) == ("answer", entry)
    assert reply["answer"].startswith(first)
    rule = knowledge.engine.kb.entries[entry].answer.get(reply["lang"])
    # the rule follows, as it would without the yes or no (in the script the question was written in)
    assert to_simplified(rule.splitlines()[0]) in to_simplified(reply["answer"])


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("夏令營是跟海大合作的嗎", IS_ZH),
        ("跟海大合作的夏令營111年是9校嗎", IS_NOT_ZH),
        ("跟海大合作的夏令營111年是6校嗎", IS_ZH),
    ],
)
def test_a_figure_named_beside_a_fact_is_left_to_the_answers_figures(knowledge, question, first) -> None:
    """行動方案 14 (與海大合作…111 學年度計 6 校): the partner alone is the condition's yes; with a
    figure named beside it (a `<figure>` group ties the yes) the figures of the answer decide, so a
    wrong count is 不是 although the partner is right."""
    reply = _ask(knowledge, question)
    assert reply["intent"] == "kl.ap.14" and reply["answer"].startswith(first), reply["answer"]


def test_a_capped_item_asked_whether_it_has_a_cap_gets_no_no(knowledge) -> None:
    """出席費每人每次以 2,000 元為上限: 「有上限嗎」 of it is answered with its cap, never 「計畫沒有訂上限」."""
    reply = _ask(knowledge, "出席費有上限嗎")
    assert reply["intent"] == "moe.item.attendance_fee" and "2,000" in reply["answer"]
    assert not reply["answer"].startswith(("計畫沒有訂上限", NO_ZH, IS_NOT_ZH))


def test_an_amount_named_beside_a_fees_case_is_not_given_the_cases_yes(knowledge) -> None:
    """內聘講座鐘點費每節 1,000 元: the school's own teacher presenting is a yes, but with a rate named
    (an `<amount>` group ties the yes) the yes is not given to 1,500 a period."""
    assert _ask(knowledge, "本校老師當研習講師可以領鐘點費嗎")["answer"].startswith(YES_ZH)
    priced = _ask(knowledge, "校內老師主講研習一節可以領1500嗎")
    assert priced["intent"] == "moe.item.lecture_internal" and not priced["answer"].startswith(YES_ZH)


@pytest.mark.parametrize(("question", "entry"), RULE_ALONE)
def test_the_rule_alone_when_the_question_does_not_settle_it(knowledge, question, entry) -> None:
    """Not an answer given with confidence: the rule, said to settle no yes or no."""
    reply = _ask(knowledge, question)
    assert (reply["route"], reply["intent"]) == ("unsure", entry)
    assert reply["confidence"] < CONFIDENT
    first, _, rest = reply["answer"].partition("\n")
    assert first == t("unruled", "zh")
    assert knowledge.engine.kb.entries[entry].answer.get("zh").splitlines()[0] in rest


@pytest.mark.parametrize(
    ("question", "entry", "lang"),
    [
        ("可以說明計畫緣起嗎", "moe.background", "zh"),  # a request, not a yes-or-no question
        ("Can you explain what mode 2 is?", "moe.mode2", "en"),
        ("要錄英語影片嗎？要錄多久", "kl.benefits", "zh"),  # a how-long beside the yes or no
        ("Does Keelung want every student to record an English video? How long?", "kl.benefits", "en"),
    ],
)
def test_a_request_or_a_question_asking_more_than_yes_or_no_is_answered(knowledge, question, entry, lang) -> None:
    reply = _ask(knowledge, question)
    assert (reply["route"], reply["intent"], reply["lang"]) == ("answer", entry, lang)
    assert not reply["answer"].startswith(t("unruled", lang))


def test_a_computed_figure_that_settles_no_yes_or_no_is_shown_unsure(knowledge) -> None:
    """A yes-or-no question computed with no figure of its own to check: the rule's figure, said
    to be no yes or no, below the confidence line and without a card (which would hide that)."""
    dialog = scored_dialog(knowledge)
    reply = dialog.handle_text(ChatRef("test", "unruled-figure"), "外聘講師講3節可以報嗎")
    assert (reply.route, reply.intent, reply.card) == ("unsure", "moe.item.lecture_external", None)
    assert reply.confidence < CONFIDENT
    first, _, rest = reply.body.partition("\n")
    assert first == t("unruled_figure", "zh") and "6,000" in rest
    priced = dialog.handle_text(ChatRef("test", "unruled-figure-priced"), "外聘講師講3節每節2500可以嗎")
    assert (priced.route, priced.intent) == ("calculation", "moe.item.lecture_external")
    assert priced.body.startswith("超過"), priced.body  # a figure of its own, checked against the cap
    asked = dialog.handle_text(ChatRef("test", "unruled-figure-how-much"), "外聘講師講3節最多可以報多少")
    assert asked.route == "calculation" and asked.card is not None


def test_a_question_opening_with_when_still_asks_only_yes_or_no(knowledge) -> None:
    """ "when …, can we …?": the opening clause's 'when' asks nothing, so no yes or no settled is
    an unsure reply, not the rule as an answer."""
    reply = _ask(knowledge, "when our teachers attend plan workshops can we claim their parking")
    assert reply["route"] == "unsure" and reply["intent"] == "moe.item.substitute_fee", reply


def test_a_case_asked_after_a_yes_or_no_question_is_unruled_too_but_a_row_is_answered(knowledge) -> None:
    """「那我考全民英檢中級呢」 after the English-test fee asked yes or no: the same question of another
    case, which no condition settles (not the rule as an answer); 「那111呢」 after a KPI checked
    yes or no: another school year's row, which answers it."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "inherited")
    dialog.handle_text(chat, "我是英文老師 考多益的報名費可以補助嗎")
    case = dialog.handle_text(chat, "那我考全民英檢中級呢")
    assert (case.route, case.intent) == ("unsure", "moe.item.english_test_fee"), case.text
    other = ChatRef("test", "inherited-row")
    assert dialog.handle_text(other, "國中校園英語主播110學年是16隊嗎").body.startswith(IS_ZH)
    row = dialog.handle_text(other, "那111呢")
    assert row.route == "answer" and "17 隊" in row.text


def test_a_share_asked_again_replaces_the_one_said_before(knowledge) -> None:
    """「那25%呢」 after 「…挪35%到生活化嗎」 (no): the 25% is checked, not the 35% said before."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "share-again")
    assert dialog.handle_text(chat, "部領教師費可以挪35%到生活化嗎").body.startswith(NO_ZH)
    again = dialog.handle_text(chat, "那25%呢")
    assert again.intent == "moe.cap.pl.transfer" and again.body.startswith(YES_ZH), again.body


def test_figures_the_last_rule_settles_are_checked_against_it(knowledge) -> None:
    """「每學期辦一次 來了30位老師 這樣有達到嗎」 after the open-classroom rule names no topic: its
    figures are that rule's (at least once and 40 visitors a semester), so it answers 不符合; then
    「那辦三次 每次15人呢」 asks the same of 3 × 15 = 45 visitors: 符合."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "floors-of-the-last-rule")
    dialog.handle_text(chat, "開放別校老師來觀課的補助是多少")
    short = dialog.handle_text(chat, "我們每學期辦一次 來了30位老師 這樣有符合嗎")
    assert (short.route, short.intent) == ("answer", "moe.open_classroom"), short.text
    assert short.body.startswith("不符合。"), short.body
    enough = dialog.handle_text(chat, "那辦三次 每次15人呢")
    assert enough.intent == "moe.open_classroom" and enough.body.startswith("符合。"), enough.body
    alone = dialog.handle_text(ChatRef("test", "floors-alone"), "我們每學期辦一次 來了30位老師 這樣有符合嗎")
    assert alone.route != "answer"  # read alone it names no rule


def test_the_grant_pointed_back_to_is_ruled_by_its_own_rule(knowledge) -> None:
    """「那６萬可以買攝影機 放資本門嗎」 after the open-classroom grant: the grant is current
    expenditure (經常門 6萬), so no; not a 60,000 camera checked against the equipment caps."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "grant-pointed-back")
    assert dialog.handle_text(chat, "我們是模式二 開放觀課6萬可以申請嗎").intent == "moe.open_classroom"
    reply = dialog.handle_text(chat, "那６萬可以買攝影機 放資本門嗎")
    assert reply.intent == "moe.open_classroom" and reply.body.startswith(NO_ZH), reply.body


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("我們是模式一，可以同時申請縣政府自己辦的雙語計畫嗎", "zh"),
        ("we're a mode 1 school, can we also apply for the city's own bilingual program?", "en"),
    ],
)
def test_a_rule_stated_for_mode_2_only_is_not_applied_to_mode_1(knowledge, question, lang) -> None:
    """「學校申請模式二時，不得同時申請…」 rules on mode 2 only: asked of mode 1, the plan is said to be
    silent (quoting what it does say), never its 不可以; asked of mode 2, the 不可以 stands."""
    reply = _ask(knowledge, question)
    assert reply["route"] == "not_in_plans" and reply["confidence"] < CONFIDENT, reply
    assert ("模式二" in reply["answer"]) if lang == "zh" else ("mode 2" in reply["answer"])
    assert not reply["answer"].startswith((NO_ZH, NO_EN))
    mode_2 = _ask(knowledge, question.replace("模式一", "模式二").replace("mode 1", "mode 2"))
    assert mode_2["intent"] == "moe.pl.no_double_funding" and mode_2["answer"].startswith((NO_ZH, NO_EN))


def test_another_year_of_the_run_replaces_the_one_said_before(knowledge) -> None:
    """「才第一年，可以把三成教師費併到生活化嗎」 (no: 已執行多年 is a condition), then 「如果是第五年
    而且小組同意了呢」: the fifth year replaces the first, and with the consensus it is a yes."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "year-of-the-run")
    first = dialog.handle_text(chat, "我們部領才第一年，可以把三成教師專業支持費併到生活化嗎")
    assert first.intent == "moe.cap.pl.transfer" and first.body.startswith(NO_ZH), first.body
    later = dialog.handle_text(chat, "如果是第五年 而且推動小組同意了呢")
    assert later.intent == "moe.cap.pl.transfer" and later.body.startswith(YES_ZH), later.body


@pytest.mark.parametrize(
    ("first", "then", "word"),
    [
        ("第一次辦部領 可以在國小一年級的校訂課程實施嗎", "那五年級呢", YES_ZH),
        ("new to partial domains, may we run it in a grade 1 school-based course?", "grade 5 then?", YES_EN),
        ("第一次辦部領 可以在國小五年級的校訂課程實施嗎", "那二年級呢", NO_ZH),
        # a case of the last rule named again with "then?" (社團活動 are in it), not Keelung's English
        # clubs, which the message only resembles
        (
            "first time our school tries partial-domain teaching. can we run it in our grade-2 校訂 curriculum?",
            "ok, a grade 3 English club then?",
            YES_EN,
        ),
    ],
)
def test_another_grade_replaces_the_one_said_before(knowledge, first, then, word) -> None:
    """「國小三年級以上」: a grade asked after another is checked in its place (the grade said before is
    not read with it), and a grade below the floor is a no."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"grade-{then}")
    dialog.handle_text(chat, first)
    reply = dialog.handle_text(chat, then)
    assert reply.intent == "moe.pl.new_schools" and reply.body.startswith(word), reply.body


def test_a_sure_answer_deciding_its_own_case_is_not_read_with_the_last_rule(knowledge) -> None:
    """ "must the students answer in English?" after the correct-English rule: the
    differentiation rule decides it (不得強制要求學生以英語回答), the last rule nothing of it."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "own-case")
    dialog.handle_text(chat, "may I mix Chinese and English in one sentence when teaching?")
    reply = dialog.handle_text(chat, "must the students answer in English?")
    assert reply.intent == "moe.pl.differentiation" and reply.body.startswith("No. "), reply.body


def test_a_fee_added_or_a_cost_asked_after_a_premium_of_several_fees(knowledge) -> None:
    """After the premium on 出席費 1萬 + 講座費 2萬 (633): 「交通費五千要加進去算嗎」 and 「住宿費要算嗎」
    are no (not in the base); 「工讀生工作費一萬也要算嗎 算的話總共多少」 is yes, on 40,000: 844."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "premium-base-fees")
    dialog.handle_text(chat, "這學期出席費付了1萬 講座費2萬 補充保費總共要編多少")
    travel = dialog.handle_text(chat, "交通費五千要加進去算嗎")
    assert travel.intent == "moe.item.nhi_premium" and travel.body.startswith(IS_NOT_ZH), travel.body
    work = dialog.handle_text(chat, "工讀生工作費一萬也要算嗎 算的話總共多少")
    assert work.intent == "moe.item.nhi_premium" and "40,000 元 × 2.11% = 844 元" in work.body, work.body
    lodging = dialog.handle_text(chat, "住宿費要算嗎")
    assert lodging.intent == "moe.item.nhi_premium" and lodging.body.startswith(IS_NOT_ZH), lodging.body


def test_a_question_asking_what_after_a_rule_is_no_case_of_another_rules_no(knowledge) -> None:
    """「那學校要交什麼給縣市」 after the close-out rule asks what, not whether: the close-out answers it
    (the lesson plans' no to 「交給縣市」 had taken it)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "what-not-whether")
    dialog.handle_text(chat, "核結最晚什麼時候")
    reply = dialog.handle_text(chat, "那學校要交什麼給縣市")
    assert reply.intent == "moe.closeout", reply.body


def test_an_unruled_reply_keeps_its_entry_for_the_next_turn(knowledge) -> None:
    """「那XX呢」 after an unruled question follows its entry, as after an answer."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "unruled-then")
    assert dialog.handle_text(chat, "偏遠學校可以用這個計畫買相機嗎").route == "unsure"
    after = dialog.handle_text(chat, "已經拿過偏遠地區設施設備計畫的錢了呢").to_json()
    assert (after["route"], after["intent"]) == ("answer", "moe.item.remote_schools")
    assert after["answer"].startswith(NO_ZH)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("可以同時申請嗎", True),
        ("能不能用線上的", True),
        ("Is that allowed?", True),
        ("Can we apply twice?", True),
        ("最多可以報多少", False),  # an amount
        ("可以買哪些設備", False),  # a wh-question
        ("What can we buy with capital funds?", False),
        ("住宿費上限", False),
        # a yes-or-no clause beside a question of another kind is still asked
        ("國立學校也能申請嗎？要交給誰", True),
        ("Can national schools apply? Who do they submit to?", True),
        ("可以申請嗎？最多多少", True),  # a clause of its own asks it, beside the amount
        ("有分校 可以多拿嗎 多多少", True),  # a space between Chinese words ends a clause too
        ("可以多拿多少", False),  # one clause asking an amount
        ("after moving it, can the campus-life equipment budget go above 30k?", True),
        ("toeic listening and speaking parts, can both fees be claimed?", True),
        ("is it ok to buy books with it?", True),
        ("other thing - can one teacher get both fees covered?", True),  # "one" reads 「1」
        ("算進成績 ok嗎", True),  # 「ok嗎」 asks it as 「行嗎」 does
        ("the summer camp, is it allowed for junior high?", True),  # a question after a comma
        ("ok and 3 sessions with the external one", False),  # "ok" opening a follow-up agrees
        ("then can capital be 35,000 if we apply for the full amount?", True),  # a follow-up's "then"
        ("after approval can leftover student-foundation money move over to campus life?", True),
    ],
)
def test_what_counts_as_a_permission_question(knowledge, text, asks) -> None:
    assert knowledge.engine.understand(text, knowledge.rules).asks_permission is asks


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("可以同時申請嗎", True),  # a permission question is one
        ("這是學校自己送國教署嗎", True),  # whether something is so
        ("does our grant then eat into the county's quota?", True),
        ("for mode 1, would stuff like morning english reading count?", True),
        ("Do national schools apply through the county where they are located?", True),  # "where" embedded
        ("教案的著作權還是老師自己的吧", True),  # a statement put for confirmation
        ("那就先這樣吧", False),
        ("部領一定要全年級嗎", False),  # whether it is required: a yes says allowed, not required
        ("must every teacher take the credit course?", False),
        ("住宿費上限多少", False),
        ("核結要附什麼", False),
        ("這樣對不對", True),
        ("不對不對 打錯了 是40個班", False),  # a correction, not 「對不對」 asked
        ("Teacher support part?", False),  # "support" a noun, not "does it support…?"
        # a tag at the end asks it; "ok." opening a message agrees
        ("prizes for kids in our English contest, fine?", True),
        ("we get about 35 visitors a semester, enough?", True),
        ("After approval, move money from student part to teacher part, can?", True),
        ("move the leftover to campus life, can or not?", True),
        ("a TOEIC fee for our substitute, claimable?", True),  # "claimable?" "fundable?" tag it too
        ("bilingual credit class - 45% of schools joined in 110. target met?", True),
        ("ok. sister schools — how many by the last year?", False),
        ("in 110 do they also share their experience with junior highs?", True),  # a year opening it
        ("so does the teacher lose the copyright to her lesson plan?", True),  # "so" before the verb
        ("and if the workshop is a full day with breakfast too?", False),  # a what-if, "too" or not
        ("in 110 how many schools share it?", False),
        ("they need a 100% opening rate already in 110, yes?", True),  # a tag after a statement
        # a claim told, asked whether it is so (not a fact of the school told through someone)
        ("組長說部領資本門可以編到20% 我們兩個領域10班", True),
        ("our coordinator claims substitutes never get the English test fee", True),
        ("申请表直接寄给国教署就行了吧", True),  # 了吧 tags a statement as 對吧 does
        ("欸不對 會計說我們是13班", False),
        ("會計說明年增班 變三十六班了", False),  # the school's class count, told through them
        ("yes", False),
        # a clause of its own, ended by a space between Chinese words, beside a question of another kind
        ("授權條款是哪一種 可以拿去商用嗎", True),
    ],
)
def test_what_counts_as_a_yes_or_no_question(knowledge, text, asks) -> None:
    assert knowledge.engine.understand(text, knowledge.rules).asks_yes_no is asks


@pytest.mark.parametrize(
    ("text", "required"),
    [
        ("部領一定要全年級嗎", True),
        ("減課要先經過校內會議確認嗎", True),
        ("must every teacher take the credit course?", True),
        ("do we need to explain each device we buy?", True),
        ("should the core concepts be explained in english?", True),
        ("那筆補助要在經費明細裡列嗎", True),  # 要 … 列: where it must be written, between
        ("每間學校都要參加喔？", True),  # a particle and a question mark ask as 嗎 does
        ("每間學校都要參加喔", False),  # without the mark it may be a statement
        ("我想在經費明細列這筆", False),  # no question: what one wants to do
        ("可以規定學生一定要用英文回答嗎", False),  # whether it is allowed
        ("一定要幾個領域", False),  # a wh-question
        ("代理老師可以報英檢嗎", False),
        ("do we need our curriculum committee to approve it before applying?", True),  # need <who> to
    ],
)
def test_what_counts_as_a_question_whether_something_is_required(knowledge, text, required) -> None:
    assert knowledge.engine.understand(text, knowledge.rules).asks_obligation is required


def test_an_entry_without_conditions_never_rules(knowledge) -> None:
    u = knowledge.engine.understand("住宿費可以報嗎", knowledge.rules)
    assert u.asks_permission
    assert knowledge.engine.ruling(u, "moe.item.lodging") is None
    assert knowledge.engine.ruling(u, None) is None


def test_the_leads_six_periods_yes_for_one_and_no_for_two(knowledge) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "two-leads")
    one = dialog.handle_text(chat, "我們是模式二 總召可以減到6節嗎").to_json()  # (「減到6節」 is checked: 可以：)
    assert one["intent"] == "moe.teaching_load" and one["answer"].startswith("可以"), one["answer"]
    two = dialog.handle_text(chat, "那兩位總召都減6節可以嗎").to_json()
    assert (two["route"], two["intent"]) == ("calculation", "moe.teaching_load")
    assert two["answer"].startswith("不可以") and "以 1 人為限" in "\n".join(two["answer"].splitlines()[1:3])


def test_a_follow_up_of_a_permission_question_is_ruled_too(knowledge) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "follow-up-ruling")
    first = dialog.handle_text(chat, "行政人員可以報英檢報名費嗎").to_json()
    assert first["intent"] == "moe.item.english_test_fee" and first["answer"].startswith(YES_ZH)
    again = dialog.handle_text(chat, "那代理的呢 只代一個月").to_json()  # the same question, about another teacher
    assert again["intent"] == "moe.item.english_test_fee" and again["answer"].startswith(NO_ZH)
    how_much = dialog.handle_text(chat, "那報名費最多補助多少呢").to_json()  # a question of its own: no yes or no
    assert not how_much["answer"].startswith((YES_ZH, NO_ZH))


def test_a_correction_of_the_case_after_a_permission_question_is_ruled_too(knowledge) -> None:
    """「啊不對…她是代理整個學期 五個月」 corrects the case of the yes-or-no question before, with no
    question of its own: the plan's yes or no for the corrected case (代理 3 個月以上)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "corrected-ruling")
    first = dialog.handle_text(chat, "英檢報名費 代理老師聘期2個月 可以補嗎").to_json()
    assert first["intent"] == "moe.item.english_test_fee" and first["answer"].startswith(NO_ZH)
    again = dialog.handle_text(chat, "啊不對 我看錯了 她是代理整個學期 五個月").to_json()
    assert again["intent"] == "moe.item.english_test_fee" and again["answer"].startswith(YES_ZH), again


def test_an_english_test_verdict_follows_the_teacher_named_next(knowledge) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "test-taker")
    first = dialog.handle_text(chat, "我是體育老師 考B1的英檢報名費可以補助嗎").to_json()
    assert first["route"] == "calculation" and first["answer"].startswith("可以")
    english = dialog.handle_text(chat, "那英文老師呢").to_json()  # English teachers need B2
    assert english["route"] == "calculation" and english["answer"].startswith("不可以") and "B2" in english["answer"]
    # a substitute's months told in the follow-up are checked (3 months or more)
    short = dialog.handle_text(chat, "那代理老師 只代一個半月呢").to_json()
    assert short["answer"].startswith("不可以") and "3 個月" in short["answer"], short
    five = dialog.handle_text(chat, "如果代理老師代了5個月呢").to_json()
    assert five["answer"].startswith("可以"), five
    english = ChatRef("test", "test-taker-en")
    dialog.handle_text(english, "I teach PE, can my B1 English test fee be claimed?")
    sub = dialog.handle_text(english, "our sub teacher is on a 2-month contract, can she claim it too?").to_json()
    assert sub["answer"].startswith("No") and "3 months" in sub["answer"], sub


@pytest.mark.parametrize(
    ("first", "then", "entry", "ruled"),
    [
        ("英檢報名費可以報嗎", "代理老師也可以嗎", "moe.item.english_test_fee", YES_ZH),
        ("英检报名费可以报吗", "代理老师也可以吗", "moe.item.english_test_fee", YES_ZH),
        ("can I claim my TOEIC fee?", "what about for a substitute teacher?", "moe.item.english_test_fee", YES_EN),
        # 每位教師及行政人員: a 組長 or 主任 holds an administrative post
        ("老師去大學上英文課 語言進修費一學期補多少", "那註冊組長也能補嗎 他是行政", "moe.item.language_study", YES_ZH),
        (
            "how much can a teacher get for a language course per semester?",
            "and our director of student affairs, she's admin not a teacher, can she too?",
            "moe.item.language_study",
            YES_EN,
        ),
    ],
)
def test_a_case_the_last_rule_names_stays_with_that_rule(knowledge, first, then, entry, ruled) -> None:
    """「代理老師也可以嗎」 after the English-test fee is that fee's question for a substitute (its
    yes_if names them), not the substitute-pay or student-transport entries the words resemble."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"case-{then}")
    assert dialog.handle_text(chat, first).to_json()["intent"] == entry
    again = dialog.handle_text(chat, then).to_json()
    assert again["intent"] == entry and again["answer"].startswith(ruled), again


def test_a_substitute_coming_along_on_a_trip_is_the_trips_insurance(knowledge) -> None:
    """ "a substitute is coming along too, her insurance?" after a camp's bus and insurance: the trip's
    insurance, which 「包含代理教師或非公教人員」, not the 勞健保 a school pays a substitute it employs."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "substitute-coming-along")
    dialog.handle_text(
        chat, "our summer camp is paid from the student foundation money, can we pay the bus and student insurance"
    )
    along = dialog.handle_text(chat, "a substitute teacher is coming along as well. her insurance too?").to_json()
    assert along["intent"] == "moe.item.student_transport_insurance" and along["answer"].startswith(YES_EN), along


def test_whether_a_sum_goes_over_a_cap_gets_no_yes_of_who_may_claim(knowledge) -> None:
    """「再加2个行政同仁…会不会超过…额度」 names staff the language-study rule says yes to, but asks a
    sum against a cap: no 可以 from the rule's conditions."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "over-asked-beside-staff")
    dialog.handle_text(chat, "部领老师4个人去大学上英文进修课 一学期每人最多补多少")
    again = dialog.handle_text(chat, "再加2个行政同仁一起去 这样会不会超过教师专业支持那块的额度").to_json()
    assert not again["answer"].startswith(tuple(to_simplified(yes) for yes in (YES_ZH, IS_ZH))), again


@pytest.mark.parametrize(
    ("first", "then"),
    [("can I claim my TOEIC fee?", "what about substitute pay?"), ("英檢報名費可以報嗎", "那代課費呢")],
)
def test_a_cost_named_after_a_rule_is_its_own_question(knowledge, first, then) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"cost-named-{then}")
    dialog.handle_text(chat, first)
    assert dialog.handle_text(chat, then).to_json()["intent"] == "moe.item.substitute_fee"


@pytest.mark.parametrize(
    ("first", "then", "ruled"),
    [
        # 費用 is a cost word, but the transfer rule rules on the case more particularly
        ("資本門可以合在一起用嗎", "我們部領做很多年了，把部領教師費用3成併到生活化，這樣可以嗎", YES_ZH),
        ("資本門可以合在一起用嗎", "那部領教師費用併35%到生活化呢", NO_ZH),
    ],
)
def test_a_follow_up_another_rule_rules_on_more_particularly_goes_to_it(knowledge, first, then, ruled) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"other-rule-{then}")
    assert dialog.handle_text(chat, first).to_json()["intent"] == "moe.cap.capital_pooling"
    again = dialog.handle_text(chat, then).to_json()
    assert again["intent"] == "moe.cap.pl.transfer" and again["answer"].startswith(ruled), again


def test_a_short_yes_no_question_on_a_case_of_the_last_rule_is_ruled_and_asked_again(knowledge) -> None:
    """「代理老師3個月可以嗎」 after 「英檢報名費」 is unsure read alone but names a case of that fee
    (可以); 「那代理2個月呢」 then asks the same yes or no (不可以), though the first question asked none."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "short-case")
    assert dialog.handle_text(chat, "英檢報名費").to_json()["intent"] == "moe.item.english_test_fee"
    three = dialog.handle_text(chat, "代理老師3個月可以嗎").to_json()
    assert three["intent"] == "moe.item.english_test_fee" and three["answer"].startswith(YES_ZH), three
    two = dialog.handle_text(chat, "那代理2個月呢").to_json()
    assert two["intent"] == "moe.item.english_test_fee" and two["answer"].startswith(NO_ZH), two


MUST_ZH, NEED_NOT_ZH = "要。", "不用。"
OBLIGED = [
    # (question, the entry that answers it, the first words of the reply): must_if / need_not_if
    ("部領一定要全年級實施嗎", "moe.pl.whole_grade", MUST_ZH),  # 應採全年級實施
    ("申請部領需要先經過課發會通過嗎", "moe.pl.application", MUST_ZH),  # 須先經課程發展委員會
    ("減課一定要經過校內公開的機制嗎", "moe.teaching_load", MUST_ZH),  # 應經校內公平、公正、公開機制確認
    ("買書一定要附書單嗎", "moe.item.data_collection", MUST_ZH),  # 購置書籍者應檢附書單
    ("核心概念一定要用英文講嗎", "moe.pl.english_ratio", NEED_NOT_ZH),  # 建議以國語文說明
    ("部領老師都上過學分班了，還一定得派人嗎", "moe.pl.credit_program", NEED_NOT_ZH),  # 一定得: required?
    # a question mark asks it without 嗎 (it was answered with the rule and no yes or no)
    ("學生一定要用英文回答?", "moe.pl.differentiation", NEED_NOT_ZH),  # 不得強制要求學生以英語回答
    # 「要寫進…嗎」 asks whether it is required (the 6萬 it names had got 是, as if confirmed)
    ("開放觀課的6萬要另外寫進經費明細嗎", "moe.open_classroom", NEED_NOT_ZH),  # 無須於經費明細中編列
    ("縣府函報核結時一定要附繳庫證明嗎", "moe.closeout", MUST_ZH),  # 備齊…應繳回計畫款項之繳庫證明
    # an obligation question is no computation (it answered 「可以：資料蒐集費最多 30,000 元」)
    ("資料蒐集費一定要用滿3萬嗎", "moe.item.data_collection", NEED_NOT_ZH),
    # 也要 asks whether it is required; an English one after an opening phrase too
    ("國中也要每學期參加一次英語閱讀心得寫作比賽嗎", "kl.ap.09", NEED_NOT_ZH),
    ("To claim the test fee, do we have to actually sit the exam?", "moe.item.english_test_fee", YES_EN),
    # "charged on" asks whether a cost is in the premium's base: meals are not (the reply was yes)
    ("does the NHI supplementary premium get charged on the meals too?", "moe.item.nhi_premium", "No. "),
    # an auxiliary after an opening clause asks yes or no ('When' there asks nothing)
    (
        "When a teacher goes to a plan workshop in school hours, are we supposed to put them on official leave?",
        "moe.item.substitute_fee",
        YES_EN,
    ),
    # the obligation pairs audited (stop 21): each was wrong or undecided before its condition was added
    ("除了四年級，五年級也需要英語共讀繪本嗎？", "kl.ap.01", NEED_NOT_ZH),
    ("每所雙語學校都需要三分之一以上課程用英語授課嗎？", "kl.ap.10", MUST_ZH),
    # 七大行政區皆設置雙語學校; 全市高國中生及國小生於畢業前皆錄製 1分鐘英語短片 (an expected outcome)
    ("基隆七個行政區都要有雙語學校嗎", "kl.benefits", MUST_ZH),
    ("do all students have to record a 1-min English video before graduating?", "kl.benefits", YES_EN),
    ("基隆每所雙語學校都要從小一開始嗎？", "kl.ap.10", MUST_ZH),
    (
        "Does moving partial-domain teacher money into bilingual campus life need to have the committee's consensus?",
        "moe.cap.pl.transfer",
        YES_EN,
    ),
    ("推動小組有共識的話，就一定要把30%部領經費併入生活化嗎？", "moe.cap.pl.transfer", NEED_NOT_ZH),
    ("老師參加計畫研習，需要請事假自己找代課嗎？", "moe.item.substitute_fee", NEED_NOT_ZH),
    ("語言進修費必須優先補助部領老師，意思是只有部領老師才補助嗎？", "moe.item.language_study", NEED_NOT_ZH),
    (
        "All our bilingual teachers have already taken the credit course. Do we still have to send someone?",
        "moe.pl.credit_program",
        NO_EN,
    ),
    ("就算想全英語上課，核心概念也需要用中文說明嗎？", "moe.pl.english_ratio", MUST_ZH),
    ("我們學校沒有外師，部領也需要配合外師嗎？", "moe.pl.foreign_teachers", NEED_NOT_ZH),
    ("沒有外師的學校，一定要安排外師跟部領老師共同備課嗎？", "moe.pl.foreign_teachers", NEED_NOT_ZH),
    ("Must the partial-domain teacher community include a foreign teacher?", "moe.pl.support_measures", NO_EN),
    ("Does every partial-domain teacher have to submit a lesson plan?", "moe.pl.lesson_plans", NO_EN),
    ("申請一定要經過教育局，不能直接送國教署嗎？", "moe.apply.procedure", MUST_ZH),
    ("國立學校一定要經過縣市，不能直接送國教署嗎？", "moe.apply.national_schools", MUST_ZH),
    ("學校需要自己把成果報告送國教署嗎？", "moe.closeout", NEED_NOT_ZH),
    ("部領的專家人才庫陪伴一定要線上嗎？", "moe.support.expert_pool", NEED_NOT_ZH),
    ("開放觀課的6萬除了填概算總表，也一定要編經費明細嗎？", "moe.open_classroom", NEED_NOT_ZH),
    ("簽了創用CC授權書，我需要放棄著作權嗎？", "moe.licence", NEED_NOT_ZH),
    ("簽CC授權書之後，國教署需要付錢給我們嗎？", "moe.licence", NEED_NOT_ZH),
    ("國中也需要每學期參加一次英語閱讀心得寫作比賽嗎？", "kl.ap.09", NEED_NOT_ZH),
    ("每位部領老師都需要交教案詳案嗎？", "moe.pl.lesson_plans", NEED_NOT_ZH),
    (
        "Does transferring partial-domain teacher money into campus life need to have the committee's consensus?",
        "moe.cap.pl.transfer",
        YES_EN,
    ),
    ("計畫申請表需要我們直接送國教署嗎？", "moe.apply.procedure", NEED_NOT_ZH),
    # a qualification asked of someone, with no 「一定」 or "have to" (the yes or no was left unsaid)
    ("部領老師要B1以上嗎", "moe.pl.teacher_b1", NEED_NOT_ZH),
    ("do partial-domain teachers need B1?", "moe.pl.teacher_b1", NO_EN),
]


@pytest.mark.parametrize(("question", "entry", "first"), OBLIGED)
def test_a_question_whether_something_is_required_gets_must_or_need_not(knowledge, question, entry, first) -> None:
    reply = _ask(knowledge, question)
    assert (reply["route"], reply["intent"]) == ("answer", entry)
    assert reply["answer"].startswith(first), reply["answer"]


def test_a_permission_clause_beside_an_obligation_one_is_what_is_ruled(knowledge) -> None:
    """「那5萬一定要花在分班嗎?可以勻一點給本校用嗎」: the permission asked last decides (可以), not
    whether the branch money must be spent there (不用)."""
    reply = _ask(knowledge, "分班那5萬一定要花在分班嗎?可以勻一點給本校用嗎")
    assert reply["intent"] == "moe.cap.branch" and reply["answer"].startswith(YES_ZH), reply["answer"]


def test_a_case_told_in_the_last_message_decides_the_yes_or_no(knowledge) -> None:
    """The school's situation told with a ceiling question (a remote school with the equipment
    plan's grant) decides a yes/no question asked next (no general IT equipment from this plan)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "told-before")
    dialog.handle_text(chat, "我們是偏遠學校，已經拿過國教署偏遠地區學校設施設備計畫的補助，模式一20班上限多少")
    reply = dialog.handle_text(chat, "那可以用這個計畫買投影機嗎").to_json()
    assert reply["intent"] == "moe.item.remote_schools" and reply["answer"].startswith(NO_ZH), reply["answer"]
    alone = scored_dialog(knowledge).handle_text(ChatRef("test", "not-told"), "那可以用這個計畫買投影機嗎").to_json()
    assert not alone["answer"].startswith(NO_ZH)  # without the situation the plan's no does not apply


def test_an_entry_the_question_says_it_is_not_about_does_not_rule_it(knowledge) -> None:
    """「續辦學校 不是新辦喔 …三年級校訂課程」 meets the new schools' yes, but says it is not one."""
    reply = _ask(knowledge, "續辦學校 不是新辦喔 可以改成在三年級校訂課程實施嗎")
    assert reply["intent"] != "moe.pl.new_schools"


@pytest.mark.parametrize("first", ["補充保費怎麼算", "我們講座鐘點費共３萬、出席費２萬，補充保費要編多少"])
def test_a_cost_asked_into_the_premium_after_it_is_that_rules_case(knowledge, first: str) -> None:
    """「膳費也要算進去一起乘嗎」 after the premium's rule or its computation: no (it was unsure: a
    short question naming a cost was read alone)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"premium-meals-{first}")
    dialog.handle_text(chat, first)
    reply = dialog.handle_text(chat, "膳費也要算進去一起乘嗎").to_json()
    assert reply["intent"] == "moe.item.nhi_premium" and reply["answer"].startswith(IS_NOT_ZH), reply


def test_a_school_year_after_a_keelung_topic_is_not_the_funding_plans_phases(knowledge) -> None:
    """「計畫期程」 after a Keelung answer is Keelung's (109–111), not the MOE plan's phases (which
    would say 110 is not covered)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "keelung-year")
    assert dialog.handle_text(chat, "基隆英語村遊學計畫109學年度目標幾班次").intent == "kl.ap.05"
    reply = dialog.handle_text(chat, "那110學年度有在計畫期程內嗎")
    assert reply.intent and reply.intent.startswith("kl."), reply.text
    assert "沒有涵蓋" not in reply.text


@pytest.mark.parametrize(
    ("turns", "said"),
    [
        (["基隆外籍英語師資增聘計畫109學年度進用幾位", "那這個的預算是多少"], "沒有寫任何經費"),
        (["基隆英語村遊學一次補助多少錢"], "沒有寫任何經費"),
        (["國中英語文章 基隆111學年一學期幾篇", "這個有經費嗎 一校補多少"], "沒有寫任何經費"),
        (["國際教育的經費一校多少"], "沒有寫任何經費"),
        (["How much money does Keelung give each school for the English village trips?"], "states no money"),
        (["how much does the Keelung city plan give a school to set up its English club?"], "states no money"),
        (
            [
                "How many foreign English teachers should Keelung have hired in total by school year 111?",
                "whats the city budget per foreign teacher?",
            ],
            "states no money",
        ),
    ],
)
def test_money_asked_of_a_plan_that_states_none_is_said_so(knowledge, turns, said) -> None:
    """Keelung's plan states no amounts (documents.yaml `no_amounts`): a question asking money of it,
    by name, by an entry's keyword or after one of its topics, is told so, not answered from the
    nearest entry or sent to a funding ceiling."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "no-money")
    for text in turns:
        reply = dialog.handle_text(chat, text)
    assert reply.route == "not_in_plans" and said in reply.text, reply.text


def test_counts_and_the_other_plans_money_are_answered_after_a_keelung_topic(knowledge) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "no-money-not")
    counted = dialog.handle_text(chat, "國際比賽鼓勵機制110學年至少補助幾校")
    assert counted.intent == "kl.ap.22" and "2 校" in counted.text, counted.text
    funded = dialog.handle_text(chat, "模式一20班補助多少錢")
    assert funded.route == "calculation" and "250,000" in funded.text


@pytest.mark.parametrize(
    ("first", "then", "ruled"),
    [
        ("核定期間到116年6月30日 核結最晚哪天", "所以是學校自己直接送國教署嗎", IS_NOT_ZH),
        ("our period ends 31 July 2027, when is the close-out due?", "do we send it straight to the ministry?", "No. "),
    ],
)
def test_a_case_the_computed_rule_rules_on_stays_with_its_entry(knowledge, first, then, ruled) -> None:
    """After a close-out date was computed, a short question on a case the close-out rule rules on
    (the school sending its report straight to the K-12 Administration) is that rule's, not the
    application procedure's, which rules on it as particularly (Topic.cites)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"cites-{then}")
    assert dialog.handle_text(chat, first).to_json()["intent"] == "moe.closeout"
    again = dialog.handle_text(chat, then).to_json()
    assert again["intent"] == "moe.closeout" and again["answer"].startswith(ruled), again


@pytest.mark.parametrize(
    ("first", "then", "no"),
    [
        ("出席費6000加工作費4000 補充保費多少", "如果再加講師住宿費3000 補充保費會增加嗎", IS_NOT_ZH),
        (
            "attendance fee 6,000 and work fee 4,000, what's the premium?",
            "if we add 3,000 of lodging, does the premium go up?",
            NO_EN,
        ),
    ],
)
def test_a_cost_outside_the_premiums_base_does_not_raise_it(knowledge, first, then, no) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"premium-base-{then}")
    assert dialog.handle_text(chat, first).to_json()["intent"] == "moe.item.nhi_premium"
    again = dialog.handle_text(chat, then).to_json()
    assert again["intent"] == "moe.item.nhi_premium" and again["answer"].startswith(no), again


@pytest.mark.parametrize(
    ("told", "asked", "first"),
    [
        ("我是英文老師 我們學校模式一 最多補助多少", "我自己想考B1 報名費可以補助嗎", "不可以"),  # B2 or above
        (
            "I'm a PE teacher at a mode 1 school with 20 classes, what's our cap?",
            "Can I claim the fee for a B1 English exam myself?",
            "Yes",
        ),
        (
            "I teach English; mode 1, 20 classes, max?",
            "My colleague teaches music, can she claim a B1 test fee?",
            "Yes",
        ),
    ],
)
def test_an_english_test_fee_for_the_asker_is_for_the_role_told_before(knowledge, told, asked, first) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"asker-{asked}")
    dialog.handle_text(chat, told)
    reply = dialog.handle_text(chat, asked).to_json()
    assert reply["intent"] == "moe.item.english_test_fee" and reply["answer"].startswith(first), reply


@pytest.mark.parametrize(
    ("turns", "said"),
    [
        (["那分校可以自己另外獨立申請一份嗎"], "分校或分班能不能另外獨立申請，計畫沒有寫"),
        # after a ceiling with a branch: a question of its own, not the same ceiling computed again
        (
            ["我們本校35班、分校2班，申請模式一最多多少", "那分校可以自己另外獨立申請一份嗎"],
            "分校或分班能不能另外獨立申請，計畫沒有寫",
        ),
    ],
)
def test_a_branch_applying_on_its_own_is_not_the_divisions_rule(knowledge, turns, said) -> None:
    """六、(一)2 lets a school's 國中部 and 國小部 apply separately (`only_for` branch: false); of a
    branch campus applying on its own the plan says nothing, and the reply says so."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"branch-apart-{len(turns)}")
    replies = [dialog.handle_text(chat, text) for text in turns]
    assert replies[-1].route == "not_in_plans" and said in replies[-1].text, replies[-1].text
    if len(replies) > 1:  # the branch's 2 classes are no second class count to compare with
        assert replies[0].text.startswith("模式一・35 班・有分校，最多補助合計 300,000 元"), replies[0].text
    assert dialog.handle_text(ChatRef("test", "divisions"), "國中部可以獨立申請嗎").text.startswith("可以")


def test_an_amount_a_revision_would_not_use_is_not_the_last_computation_again(knowledge) -> None:
    """「有納入的話，分校可以分到8萬嗎」 after a ceiling checked against 35萬: the 8萬 is the branch's
    share, which that ceiling computes nothing with; the branch rule answers, not the 35萬 again."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "amount-dropped")
    dialog.handle_text(chat, "我們本校35班、分校2班，加起來37班，申請模式一是不是可以拿到35萬？")
    reply = dialog.handle_text(chat, "有納入的話，分校可以分到8萬嗎？經費比例我們自己喬")
    assert reply.intent == "moe.cap.branch" and "350,000" not in reply.text, reply.text


@pytest.mark.parametrize(
    ("turns", "entry"),
    [
        # a question of its own, surely another entry's read alone
        (
            ["What can the partial-domain student budget pay for?", "and when we get stuck, who can help us?"],
            "moe.pl.expert_companion",
        ),
        # an amount asked after a rule is that rule's amount, whatever entry the words alone resemble
        (["我們模式二 想自願開放觀課 一學期辦一次就夠嗎", "補助是多少"], "moe.open_classroom"),
    ],
)
def test_a_follow_up_that_is_a_question_of_its_own_is_answered_alone(knowledge, turns, entry) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"own-question-{turns[0][:8]}")
    for text in turns:
        reply = dialog.handle_text(chat, text)
    assert reply.intent == entry, (reply.intent, reply.text)


def test_a_count_put_right_alone_is_the_last_questions_count(knowledge) -> None:
    """「不對 總共是35人」 after 30 students' full-day meals: the question asked again with 35 (35 ×
    340, 附件3 膳費); 「不是半天啦 還是全天 但要加3位老師」 adds, it puts no count right."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "count-put-right")
    dialog.handle_text(chat, "部領寒假營隊辦全天 學生30人 膳費最多編多少")
    righted = dialog.handle_text(chat, "不對 總共是35人")
    assert righted.route == "calculation" and "11,900" in righted.text, righted.text
    chat = ChatRef("test", "count-added")
    dialog.handle_text(chat, "部領寒假營隊辦全天 學生30人 膳費最多編多少")
    dialog.handle_text(chat, "只辦半天呢")
    added = dialog.handle_text(chat, "不是半天啦 還是全天 但要加3位老師")
    assert "11,220" in added.text, added.text  # 33 × 340


def test_a_return_to_an_earlier_permission_question_asks_permission_again(knowledge) -> None:
    """「回到剛剛代理老師 如果聘期只有兩個半月」 after the substitute's fee was asked yes or no, then
    another teacher's test computed: the earlier question's case changed, so its no (附件3 英檢報名費:
    3 個月以上代理教師), not the rule alone."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "return-to-a-permission")
    dialog.handle_text(chat, "代理老師聘期４個月 英檢報名費可以補嗎")
    dialog.handle_text(chat, "數學老師報A2等級的考試呢")
    back = dialog.handle_text(chat, "回到剛剛代理老師 如果聘期只有兩個半月")
    assert back.intent == "moe.item.english_test_fee" and back.text.startswith("不可以"), back.text


def test_a_yes_or_no_asked_again_of_another_year_is_unsettled_as_well(knowledge) -> None:
    """ "and the 109 target?" after "…does that meet 110?" (left unsure): the same yes or no of
    another year of that entry, unsettled too, not the row given as a sure answer; a return to
    another topic's row with a year (「回到基隆那個 111呢」) is that row, answered."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "yes-no-year")
    dialog.handle_text(chat, "target share of city senior highs offering a 2nd foreign language elective in 110?")
    dialog.handle_text(chat, "We have 4 city senior highs and 2 offer one. Does that meet 110?")
    again = dialog.handle_text(chat, "and the 109 target?")
    assert again.route == "unsure" and again.intent == "kl.ap.11", (again.route, again.text)
    chat = ChatRef("test", "yes-no-return")
    dialog.handle_text(chat, "基隆國中英文文章 110學年度每學期要讀幾篇")
    dialog.handle_text(chat, "教育部的部領 核心概念可以用中文講嗎")
    back = dialog.handle_text(chat, "回到基隆那個 111呢")
    assert (back.route, back.intent) == ("answer", "kl.ap.01"), (back.route, back.text)


@pytest.mark.parametrize(
    ("follow_up", "year", "schools"),
    [
        ("那明年呢", "111", "5"),
        ("去年呢", "109", "3"),
        ("隔年呢", "111", "5"),
        ("and the year before?", "109", "3"),
        ("那前一年呢", "109", "3"),  # (「前一年」 is 「前1年」 once normalised)
        ("下一個學年呢", "111", "5"),
    ],
)
def test_next_or_last_year_after_a_kpi_is_counted_from_its_year(
    knowledge: Knowledge, follow_up: str, year: str, schools: str
) -> None:
    """「那明年呢」「去年呢」 after a KPI's 110 row: the row of the year after or before it (it kept 110)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"relative-year-{follow_up}")
    dialog.handle_text(chat, "基隆締結姊妹校110年要幾校")
    reply = dialog.handle_text(chat, follow_up)
    assert reply.intent == "kl.ap.20" and year in reply.text and schools in reply.text, reply.text
    assert "110" not in reply.text, reply.text


@pytest.mark.parametrize(
    ("follow_up", "year"),
    [("最後一年的前一年呢", "110"), ("the year before the final year?", "110"), ("第一年的隔年呢", "110")],
)
def test_a_year_counted_from_the_plans_own_year(knowledge: Knowledge, follow_up: str, year: str) -> None:
    """「最後一年的前一年呢」 after a Keelung KPI: the plan's last year (111), then one year back."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"plan-year-step-{follow_up}")
    dialog.handle_text(chat, "基隆的英語閱讀力倍增計畫 國小單字量目標")
    reply = dialog.handle_text(chat, follow_up)
    assert reply.intent == "kl.ap.01" and set(re.findall(r"\b(109|110|111)\b", reply.text)) == {year}, reply.text


def test_the_first_years_target_asked_by_its_place_and_the_growth_since_it(knowledge: Knowledge) -> None:
    """「第一年要多少」 is the plan's first year (109), not a price a year; 「最後一年 跟頭一年比要多
    背幾個字」 is 111's vocabulary less 109's (400 − 300), not the year asked before's."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "first-year-growth")
    first = dialog.handle_text(chat, "基隆閱讀倍增 國小單字量 第一年要多少")
    assert first.intent == "kl.ap.01" and "300 字" in first.text, first.text
    dialog.handle_text(chat, "第二年呢")
    grown = dialog.handle_text(chat, "最後一年勒 跟頭一年比要多背幾個字")
    assert grown.text.startswith("111 學年度 400 字 − 109 學年度 300 字 = 100 字"), grown.text


def test_a_convener_introducing_herself_asks_no_name(knowledge: Knowledge) -> None:
    """「我是…英語召集人 想問…第一年四年級要共讀幾本」: the speaker is the convener, nobody's name
    is asked; the first year's row (1 book) answers, and "vocab" names the vocabulary target."""
    dialog = scored_dialog(knowledge)
    reply = dialog.handle_text(
        ChatRef("test", "convener"), "我是國小的英語召集人 想問基隆國際教育計畫閱讀那項 第一年四年級要共讀幾本繪本"
    )
    assert reply.intent == "kl.ap.01" and "1 本" in reply.text and "110" not in reply.text, reply.text
    vocab = dialog.handle_text(
        ChatRef("test", "vocab"), "keelung reading plan: elementary vocab target in the final year?"
    )
    assert vocab.intent == "kl.ap.01" and "400 words" in vocab.text, vocab.text


def test_the_radio_station_described_is_the_listening_plan(knowledge: Knowledge) -> None:
    """「學生聽英語廣播電台的比率」: Keelung's listening plan (ICRT), its second year's row for
    primaries (95%), not the English clubs' share."""
    reply = scored_dialog(knowledge).handle_text(
        ChatRef("test", "radio"), "基隆那個計畫 學生聽英語廣播電台的比率 國小第二年要多少"
    )
    assert reply.intent == "kl.ap.02" and "110" in reply.text and "95%" in reply.text, reply.text


def test_growth_over_the_year_before_is_not_a_step_back(knowledge: Knowledge) -> None:
    """「比前一年多幾位」 after the foreign teachers' last year (18): 18 − 14, not 110's row."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "growth-year-before")
    dialog.handle_text(chat, "基隆外師進用 最後一年要幾位")
    reply = dialog.handle_text(chat, "比前一年多幾位")
    assert "18" in reply.text and "14" in reply.text and "= 4" in reply.text, reply.text


def test_a_contract_told_again_in_months_replaces_the_one_said_before(knowledge) -> None:
    """ "what if her contract is 4 months?" after a 2-month substitute's test fee (no): the months
    said before give way to the 4 now told, which the 3-month rule allows."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "months-again")
    first = dialog.handle_text(chat, "can the plan pay the TOEIC fee for a sub teacher on a 2-month contract?")
    assert first.to_json()["answer"].startswith(NO_EN)
    again = dialog.handle_text(chat, "what if her contract is 4 months?").to_json()
    assert again["intent"] == "moe.item.english_test_fee" and again["answer"].startswith(YES_EN), again


def test_whether_a_rule_exists_is_read_from_the_question_itself(knowledge) -> None:
    """「英語社團有規定要外師帶嗎」 after the clubs' targets: not ruled by the clubs' condition the chat
    said before (「成立」), which rules on something else; the plan says nothing of who leads one."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "rule-asked")
    dialog.handle_text(chat, "基隆國中小要成立英語社團的比例 110學年是多少")
    reply = dialog.handle_text(chat, "英語社團有規定要外師帶嗎")
    assert not reply.body.startswith(("沒有規定", "有規定")), reply.body


def test_capital_pooled_is_the_pooling_rule_and_above_the_total_a_no(knowledge) -> None:
    """ "what about combining the capital money…?" after the current funds' no to pooling: the
    capital-pooling rule's yes (not the no-pooling rule's); then "above the total approved amount"
    is a no, the amount gone beyond and not asked."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "capital-pooled")
    first = dialog.handle_text(
        chat, "after approval, can we shift leftover campus-life current funds into the PL student budget?"
    )
    assert first.to_json()["answer"].startswith(NO_EN)
    pooled = dialog.handle_text(chat, "what about combining the capital money of campus-life and PL?").to_json()
    assert pooled["intent"] == "moe.cap.capital_pooling" and pooled["answer"].startswith(YES_EN), pooled
    above = dialog.handle_text(chat, "and if pooling the capital takes us above the total approved amount?").to_json()
    assert above["intent"] == "moe.cap.capital_pooling" and above["answer"].startswith(NO_EN), above


def test_a_few_classes_picked_is_no_and_every_class_of_the_grade_after_it_yes(knowledge) -> None:
    """應採「全年級實施」，不得僅以部分班級實施: three of six classes picked is a no; 「那6個班全部都上呢」
    then is the whole grade, a yes; and picking two to try first stays a no beside the whole grade named."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "whole-grade")
    picked = dialog.handle_text(chat, "我們五年級有6個班 只想挑3個班上雙語藝術課 可以嗎").to_json()
    assert picked["intent"] == "moe.pl.whole_grade" and picked["answer"].startswith(NO_ZH), picked
    every = dialog.handle_text(chat, "那6個班全部都上呢").to_json()
    assert every["intent"] == "moe.pl.whole_grade" and every["answer"].startswith(YES_ZH), every
    tried = _ask(knowledge, "部領一定要整個年級一起上喔？可不可以先挑兩個班試辦就好")
    assert tried["intent"] == "moe.pl.whole_grade" and tried["answer"].startswith(NO_ZH), tried


def test_a_case_asked_of_this_after_an_item_is_that_items(knowledge) -> None:
    """「學生獎勵品可以算在這裡面嗎」 after the teaching materials' 800 a class a period: that fee's rule
    (含…學生獎勵品), which the message points at, not the student-prize item it resembles."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "points-at")
    dialog.handle_text(chat, "部領學生奠基的教學材料費 每班每節多少")
    reply = dialog.handle_text(chat, "學生獎勵品可以算在這裡面嗎").to_json()
    assert reply["intent"] == "moe.item.teaching_materials" and reply["answer"].startswith(YES_ZH), reply


def test_capital_after_the_shift_asked_yes_or_no_is_the_transfer_rules_no(knowledge) -> None:
    """雙語生活化之資本門編列仍不得超過3萬元, after the shift too: "after the shift, can campus-life capital go
    up to 40k?" (a yes-or-no question after a comma) is the transfer rule's no, stating the 30,000."""
    reply = _ask(knowledge, "after the shift, can campus-life capital go up to 40k?")
    assert reply["intent"] == "moe.cap.pl.transfer" and reply["answer"].startswith(NO_EN), reply
    assert "30,000" in reply["answer"]


@pytest.mark.parametrize("follow_up", ["and printing costs — in that base too?", "那印刷費也要算進去嗎"])
def test_a_cost_asked_into_the_premiums_base_is_not(knowledge: Knowledge, follow_up: str) -> None:
    """After a premium computed, a cost asked whether it is in that base "too" is a case of the
    premium's rule (it is not in it), not the printing rule read alone; "…too?" asks yes or no."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"premium-base-{follow_up}")
    dialog.handle_text(chat, "work fees total 20,000. premium?")
    reply = dialog.handle_text(chat, follow_up).to_json()
    assert reply["intent"] == "moe.item.nhi_premium", reply
    assert reply["answer"].startswith((NO_EN, "不是", "不用", "不要")), reply


def test_cases_pointed_back_at_a_computed_fee_are_its_rules(knowledge: Knowledge) -> None:
    """After the language-study fee computed, 「我们是模式一的学校 也可以报这个吗」 points back at it
    (「报这个」): mode 1 named is its case (no), not the mode-1 entry; the cases after it follow."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "language-study-cases")
    first = dialog.handle_text(chat, "部领老师去语言中心上课 每学期最多补多少").to_json()
    assert first["intent"] == "moe.item.language_study" and "2 萬" in as_traditional(first["answer"]), first
    mode1 = dialog.handle_text(chat, "我们是模式一的学校 也可以报这个吗").to_json()
    assert mode1["intent"] == "moe.item.language_study" and mode1["answer"].startswith("不可以"), mode1
    staff = dialog.handle_text(chat, "（模式二）行政人员也可以申请吗").to_json()
    assert staff["intent"] == "moe.item.language_study" and staff["answer"].startswith("可以"), staff


def test_another_level_after_a_sum_over_the_years_is_summed_too(knowledge: Knowledge) -> None:
    """「國中呢」 after 「國小三年加起來目標幾人次」: the junior highs' three years added up (35 + 40 + 45)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "sum-other-level")
    dialog.handle_text(chat, "基隆英語學藝競賽 國小三年加起來目標幾人次")
    reply = dialog.handle_text(chat, "國中呢")
    assert reply.intent == "kl.ap.03" and "120 人次" in reply.text, reply.text


@pytest.mark.parametrize("follow_up", ["经常门呢 也可以合并吗", "經常門呢 也可以合併嗎"])
def test_recurrent_funds_after_capital_pooled_are_not_pooled(knowledge: Knowledge, follow_up: str) -> None:
    """「經常門呢 也可以合併嗎」 after the capital may be pooled (yes): the recurrent funds, which may not
    (the capital said before no longer counts; 「合并」 is 合併, the plan's word)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"recurrent-pooling-{follow_up}")
    first = dialog.handle_text(chat, "模式二 生活化跟部领的资本门可以合在一起用吗").to_json()
    assert first["intent"] == "moe.cap.capital_pooling" and first["answer"].startswith("可以"), first
    reply = dialog.handle_text(chat, follow_up).to_json()
    assert reply["intent"] == "moe.cap.no_pooling" and reply["answer"].startswith("不可以"), reply


def test_another_level_added_to_a_row_is_summed_with_it(knowledge: Knowledge) -> None:
    """「加國中總共幾所」 after the primaries' 111 row: both levels added up (3 + 1), not a nationwide
    count the plans do not give, nor the junior highs' row alone."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "add-a-level")
    dialog.handle_text(chat, "基隆雙語學校建置 111學年國小要幾所")
    reply = dialog.handle_text(chat, "加國中總共幾所")
    assert reply.intent == "kl.ap.10" and "3 ＋ 1 = 4 所" in reply.text, reply.text


def test_an_action_plan_close_to_sure_beside_its_strategy_answers_a_yearly_count(knowledge: Knowledge) -> None:
    """ "cumulative foreign english teachers target by 111?": the action plan's 111 row (18), not
    unsure between it and the strategy it is under; "and 110 was 14?" claims a figure: yes."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "row-over-heading")
    first = dialog.handle_text(chat, "keelung plan - cumulative foreign english teachers target by 111?")
    assert first.intent == "kl.ap.29" and "18" in first.text, first.text
    claimed = dialog.handle_text(chat, "and 110 was 14?")
    assert claimed.intent == "kl.ap.29" and claimed.text.startswith(YES_EN), claimed.text


@pytest.mark.parametrize(
    ("question", "met"),
    [
        ("這學期辦兩場 一場25人 總共50人 符合嗎", "符合"),  # 2 ≥ 1 times, 50 ≥ 40 people
        ("這學期辦一場 來了35人 符合嗎", "不符合"),  # 35 < 40
        ("上學期辦了1次來了45人 下學期沒辦 這樣符合嗎", "不符合"),  # a semester with none
    ],
)
def test_meeting_a_rule_of_two_floors_checks_each(knowledge: Knowledge, question: str, met: str) -> None:
    """「…符合嗎」 of the open classroom (每學期至少 1 次；每學期接待總人數至少 40 人): each figure against
    its floor, not the last one compared for equality."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"floors-{question}")
    dialog.handle_text(chat, "模式二 開放課室觀課的規定")
    reply = dialog.handle_text(chat, question)
    assert reply.intent == "moe.open_classroom" and reply.text.startswith(met), reply.text


def test_a_year_opening_an_english_question_asks_that_years_row_yes_or_no(knowledge) -> None:
    """110：並與本市四所高中交流分享心得 (the junior highs join in 111): "in 110 does … also share …
    with junior highs?" is a no, on 110's row."""
    reply = _ask(knowledge, "in 110 does the exchange student also share the experience with junior highs?")
    assert reply["intent"] == "kl.ap.21" and reply["answer"].startswith("No."), reply["answer"]
    assert "School year 110" in reply["answer"], reply["answer"]


def test_a_branch_split_asked_after_a_capital_and_more_equipment_after_a_transfer(knowledge) -> None:
    """「分校校長說想分8萬 不是說分校只加5萬嗎 這樣可以分給他8萬嗎」 after a capital amount is the branch
    rule's yes (於總額度下調整分配本校及分校之經費額度), not a capital of 8萬 (「不是說…嗎」 asks, it
    denies nothing); 「挪過去以後 生活化那邊可以多買到5萬的設備嗎」 after moving teacher funds is the
    transfer rule's no (雙語生活化之資本門編列仍不得超過3萬元)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "branch-split")
    dialog.handle_text(chat, "我們國小本校18班 115學年想走模式一 經費最多拿多少")
    dialog.handle_text(chat, "喔對 我們山上還有一個分校 分校6班 這樣總額變多少")
    dialog.handle_text(chat, "如果照上限全部申請 設備那塊（資本們）想編6萬5 可以嗎")
    split = dialog.handle_text(chat, "分校校長說想分8萬 不是說分校只加5萬嗎 這樣可以分給他8萬嗎")
    assert split.intent == "moe.cap.branch" and split.body.startswith(YES_ZH), split.body
    moved = ChatRef("test", "transfer-equipment")
    dialog.handle_text(moved, "我們國中12班 部領兩個領域 部領做第四年了 推動小組也同意 想挪一部分去生活化 最多能挪多少")
    more = dialog.handle_text(moved, "挪過去以後 生活化那邊可以多買到5萬的設備嗎")
    assert more.intent == "moe.cap.pl.transfer" and more.body.startswith(NO_ZH), more.body


def test_what_it_is_supposed_to_be_in_a_year_then_another_year(knowledge) -> None:
    """行動方案 13: 110 全國, 111 國際性. "MUN - is it supposed to be an international one already in
    110?" asks what it is (no obligation): no; "and in 111?" asks the same of 111 (not of 110 too): yes."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "mun-years")
    first = dialog.handle_text(
        chat, "Keelung's senior high MUN - is it supposed to be an international one already in 110?"
    )
    assert first.intent == "kl.ap.13" and first.body.startswith("No."), first.body
    then = dialog.handle_text(chat, "and in 111?")
    assert then.intent == "kl.ap.13" and then.body.startswith("Yes."), then.body


def test_the_plan_period_asked_after_a_keelung_topic_is_keelungs(knowledge) -> None:
    """「計畫期程是哪幾個學年」 names both plans' period (each is 計畫期程); after a Keelung action plan
    it is Keelung's (109 to 111), asked alone the MOE plan's two phases."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "period-of-the-chat")
    dialog.handle_text(chat, "基隆英語村遊學一年幾班次")
    reply = dialog.handle_text(chat, "計畫期程是哪幾個學年")
    assert reply.intent == "kl.period" and "109 學年度至 111 學年度" in reply.body, reply.body
    alone = dialog.handle_text(ChatRef("test", "period-alone"), "計畫期程是哪幾個學年")
    assert alone.intent == "moe.periods", alone.body


def test_this_one_opening_a_question_follows_the_last_topic(knowledge) -> None:
    """「這個是國小在做的嗎」 after 在地課程雙語化 (行動方案 16, 學階 國中): of that action plan, a no."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "this-one")
    dialog.handle_text(chat, "在地課程雙語化是誰負責")
    reply = dialog.handle_text(chat, "這個是國小在做的嗎")
    assert reply.intent == "kl.ap.16" and reply.body.startswith(IS_NOT_ZH), reply.body


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("國中校園英語主播計畫是給國中的對吧", IS_ZH),  # 學階：國中
        ("國中校園英語主播計畫是給國小的對吧", IS_NOT_ZH),
        ("國中校園英語主播計畫111學年是給國小的對吧", IS_NOT_ZH),  # a year named beside the level
    ],
)
def test_the_level_asked_of_an_action_plan_is_its_stated_level(knowledge, question, first) -> None:
    """An action plan's answer states its levels (學階): a yes-or-no question naming a level is a
    yes when it is one of them, a no otherwise (unless a figure named beside it is what is asked)."""
    reply = _ask(knowledge, question)
    assert reply["intent"] == "kl.ap.08" and reply["answer"].startswith(first), reply["answer"]


def test_a_permission_question_with_no_figure_is_the_rules_not_a_computation(knowledge) -> None:
    """ "can meals for the students and teachers come out of the student foundation budget?" gives no
    figure: the student-foundation items answer it (活動費…教師及學生膳費), not the meals of two people."""
    reply = _ask(
        knowledge,
        "For our Mode 2 student summer camp, can meals for the students and teachers come out of the student"
        " foundation budget?",
    )
    assert reply["route"] == "answer" and reply["answer"].startswith(YES_EN), reply


# A question after earlier turns of the chat, (before, question, entry, first words of the reply): each
# is answered from the rule named, with its yes or no.
FOLLOWED = [
    # the asker's own case told after a yes-or-no question, no question of its own: that question of it
    pytest.param(
        ("can the plan pay my TOEIC fee?",),
        "I'm a substitute on a 6-month contract",
        "moe.item.english_test_fee",
        YES_EN,
        id="a-substitutes-contract-told",
    ),
    pytest.param(
        ("老師考英檢的報名費可以補助嗎",),
        "我是代理老師 聘期2個月",
        "moe.item.english_test_fee",
        NO_ZH,
        id="a-two-month-contract-told",
    ),
    # an item named alone after a yes-or-no question on the premium's base (「工作费呢」 after 「那印刷费…也要
    # 一起算进去吗」): the same question of that item, kept for the next one named
    pytest.param(
        ("外聘专家来讲4节 每节2000 补充保费要编多少", "那印刷费5000也要一起算进去吗"),
        "工作费呢",
        "moe.item.nhi_premium",
        (YES_ZH, IS_ZH),
        id="work-fee-alone-after-printing",
    ),
    pytest.param(
        ("外聘专家来讲4节 每节2000 补充保费要编多少", "那印刷费5000也要一起算进去吗", "工作费呢"),
        "膳費呢",
        "moe.item.nhi_premium",
        (NO_ZH, IS_NOT_ZH),
        id="meals-alone-after-the-work-fee",
    ),
    # after a premium computed: 「場地費也要一起算進去嗎」 is no (not in the base; it was read as an
    # obligation, unsettled), 「那工作費要算嗎」 yes (it was the work-fee rule, unsettled)
    pytest.param(
        ("講座鐘點費一萬 補充保費要編多少",),
        "場地費也要一起算進去嗎",
        "moe.item.nhi_premium",
        IS_NOT_ZH,
        id="venue-not-in-the-premium",
    ),
    pytest.param(
        ("講座鐘點費一萬 補充保費要編多少", "場地費也要一起算進去嗎"),
        "那工作費要算嗎",
        "moe.item.nhi_premium",
        (YES_ZH, IS_ZH),
        id="work-fee-asked-after-the-venue",
    ),
    # the premium's base (出席費、諮詢費、講座鐘點費、授課鐘點費、代課鐘點費、工作費)之加總*2.11%, asked of a
    # cost after the premium was computed: lodging's and printing's rules say nothing of it
    pytest.param(
        ("外聘講師講座費1萬 出席費3000 補充保費要編多少",),
        "講師的住宿費要算進補充保費嗎",
        "moe.item.nhi_premium",
        IS_NOT_ZH,
        id="lodging-not-in-the-premium",
    ),
    pytest.param(
        ("出席费和讲座费加起来3万 补充保费编多少",),
        "印刷费要不要算进去",
        "moe.item.nhi_premium",
        "不用",
        id="printing-not-in-the-premium",
    ),
    pytest.param(
        ("出席费和讲座费加起来3万 补充保费编多少", "印刷费要不要算进去"),
        "工作费算吗",
        "moe.item.nhi_premium",
        IS_ZH,
        id="work-fee-in-the-premium",
    ),
    # a figure claimed (國中 100%: no), then the level corrected: 110 學年度國小 收聽比率達 95%
    pytest.param((), "基隆計畫110學年國中收聽ICRT比率目標是95%對吧", "kl.ap.02", IS_NOT_ZH, id="claim"),
    pytest.param(
        ("基隆計畫110學年國中收聽ICRT比率目標是95%對吧",),
        "喔我講錯 是國小",
        "kl.ap.02",
        IS_ZH,
        id="claim-of-the-corrected-row",
    ),
    # 減授課原則，應經校內公平、公正、公開機制確認, after a reduction was computed
    pytest.param(
        ("模式二的總負責人 減6節可以嗎",),
        "減課要先經過校內公開的機制確認 不是我簽就算 這個對吧",
        "moe.teaching_load",
        "要",
        id="the-computed-rules-own-case",
    ),
    # 「也是這樣走嗎」 after a wrong case (直接寄給國教署: no): the way the answer gave, 比照…公立學校
    pytest.param(
        ("我们学校要申请双语生活化，申请表直接寄给国教署就行了吧？",),
        "我们是国立大学的附小，也是这样走吗",
        "moe.apply.national_schools",
        IS_ZH,
        id="the-same-way",
    ),
    # 全年級實施: all 5 classes of the grade after 2 of them were refused
    pytest.param(
        ("for the partial-domain part, can we start bilingual PE in just 2 of our 5 grade-4 classes?",),
        "fine, all 5 grade-4 classes then?",
        "moe.pl.whole_grade",
        YES_EN,
        id="the-whole-grade-then",
    ),
]


@pytest.mark.parametrize(("before", "question", "entry", "first"), FOLLOWED)
def test_a_question_after_earlier_turns_is_answered_from_its_rule(knowledge, before, question, entry, first) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"followed-{question}")
    for text in before:
        dialog.handle_text(chat, text)
    reply = dialog.handle_text(chat, question)
    assert reply.route == "answer" and reply.intent == entry and reply.body.startswith(first), reply.body


def test_a_case_asked_and_answered_is_not_carried_into_a_new_question(knowledge) -> None:
    """「模式一跟模式二可以同時申請嗎」 is answered no; 「國中可以申請模式二嗎」 next is a question of its own,
    not 「同時申請」 asked again of junior high: the no does not carry (a situation told, not asked, does)."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "asked-not-told")
    first = dialog.handle_text(chat, "模式一跟模式二可以同時申請嗎").to_json()
    assert first["answer"].startswith(NO_ZH)
    second = dialog.handle_text(chat, "國中可以申請模式二嗎").to_json()
    assert not second["answer"].startswith(NO_ZH), second


@pytest.mark.parametrize(
    ("turns", "first", "working"),
    [
        # 9/1 to 11/20: two whole months (to 10/31) and 20 days, under 「3 個月以上代理教師」
        (["我們代理老師從115/9/1代到115/11/20 他報英檢也能補嗎"], NO_ZH, "2 個月 20 天"),
        # the last day moved after it: 9/1 to 116/1/20 is four months and 20 days
        (["我們代理老師從115/9/1代到115/11/20 他報英檢也能補嗎", "那如果聘期改到116/1/20呢"], YES_ZH, "4 個月 20 天"),
        # three months whole, counted as the Civil Code counts a period: 9/1 to 11/30
        (["代理老師聘期115年9月1日到11月30日 可以申請語言進修費嗎"], YES_ZH, "3 個月，已滿"),
        # without years: 10/16 to 12/31, two months (to 12/15) and 16 days
        (["代理老師10月16號到12月31號 英檢報名費可以補嗎"], NO_ZH, "10/16 至 12/31：2 個月 16 天"),
        (
            ["is the English test fee covered for a substitute teacher employed from 2026/9/1 to 2026/12/15?"],
            YES_EN,
            "3 months and 15 days, at least 3 months",
        ),
    ],
)
def test_a_substitutes_term_told_by_its_days_is_counted_against_the_months_the_rule_asks(
    knowledge: Knowledge, turns: list[str], first: str, working: str
) -> None:
    """「含正式及 3 個月以上代理教師」 (附件3, English test fees and language study): a term given by its
    first and last days is counted in months, the working shown before the rule."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"term-{'-'.join(turns)}")
    for turn in turns:
        reply = dialog.handle_text(chat, turn)
    assert reply.text.startswith(first), reply.text
    assert working in reply.text.split("\n")[0], reply.text


def test_a_school_of_another_city_asking_of_the_moe_plan_is_answered(knowledge: Knowledge) -> None:
    """The MOE plan is every city's: "a junior high school in Hsinchu … mode 1 … 27 classes" is asked of
    it (附件2 模式一 13-35 班 25 萬元), while 「台北市自己的雙語計畫補助多少」 after a mode-1 ceiling is
    another city's own plan, which the plans do not cover (the topic's 模式一 does not excuse it)."""
    dialog = scored_dialog(knowledge)
    hsinchu = dialog.handle_text(
        ChatRef("test", "hsinchu"),
        "I'm the English head at a junior high school in Hsinchu. We prefer mode 1 and have 27 classes. "
        "What's the maximum we could be approved for",
    )
    assert hsinchu.route == "calculation" and "250,000" in hsinchu.text, hsinchu.text
    chat = ChatRef("test", "taipei-own")
    dialog.handle_text(chat, "我們學校14班 做模式一 多少")
    assert dialog.handle_text(chat, "台北市自己的雙語計畫補助多少").route == "not_in_plans"


def test_a_test_taken_again_is_checked_by_the_school_years_of_the_two(knowledge: Knowledge) -> None:
    """附件3「每學年至多補助 1 次」, a school year from 1 August: 115年10月 and 116年4月 are both 115 學年度
    (no), and 116年9月, put right after, is 116 學年度 (yes); the school years are shown."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "retake-years")
    same = dialog.handle_text(chat, "英文老師115年10月考全民英檢中高級報名費有補助 116年4月想再考一次 還能補嗎")
    assert same.text.startswith(NO_ZH) and "同一學年度" in same.text.split("\n")[0], same.text
    other = dialog.handle_text(chat, "不是116年4月 是116年9月")
    assert other.text.startswith(YES_ZH) and "116 學年度" in other.text.split("\n")[0], other.text


@pytest.mark.parametrize(
    "question",
    [
        "核定以后，生活化的经常门可以挪一点给部领学生奠基用吗",
        "after approval can leftover student-foundation money move over to campus life?",
    ],
)
def test_money_moved_the_other_way_is_the_no_to_pooling(knowledge: Knowledge, question: str) -> None:
    """Only the partial-domain teacher support may move, and only into campus life (附件2 模式二 三); any
    other move is 「各面向的經常門經費核定額度不得合併編列及運用…不得辦理經費流用」: that rule's no."""
    reply = _ask(knowledge, question)
    assert reply["intent"] == "moe.cap.no_pooling" and reply["answer"].startswith((NO_ZH, NO_EN)), reply


@pytest.mark.parametrize(
    ("first", "follow_up", "entry", "opening"),
    [
        # "a camera?" after whether a remote school funded by the remote equipment plan may buy tablets:
        # the same question of a camera (no), not the rule alone
        (
            "we're a remote school already funded by the remote equipment plan. can we buy tablets with this grant?",
            "a camera?",
            "moe.item.remote_schools",
            NO_EN,
        ),
        # "and a parent who comes to help" after the trip's bus and insurance for a substitute: the same yes
        # or no of a parent (學生活動之交通費及保險費「包含代理教師或非公教人員」), "who" asking nobody's name
        (
            "奠基 field trip next month, can the bus + insurance also cover our 代理老師 who goes along",
            "and a parent who comes to help",
            "moe.item.student_transport_insurance",
            YES_EN,
        ),
    ],
)
def test_a_case_named_after_a_permission_question_asks_it_again(
    knowledge: Knowledge, first: str, follow_up: str, entry: str, opening: str
) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"asked-again-{follow_up}")
    dialog.handle_text(chat, first)
    reply = dialog.handle_text(chat, follow_up)
    assert reply.intent == entry and reply.body.startswith(opening), reply.body
