"""Everything the dialog says that is not an answer from the plans, in both languages: one
catalog keyed by message id (aiogram's i18n catalog is the model)."""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, Any]] = {
    "welcome": {
        "zh": "您好！我是 policybot，回答兩份計畫的規定、金額與期限，並附上出處：\n"
        "・教育部國教署「115 學年度公立國民中小學雙語生活化校園計畫」\n"
        "・「基隆市國際教育三年計畫（109–111 學年度）」\n"
        "直接打字問我，或點下面的範例。輸入 /help 看所有指令。",
        "en": "Hello! I am policybot. I answer questions about the rules, amounts and deadlines of two plans, "
        "with where each is written:\n"
        "- the MOE K-12 Administration's 115 Bilingual Campus Plan\n"
        "- Keelung City's International Education Plan (109–111)\n"
        "Just type a question or tap an example below. /help lists the commands.",
    },
    "help": {
        "zh": "直接輸入問題即可，例如「部領可以用在哪些領域？」；接著問「那模式二呢？」也可以，我會記得前面說的。指令：\n"
        "/cap 模式二 8班 2領域 分校 — 計算補助上限\n"
        "/school 模式二 20班 2領域 — 記下貴校資料（/school 查看，/forget 清除）\n"
        "/deadlines — 近期期限與剩餘天數\n"
        "/subscribe — 訂閱期限提醒（/unsubscribe 取消，/reminders 查看）\n"
        "/sources — 我收錄的計畫與章節\n"
        "/lang en — 切換成英文（/lang zh 切回中文）\n"
        "也可以直接傳經費表（CSV 或 YAML 檔）給我檢查。",
        "en": 'Just type a question, e.g. "Which domains can bilingual teaching use?", then follow up with '
        '"and in mode 2?": I remember what this chat said. Commands:\n'
        "/cap mode 2 8 classes 2 domains branch — funding ceiling\n"
        "/school mode 2 20 classes 2 domains — remember your school's facts (/school to see, /forget to clear)\n"
        "/deadlines — upcoming deadlines and days left\n"
        "/subscribe — deadline reminders (/unsubscribe to stop, /reminders to see them)\n"
        "/sources — the plans and sections I know\n"
        "/lang zh — switch to Chinese (/lang en for English)\n"
        "You can also send me a budget file (CSV or YAML) to check.",
    },
    "examples": {
        "zh": ["我們 20 班做模式一最多補助多少？", "部領可以用在哪些領域？", "結案要什麼時候交？"],
        "en": [
            "How much can a 20-class school get in mode 1?",
            "Can I claim my TOEIC fee?",
            "When is the close-out report due?",
        ],
    },
    "unknown_command": {
        "zh": "我不認得這個指令：{name}。輸入 /help 看可用的指令。",
        "en": "I don't know the command {name}. Type /help to see the commands.",
    },
    "lang_set": {
        "zh": "好的，之後用中文回答（用英文問的問題仍用英文回答）。",
        "en": "OK, I will answer in English from now on (a question asked in Chinese still gets Chinese).",
    },
    "lang_usage": {"zh": "用法：/lang zh 或 /lang en", "en": "Usage: /lang zh or /lang en"},
    "unsupported": {
        "zh": "我只看得懂文字訊息和經費表檔案（CSV、YAML）。請用文字輸入您的問題，例如「結案要什麼時候交？」",
        "en": "I can only read text messages and budget files (CSV, YAML). Please type your question, "
        'e.g. "When is the close-out due?"',
    },
    "not_available": {
        "zh": "這項功能目前沒有啟用。",
        "en": "This feature is not enabled here.",
    },
    "sources_label": {"zh": "出處", "en": "Source"},
    "apology": {
        "zh": "抱歉，處理您的訊息時出了問題，我們已記錄下來。請稍後再試一次，或換個方式問。",
        "en": "Sorry, something went wrong while handling your message; it has been logged. "
        "Please try again in a moment, or ask in other words.",
    },
    "stale_button": {
        "zh": "這個按鈕已經失效了，請直接輸入問題或點下面的範例。",
        "en": "That button is no longer valid. Please type your question or tap an example below.",
    },
    "file_type": {
        "zh": "我只能檢查 CSV 或 YAML 格式的經費表（副檔名 .csv、.yaml、.yml）。",
        "en": "I can only check budgets as CSV or YAML files (.csv, .yaml, .yml).",
    },
    "empty": {
        "zh": "請輸入您想問的問題，例如：「我們 20 班做模式一最多補助多少？」或「結案要什麼時候交？」",
        "en": 'Please type a question, for example: "How much can a 20-class school get in mode 1?" or '
        '"When is the close-out due?"',
    },
    "unruled": {
        "zh": "這題的「是或否」我無法從計畫文字直接判斷；以下是最相關的規定，請對照您的情況，或向所屬教育局（處）確認：",
        "en": "I can't tell yes or no to this from the plan's wording; here is the closest rule. Please check it "
        "against your case, or ask your local education bureau:",
    },
    "unruled_figure": {
        "zh": "依計畫規定算出的結果如下；是否符合您的情況，我無法只從問題判斷，請對照規定：",
        "en": "By the plan's rule, the figure is as follows; whether your case fits, I can't tell from the question alone:",
    },
    "no_details": {
        "zh": "目前沒有可以展開的計算。請先問一個金額，例如「模式二 8班 2領域 最多多少？」",
        "en": 'There is no calculation to expand. Ask for an amount first, e.g. "mode 2, 8 classes, 2 domains?"',
    },
    "forgotten": {
        "zh": "好的，已清除這個聊天記得的學校資料與話題。",
        "en": "Done: this chat's school facts and topic are forgotten.",
    },
    "cap_usage": {
        "zh": "看不懂這些條件。用法：/cap 模式二 8班 2領域 分校",
        "en": "I could not read that. Usage: /cap mode 2 8 classes 2 domains branch",
    },
    "school_usage": {
        "zh": "用法：/school 模式二 20班 2領域 國小（有分校加「分校」；計畫執行到哪天加「執行到116/7/31」）；"
        "/school 查看；/forget 清除。",
        "en": "Usage: /school mode 2 20 classes 2 domains elementary (add 'branch' if any, and 'period ends "
        "2027/7/31' for the close-out date); /school to see; /forget to clear.",
    },
    "school_empty": {
        "zh": "我還不知道貴校的資料。告訴我，例如「/school 模式二 20班 2領域」，之後計算就會直接用。",
        "en": "I don't know your school's facts yet. Tell me, e.g. '/school mode 2 20 classes 2 domains', and "
        "calculations will use them.",
    },
    "school_facts": {
        "zh": "我記得貴校：{facts}。計算會直接用這些；要改請再輸入 /school …，/forget 清除。",
        "en": "I remember your school as: {facts}. Calculations use these; /school … changes them, /forget clears them.",
    },
    "budget_help": {
        "zh": "把經費表直接傳給我，我會逐項檢查單價與上限，並標出超過的項目。\n"
        "・格式：CSV 或 YAML 檔（.csv、.yaml、.yml），{mb} MB 以內\n"
        "・欄位：面向,類別,項目,單價,數量,金額（例：雙語生活化,經常門,住宿費,3500,2,7000）\n"
        "・先用 /school 告訴我貴校的模式與班級數，就會一併對照貴校的補助上限。",
        "en": "Send me the budget file itself and I will check each line's unit price and cap, and mark what is over.\n"
        "- Format: a CSV or YAML file (.csv, .yaml, .yml), up to {mb} MB\n"
        "- Columns: part,category,item,unit_price,quantity,amount (or 面向,類別,項目,單價,數量,金額)\n"
        "- Tell me your school first with /school and I also compare it with your school's ceiling.",
    },
    "file_too_big": {
        "zh": "檔案太大了（上限 {mb} MB）。請傳經費表的 CSV 或 YAML 檔。",
        "en": "That file is too large ({mb} MB at most). Please send the budget as a CSV or YAML file.",
    },
}


def t(key: str, lang: str) -> str:
    """The message `key` in `lang` ('en', else Chinese)."""
    text = TEXTS[key]["en" if lang == "en" else "zh"]
    assert isinstance(text, str)
    return text


def examples(lang: str) -> list[str]:
    found = TEXTS["examples"]["en" if lang == "en" else "zh"]
    assert isinstance(found, list)
    return [str(e) for e in found]
