"""The LINE rich menu: six tiles under the chat, each a command the shared Dialog answers.

`TILES` is the one definition: bot/richmenu_image.py draws the picture from it (committed as
handlers/assets/line-richmenu.png) and `menu_request` makes the tappable areas from it, so the
picture and the taps cannot drift apart. A tap sends a postback whose data is a command such as
"/cap"; the Dialog handles it as if the command were typed (Dialog.handle_button).

`install` (`policybot line richmenu`) creates the menu, uploads the picture, makes it the
default for every user, then deletes the menus it created before. It recognises its own menus by
their name, which starts with MENU_PREFIX, and never deletes any other menu. Running it again
leaves the same state: one policybot menu, the default.
"""

from __future__ import annotations

import hashlib
import json
import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from importlib import resources

from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    PostbackAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
)
from linebot.v3.messaging.exceptions import ApiException

from handlers.line import _configuration
from handlers.settings import LineSettings
from knowledge.errors import PolicybotError

log = logging.getLogger(__name__)

# LINE's large rich menu: 2500 x 1686 pixels, a PNG or JPEG of at most 1 MB.
WIDTH, HEIGHT = 2500, 1686
COLUMNS, ROWS = 3, 2
MAX_IMAGE_BYTES = 1024 * 1024
MENU_PREFIX = "policybot-richmenu"  # the name of every menu this module creates starts so
CHAT_BAR_TEXT = "選單 Menu"  # at most 14 characters
IMAGE = "line-richmenu.png"
UPLOAD_TIMEOUT = 60
API_TIMEOUT = 15  # seconds, every other rich-menu request (a one-off admin command)
RICH_MENU_CONNECTIONS = 2  # one request at a time; a spare for the upload


@dataclass(frozen=True)
class Tile:
    zh: str  # the large label in the picture
    en: str  # the small one under it
    data: str  # the postback: a command, handled like a typed one
    display: str  # what the chat shows as the user's message
    open_keyboard: bool = False  # also open the keyboard, to type a question


TILES = (
    Tile("問問題", "Ask a question", "/start", "問問題（範例）", open_keyboard=True),
    Tile("補助上限", "Funding ceiling", "/cap", "計算補助上限"),
    Tile("近期期限", "Deadlines", "/deadlines", "近期期限"),
    Tile("期限提醒", "Reminders", "/reminders", "我的期限提醒"),
    Tile("經費表檢查", "Budget file check", "/budget", "經費表檢查說明"),
    Tile("中文／English", "Language", "/lang", "切換語言 Language"),
)


def tile_bounds(index: int) -> tuple[int, int, int, int]:
    """(x, y, width, height) of tile `index`, row by row; the last column takes the odd pixels."""
    column, row = index % COLUMNS, index // COLUMNS
    width, height = WIDTH // COLUMNS, HEIGHT // ROWS
    x, y = column * width, row * height
    return x, y, (WIDTH - x if column == COLUMNS - 1 else width), (HEIGHT - y if row == ROWS - 1 else height)


def _action(tile: Tile) -> PostbackAction:
    return PostbackAction(
        label=tile.zh[:20],
        data=tile.data,
        display_text=tile.display,
        input_option="openKeyboard" if tile.open_keyboard else None,
    )


def menu_request(image: bytes) -> RichMenuRequest:
    """The menu's definition; its name carries a digest of the definition and the picture."""
    areas = [
        RichMenuArea(bounds=RichMenuBounds(x=x, y=y, width=w, height=h), action=_action(tile))
        for tile, (x, y, w, h) in zip(TILES, (tile_bounds(i) for i in range(len(TILES))), strict=True)
    ]
    request = RichMenuRequest(
        size=RichMenuSize(width=WIDTH, height=HEIGHT),
        selected=True,
        name=MENU_PREFIX,
        chat_bar_text=CHAT_BAR_TEXT,
        areas=areas,
    )
    digest = hashlib.sha256(json.dumps(request.to_dict(), sort_keys=True).encode() + image).hexdigest()[:16]
    request.name = f"{MENU_PREFIX} {digest}"
    return request


