import pytest

from knowledge.slots import Slots, extract, satisfies
from knowledge.textnorm import (
    MAX_QUESTION_CHARS,
    Normalizer,
    any_whole_word,
    chinese_numerals_to_digits,
    clean,
    detect_lang,
    to_simplified,
    to_traditional,
    writes_simplified,
)

normalize = Normalizer({"部分領域課程雙語教學": "部領", "鐘點": "鐘點費", "多益": "英檢"})


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("我們２０班做模式一最多補助多少？", "我們20班做模式1最多補助多少"),
        ("模式二做两个领域、八班", "模式2做2個領域 8班"),
        ("一一〇學年度國中", "110學年度國中"),
        ("二十五萬元", "25萬元"),
        ("一百二十萬", "120萬"),
        ("廿八班", "28班"),  # 廿 is twenty, 卅 thirty
        ("卅五班", "35班"),
        ("每人每節 1,000 元", "每人每節 1000 元"),
        ("部分領域課程雙語教學可以用在哪", "部領可以用在哪"),
        ("講座鐘點費", "講座鐘點費"),  # a variant that is a prefix of its canonical word
        ("外聘鐘點怎麼算", "外聘鐘點費怎麼算"),
        ("Can I claim my TOEIC fee?", "can i claim my toeic fee"),
        ("ＴＯＥＩＣ　多益", "toeic 英檢"),
        # a loudspeaker priced, named or put under capital is a device (音響), not a lecturer
        ("a 9,000 speaker under capital?", "a 9000 音響 under capital"),
        ("can we buy a bluetooth speaker?", "can we buy a 音響"),
        ("a speaker for 8000, can that go under equipment?", "a 音響 for 8000 can that go under equipment"),
        ("we invite 2 speakers for 3 periods", "we invite 2 speakers for 3 periods"),
        # a ten and a unit written out are one number
        ("sorry typo, thirty-eight classes", "sorry typo 38 classes"),
        ("twenty one classes and ninety kids", "21 classes and 90 kids"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("三千五", "3500"),  # a digit after 千 or 百 is one place lower, as said aloud
        ("兩百五", "250"),
        ("兩千三百五", "2350"),
        ("一千零五", "1005"),
        ("三萬五", "3萬5"),  # read as 35,000 by the amounts
        ("一萬二千", "1萬2000"),
        ("萬一超過", "萬一超過"),  # "in case": no number
        ("專家入校陪伴兩整天", "專家入校陪伴2整天"),  # two whole days: a count of days
        ("連分校那5萬一起算", "連分校那5萬一起算"),  # 一起 is "together", no digit after 萬
    ],
)
def test_amounts_said_aloud(said: str, digits: str) -> None:
    assert chinese_numerals_to_digits(said) == digits


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("一兩個老師", "1到2個老師"),  # one or two, not 12
        ("兩三個單元", "2到3個單元"),  # the plan's 2 至 3 個單元, not 23
        ("三四位專家", "3到4位專家"),
        ("一一五學年度", "115學年度"),  # an ROC year read digit by digit
        ("二十三班", "23班"),
    ],
)
def test_about_how_many_is_a_range(said: str, digits: str) -> None:
    assert chinese_numerals_to_digits(said) == digits


@pytest.mark.parametrize("word", ["一般", "統一", "一起", "之一", "一些"])
def test_lone_numerals_in_words_stay(word: str) -> None:
    assert chinese_numerals_to_digits(word) == word


def test_clean_drops_control_characters_and_caps_length() -> None:
    assert clean("a\x00b\x07c\u200bd") == "a b c d"
    assert len(clean("問" * 100_000)) == MAX_QUESTION_CHARS


def test_a_long_message_keeps_its_start_and_its_question_at_the_end() -> None:
    """Background told first and the question last ("… By what date?"): the middle is what is cut."""
    long = (
        "Hello, I'm the new teacher. "
        + "Some background about our school. " * 20
        + "By what date is the close-out due?"
    )
    kept = clean(long)
    assert len(kept) == MAX_QUESTION_CHARS
    assert kept.startswith("Hello, I'm the new teacher.") and kept.endswith("By what date is the close-out due?")


