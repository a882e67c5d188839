"""The conversation every channel shares: commands, questions, buttons, files.

Telegram, LINE and the terminal chat only translate platform messages into calls on
`Dialog` and its `Reply` objects back into platform messages, so a command behaves the
same everywhere and is tested once. Replies are plain text; adapters escape or format.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Protocol

from knowledge import budget
from knowledge.calc_chat import CalcReply, cap_command, try_calculation
from knowledge.calculators import SchoolFacts
from knowledge.engine import Answer, Engine
from knowledge.textnorm import detect_lang
from reminders.store import StoreError

log = logging.getLogger(__name__)

# Telegram's callback_data is limited to 64 bytes; LINE postback data to 300.
BUTTON_DATA_LIMIT = 64
ASK_PREFIX = "ask:"
EXAMPLE_PREFIX = "ex:"
# Budget files larger than the checker reads are refused before download.
MAX_FILE_BYTES = budget.MAX_BYTES
BUDGET_FILE_SUFFIXES = (".csv", ".yaml", ".yml", ".txt")


@dataclass(frozen=True)
class ChatRef:
    channel: str  # "telegram", "line" or "cli"
    chat_id: str


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # handed back to Dialog.handle_button when tapped


@dataclass
class Reply:
    text: str
    buttons: list[Button] = field(default_factory=list)
    lang: str = "zh"


class LanguageMemory(Protocol):
    """Where a chat's /lang choice is kept across restarts (reminders.store.SubscriptionStore)."""

    def chat_language(self, channel: str, chat_id: str) -> str | None: ...
    def set_chat_language(self, channel: str, chat_id: str, lang: str | None) -> None: ...


class ReminderService(Protocol):
    """What the dialog needs from reminders (implemented by reminders.commands.ReminderCommands)."""

    def deadlines(self, lang: str) -> str: ...
    def subscribe(self, channel: str, chat_id: str, args: str, lang: str) -> str: ...
    def unsubscribe(self, channel: str, chat_id: str, lang: str) -> str: ...
    def status(self, channel: str, chat_id: str, lang: str) -> str: ...
    def forget_chat(self, channel: str, chat_id: str) -> None: ...


_TEXT: dict[str, dict[str, Any]] = {
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
        "zh": "直接輸入問題即可，例如「部領可以用在哪些領域？」。指令：\n"
        "/cap 模式二 8班 2領域 分校 — 計算補助上限\n"
        "/deadlines — 近期期限與剩餘天數\n"
        "/subscribe — 訂閱期限提醒（/unsubscribe 取消，/reminders 查看）\n"
        "/sources — 我收錄的計畫與章節\n"
        "/lang en — 切換成英文（/lang zh 切回中文）\n"
        "也可以直接傳經費表（CSV 或 YAML 檔）給我檢查。",
        "en": 'Just type a question, e.g. "Which domains can bilingual teaching use?". Commands:\n'
        "/cap mode 2 8 classes 2 domains branch — funding ceiling\n"
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
    "lang_set": {"zh": "好的，之後用中文回答。", "en": "OK, I will answer in English from now on."},
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
    "file_too_big": {
        "zh": "檔案太大了（上限 {mb} MB）。請傳經費表的 CSV 或 YAML 檔。",
        "en": "That file is too large ({mb} MB at most). Please send the budget as a CSV or YAML file.",
    },
}


def _t(key: str, lang: str) -> str:
    text = _TEXT[key]["en" if lang == "en" else "zh"]
    assert isinstance(text, str)
    return text


def parse_command(text: str) -> tuple[str, str] | None:
    """'/cap@policybot 模式二 8班' -> ('cap', '模式二 8班'); None when not a command.

    Phones in full-width input mode send ／ｈｅｌｐ and ideographic spaces: the command word is
    read after NFKC and split on any white space.
    """
    stripped = text.strip()
    if not stripped or unicodedata.normalize("NFKC", stripped[0]) != "/":
        return None
    head, *rest = stripped[1:].split(maxsplit=1) or [""]
    args = rest[0] if rest else ""
    name = unicodedata.normalize("NFKC", head).split("@", 1)[0].lower()
    if not name or not all(ch.isalnum() or ch == "_" for ch in name):
        return None
    return name, args.strip()


