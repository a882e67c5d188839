"""The Telegram channel: a python-telegram-bot Application around the shared `Dialog`.

This module translates. Telegram updates become calls on `Dialog` (text, commands, button taps,
documents, everything else), made in policybot's worker pool because they may touch the database,
and each `Reply` becomes one or more HTML messages (all of the text escaped, its figure in bold:
handlers/telegram_html.py) with its buttons as an inline keyboard. Inline queries are answered by
handlers/telegram_inline.py. Replies go through PTB's AIORateLimiter on the application's bot;
reminder pushes through their own bot and connection pool (`push_bot`) and the scheduler's rate
limiter. An update id already handled (kept in the database's event log, across restarts) is not
handled again. Updates of different chats are handled concurrently, a chat's in order. How the
application is served (polling or webhook) and stopped is in handlers/telegram_server.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

import httpx
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatMemberStatus, ChatType, MessageLimit, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from handlers.dialog import Button, ChatRef, Dialog, Reply, parse_command
from handlers.event_log import EventLog
from handlers.feedback import is_feedback
from handlers.settings import TelegramSettings
from handlers.telegram_html import chunks_html
from handlers.telegram_inline import InlineAnswers
from handlers.text_split import split_text
from handlers.webhook import Backoff
from reminders import offload
from reminders.push import PushChannel, PushOutcome
from reminders.ratelimit import RateLimiter

if TYPE_CHECKING:
    from reminders.scheduler import ReminderScheduler

log = logging.getLogger(__name__)

# The application with PTB's default context types (policybot keeps no per-chat data in PTB).
TelegramApp: TypeAlias = "Application[Any, Any, Any, Any, Any, Any]"

CHANNEL = "telegram"
SCHEDULER = "reminder_scheduler"  # key of the running ReminderScheduler in Application.bot_data
PUSH_BOT = "push_bot"  # key of the reminder pushes' own Bot in Application.bot_data
# A 429 from Telegram means the limiter's estimate was off: wait as told and try again.
RATE_LIMIT_RETRIES = 3
# Connections and timeouts (seconds). Replies: a big pool and a long pool wait (nothing is sent while
# waiting), a read timeout for Telegram. Pushes: their own pool, short timeouts so that a shutdown
# waits little for them. Updates of this many chats are handled at once.
REPLY_CONNECTIONS, REPLY_POOL_WAIT = 64, 30.0
PUSH_CONNECTIONS, PUSH_POOL_WAIT = 16, 10.0
CONNECT_TIMEOUT, REPLY_READ_TIMEOUT, PUSH_READ_TIMEOUT = 5.0, 10.0, 5.0
CONCURRENT_UPDATES = 256
DEFAULT_PUSH_RATE = TelegramSettings.push_rate
# Buttons whose labels are all this short share a row (mode / branch steps); longer ones get a row each.
SHORT_LABEL = 12

# Messages (not edits or channel posts) are what the bot answers.
_NEW_MESSAGES = filters.UpdateType.MESSAGE
_NOT_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
    | filters.GAME
    | filters.STORY
)


# -- translating Telegram objects -------------------------------------------------------------


def chat_ref(update: Update) -> ChatRef:
    return ChatRef(CHANNEL, str(update.effective_chat.id))


def language_hint(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user else None


def _mentions_bot(message: Message, entity: MessageEntity, bot_id: int, username: str) -> bool:
    if entity.type == MessageEntity.TEXT_MENTION:
        return entity.user is not None and entity.user.id == bot_id
    if entity.type != MessageEntity.MENTION:
        return False
    mention = message.parse_entity(entity) if message.text else message.parse_caption_entity(entity)
    return mention.lower() == f"@{username}".lower()


def _without(text: str, entities: Sequence[MessageEntity]) -> str:
    """`text` with the entities' spans removed (Telegram offsets count UTF-16 code units)."""
    encoded = text.encode("utf-16-le")
    for entity in sorted(entities, key=lambda e: e.offset, reverse=True):
        encoded = encoded[: 2 * entity.offset] + encoded[2 * (entity.offset + entity.length) :]
    return encoded.decode("utf-16-le")


