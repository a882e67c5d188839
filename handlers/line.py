"""The LINE channel: a webhook server that hands LINE events to the shared `Dialog`.

POST /callback refuses a request without `X-Line-Signature` or with a body over 1 MiB before
reading it, checks the signature against the raw body before parsing it, answers 200 at once and
handles the events in background tasks, so a slow engine call or a file download never holds up
LINE's next delivery. Replies go out with the event's reply token; reminders go out through
`LinePushChannel`, the push API behind a rate limiter. Replies, pushes and file downloads each
have their own connection pool (`LineApi`). Dialog calls block (they may touch the database), so
they run in policybot's worker pool (reminders/offload.py), never on the event loop.

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
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import replace
from functools import partial
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
from handlers.webhook import MAX_BODY, Backoff, Pool, PoolTimeout, parse_json, read_body, retry_after
from reminders import offload
from reminders.push import PushOutcome
from reminders.ratelimit import RateLimiter

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
# Connections and timeouts (seconds). A pool wait ends with nothing sent; a read timeout may come
# after LINE accepted the request. Pushes get short timeouts, so a shutdown waits little for them.
REPLY_CONNECTIONS, REPLY_POOL_WAIT = 32, 30.0
PUSH_POOL_WAIT = 10.0
CONTENT_CONNECTIONS, CONTENT_POOL_WAIT = 8, 30.0
CONNECT_TIMEOUT = 3.0
REPLY_TIMEOUT = aiohttp.ClientTimeout(total=None, connect=CONNECT_TIMEOUT, sock_read=10.0)
PUSH_TIMEOUT = aiohttp.ClientTimeout(total=None, connect=CONNECT_TIMEOUT, sock_read=5.0)
CONTENT_TIMEOUT = aiohttp.ClientTimeout(total=60.0, connect=CONNECT_TIMEOUT, sock_read=20.0)
# A reply is retried until this long after its delivery arrived (LINE's reply tokens do not last).
REPLY_DEADLINE = 50.0
# On shutdown, how long deliveries already taken on get to be answered.
DRAIN_TIMEOUT = 3.0
# LINE's loading animation while a file is fetched and checked (5-60 s, by 5); it is a courtesy,
# never worth holding up the answer, so its request gets a short timeout.
LOADING_SECONDS = 20
LOADING_TIMEOUT = aiohttp.ClientTimeout(total=5.0, connect=CONNECT_TIMEOUT)
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
    payload = parse_json(body)
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


def _event_retry_key(event_id: str) -> str:
    """The retry key of a push that stands in for an event's reply: the same for every redelivery
    of the event, so LINE refuses (409) a second copy."""
    return str(uuid.uuid5(_RETRY_NAMESPACE, f"event\0{event_id}"))


# -- API clients -------------------------------------------------------------------------------


def _configuration(access_token: str, host: str | None, connections: int) -> Configuration:
    configuration = Configuration(access_token=access_token, host=host.rstrip("/") if host else None)
    configuration.connection_pool_maxsize = connections  # the SDK's aiohttp connector limit
    return configuration


def push_connections(push_rate: int) -> int:
    """Pushes in flight needed to keep `push_rate` per second at up to ~250 ms a request."""
    return max(8, min(128, push_rate // 4))


class LineApi:
    """The SDK's clients, one per kind of request, each with its own connection pool, so a fan-out
    of pushes never makes a reply wait for a connection, nor a burst of replies a push. Open from
    app startup to cleanup: their aiohttp sessions must be made inside the running loop.

    Each request first waits for a connection of its pool (`Pool`, at most `wait` seconds: then
    PoolTimeout, and nothing was sent), then gets CONNECT_TIMEOUT to connect and its read timeout
    to be answered (then it may have reached LINE).
    """

    def __init__(self, settings: LineSettings) -> None:
        self._settings = settings
        self.replies = Pool(REPLY_CONNECTIONS, wait=REPLY_POOL_WAIT)
        self.pushes = Pool(push_connections(settings.push_rate), wait=PUSH_POOL_WAIT)
        self.downloads = Pool(CONTENT_CONNECTIONS, wait=CONTENT_POOL_WAIT)
        self._reply: AsyncMessagingApi | None = None
        self._push: AsyncMessagingApi | None = None
        self._blob: AsyncMessagingApiBlob | None = None

    def _open(self) -> tuple[AsyncMessagingApi, AsyncMessagingApi, AsyncMessagingApiBlob]:
        if self._reply is None or self._push is None or self._blob is None:
            raise RuntimeError("the LINE API clients are not open (the app has not started)")
        return self._reply, self._push, self._blob

    async def reply(self, request: ReplyMessageRequest) -> None:
        async with self.replies.connection():
            await self._open()[0].reply_message(request, _request_timeout=REPLY_TIMEOUT)

    async def push(self, request: PushMessageRequest, retry_key: str) -> None:
        async with self.pushes.connection():
            await self._open()[1].push_message(request, x_line_retry_key=retry_key, _request_timeout=PUSH_TIMEOUT)

    async def loading(self, request: ShowLoadingAnimationRequest) -> None:
        async with self.replies.connection():
            await self._open()[0].show_loading_animation(request, _request_timeout=LOADING_TIMEOUT)

    async def content(self, message_id: str) -> bytes:
        async with self.downloads.connection():
            return bytes(await self._open()[2].get_message_content(message_id, _request_timeout=CONTENT_TIMEOUT))

    async def lifetime(self, _app: web.Application) -> AsyncIterator[None]:
        """aiohttp cleanup context."""
        token, api, data = self._settings.access_token, self._settings.api_base_url, self._settings.data_api_base_url
        async with AsyncExitStack() as stack:
            reply = await stack.enter_async_context(AsyncApiClient(_configuration(token, api, self.replies.size)))
            push = await stack.enter_async_context(AsyncApiClient(_configuration(token, api, self.pushes.size)))
            blob = await stack.enter_async_context(AsyncApiClient(_configuration(token, data, self.downloads.size)))
            self._reply, self._push, self._blob = (
                AsyncMessagingApi(reply),
                AsyncMessagingApi(push),
                AsyncMessagingApiBlob(blob),
            )
            try:
                yield
            finally:
                self._reply = self._push = self._blob = None


def _never_sent(exc: BaseException) -> bool:
    """True when the request certainly did not leave: no connection came free, or none could be
    made. A timeout or a dropped connection after that may come after LINE accepted it."""
    return isinstance(exc, (PoolTimeout, aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError))


# -- push --------------------------------------------------------------------------------------


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
    if exc.status >= 500:  # LINE: a 5xx may hide an accepted push; its retry key makes a retry safe
        return PushOutcome.UNSURE
    return PushOutcome.FAILED  # 429, 400, 401 ...: refused, not delivered


def _header(exc: ApiException, name: str) -> str | None:
    headers = exc.headers
    return headers.get(name) if headers is not None else None


class LinePushChannel:
    """`reminders.push.PushChannel` over LINE's push API: `slot()` is the rate limiter, `push()`
    one request with the reminder's retry key, on the push connections.

    A 429 pauses every push for its Retry-After (or a back-off), a 5xx for a back-off. A LINE push
    to a user who blocked the account is answered 200 and silently dropped, so blocks mostly
    arrive as unfollow events; 403/404, and a 400 naming the recipient, count as BLOCKED.
    """

    name = CHANNEL
    retry_keys = True

    def __init__(self, api: LineApi, limiter: RateLimiter) -> None:
        self._api = api
        self._limiter = limiter
        self._backoff = Backoff()
        self.concurrency = api.pushes.size

    def slot(self) -> AbstractAsyncContextManager[None]:
        return self._limiter.slot()

    async def send(self, chat_id: str, messages: list[Message], retry_key: str) -> PushOutcome:
        """Push `messages` in one request (inside a rate-limiter slot) and say what happened."""
        try:
            await self._api.push(PushMessageRequest(to=chat_id, messages=messages), retry_key)
        except ApiException as exc:
            outcome = _push_outcome(exc)
            if exc.status == 429:
                wait = retry_after(_header(exc, "Retry-After"))
                self._limiter.pause(wait if wait is not None else self._backoff.next())
            elif exc.status >= 500:
                self._limiter.pause(self._backoff.next())
            log.warning("LINE push to %s refused: HTTP %s (%s)", chat_id, exc.status, outcome.value)
            return outcome
        except (TimeoutError, aiohttp.ClientError, PoolTimeout) as exc:
            never = _never_sent(exc)
            if not never:
                self._limiter.pause(self._backoff.next())
            log.warning("LINE push to %s: %s (%s)", chat_id, type(exc).__name__, "not sent" if never else "maybe sent")
            return PushOutcome.FAILED if never else PushOutcome.UNSURE
        self._backoff.reset()
        return PushOutcome.SENT

    async def push(self, chat_id: str, text: str, retry_key: str | None = None) -> PushOutcome:
        return await self.send(chat_id, to_messages(Reply(text)), retry_key or str(uuid.uuid4()))


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
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._secret = channel_secret
        self.dialog = dialog
        self.events = events
        self._api = api
        self.push_channel = push_channel
        # Replies (and loading animations) go out under their own limiter, at the push rate: a
        # burst of events cannot exceed LINE's rate, nor wait behind a reminder fan-out.
        self.reply_limiter = reply_limiter or RateLimiter(100)
        self._clock = clock
        self._reply_backoff = Backoff()
        self._tasks: set[asyncio.Task[None]] = set()

    async def callback(self, request: web.Request) -> web.Response:
        """Refuse before reading what cannot be LINE's (no signature, a body over 1 MiB), check the
        signature against the raw body before parsing it, and parse it without trusting it."""
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            log.warning("LINE webhook from %s rejected: no signature", request.remote)
            raise web.HTTPBadRequest(text="invalid signature")
        body = await read_body(request, CHANNEL)
        if not verify_signature(self._secret, body, signature):
            log.warning("LINE webhook from %s rejected: wrong signature", request.remote)
            raise web.HTTPBadRequest(text="invalid signature")
        events = _events(body)
        if events is None:
            log.warning("LINE webhook rejected: the signed body (%d bytes) is not a webhook JSON object", len(body))
            raise web.HTTPBadRequest(text="malformed body")
        if events:
            self._spawn(self._handle_all(events, self._clock()))
        return web.json_response({})

    async def drain(self, _app: web.Application | None = None, within: float | None = None) -> None:
        """Wait until every event received so far has been handled (on shutdown, at most `within`
        seconds: then what is left is given up and counted in the log)."""
        deadline = None if within is None else self._clock() + within
        while self._tasks:
            left = None if deadline is None else deadline - self._clock()
            if left is not None and left <= 0:
                log.warning("shutdown: %d LINE deliveries were still being answered; given up", len(self._tasks))
                for task in list(self._tasks):
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)
                return
            await asyncio.wait(set(self._tasks), timeout=left)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle_all(self, events: list[dict[str, Any]], received: float) -> None:
        """One delivery's events in order (a user's messages stay in sequence)."""
        for event in events:
            try:
                await self._handle(event, received)
            except Exception:
                log.exception("LINE %s event failed", event.get("type"))

    async def _handle(self, event: dict[str, Any], received: float) -> None:
        chat = _chat(event)
        if chat is None or event.get("mode") == "standby":  # standby: another module answers
            return
        event_id = event.get("webhookEventId")
        if isinstance(event_id, str) and not await offload.run(self.events.claim, event_id):
            log.info("LINE event %s already handled; duplicate ignored (redelivery: %s)", event_id, _redelivered(event))
            return
        try:
            reply = await self._reply_for(event, chat)
        except Exception:  # a bug in one turn: logged and apologised for, as on Telegram (not silence)
            log.exception("LINE %s event could not be answered", event.get("type"))
            reply = await offload.run(self.dialog.apology, chat)
        if reply is not None and reply.text.strip():
            await self._send(event, chat, reply, received)

    async def _reply_for(self, event: dict[str, Any], chat: ChatRef) -> Reply | None:
        kind = event.get("type")
        if kind == "message" and isinstance(event.get("message"), dict):
            return await self._message_reply(event["message"], chat, _in_group(event))
        if kind == "postback":
            data = (event.get("postback") or {}).get("data")
            return await offload.run(self.dialog.handle_button, chat, data) if isinstance(data, str) else None
        if kind in ("follow", "join"):
            return await offload.run(self.dialog.welcome, chat)
        if kind in ("unfollow", "leave"):
            await offload.run(self.dialog.chat_gone, chat)
        return None

    async def _message_reply(self, message: dict[str, Any], chat: ChatRef, in_group: bool) -> Reply | None:
        kind = message.get("type")
        if kind == "text":
            text = _addressed_text(message) if in_group else message.get("text")
            return await offload.run(self.dialog.handle_text, chat, text) if isinstance(text, str) else None
        if in_group:  # files and stickers in a group are not addressed to the bot
            return None
        if kind == "file":
            return await self._file_reply(message, chat)
        if kind in UNSUPPORTED_MESSAGES:
            return await offload.run(self.dialog.unsupported, chat)
        return None

    async def _file_reply(self, message: dict[str, Any], chat: ChatRef) -> Reply | None:
        message_id = message.get("id")
        if not isinstance(message_id, str):
            return None
        name = str(message.get("fileName") or "budget")
        size = message.get("fileSize")
        refusal = await offload.run(self.dialog.refuse_file, chat, name, size if isinstance(size, int) else None)
        if refusal is not None:
            return refusal
        await self._show_loading(chat)
        try:
            content = await self._api.content(message_id)
        except (TimeoutError, ApiException, aiohttp.ClientError, PoolTimeout) as exc:
            log.warning("LINE file %s could not be fetched: %s", message_id, getattr(exc, "status", type(exc).__name__))
            lang = await offload.run(self.dialog.language, chat)
            return Reply(_note("file_unavailable", lang), lang=lang)
        return await offload.run(self.dialog.handle_file, chat, name, content)

    async def _show_loading(self, chat: ChatRef) -> None:
        """LINE's loading animation in a one-to-one chat (LINE shows it nowhere else) until the
        reply arrives or LOADING_SECONDS pass. A failure only costs the animation."""
        if not chat.chat_id.startswith("U"):
            return
        request = ShowLoadingAnimationRequest(chat_id=chat.chat_id, loading_seconds=LOADING_SECONDS)
        try:
            async with self.reply_limiter.slot():
                await self._api.loading(request)
        except (TimeoutError, ApiException, aiohttp.ClientError, PoolTimeout) as exc:
            log.info("LINE loading animation for %s not shown: %s", chat.chat_id, getattr(exc, "status", exc))

    async def _send(self, event: dict[str, Any], chat: ChatRef, reply: Reply, received: float) -> None:
        """Reply with the event's token, retrying 429 (after its Retry-After), 5xx, timeouts and
        connection failures until REPLY_DEADLINE after the delivery arrived: a reply token is used
        once, so a retry can never deliver a second copy."""
        token = event.get("replyToken")
        if not isinstance(token, str):
            return
        messages = to_messages(reply)
        request = ReplyMessageRequest(reply_token=token, messages=messages)
        while True:
            try:
                async with self.reply_limiter.slot():
                    await self._api.reply(request)
                self._reply_backoff.reset()
                return
            except ApiException as exc:
                if exc.status == 400 and _redelivered(event):
                    # A redelivered event's reply token may have expired; the answer still goes out.
                    log.info("LINE reply token of redelivered event expired; pushing to %s instead", chat.chat_id)
                    await self._push_instead(event, chat, messages)
                    return
                if exc.status != 429 and exc.status < 500:
                    log.warning("LINE reply to %s refused: HTTP %s", chat.chat_id, exc.status)
                    return
                problem, wait = f"HTTP {exc.status}", retry_after(_header(exc, "Retry-After"))
            except (TimeoutError, aiohttp.ClientError, PoolTimeout) as exc:
                problem, wait = type(exc).__name__, None
            wait = self._reply_backoff.next() if wait is None else wait
            if self._clock() + wait > received + REPLY_DEADLINE:
                log.warning(
                    "LINE reply to %s given up (%s) after %.0f s", chat.chat_id, problem, self._clock() - received
                )
                return
            await asyncio.sleep(wait)

    async def _push_instead(self, event: dict[str, Any], chat: ChatRef, messages: list[Message]) -> None:
        event_id = event.get("webhookEventId")
        key = _event_retry_key(event_id) if isinstance(event_id, str) else str(uuid.uuid4())
        async with self.push_channel.slot():
            await self.push_channel.send(chat.chat_id, messages, key)


LINE_BOT = web.AppKey("line_bot", LineBot)


async def health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "channel": CHANNEL})


def create_app(settings: LineSettings, dialog: Dialog, events: EventLog, push_rate: int) -> web.Application:
    """The webhook app: POST /callback, GET /health. `app[LINE_BOT].push_channel` can be handed
    to a reminder scheduler; run that in a cleanup context added after this app's own, so it
    starts after the API clients open and stops before they close."""
    api = LineApi(settings if settings.push_rate == push_rate else replace(settings, push_rate=push_rate))
    push = LinePushChannel(api, RateLimiter(push_rate))
    bot = LineBot(settings.channel_secret, dialog, events, api, push, RateLimiter(push_rate))
    app = web.Application(client_max_size=MAX_BODY)
    app[LINE_BOT] = bot
    app.router.add_post("/callback", bot.callback)
    app.router.add_get("/health", health)
    app.cleanup_ctx.append(api.lifetime)
    app.on_shutdown.append(partial(bot.drain, within=DRAIN_TIMEOUT))
    return app