def is_ours(name: str | None) -> bool:
    return bool(name) and (name == MENU_PREFIX or str(name).startswith(MENU_PREFIX + " "))


def image_bytes() -> bytes:
    """The committed picture (bot/richmenu_image.py draws it)."""
    return resources.files("handlers").joinpath("assets", IMAGE).read_bytes()


class RichMenuError(PolicybotError):
    """LINE refused a rich-menu call; the message names the step and the status, never a secret."""


@dataclass
class Installed:
    menu_id: str
    replaced: list[str] = field(default_factory=list)  # our earlier menus, now deleted
    others: list[str] = field(default_factory=list)  # menus we did not create, left alone

    def summary(self) -> str:
        parts = [f"rich menu {self.menu_id} created and set as the default"]
        if self.replaced:
            parts.append(f"replaced {len(self.replaced)} earlier policybot menu(s): {', '.join(self.replaced)}")
        if self.others:
            parts.append(f"left {len(self.others)} menu(s) policybot did not create")
        return "; ".join(parts)


def _refused(step: str, exc: ApiException) -> RichMenuError:
    return RichMenuError(f"LINE refused to {step}: HTTP {exc.status} {exc.reason or ''}".strip())


async def install(messaging: AsyncMessagingApi, blob: AsyncMessagingApiBlob, image: bytes) -> Installed:
    """Create the menu with `image`, make it the default, then delete our earlier menus.

    The new menu is the default before any old one is deleted, so users are never without one.
    If uploading or making it the default fails, the new menu is deleted again and nothing else
    changes."""
    if len(image) > MAX_IMAGE_BYTES:
        raise RichMenuError(f"the rich-menu picture is {len(image)} bytes; LINE takes at most {MAX_IMAGE_BYTES}")
    try:
        listed = await messaging.get_rich_menu_list(_request_timeout=API_TIMEOUT)
    except ApiException as exc:
        raise _refused("list the rich menus", exc) from exc
    menus = listed.richmenus or []
    earlier = [m.rich_menu_id for m in menus if is_ours(m.name)]
    others = [m.rich_menu_id for m in menus if not is_ours(m.name)]
    try:
        created = await messaging.create_rich_menu(menu_request(image), _request_timeout=API_TIMEOUT)
    except ApiException as exc:
        raise _refused("create the rich menu", exc) from exc
    menu_id = created.rich_menu_id
    step = "upload the rich-menu picture"
    try:
        await blob.set_rich_menu_image(
            menu_id, image, _headers={"Content-Type": "image/png"}, _request_timeout=UPLOAD_TIMEOUT
        )
        step = "make the rich menu the default"
        await messaging.set_default_rich_menu(menu_id, _request_timeout=API_TIMEOUT)
    except ApiException as exc:
        try:
            await messaging.delete_rich_menu(menu_id, _request_timeout=API_TIMEOUT)
        except ApiException:
            log.warning("could not delete the unfinished rich menu %s", menu_id)
        raise _refused(step, exc) from exc
    deleted = []
    for old in earlier:
        try:
            await messaging.delete_rich_menu(old, _request_timeout=API_TIMEOUT)
            deleted.append(old)
        except ApiException as exc:
            log.warning("could not delete the earlier rich menu %s: HTTP %s", old, exc.status)
    return Installed(menu_id, deleted, others)


async def install_with(settings: LineSettings, image: bytes | None = None) -> Installed:
    """`install` with clients of their own (the command runs without the webhook server)."""
    token = settings.access_token
    async with AsyncExitStack() as stack:
        api = await stack.enter_async_context(
            AsyncApiClient(_configuration(token, settings.api_base_url, RICH_MENU_CONNECTIONS))
        )
        data = await stack.enter_async_context(
            AsyncApiClient(_configuration(token, settings.data_api_base_url, RICH_MENU_CONNECTIONS))
        )
        return await install(AsyncMessagingApi(api), AsyncMessagingApiBlob(data), image or image_bytes())
