"""A question can match a topic of the plans and still ask a detail they never give: which schools,
who, where, a score, a price, a date. Answering with the topic would look like an answer; the
honest reply says the plans do not give that detail. A detail counts as given when the matched
answer holds something of its kind (a date, an amount, a named place …)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# 附件3's lecture fee table lists domestic experts, affiliated staff and internal speakers only:
# a foreign lecturer has no rate (the calculators leave such a question to this check).
FOREIGN_SPEAKER = re.compile(
    r"(?:國外|外國|海外|國際|美國|英國|日本|加拿大|澳洲|紐西蘭|韓國|新加坡)(?:的|來的)?\s*(?:大學的?)?\s*"
    r"(?:專家|學者|講師|講者|教授|professor|expert|speaker|lecturer|scholar)|"
    r"(?:從|在)(?:國外|海外)\S{0,4}(?:專家|學者|講師|講者|教授)|"
    r"(?:foreign|overseas|international) (?:expert|speaker|lecturer|professor)|"
    r"(?:expert|speaker|lecturer|professor|scholar|author|writer)s? (?:[a-z']+ ){0,3}(?:from|in|at a university in|based in) (?:abroad|overseas|the uk|the us|japan|the states|england|america|australia|canada|korea|singapore)\b|"
    r"\b(?:flown|flying|flies|fly) in\b"  # "she's flying in", "flown in from the UK"
)


@dataclass(frozen=True)
class Detail:
    kind: str
    asked: re.Pattern[str]  # in the normalised question
    given: re.Pattern[str]  # in the matched answer (either language), or it saying the plan leaves it out


DETAILS = (
    Detail(
        "price",
        re.compile(
            r"報名費.{0,4}(?:多少|幾)(?!\s*(?:次|個|位|人|天|年|學年))|多少錢|要花多少|費用是多少|價格|時薪是多少|基本工資是多少|超過多少錢|總預算|"
            r"(?:每|1)\s*(?:節|堂|小時)\s*(?:是|給|付|領)?\s*多少|"  # 「代課鐘點費一節多少」: a rate per period
            r"要付費|要收費|付費嗎|收費嗎|要錢嗎|要不要錢|要?付錢嗎|要?花錢嗎|收錢嗎|(?<![第頭])(?:1|一)年(?:要)?多少(?:錢)?$|is it free|what does it cost|subscription fee|"
            r"how much does .{0,30}cost|cost to register|what does .{0,30}cost|price of|total budget|"
            r"what does .{0,30}\bpay\b|how much .{0,30}\bpaid\b|how much do .{0,30}\bget paid\b|"
            r"獎金|prize money|\bbonus\b|編了多少預算|預算(?:是|有)?多少|how much (?:money|budget) (?:did|does|is)|national budget|"
            r"per-period rate|rate per period|hourly (?:wage|rate|pay)|how much is (?:the|a) .{0,40}\b(?:fee|rate|wage|pay) per (?:period|hour)|(?:current|what is the|what's the|how much is the) minimum (?:hourly )?wage"
        ),
        re.compile(
            # (a share of a total, 「不得逾…經常門總編列經費之 10%」, is how much 「雜支最多可以編到多少錢」)
            r"\d[\d,]*\s*(?:萬)?\s*元|nt\$\s*\d|\d+\s*萬|(?:經費|經常門)\S{0,2}\s*\d+\s*%|\d+% of (?:the |each |its )?(?:mode's )?(?:total )?(?:current|recurrent)|"
            r"(?:沒有寫|未寫出?).{0,6}(?:金額|費用|多少)|no amount|not say how much"
        ),
    ),
    Detail(
        "date",
        re.compile(
            r"哪[一1]天|哪天|幾月幾號|截止日|截止日期|什麼時候截止|"
            r"deadline to submit|what date|which date|when is the deadline|due date|when (?:is|are) (?:[a-z]+ ){1,4}due\b"
        ),
        re.compile(
            r"\d+\s*年\s*\d+\s*月\s*\d+\s*日|\d{4}/\d{1,2}/\d{1,2}|\d+\s*月\s*\d+\s*日|\d{4}-\d{2}-\d{2}|"
            r"沒有寫.{0,8}(?:日期|期限)|未訂.{0,4}日期|no (?:date|deadline)|gives no deadline|does not say when"
        ),
    ),
    Detail(
        # 「學分班幾月開課」 "when does the course start?": a month the plans do not set
        "month",
        re.compile(
            r"幾月(?!幾號)|哪[一1]?個月(?!內)|什麼時候(?:開課|開班|開始上課|上課|舉辦|辦理|開跑|撥款|撥下來|入帳|匯款|給錢)|"
            r"(?:撥款|經費|錢)\S{0,4}(?:什麼時候|何時)(?:撥|下來|會到|入帳)|"
            r"what month|which month|when (?:does|do|will) (?:[a-z-]+ ){1,5}(?:start|begin|open|run|take place)\b|"
            r"when (?:does|do|will|is|are) (?:\S+ ){0,5}(?:paid|disbursed|transferred|released|arrive)\b"
        ),
        re.compile(
            r"\d+\s*月(?!份)|\d{4}/\d{1,2}|沒有寫.{0,8}(?:時間|月份|日期)|no (?:date|month)|does not say when|"
            r"january|february|march|april|june|july|august|september|october|november|december"  # not "may"
        ),
    ),
    Detail(
        # 「專家人才庫要怎麼預約 有線上表單嗎」: how to book or sign up, which the plans do not describe
        "how_to_book",
        re.compile(
            r"怎麼預約|如何預約|預約方式|怎麼約|線上表單|報名表單|表單在哪|"
            r"how (?:do|can|should) (?:we|i) (?:book|reserve|sign up)|booking form|sign-?up form|online form"
        ),
        re.compile(r"表單|預約|申請表|填具|form|book|sign up|reserve"),
    ),
    Detail(
        # 「人才庫要去哪個網站找」: the plans name platforms and databases but give no web address
        "web_address",
        re.compile(
            r"哪[一1]?個網站|什麼網站|網址|網站在哪|哪裡可以登入|website|web address|\burl\b|which site|link to|"
            # 「申請表要用哪個系統上傳」 "which online system do we upload to?": the plans name none
            r"哪[一1]?個系統|什麼系統|哪[一1]?個平[台臺]上傳|\b(?:which|what) (?:online )?(?:system|portal)\b"
        ),
        re.compile(r"https?://|www\.|沒有(?:寫|列|提供).{0,6}網(?:址|站)|no (?:web address|website|url)"),
    ),
    Detail(
        "year",
        re.compile(r"哪[一1]?年(?:開始|成立)|which year did|what year did"),
        re.compile(r"\d{2,4}\s*學?年|school year \d+|\b(?:19|20)\d\d\b"),
    ),
    Detail(
        # 「哪[一1]年締結姊妹市」: the year of an agreement, which a school year a target is set for
        # (「110 學年度起另加上…」) is not
        "agreement_year",
        re.compile(r"哪[一1]?年(?:締結|簽|結為)|when did .{0,40}(?:sign|become sister|twin)"),
        re.compile(r"\d{2,4}\s*年(?!度)|\b(?:19|20)\d\d\b"),
    ),
    Detail(
        "score",
        re.compile(
            r"幾分(?!鐘)|多少分(?!鐘)|分數|成績門檻|門檻(?:是)?(?:多少|幾)|\bscores?\b|\bpoints\b|(?:score|grade) threshold"
        ),
        # a score, or the plan's own yardstick (CEFR levels) in its place
        re.compile(r"\d+\s*分(?!之|鐘)|分以上|\d+\s*%|no (?:test )?scores?|\bcefr\b|\b[abc][12]\b"),
    ),
    Detail(
        # "what's the passing score on that listening test": a mark to pass, which a rate of
        # improvement (「英聽分數進步率達 5%」) is not
        "passing",
        re.compile(r"及格|passing (?:score|mark|grade)|pass mark|score (?:they|the kids|students) need"),
        re.compile(r"\d+\s*分(?!之|鐘)|分以上|no (?:test )?scores?|\bcefr\b|\b[abc][12]\b"),
    ),
    Detail(
        # 「學分班在哪裡上」 "where is the course held?": where an event takes place (not where to send a
        # document, which an office named answers)
        "venue",
        re.compile(
            r"(?:在)?哪(?:裡|兒)?(?:上課|上|辦|舉辦|舉行|開課|進行|集合)(?:\s|$|呢|嗎|啊)|"
            r"\bwhere (?:is|are|do|does|will) (?:it|they|the [a-z-]+(?: [a-z-]+)?) (?:be )?(?:held|run|take place|taught|hosted)\b|"
            r"\bwhere can (?:i|we) take\b"
        ),
        re.compile(r"大學|學院|海大|線上|地點|場地|university|college|online|venue|campus"),
    ),
    Detail(
        "place",
        re.compile(
            r"(?<!差)在哪(?![些一個種項])|(?<!差)哪裡|哪兒|哪[一1]間|哪間|哪幾間|哪[一1]所|哪所|哪幾所|哪些學校|哪個學校|"
            r"\bwhere\b|which schools\b|which school\b(?! years?)"
        ),
        re.compile(
            r"大學|海大|德州|考柏克利|美國|日本|政府|國教署|教育局|university|texas|government|administration|bureau"
        ),
    ),
    Detail(
        # The plans count schools (「本市四所高中」) and set who may apply, but name none.
        "schools",
        re.compile(
            r"哪幾間|哪幾所|(?:是|有)哪些學校|哪[一1]所(?!大學)|哪所(?!大學)|names? of the schools|"  # (哪所大學: a university)
            r"\bwhich (?:\w+ ){0,3}(?:schools?|high school|(?:國小|國中|高中)s?)(?:\b|(?=\s|$))(?! years?)"
        ),
        re.compile(r"(?!)"),
    ),
    Detail(
        # 「機票是市府出還是家長出」「要不要自己付錢」: who pays, which the plans rarely say
        "payer",
        re.compile(
            r"誰出|誰付|誰負擔|自己(?:付|出|交)錢|要不要(?:自己)?(?:付|交)錢|自費|家長出|學生要付|who pays|pay for (?:it|their) own|at their own cost"
        ),
        re.compile(r"自費|自付|自行負擔|家長負擔|免費|由.{0,8}負擔|paid by|own cost|free of charge"),
    ),
    Detail(
        # 「B1 大概是多益幾分」「GEPT 中級算不算 B1」: a conversion between tests the plans never give
        "conversion",
        re.compile(
            r"(?:等於|相當於|換算|對照|大概是).{0,8}(?:幾分|多少分|toeic|ielts|多益|雅思|全民英檢)|\bequivalent\b|count as [abc][12]|\bconvert"
        ),
        re.compile(r"對照表|換算表|equivalen|conversion"),
    ),
    Detail(
        # targets are not results: 「去年有沒有達成」 "did they actually hit"
        "result",
        re.compile(
            r"有沒有達成|達成了嗎|達到了嗎|實際(?:達成|成果)|actually (?:hit|reach|achiev)|did .{0,30}(?:hit|reach|achieve|meet) (?:its|the|their)"
        ),
        re.compile(r"(?!)"),
    ),
    Detail(
        # 「基隆目前平均是幾分」: an average (of scores, of anything) is a result the plans do not report
        "average",
        re.compile(r"平均(?:是|有)?(?:幾|多少)|average (?:score|mark|number)|on average"),
        re.compile(r"平均|average"),
    ),
    Detail(
        # 「逾期核結會被扣錢嗎」 "what's the penalty if we miss the deadline?": the plans state none
        "penalty",
        re.compile(
            r"罰則|罰款|罰錢|會被罰|懲處|處分|扣款|被扣錢|penalt|\b(?:be|get|gets|got|are|is) fined\b|\ba fine\b|sanction|what happens if we (?:miss|are late|don't)|"
            # 「如果晚交會怎樣」 "what if it's late?": what follows lateness
            r"(?:晚交|遲交|逾期|晚送|遲送|沒交|沒送|來不及)\S{0,4}(?:會怎樣|會怎麼樣|怎麼辦|後果|會如何)|"
            r"what happens if (?:it'?\s?s|we'?\s?re|we are|they are|the county is) late|\bwhat if (?:it'?\s?s|we'?\s?re|we are) late\b"
        ),
        re.compile(r"罰|懲處|處分|扣款|penalt|\bfined?\b|sanction"),
    ),
    Detail(
        # 「所得稅扣幾%」: only the supplementary premium is in the plans
        "tax",
        re.compile(r"所得稅|扣繳|withholding|income tax"),
        re.compile(r"所得稅|扣繳|income tax|withholding"),
    ),
    Detail(
        # 「一趟車資上限多少」 "is there a per-student cap?" of an item the plan reimburses at actual
        # cost (覈實報支) or by another table it only names: no figure in the answer at all
        "amount",
        re.compile(
            r"上限(?:是)?(?:多少|幾)|最多(?:可以|能)?(?:報|編|補|給|付|支)?(?:多少|幾)|最高(?:可以|能)?(?:報|編|補|給)?(?:多少|幾)|"
            r"多少錢|幾元|多少元|\b(?:cap|limit|maximum|max)\b|how much (?:can|may|is|per|do|does|for)|"
            r"(?:要|可以|能)(?:編|報|抓|列)多少|(?:每|一)\s*(?:個)?\s*人\s*(?:要|可以|能)?\s*(?:編|報|抓|列|補)?\s*多少"  # 「學生保險費 每個人要編多少」
        ),
        # a figure with its unit: money, a share or a count (「4 節」 answers 「最多幾節」), not "mode 2"
        re.compile(
            r"\d[\d,]*(?:\.\d+)?\s*(?:元|萬|%|節|小時|人|位|校|所|次|天|日|班|份|篇|字|隊|場|個月|"
            r"hours?|periods?|people|persons?|schools?|times?|days?|classes|months?|percent)|nt\$\s*\d|百分之|"
            r"未訂\S{0,4}上限|sets no (?:\w+ )?cap|"  # an answer saying there is no cap answers "is there a cap"
            r"未寫出?.{0,4}金額|not state the amount"  # …and one saying it states no amount, "how much"
        ),
    ),
    Detail(
        # 「全國一共會核定幾所學校」 "how many schools nationwide get mode 2 funding": the plans give a
        # number of schools only for the open classroom (擇優補助 30 校), whose rule then answers it
        "nationwide_count",
        re.compile(
            # (「加國中總共幾所」 after a KPI row adds its levels: 總共 alone is no nationwide count)
            r"(?:全國|全台|全臺).{0,8}(?:幾|多少)\s*(?:所|校|間)|(?:總共|一共).{0,4}(?:核定|補助|通過|錄取).{0,4}(?:幾|多少)\s*(?:所|校|間)|"
            r"(?:幾|多少)(?:所|間)學校.{0,6}(?:核定|補助|通過|錄取|拿到)|"
            r"how many schools (?:nationwide|in total|across|get|will get|are funded|receive|will be)"
        ),
        re.compile(r"擇優補助\s*\d+\s*校|\d+ schools are chosen"),  # the open classroom's own rule
    ),
    Detail(
        # 「格式」「要寫幾頁」 of a document the plans only name
        "format",
        re.compile(r"格式|幾頁|多少頁|字數|範本|template|format|how many pages|page limit|word limit|word count"),
        re.compile(r"格式|頁|範本|template|format|page"),
    ),
    Detail(
        # 「觀課要用什麼表單」 "what form do we use?": given only when the answer names one
        "form",
        re.compile(r"(?:什麼|哪些|哪個|哪一個|哪種)表(?:單|格)|\b(?:what|which) forms?\b"),
        re.compile(r"(?:結算|概算|申請|總|明細)表|同意書|授權書|\bforms?\b"),
    ),
    Detail(
        # "which university / platform / sites / word list": a name the plans do not give
        "name",
        re.compile(
            r"\bwhich (?:[a-z-]+ ){0,2}(?:university|universities|platforms?|company|vendor|provider|sites?|spots?|"
            r"places?|attractions?|list|word list|textbooks?|device)\b|"
            r"\bwhat (?:[a-z-]+ ){0,2}(?:platform|device|company|criteria|list)\b|"
            r"哪(?:個|一個|家|一家|間|一間|所|一所|些|幾個)?[\u4e00-\u9fff]{0,3}?(?:平台|平臺|大學|廠商|公司|景點)|哪[一1]份|"
            r"什麼(?:平台|平臺|設備)|什麼\s*device"
        ),
        # a name the answer gives: a university, a platform it names (the plan's own titles in
        # 「…」, such as the action plan's name, are not one)
        re.compile(r"\S+大學(?!習)|海大|university|college|酷英|cool english|icrt"),  # (not 擴大學習)
    ),
    Detail(
        # 「每所國中可以派幾隊」 "how many … must each senior high offer": a count per school, where
        # the plans give a city-wide total or a rate
        "per_school",
        re.compile(
            r"how many .{0,60}\b(?:each|per|every) (?:(?!for\b|in\b|of\b)[a-z-]+ )?(?:schools?\b|國小|國中|高中)|"
            r"how many .{0,40}\b(?:would|will|could|can|does|do) (?:our|my) school (?:get|receive|have)\b|"
            r"我們學校(?:可以|能|會)?(?:分到|拿到|有|配到)(?:幾|多少)(?:位|個|名)|"
            r"每(?:一)?(?:校|所|間)(?:國小|國中|高中|學校)?.{0,6}(?:幾|多少)(?:個|位|隊|人|種|班|所)"
        ),
        re.compile(r"每校|每所|每一所|各校|per school|each school|every school"),
    ),
    Detail(
        # 「請國外的專家線上講座 一節多少」: the lecture fee table lists domestic experts only
        "foreign_speaker",
        FOREIGN_SPEAKER,
        re.compile(r"國外|外國|海外|foreign|overseas|abroad"),
    ),
    Detail(
        # 「比賽有哪些項目 有沒有演講」: the events of a contest, which the plans do not list
        "events",
        re.compile(
            r"(?:比賽|競賽)(?:有)?(?:哪些|什麼)項目|哪些比賽項目|which (?:events|categories|contests)|what events"
        ),
        re.compile(r"演講|朗讀|作文|拼字|說故事|話劇|歌唱|spelling|speech|storytelling|essay|recitation"),
    ),
    Detail(
        "country_or_language",
        re.compile(
            r"哪些國家|哪個國家|哪國|哪幾種語言|什麼語言|哪些語言|有日文|有日語|which countries|what languages|which languages"
        ),
        re.compile(
            r"美國|日本|德國|法國|英國|韓國|越南|印尼|泰國|菲律賓|德州|日語|日文|德語|法語|西班牙|越南語|印尼語|泰語|韓語"
        ),
    ),
    Detail(
        "rate",
        re.compile(r"費率|提撥率|提撥比例|比率是多少|contribution rate|what rate|what percentage"),
        re.compile(r"\d+(?:\.\d+)?\s*%|百分之|沒有寫.{0,6}(?:比率|費率)|no rate"),
    ),
    Detail(
        # 「ICRT收聽比率是算班級還是學生人數」 "how is the listening rate measured?": how a rate a target
        # sets is counted, which the target rows never say
        "measure",
        re.compile(
            r"(?:比率|比例|進步率|達成率|收聽率|開設率|參與率).{0,8}(?:怎麼算|如何計算|怎麼計算|計算方式|算法|是算.{1,8}還是|跟什麼比|以什麼為|分母|基準|"
            r"怎麼統計|如何統計|誰統計|怎麼調查|如何調查)|(?:自己填報|學校填報).{0,4}還是|"
            r"(?:怎麼算|如何計算|計算方式).{0,4}(?:比率|比例|進步率|達成率|收聽率)|"
            r"\bhow (?:is|are|do (?:they|you|we)) (?:the )?(?:[a-z-]+ ){0,3}(?:rate|percentage|share|improvement)s? "
            r"(?:measured|calculated|counted|worked out|defined|measure|calculate|count)\b|"
            r"\b(?:rate|percentage|improvement)\b.{0,20}\b(?:measured|calculated|counted) (?:by|per|on)\b"
        ),
        # (a share of a named whole is its basis: 「經常門總編列經費之 10%」 "10% of the recurrent total")
        re.compile(
            r"分母|計算方式|算法|以.{0,10}計算|計算公式|=|×|calculated as|counted as|divided by|未訂|沒有(?:規定|訂)|"
            r"does not (?:set|say)|(?:的|之)\s*\d+(?:\.\d+)?\s*%|\d+(?:\.\d+)?\s*%\s+of\b"
        ),
    ),
    Detail(
        # 「電子白板單價上限」: the equipment rules cap computers and tablets only
        "device",
        re.compile(
            r"(?:電子白板|白板|投影機|投影幕|印表機|影印機|冷氣|喇叭|麥克風|相機|攝影機|音響|電視|耳機|"
            r"projector|printer|whiteboard|smart ?board|camera|microphone|headphones|headsets?|speakers? system)"
            r".{0,8}(?:單價|上限|最多|最高|cap\b|limit|maximum|max\b)"
        ),
        re.compile(
            r"白板|投影|印表機|影印機|冷氣|喇叭|麥克風|相機|攝影機|音響|電視|耳機|"
            r"projector|printer|whiteboard|smart ?board|camera|microphone|headphone|headset|speaker system"
        ),
    ),
    Detail(
        # 「外師每週要上幾節」: a teaching load the plans set only as reductions for the plan's staff
        "load",
        re.compile(
            r"teaching load|授課節數|上課節數|基本節數|每[週周](?:要)?(?:上|教)幾節|"
            r"how many (?:periods|lessons|classes) (?:a|per|each) week|periods (?:a|per) week does"
        ),
        re.compile(r"\d+\s*節|periods? (?:a|per) week"),
    ),
    Detail(
        "criteria",  # what someone or something is picked by: 「選拔標準是什麼」 "what are the selection criteria?"
        re.compile(
            r"(?:選拔|評選|遴選|甄選|挑選|審查)(?:的)?(?:標準|條件)|用什麼標準|依什麼標準|標準是什麼|selection criteria|what criteria"
        ),
        re.compile(r"標準|條件|資格|criteria|condition|qualif|based on"),
    ),
    Detail(
        "selection",  # how they are picked: 「錄完之後怎麼選」 "how is the exchange student chosen?"
        re.compile(
            r"怎麼(?:被)?(?:選|挑)|如何(?:被)?(?:選|挑)|(?:選拔|甄選|遴選)方式|"
            r"how (?:is|are|do they|does .{1,20}) .{0,30}(?:chosen|selected|picked|choose|select|pick)"
        ),
        re.compile(
            r"標準|條件|資格|甄選|票選|選拔|選出|遴選|評選|criteria|condition|qualif|based on|vote|voting|selected by"
        ),
    ),
    Detail(
        "reason",  # why the plan sets something: 「為什麼109只有訂2校 有寫原因嗎」 "why only 2?"
        re.compile(r"為什麼|為何|什麼原因|原因是|有寫原因|理由是|\bwhy\b|\bthe reason\b"),
        re.compile(r"因為|由於|為了|以便|目的|係以|旨在|為符|because|in order to|so that|\baims?\b|purpose|reason"),
    ),
    Detail(
        "deadline",  # a date to sign up or hand in by, the plan states none: 「報名截止是哪天」
        re.compile(r"截止|報名期限|申請期限|繳交期限|deadline|due date|sign-?up date|closing date"),
        re.compile(
            r"\d+\s*月\s*\d+\s*日|\d{4}-\d\d-\d\d|\d{1,4}/\d{1,2}/\d{1,2}|"
            r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d|兩個月|2 個月|two months|截止|deadline"
        ),
    ),
    Detail(
        # 「核結完多久會撥款」 "when will we get the money?": the plans say when the county files, not
        # when money is paid
        "payment_time",
        re.compile(
            r"(?:撥款|入帳|匯款|撥下來|錢.{0,4}下來).{0,6}(?:多久|什麼時候|何時|幾月|幾天)|"
            r"(?:多久|什麼時候|何時|幾月|幾天).{0,6}(?:撥款|入帳|匯款|撥下來|給錢|拿到錢)|"
            r"\bwhen (?:will|do|does|can) (?:we|the school|schools) (?:get|receive) (?:the )?(?:money|funds|funding|payment|grant)\b|"
            r"\bhow long (?:until|before|till) (?:we get |we receive )?(?:the )?(?:money|funds|payment)\b"
        ),
        re.compile(r"撥款.{0,20}(?:\d+\s*月|個月|日內|天內)|disburse.{0,30}(?:month|days)|paid (?:with)?in \d+"),
    ),
    Detail(
        # 「第二階段什麼時候開始申請」 "when do we apply?": the plans set no application dates
        "application_time",
        re.compile(
            r"(?:什麼時候|何時|幾月)(?:開始)?(?:可以|要)?(?:提出)?申請|申請(?:時間|日期|期間|截止|期限)|"
            r"\bdeadline (?:to|for) (?:apply|applying|applications?|sign up)\b|\bapplication deadline\b|"
            r"\bwhen (?:do|can|should|will|must) (?:we|schools?|i|they) apply\b|\bwhen (?:does|do|will) (?:the )?applications? open\b"
        ),
        re.compile(
            r"申請(?:期間|時間|日期|截止)|application (?:period|window|deadline|dates?)|未訂.{0,6}申請|no application date"
        ),
    ),
    Detail(
        "download",  # where a document is found: 「手冊要去哪裡下載」
        re.compile(
            r"哪(?:裡|邊)?(?:可以)?下載|下載(?:點|網址|連結)|where (?:can|do|could) (?:we|i) (?:download|get|find)|\bdownload\b"
        ),
        re.compile(r"https?://|www\.|網站|網址|平臺|平台|website|platform|portal"),
    ),
    Detail(
        # 「搭高鐵可以報商務車廂嗎」 "business class on the HSR?": the class of a ticket, which the
        # national travel rules decide and the plans never state
        "travel_class",
        re.compile(r"商務(?:車廂|艙|座)|頭等艙|經濟艙|標準車廂|自由座|對號座|business class|first class|economy class"),
        re.compile(r"商務|頭等|經濟艙|business class|first class|economy"),
    ),
    Detail(
        # 「比賽項目有哪些」 "what events are in the contest?": the contest's events, never listed
        "events",
        re.compile(
            r"(?:比賽|競賽)(?:的)?(?:項目|內容|類別|類型|組別)|比(?:哪些|什麼)項目|"
            r"\b(?:what|which) (?:events|categories)\b|\bcontest (?:events|categories)\b"
        ),
        re.compile(
            r"朗讀|演說|說故事|拼字|作文|歌唱|讀者劇場|speech|spelling|storytelling|recitation|readers?'? theat"
        ),
    ),
    Detail(
        # 「學分費是學校出還是老師自己出」「人才庫的專家 諮詢費也是學校自己付嗎」: who pays, which the plans
        # say only as what the grant may be budgeted for
        "payer",
        re.compile(
            r"(?:誰|哪裡|哪邊|哪個單位)(?:要)?(?:出|付|負擔)(?:錢|費用)?|(?:自己|自行)(?:出|付|負擔)|"
            r"(?:學校|我們|老師|教師|國教署|教育部|市府|縣府|教育局)(?:要)?(?:出|付)(?:錢|的)?還是|"
            r"\bdo (?:we|schools?|teachers?) (?:have to )?pay (?:for )?(?:it|this|that)? ?(?:ourselves|themselves)\b"
        ),
        re.compile(
            r"自行負擔|自付|自費|由.{0,8}(?:支付|負擔)|paid by|borne by|at (?:their|its|the school's) own (?:cost|expense)"
        ),
    ),
    Detail(
        # 「我们学校想排到外师巡回 要找谁报名」 "who do we contact?": a contact the plans never name
        "contact",
        re.compile(
            r"(?:找誰|問誰|向誰|跟誰)(?:報名|登記|接洽|排)|聯絡誰|聯絡窗口|承辦窗口|"
            r"\bwho (?:do|should|can) (?:we|i) (?:contact|ask|talk to|call|email)\b|\bcontact person\b"
        ),
        re.compile(
            r"聯絡|窗口|承辦人|contact|向.{0,8}(?:申請|報名|提出)|報.{0,6}(?:國教署|縣市|主管機關)|submit(?:ted)? to"
        ),
    ),
    Detail(
        # 「開自己的車去 油錢怎麼算」 "how do we claim fuel for my own car?": the national travel rules
        # decide it; the plans name them and say no more
        "own_car",
        re.compile(
            r"(?:油錢|油資|加油|汽油|油費).{0,6}(?:怎麼|如何|多少|可以|能不能|能否|報)|"
            r"(?:開|騎)(?:自己的|自用)?(?:車|汽車|機車)(?:去|來)?.{0,8}(?:怎麼|如何|多少|可以|能不能|能否|報)|"
            r"\b(?:fuel|gas|petrol)\b.{0,20}\b(?:claim|reimburs|how much|rate|cover)|"
            r"\b(?:drive|drives|driving) (?:my|his|her|our|their) own car\b"
        ),
        re.compile(r"油|自用|開車|fuel|petrol|own car|\bgas\b"),
    ),
    Detail(
        # "is there a per-km rate?" 「每公里多少」: travel is reimbursed by the national rules, no distance rate
        "per_distance",
        re.compile(r"每公里|一公里|per[- ]?(?:km|kilomet(?:re|er)|mile)\b|mileage"),
        re.compile(r"公里|\bkm\b|kilomet|\bmile"),
    ),
    Detail(
        # "how long does the kid stay in Texas?": how long a thing lasts, which the plan's own school
        # years (its period) do not answer
        "duration_of_a_thing",
        re.compile(
            r"\bhow long (?:does|do|will|is|are|should|must|can) "
            r"(?!(?:the |a |an |our |that |this |each |every )?(?:plan|it|programme|program|phase|project)\b)[a-z]+|"
            r"(?:交換|停留|待|住|營隊|影片|短片|課程|研習|學分班)(?:要|會|可以)?(?:多久|多長|幾天|幾週)"
        ),
        # (a span, not a date's day: 「8 月 1 日」)
        re.compile(
            r"分鐘|minute|(?<![\d月])(?<!月 )\d+\s*(?:天|日|週|周|個月|小時|weeks?|days?|hours?|months?)\b|沒有寫.{0,6}(?:多久|時間)"
        ),
    ),
    Detail(
        "person",
        re.compile(
            r"是誰$|是誰\s|誰是|哪位|哪[一1]位|召集人(?=\s*(?:是|為|呢|$))|姓名|名字|名單|\bwho is the\b|\bname of\b|list of (?:names|experts)"
        ),
        re.compile(r"(?!)"),
    ),
)


# "how many second foreign languages must…": the counted thing is the last word before the verb
_HOW_MANY = re.compile(
    r"\bhow many ((?:[a-z-]{2,} ){0,3}?[a-z]{3,})(?= (?:must|can|could|do|does|did|are|is|were|was|should|will|would|"
    r"have|has|per|each|a|an|in|for|of|at|to|on)\b|\?|$)"
)
# 「要去幾個禮拜」「答對幾題」: a count of something, given only as a number with that unit
_HOW_MANY_ZH = re.compile(
    r"(?:幾|多少)(?:個)?(題|週|禮拜|星期|分鐘|次|頁|梯|隊|種|天|小時|位|名|學生|人|年級|節|班)|(多久|多長)"
)
_WEEKS = "週|周|禮拜|星期"
_DURATION = "天|日|週|周|禮拜|星期|個月|月|年|小時|分鐘"
_SAME_UNIT = {
    "題": "題",
    "週": _WEEKS,
    "禮拜": _WEEKS,
    "星期": _WEEKS,
    "分鐘": "分鐘",
    "次": "次",
    "頁": "頁",
    "梯": "梯",
    "隊": "隊",
    "種": "種",
    "天": "天|日",
    "小時": "小時",
    "位": "位|名|人",  # 「人才庫裡有多少位專家」: people, counted
    "名": "位|名|人",
    "學生": "位|名|人",  # 「一校要培訓幾個學生」: students, counted (9 校參與 counts schools)
    "人": "位|名|人",
    "班": "班",  # 「學分班一年開幾個班」: classes, counted (a ratio of schools is none)
    "年級": "年級",  # 「導覽大使要找幾年級的學生」: a grade given as one
    "節": "節",  # 「社團一週要上幾節」: periods, counted (減課 4 節, 每節 2,000 元 is no count of periods)
    "多久": _DURATION,
    "多長": _DURATION,
}
# English "how long", "how often", "how many times a …": a duration or a frequency in the answer
_HOW_LONG = re.compile(
    r"\bhow long\b|\bhow often\b|how many times (?:a|per|each) |how many (?:days|weeks|months|hours|minutes)\b"
)
_DURATION_EN = re.compile(
    r"\d+\s*(?:days?|weeks?|months?|years?|hours?|minutes?|times?|school years?|學年度)\b|once|twice|"
    r"per (?:week|year|semester)|\d+\s*(?:至|to|–|-)\s*\d+"
)
# Counted things an answer gives as a number without naming them again (points: the score detail).
_PLAIN_COUNTS = {
    "time",
    "year",
    "month",
    "week",
    "day",
    "hour",
    "period",
    "people",
    "person",
    "session",
    "point",
    "class",
}


# Verbs "how many" may run straight into ("how many need…", "how many join…"): no counted noun
_VERBS = {"need", "must", "have", "get", "join", "should", "will", "take", "qualify", "apply", "receive"}
# "how many added in 110?" "how many were hired by 111?": a growth asked, no noun counted
_VERBS |= {"added", "were", "new", "extra", "hired", "joined", "opened", "recruited", "increased"}


# "so how many more is that?": the difference of what was just said, no noun counted
_DIFFERENCE_OF_THE_LAST = re.compile(r"\bhow many (?:more|less|fewer)\s*(?:is|was|would|then|that|\?|$)")
_NUMBER_WORDS = r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"  # "three goals"


# words a question counts by that the answers write otherwise
_SAME_NOUN = {"kid": "student", "children": "student", "child": "student", "pupil": "student", "sitting": "time"}


def _counts(noun: str, text: str) -> bool:
    """Whether `text` gives a number of `noun` (「15 schools」, "3 bilingual schools")."""
    return re.search(rf"(?:\d[\d,]*|{_NUMBER_WORDS})\s+(?:[a-z-]+\s+){{0,3}}{re.escape(noun[:5])}", text) is not None


def gives_detail(question: str, answers: tuple[str, ...]) -> bool:
    """Whether `question` asks a kind of detail (which university, where, a date …) that one of
    `answers` gives (「是跟哪間大學合作」 of the summer camp held with 海大)."""
    asked = any(detail.asked.search(question) for detail in DETAILS)
    return asked and missing_detail(question, answers) is None


def missing_detail(question: str, answers: tuple[str, ...]) -> str | None:
    """The kind of detail `question` asks that none of `answers` gives, or None."""
    text = " ".join(answers).lower()
    for detail in DETAILS:
        if detail.asked.search(question) and not detail.given.search(text):
            return detail.kind
    counted = _HOW_MANY.search(question)
    unit = _HOW_MANY_ZH.search(question)
    if unit and not re.search(
        rf"[\d一二兩三四五六七八九十]\s*(?:個)?\s*(?:{_SAME_UNIT[unit.group(1) or unit.group(2)]})(?!級)", text
    ):
        return "count"
    if _HOW_LONG.search(question) and not _DURATION_EN.search(text):
        return "count"
    nouns = [word.rstrip("s") for word in counted.group(1).split() if len(word) >= 4] if counted else []
    nouns = [noun for noun in nouns if noun not in _VERBS]  # "how many need an English club": of whom, unsaid
    if _DIFFERENCE_OF_THE_LAST.search(question):
        nouns = [noun for noun in nouns if noun not in ("more", "less", "fewer")]
    nouns = [_SAME_NOUN.get(noun, noun) for noun in nouns]  # "how many kids": students, counted as such
    # "how many seats": the answer must count seats (a number before the word), not just name them
    if nouns and not _PLAIN_COUNTS & set(nouns) and not any(_counts(noun, text) for noun in nouns):
        return "count"
    return None


_NOT_ADDED = re.compile(r"%|累計|累積|cumulative", re.IGNORECASE)
# a count in a table row: 「計 45 人次」「4 校」 (not 「109 學年度」, not a share)
ROW_COUNT = re.compile(r"(\d+)\s*(人次|班次|校|所|隊|案|名|場|位|本|篇|字)(?![\d%])")
UNIT_EN = {
    "人次": "participants",
    "班次": "classes",
    "校": "schools",
    "所": "schools",
    "隊": "teams",
    "案": "projects",
    "名": "people",
    "場": "sessions",
    "位": "people",
    "本": "books",
    "篇": "articles",
    "字": "words",
    "次": "times",
}


def row_total(rows: list[str], lang: str) -> str | None:
    """The rows' counts added up, when each row states one count of the same unit (「國中 45 人次、
    國小 85 人次」 → 「合計 45 ＋ 85 = 130 人次」); None when they do not (shares and running totals
    are never added)."""
    counts = [ROW_COUNT.findall(row) for row in rows]
    # (a row that states no count, 「高中：雙語實驗班」, is left out of the sum and said so below)
    uncounted = sum(1 for found in counts if not found)
    counts = [found for found in counts if found]
    if len(counts) < 2 or any(len(found) != 1 for found in counts):
        return None
    units = {found[0][1] for found in counts}
    if len(units) != 1 or any(_NOT_ADDED.search(row) for row in rows):
        return None  # shares, and running totals (「累計至少 4 案」: the last year's is the total)
    values = [int(found[0][0]) for found in counts]
    unit = units.pop()
    total = sum(values)
    if lang == "zh":
        note = f"（另有 {uncounted} 列未寫數量，未計入）" if uncounted else ""
        return f"合計：{' ＋ '.join(map(str, values))} = {total} {unit}{note}"
    note = f" ({uncounted} row{'s' if uncounted > 1 else ''} with no count left out)" if uncounted else ""
    return f"In total: {' + '.join(map(str, values))} = {total} {UNIT_EN[unit]}{note}"
