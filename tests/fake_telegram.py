"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests, no network needed.

python-telegram-bot talks to it through `base_url`/`base_file_url` exactly as it talks to
Telegram: getMe, long-polling getUpdates with offsets, sendMessage, answerCallbackQuery,
answerInlineQuery, sendChatAction, setMyCommands, getFile and the file download, webhooks...
Unknown methods are logged and answered `ok`. Every call is recorded for assertions, and a test
can make a method fail for a chat (403 "bot was blocked by the user", 400 "chat not found", 429
with retry_after, 5xx, a proxy's 502 page, a dropped connection, a message delivered but never
answered), and `latency` slows every answer down.

Text sent with parse_mode HTML is parsed as Telegram parses it: a tag Telegram does not support,
an unclosed tag, or a bare `<` or `&` is refused with Telegram's 400 "can't parse entities". The
recorded `text` is then what the user sees (tags removed, entities unescaped) with the formatting
in `entities`, and `html` is what the bot sent.

Tests queue updates with the builders (`message`, `callback`, `document`, ...), which fill in
what Telegram would: command and @mention entities with UTF-16 offsets, chats, users, dates.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

TOKEN = "123456789:AAHfakeTokenForTests_0123456789abcdef"
BOT_USER = {
    "id": 7000001,
    "is_bot": True,
    "first_name": "policybot",
    "username": "policybot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
USER = {"id": 5001, "is_bot": False, "first_name": "林老師", "language_code": "zh-hant"}
GROUP = {"id": -1001234567890, "type": "supergroup", "title": "雙語計畫承辦群組"}
DROP = 0  # a "status" for fail(): close the connection without answering
STALL = -1  # deliver the message, then never answer (the connection hangs)
GATEWAY = -2  # a proxy's 502 page instead of the Bot API's JSON

# Parameters PTB sends as JSON strings inside a form (or as JSON values in a JSON body).
_NESTED = {
    "reply_markup",
    "commands",
    "allowed_updates",
    "entities",
    "caption_entities",
    "scope",
    "reply_parameters",
    "link_preview_options",
    "results",
    "button",
}
# Methods whose Telegram result is just `true`.
_TRUE = {
    "answercallbackquery",
    "setmycommands",
    "deletemycommands",
    "setwebhook",
    "deletewebhook",
    "close",
    "logout",
}
_MENTION = re.compile(r"@[A-Za-z0-9_]{5,32}")
# The tags of Telegram's HTML style and the entity each makes.
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9A-Fa-f]+);")
_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


class HtmlError(ValueError):
    """What Telegram answers 400 "Bad Request: can't parse entities: ..." for."""


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's reading of an HTML-formatted text: (what the user sees, its entities)."""
    seen: list[str] = []
    entities: list[dict[str, Any]] = []
    open_tags: list[tuple[str, int]] = []
    offset = i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            tag = _TAG.match(text, i)
            at = len(text[:i].encode())
            if tag is None:
                raise HtmlError(f"can't parse entities: unexpected '<' at byte offset {at}")
            name = tag.group(2).lower()
            if name not in _HTML_TAGS:
                raise HtmlError(f'can\'t parse entities: unsupported start tag "{name}" at byte offset {at}')
            if tag.group(1):
                if not open_tags or open_tags[-1][0] != name:
                    raise HtmlError(f'can\'t parse entities: unmatched end tag at byte offset {at}, expected "{name}"')
                _, start = open_tags.pop()
                entities.append({"type": _HTML_TAGS[name], "offset": start, "length": offset - start})
            else:
                open_tags.append((name, offset))
            i = tag.end()
            continue
        if char == "&":
            entity = _ENTITY.match(text, i)
            if entity is None:
                raise HtmlError(f"can't parse entities: unsupported entity at byte offset {len(text[:i].encode())}")
            char, i = html.unescape(entity.group()), entity.end()
        else:
            i += 1
        seen.append(char)
        offset += _utf16(char)
    if open_tags:
        raise HtmlError(f"can't parse entities: can't find end tag corresponding to start tag \"{open_tags[-1][0]}\"")
    return "".join(seen), sorted(entities, key=lambda e: e["offset"])


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class _Failure:
    status: int
    description: str
    parameters: dict[str, Any] | None
    times: int | None  # None: every time


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entities_for(text: str) -> list[dict[str, Any]]:
    """The entities Telegram adds to a text: a leading /command and @mentions."""
    found = []
    command = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": _utf16(command.group())})
    for mention in _MENTION.finditer(text):
        if command and mention.start() < command.end():
            continue
        found.append({"type": "mention", "offset": _utf16(text[: mention.start()]), "length": _utf16(mention.group())})
    return found


def _private_chat(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}