@pytest.mark.parametrize(
    "text, lang",
    [
        ("結案要什麼時候交", "zh"),
        ("Can I claim my TOEIC fee?", "en"),
        ("模式1 mode", "zh"),
        ("12345", None),
        ("", None),
        ("What is 部領?", "en"),
    ],
)
def test_detect_lang(text: str, lang: str | None) -> None:
    assert detect_lang(text) == lang


@pytest.mark.parametrize(
    "question, slots",
    [
        ("我們 20 班做模式一最多補助多少", Slots(mode=1, classes=20)),
        ("模式二做兩個領域、八班", Slots(mode=2, domains=2, classes=8)),
        ("110學年度國中英語文章每學期幾篇", Slots(year=110, level="國中")),
        ("一一一學年度高中第二外語", Slots(year=111, level="高中")),
        ("我們１４班、有分校，模式一", Slots(mode=1, classes=14, branch=True)),
        ("mode 2 with one domain and 12 classes", Slots(mode=2, domains=1, classes=12)),
        ("junior high 2021-22", Slots(year=110, level="國中")),
        ("國中小英語學藝競賽", Slots()),  # both levels: no single level
        ("模式一 -5班", Slots(mode=1, classes=-5)),  # kept negative, for the calculator to refuse
        ("模式一 2.5班", Slots(mode=1)),  # a decimal is not a class count
        ("第一階段是114-116學年度嗎", Slots(year=116)),  # a range's dash is not a minus sign
        ("模式一和模式二差在哪", Slots()),  # two modes named: a comparison, no mode
        ("英語村遊學60班次", Slots()),  # 班次 is not a class count
        ("學分班要上多少小時", Slots()),
        # domains named by their subjects after "only"
        ("模式二 只做體育 7班", Slots(mode=2, domains=1, classes=7)),
        ("只做藝術跟健體呢", Slots(domains=2)),
        ("hmm what if we just do PE", Slots(domains=1)),
        ("been doing bilingual arts and PE, 9 classes", Slots(domains=2, classes=9)),
        ("we've done bilingual PE + arts for years, all 15 classes", Slots(domains=2, classes=15)),
        ("只做體育藝術", Slots(domains=2)),  # subjects side by side
        ("mode 2, bilingual PE + arts, 11 classes", Slots(mode=2, domains=2, classes=11)),  # "bilingual" names them
        ("我們雙語健體 12班", Slots(domains=1, classes=12)),
        ("雙語教學要用多少英語", Slots()),  # no subject named
        ("what if we add a second subject?", Slots(domains=2)),
        ("we do bilingual teaching in music and pe", Slots(domains=2)),
        ("那再加一個科目呢", Slots(domains=2)),
        ("數學老師可以參加研習嗎", Slots()),  # a subject named, not the domains taught
        # two subjects named together, whatever the verb: two domains (one alone is not read)
        ("好 最後決定綜合跟科技兩個都做 全校14班 部領最多可以拿多少", Slots(mode=2, domains=2, classes=14)),
        ("模式二 w 部領 in art + PE, we hav 8 classes", Slots(mode=2, domains=2, classes=8)),
        ("不是啦 課發會後來通過的是健體加藝術 兩個", Slots(domains=2)),  # 「健體加藝術」: two subjects joined by 加
        ("體育老師可以參加研習嗎", Slots()),
        # a count of classes changed is not the school's
        ("one class got merged this year", Slots()),
        ("今年有一個班被併掉", Slots()),
        # a day written in full is not a school year (「2027/3/31」 read as 116 said the plans had no 116)
        ("如果是西元2027/3/31結束勒", Slots()),
        ("執行到116/7/31 核結何時", Slots()),
        ("116年7月31日結束 那115學年度呢", Slots(year=115)),
        # a branch's classes said with a verb are the branch's; "a branch campus, 10 classes" the school's
        ("branch has 3 classes so thats 14 total", Slots(branch=True)),
        ("we have a branch campus, 10 classes, mode 1", Slots(mode=1, classes=10, branch=True)),
        # a count and the one it changes to: the new count
        ("回到雙語那個 11班變12班的話", Slots(classes=12)),
        ("那如果從11班增加到12班呢", Slots(classes=12)),
        # a mode described, not named: campus life only, lessons unchanged; some subjects taught in English
        ("只想做全校早上放英文歌那種 上課不改 這樣最多補多少", Slots(mode=1)),
        ("不要把英文放進上課的那種 學校最多可以拿多少", Slots(mode=1)),
        ("那如果我們改做有部分課用英文上的那種呢", Slots(mode=2)),
        ("我們學校體育跟藝術用英文上已經第四年了", Slots(mode=2, domains=2)),
        ("under the subjects-in-English option", Slots(mode=2)),
        ("模式二 生活化那塊的設備錢", Slots(mode=2)),  # campus life named inside mode 2: still mode 2
    ],
)
def test_extract_slots(question: str, slots: Slots) -> None:
    assert extract(normalize(question)) == slots


