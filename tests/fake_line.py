"""A fake LINE Messaging API on 127.0.0.1 for tests: the endpoints line-bot-sdk calls for us.

It serves the API host and the data (content) host on one port, records every call, checks
requests the way LINE does (bearer token, at most 5 messages of at most 5,000 characters,
quick-reply limits, single-use reply tokens, retry keys: a push whose key was accepted before is
409) and can be told to refuse: 403 for a user, 400 "Failed to send messages" for an unknown user,
any status (429 with a Retry-After, 500) for every push or for the next few, an expired reply token.

Slow and failing modes: `latency` (every answer takes that long), `stall_pushes` (a push is
accepted, so the user has it, but never answered: the connection hangs), and it keeps count of the
requests in flight. `delivered` holds the pushes LINE accepted: what users saw.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"


@dataclass
class Call:
    method: str
    path: str
    body: Any
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)

    def texts(self) -> list[str]:
        return [m["text"] for m in self.body["messages"]]

    def quick_replies(self) -> list[dict[str, Any]]:
        """The quick-reply items of the last message (the only ones LINE shows)."""
        return (self.body["messages"][-1].get("quickReply") or {}).get("items", [])


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _message_errors(messages: Any) -> list[str]:
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return ["messages: 1 to 5 required"]
    errors = []
    for i, message in enumerate(messages):
        text = message.get("text")
        if message.get("type") != "text" or not isinstance(text, str) or not text:
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
        return [c for c in self.calls if c.path.endswith("/content")]

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

    def _sent(self, messages: list[Any]) -> web.Response:
        return web.json_response({"sentMessages": [{"id": str(next(self._ids)), "quoteToken": "q"} for _ in messages]})


def _error(status: int, message: str, details: list[str] | None = None) -> web.Response:
    body: dict[str, Any] = {"message": message}
    if details:
        body["details"] = [{"message": d} for d in details]
    return web.json_response(body, status=status)
