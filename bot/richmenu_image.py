"""Draw the LINE rich-menu picture from handlers/line_richmenu.TILES.

    python -m bot.richmenu_image            # rewrite handlers/assets/line-richmenu.png
    python -m bot.richmenu_image --check    # exit 1 if the committed picture is not what this draws

The picture is committed, so running or deploying policybot needs neither Pillow nor a font; this
module is for changing the menu. It needs Pillow (the `test` dependency group) and the Noto Sans
CJK TC font (Debian: fonts-noto-cjk; or POLICYBOT_CJK_FONT_DIR, a folder with NotoSansCJK-*.ttc).
Drawing is reproducible: the same Pillow, font and TILES give the same pixels, which
tests/test_line_richmenu.py checks, with every label character drawn as a real glyph of the font,
never its "missing glyph" box.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

from handlers.line_richmenu import HEIGHT, IMAGE, TILES, WIDTH, Tile, tile_bounds

ASSET = Path(__file__).resolve().parent.parent / "handlers" / "assets" / IMAGE
FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),  # Debian, Ubuntu: fonts-noto-cjk
    Path("/usr/share/fonts/noto-cjk"),  # Fedora, Arch
    Path("/usr/share/fonts/google-noto-cjk"),
    Path("/System/Library/Fonts"),
)
FAMILY = "Noto Sans CJK TC"  # the traditional-Chinese face inside the .ttc collections
NOT_A_CHARACTER = "\U0010fffd"  # in no font: drawn as the font's .notdef glyph

BACKGROUND = (255, 255, 255)
TILE_COLORS = ((232, 246, 238), (230, 241, 250), (253, 243, 226), (243, 236, 249), (236, 244, 233), (240, 240, 240))
ACCENT = (6, 199, 85)  # LINE green
INK = (33, 33, 33)
MUTED = (102, 102, 102)
ZH_SIZE, EN_SIZE = 150, 72
MARGIN = 18


@dataclass(frozen=True)
class Faces:
    bold: ImageFont.FreeTypeFont
    regular: ImageFont.FreeTypeFont


def _face(path: Path) -> ImageFont.FreeTypeFont | None:
    """The FAMILY face of a .ttc collection (faces are numbered; the TC one is not first)."""
    for index in range(16):
        try:
            font = ImageFont.truetype(str(path), 40, index=index)
        except OSError:
            return None
        if font.getname()[0] == FAMILY:
            return font
    return None


def find_faces(dirs: Iterable[Path] | None = None) -> Faces | None:
    """Noto Sans CJK TC bold and regular, or None when the font is not installed."""
    extra = os.environ.get("POLICYBOT_CJK_FONT_DIR")
    search = list(dirs) if dirs is not None else [*([Path(extra)] if extra else []), *FONT_DIRS]
    for folder in search:
        bold, regular = _face(folder / "NotoSansCJK-Bold.ttc"), _face(folder / "NotoSansCJK-Regular.ttc")
        if bold is not None and regular is not None:
            return Faces(bold, regular)
    return None


def _sized(font: ImageFont.FreeTypeFont, size: int) -> ImageFont.FreeTypeFont:
    return font.font_variant(size=size)


def _fit(font: ImageFont.FreeTypeFont, size: int, text: str, width: int) -> ImageFont.FreeTypeFont:
    """`font` at `size`, or smaller until `text` fits `width`."""
    sized = _sized(font, size)
    while sized.getlength(text) > width and size > 20:
        size -= 4
        sized = _sized(font, size)
    return sized


def _draw_tile(draw: ImageDraw.ImageDraw, faces: Faces, tile: Tile, index: int) -> None:
    x, y, w, h = tile_bounds(index)
    box = (x + MARGIN, y + MARGIN, x + w - MARGIN, y + h - MARGIN)
    draw.rounded_rectangle(box, radius=48, fill=TILE_COLORS[index % len(TILE_COLORS)])
    draw.rounded_rectangle((box[0] + 60, box[1] + 60, box[0] + 180, box[1] + 76), radius=8, fill=ACCENT)
    inner = w - 2 * MARGIN - 80
    zh = _fit(faces.bold, ZH_SIZE, tile.zh, inner)
    en = _fit(faces.regular, EN_SIZE, tile.en, inner)
    centre = x + w // 2
    draw.text((centre, y + h // 2 - 10), tile.zh, font=zh, fill=INK, anchor="ms")
    draw.text((centre, y + h // 2 + 60), tile.en, font=en, fill=MUTED, anchor="mt")


def render(faces: Faces, tiles: Sequence[Tile] = TILES) -> Image.Image:
    """The menu picture, WIDTH x HEIGHT, RGB."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for index, tile in enumerate(tiles):
        _draw_tile(draw, faces, tile, index)
    return image


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _glyph(font: ImageFont.FreeTypeFont, text: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(text)
    return mask.size, bytes(mask)


def missing_glyphs(font: ImageFont.FreeTypeFont, text: str) -> list[str]:
    """The characters of `text` that `font` draws as its missing-glyph box (.notdef): tofu."""
    notdef = _glyph(font, NOT_A_CHARACTER)
    return [ch for ch in dict.fromkeys(text) if not ch.isspace() and _glyph(font, ch) == notdef]


def label_text(tiles: Sequence[Tile] = TILES) -> str:
    return "".join(tile.zh + tile.en for tile in tiles)


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.richmenu_image", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ASSET, help=f"where to write the PNG (default {ASSET})")
    parser.add_argument("--check", action="store_true", help="compare with the committed picture instead")
    args = parser.parse_args(argv)
    faces = find_faces()
    if faces is None:
        print(f"{FAMILY} not found: install fonts-noto-cjk or set POLICYBOT_CJK_FONT_DIR", file=sys.stderr)
        return 2
    tofu = missing_glyphs(faces.bold, "".join(t.zh for t in TILES)) + missing_glyphs(
        faces.regular, "".join(t.en for t in TILES)
    )
    if tofu:
        print(f"the font has no glyph for {''.join(tofu)!r}", file=sys.stderr)
        return 2
    image = render(faces)
    if args.check:
        with Image.open(args.out) as committed:
            if not same_pixels(image, committed):
                print(f"{args.out} is not what the tiles draw: run python -m bot.richmenu_image", file=sys.stderr)
                return 1
        print(f"{args.out} is up to date")
        return 0
    data = png(image)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({WIDTH}x{HEIGHT}, {len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