def test_satisfies_ranges_and_conflicts() -> None:
    when = {"mode": 1, "classes": (13, 35)}
    assert satisfies({"mode": 1, "classes": 13}, when) == (2, 0)
    assert satisfies({"mode": 1, "classes": 36}, when) == (1, 1)
    assert satisfies({"classes": 12}, {"classes": (None, 12)}) == (1, 0)
    assert satisfies({}, when) == (0, 0)


@pytest.mark.parametrize(
    ("words", "text", "found"),
    [
        (["camp"], "a summer camp", True),
        (["camp"], "two camps", True),
        (["camp"], "the campus budget", False),  # not inside another English word
        (["move"], "can it be moved", True),
        (["certif*"], "no teaching certificate", True),  # a stem, written so
        (["生活化"], "雙語生活化的錢", True),  # Chinese keeps matching inside the text
        ([], "anything", False),
    ],
)
def test_any_whole_word_keeps_english_words_whole(words: list[str], text: str, found: bool) -> None:
    assert (any_whole_word(words, str.lower).search(text) is not None) is found


def test_the_clock_character_is_the_clocks_not_the_surname() -> None:
    """OpenCC lists the surname 鍾 first for 钟: 「几分钟」「钟点费」 are 幾分鐘, 鐘點費 (a 幾分 left
    over read as a test score)."""
    assert to_traditional("要录几分钟 钟点费 几个钟头") == "要錄幾分鐘 鐘點費 幾個鐘頭"


def test_words_of_a_mile_keep_their_li_and_inside_becomes_li_of_inside() -> None:
    """Simplified 里 is 裡 in 「这里」 but stays 里 in 公里 (Traditional 「公里」 was turned into 公裡), and
    「合并」 is the plans' 合併."""
    assert to_traditional("交通費每公里多少 这里 经常门可以合并吗") == "交通費每公里多少 這裡 經常門可以合併嗎"


@pytest.mark.parametrize(
    "text, before, simplified",
    [
        ("我们学校12个班 模式一能拿多少", False, True),
        ("我們學校12個班 模式一能拿多少", True, False),
        ("台北的學校", False, False),  # 台 and 里 are Taiwan's own characters, not Simplified
        ("台北的学校", False, True),
        ("我是外师 can the school pay for my TOEIC?", False, True),
        ("模式二呢", True, True),  # the same in both scripts: the chat's script so far
        ("模式二呢", False, False),
        ("20", True, True),
        ("what about mode 2?", True, True),
    ],
)
def test_the_script_a_message_is_written_in(text: str, before: bool, simplified: bool) -> None:
    assert writes_simplified(text, before) is simplified


def test_replies_convert_to_simplified_character_by_character() -> None:
    assert to_simplified("講座鐘點費最多 2,000 元（附件3）") == "讲座钟点费最多 2,000 元（附件3）"
    assert to_simplified("兩份計畫都沒有規定這件事，請洽教育局（處）") == "两份计划都没有规定这件事，请洽教育局（处）"
    assert to_simplified("NT$250,000 at most") == "NT$250,000 at most"
    # and back: the matcher reads a Simplified reply quoted by the user as the Traditional one
    assert to_traditional(to_simplified("資本門最多 雙語生活化 30,000 元")) == "資本門最多 雙語生活化 30,000 元"