def addressed_text(message: Message, bot_id: int, username: str) -> str | None:
    """The message's text (or caption) without the bot's mention, or None when it is not for the bot.

    In a private chat everything is for the bot. In a group only replies to the bot's own
    messages and messages that mention it (@username or a text mention) are.
    """
    text = message.text or message.caption or ""
    entities = message.entities if message.text else message.caption_entities
    mentions = [e for e in entities if _mentions_bot(message, e, bot_id, username)]
    replied = message.reply_to_message
    to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == bot_id
    if message.chat.type != ChatType.PRIVATE and not mentions and not to_bot:
        return None
    return _without(text, mentions).strip()


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """An inline keyboard for a reply's buttons (Button has checked Telegram's 64-byte limit); None
    when there are none. 👍/👎 share the last row."""
    usable = [InlineKeyboardButton(b.label, callback_data=b.data) for b in buttons if not is_feedback(b.data)]
    feedback = [InlineKeyboardButton(b.label, callback_data=b.data) for b in buttons if is_feedback(b.data)]
    if not usable and not feedback:
        return None
    per_row = 3 if all(len(b.text) <= SHORT_LABEL for b in usable) else 1
    rows = [usable[i : i + per_row] for i in range(0, len(usable), per_row)]
    return InlineKeyboardMarkup(rows + ([feedback] if feedback else []))


async def send_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Send `reply` to the update's chat: split at Telegram's limit, buttons under the last part.

    In groups the first part quotes the message it answers; in forum topics it stays in the topic.
    """
    chat = update.effective_chat
    message = update.effective_message
    thread = message.message_thread_id if isinstance(message, Message) and message.is_topic_message else None
    quote = None
    if update.message is not None and chat.type != ChatType.PRIVATE:
        quote = ReplyParameters(update.message.message_id, allow_sending_without_reply=True)
    chunks = chunks_html(reply, split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH))
    for index, chunk in enumerate(chunks):
        await context.bot.send_message(
            chat.id,
            chunk,
            parse_mode=ParseMode.HTML,
            message_thread_id=thread,
            reply_parameters=quote if index == 0 else None,
            reply_markup=keyboard(reply.buttons) if index == len(chunks) - 1 else None,
        )


async def _typing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "typing…" in the chat while a budget file is fetched and checked (Telegram shows it for 5
    seconds or until the reply); a courtesy, so a failure is only logged."""
    message = update.effective_message
    thread = message.message_thread_id if isinstance(message, Message) and message.is_topic_message else None
    try:
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING, message_thread_id=thread)
    except TelegramError as exc:
        log.info("typing indicator not shown: %s", exc)


# -- handlers ---------------------------------------------------------------------------------


