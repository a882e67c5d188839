"""A fake LINE Messaging API on 127.0.0.1 for tests: the endpoints line-bot-sdk calls for us.

It serves the API host and the data (content) host on one port, records every call, checks
requests the way LINE does (bearer token, at most 5 messages of at most 5,000 characters,
quick-reply limits, Flex messages: altText of at most 1,500 characters, a bubble of at most 30 KB,
action labels of at most 20 characters and data of at most 300; single-use reply tokens, retry
keys: a push whose key was accepted before is 409) and can be told to refuse: 403 for a user, 400
"Failed to send messages" for an unknown user, any status (429 with a Retry-After, 500) for every
push or for the next few, an expired reply token.

It also keeps rich menus as LINE does (create, list, upload the picture once, set and read the
default for all users, delete; `rich_menus` holds them, and a test can add menus "someone else"
made) and accepts the chat loading animation for a user (5 to 60 seconds, by 5).

Slow and failing modes: `latency` (every answer takes that long), `stall_pushes` (a push is
accepted, so the user has it, but never answered: the connection hangs), and it keeps count of the
requests in flight. `delivered` holds the pushes LINE accepted: what users saw.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"
LOADING = "/v2/bot/chat/loading/start"
RICH_MENU = "/v2/bot/richmenu"
DEFAULT_RICH_MENU = "/v2/bot/user/all/richmenu"
MAX_BUBBLE_BYTES = 30_000
MAX_RICH_MENU_IMAGE = 1024 * 1024


@dataclass
class Call:
    method: str
    path: str
    body: Any
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)

    def texts(self) -> list[str]:
        """What each message shows: its text; for a Flex message its altText, then every text of
        the bubble, one per line."""
        return [
            m["text"] if m["type"] == "text" else "\n".join([m["altText"], *_texts(m)]) for m in self.body["messages"]
        ]

    def flexes(self) -> list[dict[str, Any]]:
        return [m for m in self.body["messages"] if m["type"] == "flex"]

    def quick_replies(self) -> list[dict[str, Any]]:
        """The quick-reply items of the last message (the only ones LINE shows)."""
        return (self.body["messages"][-1].get("quickReply") or {}).get("items", [])


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _texts(node: Any) -> list[str]:
    """Every text component inside a Flex container, in order."""
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    if not isinstance(node, dict):
        return []
    own = [node["text"]] if node.get("type") == "text" and isinstance(node.get("text"), str) else []
    return own + [t for key, value in node.items() if key != "text" for t in _texts(value)]


def _actions(node: Any) -> list[dict[str, Any]]:
    """Every action object inside a Flex container."""
    if isinstance(node, list):
        return [a for item in node for a in _actions(item)]
    if not isinstance(node, dict):
        return []
    found = [node["action"]] if isinstance(node.get("action"), dict) else []
    return found + [a for key, value in node.items() if key != "action" for a in _actions(value)]


def _action_errors(action: dict[str, Any]) -> list[str]:
    errors = []
    if len(action.get("label", "")) > 20 or len(action.get("data", "")) > 300:
        errors.append("action: label or data too long")
    if len(action.get("displayText", "")) > 300:
        errors.append("action: displayText too long")
    return errors


def _flex_errors(i: int, message: dict[str, Any]) -> list[str]:
    errors = []
    alt = message.get("altText")
    if not isinstance(alt, str) or not 0 < _utf16_len(alt) <= 1500:
        errors.append(f"messages[{i}].altText: 1 to 1500 characters required")
    contents = message.get("contents")
    if not isinstance(contents, dict) or contents.get("type") not in ("bubble", "carousel"):
        errors.append(f"messages[{i}].contents: a bubble or carousel required")
    elif len(json.dumps(contents, separators=(",", ":")).encode()) > MAX_BUBBLE_BYTES:
        errors.append(f"messages[{i}].contents: size over 30 KB")
    for action in _actions(contents):
        errors += [f"messages[{i}].contents: {e}" for e in _action_errors(action)]
    return errors


def _message_errors(messages: Any) -> list[str]:
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return ["messages: 1 to 5 required"]
    errors = []
    for i, message in enumerate(messages):
        text = message.get("text")
        if message.get("type") == "flex":
            errors += _flex_errors(i, message)
        elif message.get("type") != "text" or not isinstance(text, str) or not text:
            errors.append(f"messages[{i}].text: required")
        elif _utf16_len(text) > 5000:
            errors.append(f"messages[{i}].text: longer than 5000")
        items = (message.get("quickReply") or {}).get("items", [])
        if len(items) > 13:
            errors.append(f"messages[{i}].quickReply.items: more than 13")
        for item in items:
            action = item.get("action", {})
            if len(action.get("label", "")) > 20 or len(action.get("data", "")) > 300:
                errors.append(f"messages[{i}].quickReply: label or data too long")
    return errors


class FakeLine:
    def __init__(self, access_token: str) -> None:
        self.access_token = access_token
        self.calls: list[Call] = []
        self.contents: dict[str, bytes] = {}  # message id -> file content
        self.blocked: set[str] = set()  # push -> 403
        self.unknown: set[str] = set()  # push -> 400 Failed to send messages
        self.expired_tokens: set[str] = set()  # reply -> 400 Invalid reply token
        self.push_status: int | None = None  # answer every push with this status (429, 500 ...)
        self.rich_menus: dict[str, dict[str, Any]] = {}  # id -> the menu as created
        self.rich_menu_images: dict[str, tuple[str, bytes]] = {}  # id -> (content type, picture)
        self.default_rich_menu: str | None = None
        self.push_failures: list[int] = []  # statuses for the next pushes, one each
        self.reply_failures: list[int] = []  # statuses for the next replies, one each
        self.retry_after: str | None = None  # Retry-After header of a 429
        self.latency = 0.0  # seconds before every API answer
        self.stall_pushes = False  # accept a push, then never answer
        self.delivered: list[Call] = []  # pushes accepted (200): what users saw
        self.in_flight = 0
        self.max_in_flight = 0
        self._used_tokens: set[str] = set()
        self._retry_keys: set[str] = set()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post(REPLY, self._reply)
        app.router.add_post(PUSH, self._push)
        app.router.add_get("/v2/bot/message/{message_id}/content", self._content)
        app.router.add_post(LOADING, self._loading)
        app.router.add_post(RICH_MENU, self._create_rich_menu)
        app.router.add_get(RICH_MENU + "/list", self._list_rich_menus)
        app.router.add_delete(RICH_MENU + "/{menu_id}", self._delete_rich_menu)
        app.router.add_post(RICH_MENU + "/{menu_id}/content", self._upload_rich_menu_image)
        app.router.add_post(DEFAULT_RICH_MENU + "/{menu_id}", self._set_default_rich_menu)
        app.router.add_get(DEFAULT_RICH_MENU, self._get_default_rich_menu)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self.base_url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests read -------------------------------------------------------------------------

    def replies(self) -> list[Call]:
        return [c for c in self.calls if c.path == REPLY]

    def pushes(self, to: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.path == PUSH and (to is None or c.body["to"] == to)]

    def accepted_pushes(self, to: str | None = None) -> int:
        return sum(1 for c in self.delivered if to is None or c.body["to"] == to)

    def content_fetches(self) -> list[Call]:
        return [c for c in self.calls if c.path.startswith("/v2/bot/message/") and c.path.endswith("/content")]

    def loadings(self) -> list[Call]:
        return [c for c in self.calls if c.path == LOADING]

    def rich_menu_calls(self) -> list[tuple[str, str]]:
        return [(c.method, c.path) for c in self.calls if "richmenu" in c.path]

    def add_rich_menu(self, name: str, menu_id: str | None = None) -> str:
        """A menu someone else made (in the console or with another tool)."""
        menu_id = menu_id or f"richmenu-{next(self._ids):032x}"
        self.rich_menus[menu_id] = {
            "richMenuId": menu_id,
            "name": name,
            "size": {"width": 2500, "height": 843},
            "selected": False,
            "chatBarText": "Menu",
            "areas": [],
        }
        return menu_id

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Poll until `condition()` is truthy and return it; fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not (result := condition()):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting; calls so far: {[(c.method, c.path) for c in self.calls]}")
            await asyncio.sleep(0.01)
        return result

    # -- endpoints -------------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> Call | web.Response:
        if request.content_type.startswith("image/"):
            body: Any = await request.read()
        else:
            body = await request.json() if request.can_read_body else None
        if self.latency:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                await asyncio.sleep(self.latency)
            finally:
                self.in_flight -= 1
        call = Call(
            request.method,
            request.path,
            body,
            {k: v for k, v in request.headers.items() if k.lower().startswith("x-line")},
        )
        self.calls.append(call)
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return _error(
                401, "Authentication failed. Confirm that the access token in the authorization header is valid."
            )
        return call

    async def _reply(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        token = call.body.get("replyToken")
        if self.reply_failures:
            return self._refusal(self.reply_failures.pop(0))
        if token in self.expired_tokens or token in self._used_tokens:
            return _error(400, "Invalid reply token")
        if errors := _message_errors(call.body.get("messages")):
            return _error(400, "The request body has errors", errors)
        self._used_tokens.add(token)
        return self._sent(call.body["messages"])

    async def _push(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        to = call.body.get("to")
        if self.push_failures:
            return self._refusal(self.push_failures.pop(0))
        if self.push_status is not None:
            return self._refusal(self.push_status)
        if to in self.blocked:
            return _error(403, "Access to this API is not available for your account")
        if to in self.unknown:
            return _error(400, "Failed to send messages")
        if errors := _message_errors(call.body.get("messages")):
            return _error(400, "The request body has errors", errors)
        retry_key = request.headers.get("X-Line-Retry-Key")
        if retry_key in self._retry_keys:
            return _error(409, "The retry key is already accepted")
        if retry_key:
            self._retry_keys.add(retry_key)
        self.delivered.append(call)
        if self.stall_pushes:
            await asyncio.Event().wait()  # accepted, but the answer never comes
        return self._sent(call.body["messages"])

    def _refusal(self, status: int) -> web.Response:
        if status == 429:
            response = _error(429, "The API rate limit has been exceeded. Try again later.")
            if self.retry_after is not None:
                response.headers["Retry-After"] = self.retry_after
            return response
        return _error(status, "Internal server error" if status >= 500 else "Bad request")

    async def _content(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        content = self.contents.get(request.match_info["message_id"])
        if content is None:
            return _error(404, "Not found")
        return web.Response(body=content, content_type="application/octet-stream")

    async def _loading(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        chat, seconds = call.body.get("chatId"), call.body.get("loadingSeconds", 20)
        if not isinstance(chat, str) or not chat.startswith("U"):
            return _error(400, "The request body has errors", ["chatId: a user ID is required"])
        if not isinstance(seconds, int) or not 5 <= seconds <= 60 or seconds % 5:
            return _error(400, "The request body has errors", ["loadingSeconds: 5 to 60, a multiple of 5"])
        return web.json_response({}, status=202)

    async def _create_rich_menu(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        if errors := _rich_menu_errors(call.body):
            return _error(400, "The request body has errors", errors)
        menu_id = f"richmenu-{next(self._ids):032x}"
        self.rich_menus[menu_id] = {"richMenuId": menu_id, **call.body}
        return web.json_response({"richMenuId": menu_id})

    async def _list_rich_menus(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        return web.json_response({"richmenus": list(self.rich_menus.values())})

    async def _delete_rich_menu(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        menu_id = request.match_info["menu_id"]
        if self.rich_menus.pop(menu_id, None) is None:
            return _error(404, "Not found")
        self.rich_menu_images.pop(menu_id, None)
        if self.default_rich_menu == menu_id:
            self.default_rich_menu = None
        return web.json_response({})

    async def _upload_rich_menu_image(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        menu_id = request.match_info["menu_id"]
        menu = self.rich_menus.get(menu_id)
        if menu is None:
            return _error(404, "Not found")
        if menu_id in self.rich_menu_images:
            return _error(400, "An image has already been uploaded to the richmenu")
        kind, picture = request.content_type, call.body
        if kind not in ("image/png", "image/jpeg") or not isinstance(picture, bytes):
            return _error(415, "Unsupported Media Type")
        if len(picture) > MAX_RICH_MENU_IMAGE:
            return _error(413, "Request Entity Too Large")
        if kind == "image/png" and png_size(picture) != (menu["size"]["width"], menu["size"]["height"]):
            return _error(400, "Image's size is not match with the richmenu")
        self.rich_menu_images[menu_id] = (kind, picture)
        return web.json_response({})

    async def _set_default_rich_menu(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        menu_id = request.match_info["menu_id"]
        if menu_id not in self.rich_menus:
            return _error(404, "Not found")
        if menu_id not in self.rich_menu_images:
            return _error(400, "must upload richmenu image before applying it to user")
        self.default_rich_menu = menu_id
        return web.json_response({})

    async def _get_default_rich_menu(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if isinstance(call, web.Response):
            return call
        if self.default_rich_menu is None:
            return _error(404, "no default richmenu")
        return web.json_response({"richMenuId": self.default_rich_menu})

    def _sent(self, messages: list[Any]) -> web.Response:
        return web.json_response({"sentMessages": [{"id": str(next(self._ids)), "quoteToken": "q"} for _ in messages]})


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk; None when `data` is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _rich_menu_errors(menu: Any) -> list[str]:
    """LINE's rules for a rich menu object."""
    if not isinstance(menu, dict):
        return ["a rich menu object is required"]
    errors = []
    size = menu.get("size") or {}
    width, height = size.get("width", 0), size.get("height", 0)
    if not (800 <= width <= 2500 and height >= 250 and width / height >= 1.45):
        errors.append("size: width 800 to 2500, height at least 250, width/height at least 1.45")
    if not isinstance(menu.get("selected"), bool):
        errors.append("selected: required")
    if not 0 < len(menu.get("name") or "") <= 300:
        errors.append("name: 1 to 300 characters")
    if not 0 < len(menu.get("chatBarText") or "") <= 14:
        errors.append("chatBarText: 1 to 14 characters")
    areas = menu.get("areas") or []
    if not 0 < len(areas) <= 20:
        errors.append("areas: 1 to 20")
    for area in areas:
        b = area.get("bounds") or {}
        if (
            b.get("x", -1) < 0
            or b.get("y", -1) < 0
            or b["x"] + b.get("width", 0) > width
            or b["y"] + b.get("height", 0) > height
        ):
            errors.append(f"areas: bounds {b} outside the menu")
        errors += _action_errors(area.get("action") or {})
    return errors


def _error(status: int, message: str, details: list[str] | None = None) -> web.Response:
    body: dict[str, Any] = {"message": message}
    if details:
        body["details"] = [{"message": d} for d in details]
    return web.json_response(body, status=status)