class FakeTelegram:
    """Start with `await fake.start()`; point the bot at `fake.base_url` and `fake.base_file_url`.

    Run an Application against it with `async with polling(application):`.
    """

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.sent: list[dict[str, Any]] = []  # the messages the bot sent, as Telegram returned them
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self._updates: list[dict[str, Any]] = []
        self._failures: dict[tuple[str, str | None], _Failure] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.port = 0
        self.latency = 0.0  # seconds before every answer (getUpdates excepted)
        self.in_flight = 0
        self.max_in_flight = 0

    # -- server -----------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        self._closing = True  # long polls answer at once instead of holding up the shutdown
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- scripting ----------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        chat_id: int | str | None,
        status: int,
        description: str = "",
        parameters: dict[str, Any] | None = None,
        times: int | None = None,
    ) -> None:
        """Make `method` fail for `chat_id` (None: any chat), `times` times or from now on.

        Status DROP closes the connection without an answer.
        """
        key = None if chat_id is None else str(chat_id)
        self._failures[(method, key)] = _Failure(status, description, parameters, times)

    def block(self, chat_id: int | str) -> None:
        """The user blocked the bot: sending to the chat answers 403."""
        self.fail("sendMessage", chat_id, 403, "Forbidden: bot was blocked by the user")

    def add_update(self, **payload: Any) -> int:
        update_id = next(self._ids)
        self._updates.append({"update_id": update_id, **payload})
        self._notify()
        return update_id

    def message(
        self,
        text: str | None = None,
        *,
        user: dict[str, Any] = USER,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        **fields: Any,
    ) -> int:
        """Queue a message update; text gets Telegram's entities unless `entities` is given."""
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat or _private_chat(user),
            "from": user,
            **fields,
        }
        if text is not None:
            message["text"] = text
            message.setdefault("entities", entities_for(text))
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return self.add_update(message=message)

    def callback(self, data: str, *, user: dict[str, Any] = USER, message: dict[str, Any] | None = None) -> int:
        """Queue a button tap on `message` (default: the bot's last message)."""
        return self.add_update(
            callback_query={
                "id": str(next(self._ids)),
                "from": user,
                "chat_instance": "42",
                "data": data,
                "message": message or self.sent[-1],
            }
        )

    def document(
        self,
        file_name: str,
        content: bytes,
        *,
        mime_type: str = "text/csv",
        file_size: int | None = None,
        **fields: Any,
    ) -> int:
        """Queue a document message; the bot can getFile and download `content`."""
        file_id = f"file{next(self._ids)}"
        self.files[file_id] = (f"documents/{file_id}_{file_name}", content)
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content) if file_size is None else file_size,
        }
        return self.message(document=document, **fields)

    def sticker(self, **fields: Any) -> int:
        sticker = {
            "file_id": "sticker1",
            "file_unique_id": "usticker1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self.message(sticker=sticker, **fields)

    def inline_query(self, query: str, *, user: dict[str, Any] = USER) -> int:
        """Queue an inline query (`@bot query` typed in any chat)."""
        return self.add_update(inline_query={"id": str(next(self._ids)), "from": user, "query": query, "offset": ""})

    def my_chat_member(self, status: str, *, user: dict[str, Any] = USER, chat: dict[str, Any] | None = None) -> int:
        """Queue the update Telegram sends when the bot's membership changes (e.g. "kicked": blocked)."""
        old = {"status": "member", "user": BOT_USER}
        new = (
            {"status": status, "user": BOT_USER, "until_date": 0}
            if status == "kicked"
            else {"status": status, "user": BOT_USER}
        )
        return self.add_update(
            my_chat_member={
                "chat": chat or _private_chat(user),
                "from": user,
                "date": int(time.time()),
                "old_chat_member": old,
                "new_chat_member": new,
            }
        )

    # -- assertions ---------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def texts(self, chat_id: int | str | None = None) -> list[str]:
        """Texts of the sendMessage calls (to one chat)."""
        return [
            c.params["text"]
            for c in self.calls_to("sendMessage")
            if chat_id is None or str(c.params["chat_id"]) == str(chat_id)
        ]

    async def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0, where: Callable[[Call], bool] = lambda call: True
    ) -> list[Call]:
        """Wait until `method` was called `count` times (matching `where`); return those calls."""

        def matching() -> list[Call]:
            return [c for c in self.calls_to(method) if where(c)]

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(matching()) >= count), timeout)
        return matching()

    # -- the API ------------------------------------------------------------------------------

    def _notify(self) -> None:
        async def wake() -> None:
            async with self._changed:
                self._changed.notify_all()

        asyncio.get_running_loop().create_task(wake())

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            raw = await request.json()
        else:
            raw = dict(request.query)
            raw.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        return {k: json.loads(v) if k in _NESTED and isinstance(v, str) else v for k, v in raw.items()}

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        if self.latency and method.lower() != "getupdates":
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                await asyncio.sleep(self.latency)
            finally:
                self.in_flight -= 1
        if params.get("parse_mode") == "HTML" and isinstance(params.get("text"), str):
            try:
                visible, entities = parse_html(params["text"])
            except HtmlError as exc:
                self.calls.append(Call(method, params))
                self._notify()
                return web.json_response(
                    {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}, status=400
                )
            params = {**params, "html": params["text"], "text": visible, "entities": entities}
        self.calls.append(Call(method, params))
        self._notify()
        failure = self._take_failure(method, params.get("chat_id"))
        if failure is not None and failure.status == STALL:
            await self._api_sendmessage(params)  # the user has it
            await asyncio.Event().wait()
        if failure is not None:
            return self._failure(request, failure)
        if method.lower() in _TRUE:
            return self._ok(True)
        handler = getattr(self, f"_api_{method.lower()}", None)
        if handler is None:
            log.warning("fake Telegram: unknown method %s, answering ok", method)
            return self._ok(True)
        return await handler(params)

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    def _take_failure(self, method: str, chat_id: Any) -> _Failure | None:
        for key in ((method, str(chat_id)), (method, None)):
            failure = self._failures.get(key)
            if failure is not None:
                if failure.times is not None:
                    failure.times -= 1
                    if failure.times <= 0:
                        del self._failures[key]
                return failure
        return None

    @staticmethod
    def _failure(request: web.Request, failure: _Failure) -> web.StreamResponse:
        if failure.status == GATEWAY:
            return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>", content_type="text/html")
        if failure.status == DROP:
            assert request.transport is not None
            request.transport.close()
            raise ConnectionResetError("fake Telegram dropped the connection")
        body: dict[str, Any] = {"ok": False, "error_code": failure.status, "description": failure.description}
        if failure.parameters:
            body["parameters"] = failure.parameters
        return web.json_response(body, status=failure.status)

    async def _api_getme(self, params: dict[str, Any]) -> web.Response:
        return self._ok(BOT_USER)

    async def _api_getupdates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        if offset:  # the bot confirms every update before `offset`: they are never served again
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        async with self._changed:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._updates) or self._closing), timeout)
        return self._ok(self._updates[:limit])

    async def _api_sendmessage(self, params: dict[str, Any]) -> web.Response:
        chat_id = params["chat_id"]
        chat_key = int(chat_id) if str(chat_id).lstrip("-").isdigit() else chat_id
        chat = {"id": chat_key, "type": "private" if isinstance(chat_key, int) and chat_key > 0 else "supergroup"}
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            "text": params["text"],
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self.sent.append(message)
        return self._ok(message)

    async def _api_sendchataction(self, params: dict[str, Any]) -> web.Response:
        if params.get("action") not in _CHAT_ACTIONS:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: wrong parameter action in request"},
                status=400,
            )
        return self._ok(True)

    async def _api_answerinlinequery(self, params: dict[str, Any]) -> web.Response:
        """Checks the results as Telegram does; each result's message gets `text` (seen) and `html`."""
        results = params.get("results") or []
        ids = [r.get("id", "") for r in results]
        problems = []
        if len(results) > 50:
            problems.append("too many results")
        if len(set(ids)) != len(ids) or not all(0 < len(i.encode()) <= 64 for i in ids):
            problems.append("RESULT_ID_INVALID")
        for result in results:
            content = result.get("input_message_content") or {}
            if not result.get("title") or not content.get("message_text"):
                problems.append("result title and message text are required")
                continue
            text = content["message_text"]
            if content.get("parse_mode") == "HTML":
                try:
                    text, content["entities"] = parse_html(text)
                except HtmlError as exc:
                    problems.append(str(exc))
                    continue
                content["html"] = content["message_text"]
            content["text"] = text
            if not 0 < _utf16(text) <= 4096:
                problems.append("MESSAGE_TOO_LONG")
        if problems:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": f"Bad Request: {problems[0]}"}, status=400
            )
        return self._ok(True)

    async def _api_getfile(self, params: dict[str, Any]) -> web.Response:
        file_id = params["file_id"]
        if file_id not in self.files:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}, status=400
            )
        path, content = self.files[file_id]
        return self._ok(
            {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content), "file_path": path}
        )

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        self.calls.append(Call("download", {"file_path": path}))
        self._notify()
        for file_path, content in self.files.values():
            if file_path == path:
                return web.Response(body=content)
        return web.Response(status=404)


@asynccontextmanager
async def polling(application: Application) -> AsyncIterator[Application]:
    """Run `application` the way run_polling does (post_init and post_shutdown included), in this loop."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(timeout=timedelta(seconds=1), allowed_updates=Update.ALL_TYPES)
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()