class TelegramHandlers:
    """The update callbacks, bound to one Dialog.

    Dialog calls run in policybot's worker pool: reminder commands touch SQLite, which may wait for a
    lock, and the event loop must keep serving updates and pushing reminders meanwhile.
    """

    def __init__(self, dialog: Dialog, events: EventLog | None = None) -> None:
        self.dialog = dialog
        self.inline = InlineAnswers(dialog)
        self.events = events

    async def once(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """First of all handlers: an update id already taken on (Telegram redelivers an update it
        got no 200 for) is not handled again, even after a restart."""
        if self.events is not None and not await offload.run(self.events.claim, str(update.update_id)):
            log.info("telegram update %s already handled; duplicate ignored", update.update_id)
            raise ApplicationHandlerStop

    @staticmethod
    def _addressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
        return addressed_text(update.effective_message, context.bot.id, context.bot.username)

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any command, known or not; the arguments are the rest of the message."""
        head, *rest = update.effective_message.text.split(maxsplit=1)
        parsed = parse_command(head)
        if parsed is None:
            return
        args = rest[0].strip() if rest else ""
        reply = await offload.run(self.dialog.handle_command, chat_ref(update), parsed[0], args, language_hint(update))
        await send_reply(update, context, reply)

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        question = self._addressed(update, context)
        if question is None:
            return
        reply = await offload.run(self.dialog.handle_text, chat_ref(update), question, language_hint(update))
        await send_reply(update, context, reply)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer()  # first, so the phone stops its spinner even if the reply fails
        reply = await offload.run(self.dialog.handle_button, chat_ref(update), query.data or "", language_hint(update))
        await send_reply(update, context, reply)

    async def document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A budget file: size and type are checked before anything is downloaded."""
        if self._addressed(update, context) is None:
            return
        chat, hint = chat_ref(update), language_hint(update)
        document = update.effective_message.document
        name = document.file_name or ""
        reply = await offload.run(self.dialog.refuse_file, chat, name, document.file_size, hint)
        if reply is None:
            await _typing(update, context)
            file = await document.get_file()
            content = bytes(await file.download_as_bytearray())
            reply = await offload.run(self.dialog.handle_file, chat, name, content, hint)
        await send_reply(update, context, reply)

    async def not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice and the like: a hint to type instead."""
        if self._addressed(update, context) is None:
            return
        reply = await offload.run(self.dialog.unsupported, chat_ref(update), language_hint(update))
        await send_reply(update, context, reply)

    async def membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The user blocked the bot, or it was removed from a group: stop the chat's reminders."""
        if update.my_chat_member.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
            await offload.run(self.dialog.chat_gone, chat_ref(update))

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure with the update id and apologise to the user, never leave them in silence."""
        if not isinstance(update, Update):
            log.error("error outside an update", exc_info=context.error)
            return
        log.error("update %s failed", update.update_id, exc_info=context.error)
        if update.effective_chat is None:
            return
        apology = await offload.run(self.dialog.apology, chat_ref(update), language_hint(update))
        try:
            await context.bot.send_message(update.effective_chat.id, apology.text)
        except TelegramError as exc:
            log.warning("could not apologise for update %s: %s", update.update_id, exc)


def add_handlers(application: TelegramApp, handlers: TelegramHandlers) -> None:
    application.add_handler(TypeHandler(Update, handlers.once), group=-1)
    menu = [name for name, _ in Dialog.command_menu("en")]
    for name in menu:
        application.add_handler(CommandHandler(name, handlers.command, filters=_NEW_MESSAGES))
    # Other commands (/ask, typos) only in private chats: in a group they may be another bot's.
    application.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE & _NEW_MESSAGES, handlers.command)
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & _NEW_MESSAGES, handlers.text))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(InlineQueryHandler(handlers.inline.handle))
    application.add_handler(
        MessageHandler(filters.Document.ALL & ~filters.ANIMATION & _NEW_MESSAGES, handlers.document)
    )
    application.add_handler(MessageHandler(_NOT_TEXT & _NEW_MESSAGES, handlers.not_text))
    application.add_handler(ChatMemberHandler(handlers.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(handlers.error)


# -- reminders --------------------------------------------------------------------------------


def _never_sent(error: NetworkError) -> bool:
    """True when the request certainly did not deliver the message: no connection came free or
    none could be made, or the Bot API itself answered with an error (a JSON error body). A
    timeout, a dropped connection or an answer that is not the Bot API's (a proxy's 502 page) may
    come after delivery."""
    cause = error.__cause__
    return cause is None or isinstance(cause, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


class TelegramPushChannel:
    """`reminders.push.PushChannel` over the Bot API's sendMessage: `slot()` is the push rate limiter,
    `push()` one request through `bot`, which should be a plain Bot with its own connection pool
    (`push_bot`), so pushes and replies never wait for each other's connections.

    Telegram has no retry key: a push that may have been delivered is UNSURE and never repeated.
    A 429 pauses every push for its retry_after; a 5xx for a back-off.
    """

    name = CHANNEL
    retry_keys = False

    def __init__(self, bot: Bot, limiter: RateLimiter | None = None, concurrency: int = PUSH_CONNECTIONS) -> None:
        self.bot = bot
        self._limiter = limiter or RateLimiter(DEFAULT_PUSH_RATE)
        self._backoff = Backoff()
        self.concurrency = concurrency

    def slot(self) -> AbstractAsyncContextManager[None]:
        return self._limiter.slot()

    async def push(self, chat_id: str, text: str, retry_key: str | None = None) -> PushOutcome:
        """One message: a reminder is a few lines, far below Telegram's limit, and a push in
        several parts could fail half-way with some parts delivered."""
        try:
            await self.bot.send_message(chat_id, text)
        except (Forbidden, ChatMigrated) as exc:
            log.info("telegram chat %s is gone: %s", chat_id, exc)
            return PushOutcome.BLOCKED
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return PushOutcome.BLOCKED
            log.warning("reminder to telegram chat %s refused: %s", chat_id, exc)
            return PushOutcome.FAILED
        except RetryAfter as exc:
            self._limiter.pause(_seconds(exc.retry_after))
            log.warning("reminder to telegram chat %s rate-limited: %s", chat_id, exc)
            return PushOutcome.FAILED
        except NetworkError as exc:  # TimedOut included
            never = _never_sent(exc)
            if not isinstance(exc.__cause__, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
                self._limiter.pause(self._backoff.next())  # Telegram is struggling: ease off
            log.warning("reminder to telegram chat %s %s: %s", chat_id, "not sent" if never else "maybe sent", exc)
            return PushOutcome.FAILED if never else PushOutcome.UNSURE
        except TelegramError as exc:
            log.warning("reminder to telegram chat %s refused: %s", chat_id, exc)
            return PushOutcome.FAILED
        self._backoff.reset()
        return PushOutcome.SENT


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def push_bot(settings: TelegramSettings) -> Bot:
    """A bot for reminder pushes only: its own pool of PUSH_CONNECTIONS connections, a pool wait
    (nothing sent) told apart from short connect and read timeouts (maybe sent), no rate limiter
    of PTB's (the scheduler waits for the push limiter before it claims a reminder)."""
    request = HTTPXRequest(
        connection_pool_size=PUSH_CONNECTIONS,
        pool_timeout=PUSH_POOL_WAIT,
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=PUSH_READ_TIMEOUT,
        write_timeout=PUSH_READ_TIMEOUT,
    )
    if settings.api_base_url:
        files = file_url(settings.api_base_url)
        return Bot(settings.token, base_url=settings.api_base_url, base_file_url=files or None, request=request)
    return Bot(settings.token, request=request)


