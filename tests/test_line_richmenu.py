"""The LINE rich menu: its picture (size, format, CJK glyphs rather than tofu boxes, redrawn
identically), its areas, every tap through the webhook, and `policybot line richmenu` run twice
against the fake LINE API."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
from pathlib import Path

import pytest
from fake_line import FakeLine, png_size
from line_harness import SECRET, TOKEN, USER, Line, event, settings
from PIL import Image

from bot.cli import main
from bot.richmenu_image import find_faces, label_text, missing_glyphs, render, same_pixels
from handlers.dialog import COMMANDS, Dialog, parse_command
from handlers.line import to_messages
from handlers.line_richmenu import (
    CHAT_BAR_TEXT,
    HEIGHT,
    MAX_IMAGE_BYTES,
    MENU_PREFIX,
    TILES,
    WIDTH,
    RichMenuError,
    image_bytes,
    install_with,
    is_ours,
    menu_request,
)
from handlers.memory import ChatMemory, ChatRef

pytest_plugins = ["line_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
NO_FONT = "Noto Sans CJK TC is not installed (Debian: fonts-noto-cjk); the committed picture is still checked"


@pytest.fixture(scope="module")
def faces():  # type: ignore[no-untyped-def]
    found = find_faces()
    if found is None:
        pytest.skip(NO_FONT)
    return found


# -- the picture ------------------------------------------------------------------------------


def test_committed_picture_is_a_png_of_lines_large_menu_size_under_1_mb() -> None:
    data = image_bytes()
    assert len(data) <= MAX_IMAGE_BYTES
    assert png_size(data) == (WIDTH, HEIGHT) == (2500, 1686)
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.format == "PNG" and picture.size == (2500, 1686)
        picture.verify()


def test_every_label_is_drawn_with_real_glyphs_not_tofu(faces) -> None:  # type: ignore[no-untyped-def]
    assert missing_glyphs(faces.bold, label_text()) == []
    assert missing_glyphs(faces.regular, label_text()) == []
    # The check does see tofu: an unassigned code point is drawn as the .notdef box.
    assert missing_glyphs(faces.bold, "問\u0378") == ["\u0378"]


def test_committed_picture_is_what_the_tiles_draw(faces) -> None:  # type: ignore[no-untyped-def]
    with Image.open(io.BytesIO(image_bytes())) as committed:
        assert same_pixels(render(faces), committed), "run `python -m bot.richmenu_image` and commit the picture"


def test_a_changed_label_changes_the_picture(faces) -> None:  # type: ignore[no-untyped-def]
    changed = (TILES[0].__class__("問題", TILES[0].en, TILES[0].data, TILES[0].display), *TILES[1:])
    with Image.open(io.BytesIO(image_bytes())) as committed:
        assert not same_pixels(render(faces, changed), committed)


# -- the menu definition ----------------------------------------------------------------------


def test_areas_tile_the_whole_picture_and_each_sends_a_known_command() -> None:
    request = json.loads(menu_request(image_bytes()).to_json())
    assert request["size"] == {"width": WIDTH, "height": HEIGHT}
    assert len(request["chatBarText"]) <= 14 and request["chatBarText"] == CHAT_BAR_TEXT
    assert is_ours(request["name"]) and len(request["name"]) <= 300
    covered = sum(a["bounds"]["width"] * a["bounds"]["height"] for a in request["areas"])
    assert covered == WIDTH * HEIGHT
    known = {c.name for c in COMMANDS}
    for area, tile in zip(request["areas"], TILES, strict=True):
        action = area["action"]
        assert action["type"] == "postback" and action["data"] == tile.data
        assert len(action["label"]) <= 20 and len(action["data"]) <= 300 and len(action["displayText"]) <= 300
        parsed = parse_command(action["data"])
        assert parsed is not None and parsed[0] in known
    assert not is_ours("policybot") and not is_ours("Spring campaign") and not is_ours(None)


async def test_each_tap_reaches_the_dialog_as_its_command(line: Line) -> None:
    """Every tile's postback gets the reply the command gets when typed."""
    chat = ChatRef("line", USER)
    for tile in TILES:
        reference = Dialog(
            line.services.engine,
            line.services.dialog.rules,
            line.services.dialog.plan,
            reminders=line.services.reminders,
            memory=ChatMemory(),
        )
        expected = reference.handle_text(chat, tile.data)
        before = len(line.fake.replies())
        await line.deliver([event("postback", postback={"data": tile.data})])
        replies = await line.fake.wait_for(lambda b=before: line.fake.replies()[b:])
        assert replies[0].body["messages"] == [json.loads(m.to_json()) for m in to_messages(expected)], tile
    replies = {tile.data: "\n".join(c.texts()) for tile, c in zip(TILES, line.fake.replies(), strict=True)}
    assert "policybot" in replies["/start"]
    assert "模式" in replies["/cap"]
    assert "訂閱" in replies["/reminders"]
    assert "CSV" in replies["/budget"]
    assert "/lang" in replies["/lang"]


