"""policybot's own blocking calls (the database, the dialog) run here, off the event loop, in
pools of threads of their own.

`asyncio.to_thread` would use the loop's default executor, which libraries use too: aiohttp looks
up netrc and proxy settings there before every request (the LINE SDK's sessions trust the
environment). A burst of chats queued in that executor made every API request, replies and
pushes alike, wait behind them. And the reminder scheduler's sent-log writes get a pool apart
from the chats', so that a burst of questions does not hold up a fan-out, nor a fan-out the
answers.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# Dialog calls are mostly CPU (one at a time under the GIL); database calls mostly wait, up to the
# busy timeout. Enough threads that a locked database does not stop every chat at once.
_CHATS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="policybot-chat")
_REMINDERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="policybot-reminders")


async def run(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`func(*args, **kwargs)` in the chats' worker pool, like asyncio.to_thread."""
    return await _in(_CHATS, func, *args, **kwargs)


async def reminders(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`func(*args, **kwargs)` in the reminder scheduler's worker pool."""
    return await _in(_REMINDERS, func, *args, **kwargs)


async def _in(pool: ThreadPoolExecutor, func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    context = contextvars.copy_context()
    call = functools.partial(context.run, func, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(pool, call)