# -- the application --------------------------------------------------------------------------


def file_url(api_base_url: str) -> str | None:
    """The file URL of a self-hosted Bot API server: http://host:8081/bot -> http://host:8081/file/bot.

    None when the base URL does not end in /bot (PTB then keeps its default).
    """
    suffix = "/bot"
    return api_base_url[: -len(suffix)] + "/file/bot" if api_base_url.endswith(suffix) else None


async def set_commands(application: TelegramApp) -> None:
    """The phone's command menu: Chinese by default and for zh clients, English for en clients."""
    bot = application.bot
    zh = [BotCommand(name, description) for name, description in Dialog.command_menu("zh")]
    en = [BotCommand(name, description) for name, description in Dialog.command_menu("en")]
    await bot.set_my_commands(zh)
    await bot.set_my_commands(zh, language_code="zh")
    await bot.set_my_commands(en, language_code="en")


class PerChatUpdates(BaseUpdateProcessor):
    """PTB's update processor, concurrent across chats and in order within one: a slow answer (or
    a slow Telegram) holds up only its own chat, and a chat's step-by-step dialog stays in step."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock, users = self._chats.get(chat.id, (asyncio.Lock(), 0))
        self._chats[chat.id] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._chats[chat.id]
            if users == 1:
                del self._chats[chat.id]
            else:
                self._chats[chat.id] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def build_application(
    settings: TelegramSettings,
    dialog: Dialog,
    scheduler_for: Callable[[Mapping[str, PushChannel]], ReminderScheduler] | None = None,
    events: EventLog | None = None,
) -> TelegramApp:
    """The bot, ready to be served (handlers/telegram_server.py); reminders (a scheduler made by
    `scheduler_for` with a push channel of its own) start and stop with it. `events` (the
    database's event log) makes an update id already handled be ignored, across restarts."""

    async def post_init(application: TelegramApp) -> None:
        await set_commands(application)
        if scheduler_for is not None:
            bot = push_bot(settings)
            await bot.initialize()
            application.bot_data[PUSH_BOT] = bot
            scheduler = scheduler_for({CHANNEL: TelegramPushChannel(bot, RateLimiter(settings.push_rate))})
            scheduler.start()
            application.bot_data[SCHEDULER] = scheduler

    async def post_shutdown(application: TelegramApp) -> None:
        scheduler: ReminderScheduler | None = application.bot_data.pop(SCHEDULER, None)
        if scheduler is not None:
            await scheduler.shutdown()
        bot: Bot | None = application.bot_data.pop(PUSH_BOT, None)
        if bot is not None:
            await bot.shutdown()

    builder = (
        Application.builder()
        .token(settings.token)
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .connection_pool_size(REPLY_CONNECTIONS)
        .pool_timeout(REPLY_POOL_WAIT)
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(REPLY_READ_TIMEOUT)
        .write_timeout(REPLY_READ_TIMEOUT)
        .concurrent_updates(PerChatUpdates(CONCURRENT_UPDATES))
        .job_queue(None)  # reminders run on their own scheduler
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url)
        files = file_url(settings.api_base_url)
        if files:
            builder = builder.base_file_url(files)
    application = builder.build()
    add_handlers(application, TelegramHandlers(dialog, events))
    return application
