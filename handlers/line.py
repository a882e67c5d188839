"""The LINE channel: a webhook server that hands LINE events to the shared `Dialog`.

POST /callback checks `X-Line-Signature` against the raw body before reading anything else,
answers 200 at once and handles the events in background tasks, so a slow engine call or a
file download never holds up LINE's next delivery. Replies go out with the event's reply
token; reminders go out through `LinePushChannel`, the push API behind a rate limiter.

Events are read as plain dicts from the JSON we verified ourselves, not through
`linebot.v3.webhook.WebhookParser`: the parser would check the signature and parse the body a
second time, and we read a handful of fields (ids, source, text, mention, file name and size,
postback data) that are simpler to read defensively from dicts than through the SDK's ~20
generated event classes. Event types and fields we do not know are simply ignored.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import math
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from typing import Any

import aiohttp
from aiohttp import web
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    Message,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ApiException

from handlers.dialog import Button, ChatRef, Dialog, Reply, parse_command
from handlers.event_log import EventLog
from handlers.line_flex import flex_message
from handlers.settings import LineSettings
from handlers.text_split import split_text
from reminders.push import PushOutcome

log = logging.getLogger(__name__)

CHANNEL = "line"
SIGNATURE_HEADER = "X-Line-Signature"
# LINE's limits: text messages per reply or push, characters per text message (a character
# outside the Basic Multilingual Plane, e.g. most emoji, counts as two), quick-reply items,
# characters per button label.
MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_DISPLAY_TEXT = 300
API_TIMEOUT = 15  # seconds, reply and push
LOADING_SECONDS = 20  # the chat's loading animation, while a file is fetched and checked (5-60, by 5)
LOADING_TIMEOUT = 5  # seconds: the animation is a courtesy, never worth holding up the answer
CONTENT_TIMEOUT = 60  # seconds, downloading a sent file
UNSUPPORTED_MESSAGES = frozenset({"sticker", "image", "video", "audio", "location"})
_SOURCE_IDS = {"user": "userId", "group": "groupId", "room": "roomId"}
_RETRY_NAMESPACE = uuid.UUID("6f1c3a52-8a0e-4c55-9d0b-3f4b8c2e7a10")

# Wording that only exists on LINE (everything else is the Dialog's).
_NOTES = {
    "truncated": {
        "zh": "（回答太長，只顯示前面部分。請把問題問得更具體一些。）",
        "en": "(The answer is too long; only its beginning is shown. Please ask a narrower question.)",
    },
    "file_unavailable": {
        "zh": "抱歉，我沒能下載這個檔案，請再傳一次。",
        "en": "Sorry, I could not download that file. Please send it again.",
    },
}


def _note(key: str, lang: str) -> str:
    return _NOTES[key]["en" if lang == "en" else "zh"]


# -- signature ---------------------------------------------------------------------------------


def verify_signature(channel_secret: str, body: bytes, signature: str | None) -> bool:
    """True if `signature` is the base64 HMAC-SHA256 of the raw `body` under the channel secret."""
    if not signature:
        return False
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest), signature.encode("utf-8", "replace"))


def _events(body: bytes) -> list[dict[str, Any]] | None:
    """The events of a webhook body; None when it is not the JSON object LINE sends."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        return None
    return [event for event in events if isinstance(event, dict)]