# -- installing it ----------------------------------------------------------------------------


def _env(fake: FakeLine) -> dict[str, str]:
    return {
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": fake.base_url,
        "LINE_DATA_API_BASE_URL": fake.base_url,
    }


async def run_richmenu(fake: FakeLine, *args: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINE_")} | _env(fake)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "line",
        "richmenu",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_policybot_line_richmenu_creates_once_then_replaces_only_its_own(
    fake: FakeLine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first run is the installed command in its own process; the second calls the same
    command line in this one (a second process would only repeat the slow LINE SDK import)."""
    foreign = fake.add_rich_menu("Spring campaign (made in the console)")
    fake.default_rich_menu = None

    status, out, err = await run_richmenu(fake)
    assert status == 0, err
    ours = [m for m in fake.rich_menus if m != foreign]
    assert len(ours) == 1 and fake.default_rich_menu == ours[0]
    first = ours[0]
    assert fake.rich_menus[first]["name"].startswith(MENU_PREFIX + " ")
    assert fake.rich_menu_images[first] == ("image/png", image_bytes())
    assert first in out and "replaced" not in out
    assert SECRET not in out + err and TOKEN not in out + err

    for name, value in _env(fake).items():
        monkeypatch.setenv(name, value)
    status = await asyncio.to_thread(main, ["line", "richmenu"])
    out, err = capsys.readouterr()
    assert status == 0, err
    ours = [m for m in fake.rich_menus if m != foreign]
    assert len(ours) == 1 and ours[0] != first and fake.default_rich_menu == ours[0]
    assert "replaced 1" in out and first in out
    assert foreign in fake.rich_menus
    deleted = [path for method, path in fake.rich_menu_calls() if method == "DELETE"]
    assert deleted == [f"/v2/bot/richmenu/{first}"]
    # The new menu was the default before the old one was deleted.
    calls = fake.rich_menu_calls()
    assert calls.index(("POST", f"/v2/bot/user/all/richmenu/{ours[0]}")) < calls.index(("DELETE", deleted[0]))


async def test_a_refused_picture_leaves_the_menus_as_they_were(fake: FakeLine) -> None:
    foreign = fake.add_rich_menu("someone else's")
    fake.default_rich_menu = foreign
    with pytest.raises(RichMenuError, match="upload the rich-menu picture: HTTP 400"):
        await install_with(settings(fake), b"\x89PNG\r\n\x1a\n not really a picture")
    assert list(fake.rich_menus) == [foreign] and fake.default_rich_menu == foreign


async def test_a_wrong_token_is_one_line_without_the_token(fake: FakeLine) -> None:
    fake.access_token = "another token"
    with pytest.raises(RichMenuError) as refused:
        await install_with(settings(fake))
    assert refused.value.line() == "LINE refused to list the rich menus: HTTP 401 Unauthorized"
    assert TOKEN not in str(refused.value) and fake.rich_menus == {}