class Dialog:
    """Turns one incoming message into one reply, the same way on every channel."""

    def __init__(
        self, engine: Engine, reminders: ReminderService | None = None, languages: LanguageMemory | None = None
    ) -> None:
        self.engine = engine
        self.reminders = reminders
        self._languages = languages
        self._lang: dict[ChatRef, str | None] = {}  # cache of the chats' /lang choices
        # School facts gathered so far while the calculator asks back ("請問貴校有幾班？"), with
        # the language it asked in (a bare "20" has none of its own).
        self._pending: dict[ChatRef, tuple[SchoolFacts, str]] = {}

    # -- entry points used by the channel adapters ------------------------------------

    def language(self, chat: ChatRef, hint: str | None = None) -> str:
        """The chat's chosen language, else the client's hint, else Chinese."""
        return self._chosen(chat) or ("en" if (hint or "").lower().startswith("en") else "zh")

    def _chosen(self, chat: ChatRef) -> str | None:
        if chat not in self._lang:
            self._lang[chat] = self._remembered(chat)
        return self._lang[chat]

    def _remembered(self, chat: ChatRef) -> str | None:
        if self._languages is None:
            return None
        try:
            return self._languages.chat_language(chat.channel, chat.chat_id)
        except StoreError as exc:  # the choice is a convenience: answer anyway
            log.warning("cannot read the language of %s:%s: %s", chat.channel, chat.chat_id, exc)
            return None

    def _remember(self, chat: ChatRef, lang: str | None) -> None:
        self._lang[chat] = lang
        if self._languages is None:
            return
        try:
            self._languages.set_chat_language(chat.channel, chat.chat_id, lang)
        except StoreError as exc:
            log.warning("cannot store the language of %s:%s: %s", chat.channel, chat.chat_id, exc)

    def reply_language(
        self, chat: ChatRef, words: str, hint: str | None = None, fallback: str | None = None, question: bool = True
    ) -> str:
        """The language to answer `words` in.

        A question is answered in its own language first, then the chat's /lang choice; command
        arguments (`/cap 模式二 8班`) are tokens rather than prose, so there the choice comes first.
        `fallback` is the language a pending question was asked in (a bare "20" has none).
        """
        chosen, typed = self._chosen(chat), detect_lang(words)
        first = (typed, chosen) if question else (chosen, typed)
        return first[0] or first[1] or fallback or self.language(chat, hint)

    def handle_text(self, chat: ChatRef, text: str, lang_hint: str | None = None) -> Reply:
        command = parse_command(text or "")
        if command is not None:
            return self.handle_command(chat, *command, lang_hint=lang_hint)
        facts, asked_in = self._pending.get(chat, (None, None))
        lang = self.reply_language(chat, text or "", lang_hint, asked_in)
        calculation = try_calculation(text or "", lang, facts)
        if calculation is not None:
            return self._calc_reply(chat, calculation, lang)
        self._pending.pop(chat, None)
        return self._reply_for(self.engine.answer(text or "", lang=lang))

    def handle_button(self, chat: ChatRef, data: str, lang_hint: str | None = None) -> Reply:
        lang = self.language(chat, lang_hint)
        if data.startswith(ASK_PREFIX):
            return self._reply_for(self.engine.answer_entry(data[len(ASK_PREFIX) :], lang))
        if data.startswith(EXAMPLE_PREFIX):
            examples = _TEXT["examples"][lang]
            index = data[len(EXAMPLE_PREFIX) :]
            if index.isascii() and index.isdigit() and int(index) < len(examples):
                return self.handle_text(chat, examples[int(index)], lang_hint)
        if parse_command(data) is not None:  # calculator steps send their command back
            return self.handle_text(chat, data, lang_hint)
        # Data the bot never made (a stale or forged button): not the user's words, so no
        # guessing at its language; offer the examples again.
        welcome = self.welcome(chat, lang_hint)
        return Reply(f"{_t('stale_button', lang)}\n\n{welcome.text}", welcome.buttons, lang)

    def refuse_file(self, chat: ChatRef, filename: str, size: int | None, lang_hint: str | None = None) -> Reply | None:
        """The reply refusing a document before it is downloaded, or None when it may be fetched."""
        lang = self.language(chat, lang_hint)
        if not filename.lower().endswith(BUDGET_FILE_SUFFIXES):
            return Reply(_t("file_type", lang), lang=lang)
        if size is not None and size > MAX_FILE_BYTES:
            return Reply(_t("file_too_big", lang).format(mb=budget.MAX_MB), lang=lang)
        return None

    def apology(self, chat: ChatRef, lang_hint: str | None = None) -> Reply:
        """What the user sees when handling their message failed unexpectedly."""
        lang = self.language(chat, lang_hint)
        return Reply(_t("apology", lang), lang=lang)

    def handle_file(self, chat: ChatRef, filename: str, content: bytes, lang_hint: str | None = None) -> Reply:
        """A document sent to the bot: run it through the budget checker."""
        refusal = self.refuse_file(chat, filename, len(content), lang_hint)
        if refusal is not None:
            return refusal
        lang = self.language(chat, lang_hint)
        try:
            report = budget.check_budget(content, filename)
        except budget.BudgetFileError as exc:
            return Reply(exc.message(lang), lang=lang)
        return Reply(budget.format_report(report, lang), lang=lang)

    def welcome(self, chat: ChatRef, lang_hint: str | None = None) -> Reply:
        lang = self.language(chat, lang_hint)
        examples = _TEXT["examples"][lang]
        return Reply(_t("welcome", lang), [Button(e, f"{EXAMPLE_PREFIX}{i}") for i, e in enumerate(examples)], lang)

    def unsupported(self, chat: ChatRef, lang_hint: str | None = None) -> Reply:
        lang = self.language(chat, lang_hint)
        return Reply(_t("unsupported", lang), lang=lang)

    def chat_gone(self, chat: ChatRef) -> None:
        """The user blocked the bot or left: stop their reminders."""
        self._remember(chat, None)
        if self.reminders is not None:
            self.reminders.forget_chat(chat.channel, chat.chat_id)

    def handle_command(self, chat: ChatRef, name: str, args: str, lang_hint: str | None = None) -> Reply:
        lang = self.language(chat, lang_hint)
        if name in ("start",):
            return self.welcome(chat, lang_hint)
        if name == "help":
            return Reply(_t("help", lang), lang=lang)
        if name == "sources":
            return Reply(self.sources_text(lang), lang=lang)
        if name == "lang":
            return self._set_language(chat, args, lang)
        if name in ("deadlines", "subscribe", "unsubscribe", "reminders"):
            return self._reminder_command(chat, name, args, lang)
        if name == "ask":
            return self._reply_for(self.engine.answer(args, lang=lang))
        if name == "cap":
            facts, asked_in = self._pending.get(chat, (None, None))
            lang = self.reply_language(chat, args, lang_hint, asked_in, question=False)
            return self._calc_reply(chat, cap_command(args, lang, facts), lang)
        return Reply(_t("unknown_command", lang).format(name="/" + name[:30]), lang=lang)

    @staticmethod
    def command_menu(lang: str) -> list[tuple[str, str]]:
        """(command, description) pairs for a phone's command menu."""
        zh = [
            ("start", "開始與範例問題"),
            ("help", "使用說明"),
            ("cap", "計算補助上限"),
            ("deadlines", "近期期限"),
            ("subscribe", "訂閱期限提醒"),
            ("unsubscribe", "取消提醒"),
            ("reminders", "我的提醒"),
            ("sources", "收錄的計畫與章節"),
            ("lang", "切換語言 zh/en"),
        ]
        en = [
            ("start", "Start and example questions"),
            ("help", "How to use"),
            ("cap", "Funding ceiling"),
            ("deadlines", "Upcoming deadlines"),
            ("subscribe", "Deadline reminders"),
            ("unsubscribe", "Stop reminders"),
            ("reminders", "My reminders"),
            ("sources", "Plans and sections I know"),
            ("lang", "Switch language zh/en"),
        ]
        return en if lang == "en" else zh

    # -- helpers ----------------------------------------------------------------------

    def sources_text(self, lang: str) -> str:
        """The plans and, per plan, the required sections it covers (their names in the plan's own words)."""
        lines = []
        for document in self.engine.kb.documents.values():
            lines.append(f"📘 {document.title.get(lang)}")
            topics = {
                self.engine.kb.topics[e.topic].get(lang)
                for e in self.engine.kb.entries.values()
                if e.document is document
            }
            lines.append(
                ("   主題：" if lang == "zh" else "   Topics: ") + ("、" if lang == "zh" else "; ").join(sorted(topics))
            )
            if lang == "zh":
                lines.append("   章節：" + "、".join(document.coverage))
        return "\n".join(lines)

    def _set_language(self, chat: ChatRef, args: str, lang: str) -> Reply:
        choice = args.strip().lower()[:2]
        if choice not in ("zh", "en"):
            return Reply(_t("lang_usage", lang), [Button("中文", "/lang zh"), Button("English", "/lang en")], lang)
        self._remember(chat, choice)
        return Reply(_t("lang_set", choice), lang=choice)

    def _reminder_command(self, chat: ChatRef, name: str, args: str, lang: str) -> Reply:
        if self.reminders is None:
            return Reply(_t("not_available", lang), lang=lang)
        if name == "deadlines":
            text = self.reminders.deadlines(lang)
        elif name == "subscribe":
            text = self.reminders.subscribe(chat.channel, chat.chat_id, args, lang)
        elif name == "unsubscribe":
            text = self.reminders.unsubscribe(chat.channel, chat.chat_id, lang)
        else:
            text = self.reminders.status(chat.channel, chat.chat_id, lang)
        return Reply(text, lang=lang)

    def _calc_reply(self, chat: ChatRef, calculation: CalcReply, lang: str) -> Reply:
        """A calculator result, or its question back with the facts kept for the next message."""
        if calculation.pending is not None:
            self._pending[chat] = (calculation.pending, lang)
        else:
            self._pending.pop(chat, None)
        buttons = [Button(label, data) for label, data in calculation.options]
        return _reply(calculation.text, calculation.sources, buttons, lang)

    def _reply_for(self, answer: Answer) -> Reply:
        buttons = [] if answer.confident else [Button(s.title, f"{ASK_PREFIX}{s.intent}") for s in answer.suggestions]
        return _reply(answer.text, answer.sources, buttons, answer.lang)


def _reply(text: str, sources: list[str], buttons: list[Button], lang: str) -> Reply:
    """A reply with its sources under the text; buttons whose data Telegram could not carry are dropped."""
    if sources:
        colon, separator = ("：", "；") if lang == "zh" else (": ", "; ")
        text += f"\n\n📖 {_t('sources_label', lang)}{colon}" + separator.join(sources)
    usable = [b for b in buttons if len(b.data.encode()) <= BUTTON_DATA_LIMIT]
    return Reply(text, usable, lang)