# -- outgoing messages -------------------------------------------------------------------------


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _text_limit(text: str) -> int:
    """A limit in Python characters under which every chunk of `text` fits MAX_TEXT as LINE counts:
    a chunk of n characters holding k astral ones is n + k long for LINE, and k <= n."""
    astral = _utf16_len(text) - len(text)
    return max(MAX_TEXT // 2, MAX_TEXT - astral)


def _fit(text: str, lang: str) -> list[str]:
    """`text` as at most MAX_MESSAGES chunks of at most MAX_TEXT; the last one says if cut short."""
    limit = _text_limit(text)
    chunks = split_text(text, limit)
    if len(chunks) <= MAX_MESSAGES:
        return chunks
    note = _note("truncated", lang)
    last = split_text(chunks[MAX_MESSAGES - 1], limit - len(note) - 2)[0]
    return [*chunks[: MAX_MESSAGES - 1], f"{last}\n\n{note}"]


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _quick_reply(buttons: list[Button]) -> QuickReply | None:
    """Buttons as quick-reply postbacks: the data goes back to the Dialog, the full label is what
    the chat shows as the user's message."""
    if not buttons:
        return None
    return QuickReply(
        items=[
            QuickReplyItem(
                action=PostbackAction(label=_label(b.label), data=b.data, display_text=b.label[:MAX_DISPLAY_TEXT])
            )
            for b in buttons[:MAX_QUICK_REPLIES]
        ]
    )


def to_messages(reply: Reply) -> list[Message]:
    """A Dialog reply as LINE messages: its card as one Flex Message (handlers/line_flex.py), else
    text messages with its buttons riding on the last one (LINE shows only the last message's
    quick replies)."""
    card = flex_message(reply)
    if card is not None:
        return [card]
    chunks = _fit(reply.text, reply.lang)
    quick = _quick_reply(reply.buttons)
    return [
        TextMessage(text=chunk, quick_reply=quick if i == len(chunks) - 1 else None) for i, chunk in enumerate(chunks)
    ]


def _retry_key(chat_id: str, messages: list[Message]) -> str:
    """The same push to the same chat gets the same key, so LINE refuses (409) a second copy of a
    push it already accepted within 24 hours, e.g. when it answered 5xx after accepting."""
    texts = (m.text if isinstance(m, TextMessage) else m.to_json() for m in messages)
    return str(uuid.uuid5(_RETRY_NAMESPACE, chat_id + "\0" + "\0".join(texts)))


# -- API clients -------------------------------------------------------------------------------


def _configuration(access_token: str, host: str | None) -> Configuration:
    return Configuration(access_token=access_token, host=host.rstrip("/") if host else None)


class LineApi:
    """The SDK's messaging and content (blob) clients, open from app startup to cleanup: their
    aiohttp sessions must be made inside the running loop."""

    def __init__(self, settings: LineSettings) -> None:
        self._settings = settings
        self._messaging: AsyncMessagingApi | None = None
        self._blob: AsyncMessagingApiBlob | None = None

    @property
    def messaging(self) -> AsyncMessagingApi:
        if self._messaging is None:
            raise RuntimeError("the LINE API clients are not open (the app has not started)")
        return self._messaging

    @property
    def blob(self) -> AsyncMessagingApiBlob:
        if self._blob is None:
            raise RuntimeError("the LINE API clients are not open (the app has not started)")
        return self._blob

    async def lifetime(self, _app: web.Application) -> AsyncIterator[None]:
        """aiohttp cleanup context."""
        token = self._settings.access_token
        async with AsyncExitStack() as stack:
            api = await stack.enter_async_context(AsyncApiClient(_configuration(token, self._settings.api_base_url)))
            data = await stack.enter_async_context(
                AsyncApiClient(_configuration(token, self._settings.data_api_base_url))
            )
            self._messaging, self._blob = AsyncMessagingApi(api), AsyncMessagingApiBlob(data)
            try:
                yield
            finally:
                self._messaging = self._blob = None


# -- rate limiting and push --------------------------------------------------------------------


class RateLimiter:
    """At most `rate` requests in any window of `period` seconds, as they reach the server.

    A request holds its slot from when it starts until `period` after it ends. Counting to the
    end, not only the start, keeps the promise even when a request admitted now waits for a free
    connection and goes out later, in a burst with others: whenever it is really sent, the slots
    of all the others sent within a period of it were still held when it was admitted.
    Waiters are admitted in arrival order.
    """

    def __init__(self, rate: int, period: float = 1.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or period <= 0:
            raise ValueError("rate and period must be positive")
        self.rate = rate
        self.period = period
        self._clock = clock
        self._active = 0
        self._ended: deque[float] = deque()  # end times within the last period
        self._turn = asyncio.Lock()
        self._an_end = asyncio.Event()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self._enter()
        try:
            yield
        finally:
            self._active -= 1
            self._ended.append(self._clock())
            self._an_end.set()

    async def _enter(self) -> None:
        async with self._turn:
            while (wait := self._wait()) > 0:
                self._an_end.clear()
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._an_end.wait(), None if math.isinf(wait) else wait)
            self._active += 1

    def _wait(self) -> float:
        """0 if a request may start now, else how long until a slot frees (inf: until one ends)."""
        now = self._clock()
        while self._ended and self._ended[0] + self.period <= now:
            self._ended.popleft()
        if self._active + len(self._ended) < self.rate:
            return 0.0
        return self._ended[0] + self.period - now if self._ended else math.inf


def _recipient_rejected(exc: ApiException) -> bool:
    """LINE's 400 for a user or group id that does not exist (or belongs to another provider), as
    opposed to a 400 for a malformed message, which is our fault and must unsubscribe no one."""
    body = exc.body if isinstance(exc.body, str) else ""
    return "Failed to send messages" in body or "'to'" in body


def _push_outcome(exc: ApiException) -> PushOutcome:
    if exc.status == 409:  # the retry key was accepted before: that push went out
        return PushOutcome.SENT
    if exc.status in (403, 404) or (exc.status == 400 and _recipient_rejected(exc)):
        return PushOutcome.BLOCKED
    # 429, 5xx, 401 ...: not delivered now; a retry carries the same retry key, so LINE drops it
    # if a 5xx hid an accepted push.
    return PushOutcome.FAILED


class LinePushChannel:
    """`reminders.push.PushChannel` over LINE's push API, never above `limiter`'s rate.

    A LINE push to a user who blocked the account is answered 200 and silently dropped, so blocks
    mostly arrive as unfollow events; 403/404, and a 400 naming the recipient, count as BLOCKED.
    """

    name = CHANNEL

    def __init__(self, api: LineApi, limiter: RateLimiter) -> None:
        self._api = api
        self._limiter = limiter

    async def send(self, chat_id: str, messages: list[Message]) -> None:
        """Push `messages` (rate-limited, with a retry key); raises ApiException on refusal."""
        async with self._limiter.slot():
            await self._api.messaging.push_message(
                PushMessageRequest(to=chat_id, messages=messages),
                x_line_retry_key=_retry_key(chat_id, messages),
                _request_timeout=API_TIMEOUT,
            )

    async def push(self, chat_id: str, text: str) -> PushOutcome:
        """Timeouts and dropped connections raise: the push may have been delivered."""
        try:
            await self.send(chat_id, to_messages(Reply(text)))
        except ApiException as exc:
            log.warning("LINE push to %s refused: HTTP %s", chat_id, exc.status)
            return _push_outcome(exc)
        except aiohttp.ClientConnectorError as exc:  # never reached LINE
            log.warning("LINE push to %s: cannot connect (%s)", chat_id, exc.os_error)
            return PushOutcome.FAILED
        return PushOutcome.SENT


# -- reading events ----------------------------------------------------------------------------


def _chat(event: dict[str, Any]) -> ChatRef | None:
    source = event.get("source")
    if not isinstance(source, dict):
        return None
    key = _SOURCE_IDS.get(source.get("type", ""))
    chat_id = source.get(key) if key else None
    return ChatRef(CHANNEL, chat_id) if isinstance(chat_id, str) and chat_id else None


def _in_group(event: dict[str, Any]) -> bool:
    return bool(event["source"].get("type") != "user")


def _redelivered(event: dict[str, Any]) -> bool:
    context = event.get("deliveryContext")
    return isinstance(context, dict) and context.get("isRedelivery") is True


def _addressed_text(message: dict[str, Any]) -> str | None:
    """In a group or room: the text if it is a command or mentions the bot (mention removed),
    else None. LINE marks the bot's own mention with isSelf."""
    text = message.get("text")
    if not isinstance(text, str):
        return None
    if parse_command(text) is not None:
        return text
    mentionees = (message.get("mention") or {}).get("mentionees") or []
    own = [m for m in mentionees if isinstance(m, dict) and m.get("isSelf") is True]
    if not own:
        return None
    spans = [
        (m["index"], m["length"]) for m in own if isinstance(m.get("index"), int) and isinstance(m.get("length"), int)
    ]
    for start, length in sorted(spans, reverse=True):
        if text[start : start + 1] == "@":  # the index is where LINE says; skip it if it is not
            text = text[:start] + text[start + length :]
    return text.strip()


# -- the webhook -------------------------------------------------------------------------------


class LineBot:
    """Receives LINE webhooks and answers through the Dialog."""

    def __init__(
        self,
        channel_secret: str,
        dialog: Dialog,
        events: EventLog,
        api: LineApi,
        push_channel: LinePushChannel,
        reply_limiter: RateLimiter | None = None,
    ) -> None:
        self._secret = channel_secret
        self.dialog = dialog
        self.events = events
        self._api = api
        self.push_channel = push_channel
        # Replies (and loading animations) go out under their own limiter, at the push rate: a
        # burst of events cannot exceed LINE's rate, nor wait behind a reminder fan-out.
        self.reply_limiter = reply_limiter or RateLimiter(100)
        self._tasks: set[asyncio.Task[None]] = set()

    async def callback(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not verify_signature(self._secret, body, request.headers.get(SIGNATURE_HEADER)):
            log.warning("LINE webhook from %s rejected: missing or wrong signature", request.remote)
            raise web.HTTPBadRequest(text="invalid signature")
        events = _events(body)
        if events is None:
            log.warning("LINE webhook rejected: the signed body is not a webhook JSON object")
            raise web.HTTPBadRequest(text="malformed body")
        if events:
            self._spawn(self._handle_all(events))
        return web.json_response({})

    async def drain(self, _app: web.Application | None = None) -> None:
        """Wait until every event received so far has been handled (on shutdown, and in tests)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle_all(self, events: list[dict[str, Any]]) -> None:
        """One delivery's events in order (a user's messages stay in sequence)."""
        for event in events:
            try:
                await self._handle(event)
            except Exception:
                log.exception("LINE %s event failed", event.get("type"))

    async def _handle(self, event: dict[str, Any]) -> None:
        chat = _chat(event)
        if chat is None or event.get("mode") == "standby":  # standby: another module answers
            return
        event_id = event.get("webhookEventId")
        if isinstance(event_id, str) and not await asyncio.to_thread(self.events.claim, event_id):
            log.info("LINE event %s already handled; duplicate ignored (redelivery: %s)", event_id, _redelivered(event))
            return
        reply = await self._reply_for(event, chat)
        if reply is not None and reply.text.strip():
            await self._send(event, chat, reply)

    async def _reply_for(self, event: dict[str, Any], chat: ChatRef) -> Reply | None:
        kind = event.get("type")
        if kind == "message" and isinstance(event.get("message"), dict):
            return await self._message_reply(event["message"], chat, _in_group(event))
        if kind == "postback":
            data = (event.get("postback") or {}).get("data")
            return await asyncio.to_thread(self.dialog.handle_button, chat, data) if isinstance(data, str) else None
        if kind in ("follow", "join"):
            return await asyncio.to_thread(self.dialog.welcome, chat)
        if kind in ("unfollow", "leave"):
            await asyncio.to_thread(self.dialog.chat_gone, chat)
        return None

    async def _message_reply(self, message: dict[str, Any], chat: ChatRef, in_group: bool) -> Reply | None:
        kind = message.get("type")
        if kind == "text":
            text = _addressed_text(message) if in_group else message.get("text")
            return await asyncio.to_thread(self.dialog.handle_text, chat, text) if isinstance(text, str) else None
        if in_group:  # files and stickers in a group are not addressed to the bot
            return None
        if kind == "file":
            return await self._file_reply(message, chat)
        if kind in UNSUPPORTED_MESSAGES:
            return await asyncio.to_thread(self.dialog.unsupported, chat)
        return None

    async def _file_reply(self, message: dict[str, Any], chat: ChatRef) -> Reply | None:
        message_id = message.get("id")
        if not isinstance(message_id, str):
            return None
        name = str(message.get("fileName") or "budget")
        size = message.get("fileSize")
        refusal = self.dialog.refuse_file(chat, name, size if isinstance(size, int) else None)
        if refusal is not None:
            return refusal
        await self._show_loading(chat)
        try:
            content = await self._api.blob.get_message_content(message_id, _request_timeout=CONTENT_TIMEOUT)
        except (TimeoutError, ApiException, aiohttp.ClientError) as exc:
            log.warning("LINE file %s could not be fetched: %s", message_id, getattr(exc, "status", type(exc).__name__))
            lang = self.dialog.language(chat)
            return Reply(_note("file_unavailable", lang), lang=lang)
        return await asyncio.to_thread(self.dialog.handle_file, chat, name, bytes(content))

    async def _show_loading(self, chat: ChatRef) -> None:
        """LINE's loading animation in a one-to-one chat (LINE shows it nowhere else) until the
        reply arrives or LOADING_SECONDS pass. A failure only costs the animation."""
        if not chat.chat_id.startswith("U"):
            return
        request = ShowLoadingAnimationRequest(chat_id=chat.chat_id, loading_seconds=LOADING_SECONDS)
        try:
            async with self.reply_limiter.slot():
                await self._api.messaging.show_loading_animation(request, _request_timeout=LOADING_TIMEOUT)
        except (TimeoutError, ApiException, aiohttp.ClientError) as exc:
            log.info("LINE loading animation for %s not shown: %s", chat.chat_id, getattr(exc, "status", exc))

    async def _send(self, event: dict[str, Any], chat: ChatRef, reply: Reply) -> None:
        token = event.get("replyToken")
        if not isinstance(token, str):
            return
        messages = to_messages(reply)
        try:
            async with self.reply_limiter.slot():
                await self._api.messaging.reply_message(
                    ReplyMessageRequest(reply_token=token, messages=messages), _request_timeout=API_TIMEOUT
                )
        except ApiException as exc:
            if exc.status == 400 and _redelivered(event):
                # A redelivered event's reply token may have expired; the answer still goes out.
                log.info("LINE reply token of redelivered event expired; pushing to %s instead", chat.chat_id)
                await self.push_channel.send(chat.chat_id, messages)
            else:
                log.warning("LINE reply to %s refused: HTTP %s", chat.chat_id, exc.status)


LINE_BOT = web.AppKey("line_bot", LineBot)


async def health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "channel": CHANNEL})


def create_app(settings: LineSettings, dialog: Dialog, events: EventLog, push_rate: int) -> web.Application:
    """The webhook app: POST /callback, GET /health. `app[LINE_BOT].push_channel` can be handed
    to a reminder scheduler; run that in a cleanup context added after this app's own, so it
    starts after the API clients open and stops before they close."""
    api = LineApi(settings)
    push = LinePushChannel(api, RateLimiter(push_rate))
    bot = LineBot(settings.channel_secret, dialog, events, api, push, RateLimiter(push_rate))
    app = web.Application()
    app[LINE_BOT] = bot
    app.router.add_post("/callback", bot.callback)
    app.router.add_get("/health", health)
    app.cleanup_ctx.append(api.lifetime)
    app.on_shutdown.append(bot.drain)
    return app
