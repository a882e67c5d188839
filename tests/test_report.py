"""`policybot report`: grouping the unanswered questions, the weekly share, --since, the HTML page
(drawn in headless Chromium when it is installed) and the knowledge-base stubs of --export."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from bot import report
from bot.cli import main
from bot.report_html import SHARE_COLOUR, TOPIC_COLOUR, html
from knowledge import loader
from knowledge.engine import Engine
from knowledge.loader import KnowledgeBaseError
from reminders.calendar import TAIPEI
from reminders.database import Database
from reminders.interactions import InteractionLog, Turn

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
# One gap, asked thirty ways (it is not in the plans: whether a school may pay for teachers' coffee).
COFFEE = [
    f"{lead}{subject}{verb}"
    for lead in ("", "請問", "想問一下", "老師想問")
    for subject in ("咖啡", "咖啡費用", "買咖啡")
    for verb in ("可以報嗎", "能不能報帳", "可不可以用經費買")
][:30]
PARKING = ["停車費可以報嗎", "請問停車費能不能報", "停車費可以核銷嗎"]


def moment(*args: int) -> float:
    return datetime(*args, tzinfo=TAIPEI).timestamp()


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def filled(db: Database) -> Database:
    """Three weeks of turns: answers, gaps (30 phrasings of one, 3 of another), a 👎 with a comment."""
    clock = Clock()
    log = InteractionLog(db, os.urandom(32), clock)

    def add(at: float, question: str, route: str, entry: str | None = None, chat: str = "1", lang: str = "zh") -> int:
        clock.now = at
        return log.record(Turn("telegram", chat, "text", question, lang, route, entry, 1.0 if entry else 0.2, False))

    for i, question in enumerate(COFFEE):
        add(moment(2027, 3, 1 + i % 5, 9), question, "not_in_plans" if i % 2 else "unsure", chat=str(i))
    for question in PARKING:
        add(moment(2027, 3, 3, 10), question, "unsure")
    add(moment(2027, 3, 2, 8), "can we buy coffee for teachers?", "unsure", lang="en")
    for day in (1, 2, 3):
        add(moment(2027, 3, day, 11), "結案要什麼時候交", "answer", "moe.closeout")
    # The week of 8 March is quiet; in the week of 15 March two answers, one marked wrong.
    add(moment(2027, 3, 15, 9), "住宿費上限", "answer", "moe.item.lodging", chat="9")
    wrong = add(moment(2027, 3, 16, 9), "住宿費上限", "answer", "moe.item.lodging", chat="9")
    clock.now = moment(2027, 3, 16, 9, 1)
    log.mark("telegram", "9", wrong, "down")
    log.comment("telegram", "9", wrong, "<b>應該是</b> 每晚 2,000")
    return db


def run_report(db: Database, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys, *args: str) -> int:
    monkeypatch.setattr(Engine, "load", lambda *a: engine)
    monkeypatch.setenv("POLICYBOT_DB", str(db.path))
    capsys.readouterr()
    return main(["report", *args])


def test_thirty_phrasings_of_one_gap_are_one_row(
    filled: Database, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    assert run_report(filled, engine, monkeypatch, capsys, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    first, second, *rest = data["unanswered"]
    assert first["count"] == 30 and first["distinct"] == 30 and set(first["routes"]) == {"unsure", "not_in_plans"}
    assert second["count"] == 3 and "停車費" in second["question"]
    assert [gap["count"] for gap in rest] == [1] and rest[0]["langs"] == {"en": 1}
    assert all(gap["closest"] is None or gap["closest"]["entry"] in engine.kb.entries for gap in data["unanswered"])


def test_wrong_answers_topics_and_the_weekly_share(
    filled: Database, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    assert run_report(filled, engine, monkeypatch, capsys, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["wrong"] == [
        {
            "at": "2027-03-16T09:00+08:00",
            "question": "住宿費上限",
            "route": "answer",
            "entry": "moe.item.lodging",
            "title": engine.kb.entries["moe.item.lodging"].title.zh,
            "comment": "<b>應該是</b> 每晚 2,000",
            "lang": "zh",
            "channel": "telegram",
        }
    ]
    assert [(t["topic"], t["count"]) for t in data["topics"]] == [("closeout", 3), ("budget_items", 2)]
    assert [(w["week"], w["share"], w["down"]) for w in data["weeks"]] == [
        ("2027-03-01", round(3 / 37, 3), 0),
        ("2027-03-08", None, 0),
        ("2027-03-15", 1.0, 1),
    ]
    assert data["turns"] == 39 and data["skipped_rows"] == 0


def test_since_keeps_the_later_turns_and_a_bad_date_is_one_line(
    filled: Database, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    assert run_report(filled, engine, monkeypatch, capsys, "--json", "--since", "2027-03-15") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["since"] == "2027-03-15" and data["turns"] == 2 and data["unanswered"] == []
    assert run_report(filled, engine, monkeypatch, capsys, "--since", "last week") == 2
    assert "--since must be a day" in capsys.readouterr().err


def test_the_plain_report_reads_in_a_terminal(
    filled: Database, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    assert run_report(filled, engine, monkeypatch, capsys) == 0
    out = capsys.readouterr().out
    assert "30x" in out and "Answers marked wrong (1)" in out and "2027-03-15" in out


# -- the stubs ---------------------------------------------------------------------------------


def test_export_writes_stubs_the_loader_refuses_until_completed(
    filled: Database, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path
) -> None:
    stubs = tmp_path / "data" / "moe_new.yaml"
    shutil.copytree(loader.DATA_DIR, tmp_path / "data")
    assert run_report(filled, engine, monkeypatch, capsys, "--export", str(stubs)) == 0
    raw = yaml.safe_load(stubs.read_text(encoding="utf-8"))
    assert raw["document"] in engine.kb.documents and len(raw["entries"]) == 3
    coffee = raw["entries"][0]
    assert len(coffee["phrasings"]["zh"]) >= 5 and coffee["answer"] == {"zh": "", "en": ""} and coffee["quotes"] == []
    written = stubs.read_text(encoding="utf-8")
    assert written.count("# closest existing entry:") + written.count("# no existing entry is close") == 3
    with pytest.raises(KnowledgeBaseError, match=r"moe_new\.yaml"):
        loader.load(tmp_path / "data")

    # The maintainer completes one stub (here: with a passage the plan does contain) and deletes the rest.
    quote = engine.kb.entries["moe.closeout"].quotes[0]
    coffee.update(
        id="moe.gap.coffee",
        section="附件3",
        title={"zh": "咖啡費", "en": "Coffee"},
        answer={"zh": "計畫沒有列咖啡費。", "en": "The plan does not list coffee."},
        quotes=[quote],
    )
    coffee["phrasings"]["en"] = ["can we buy coffee for teachers?", "is coffee claimable?"]
    stubs.write_text(yaml.safe_dump({"document": raw["document"], "entries": [coffee]}, allow_unicode=True))
    kb = loader.load(tmp_path / "data")
    assert "moe.gap.coffee" in kb.entries and loader.provenance_problems(kb) == []


# -- the HTML page -----------------------------------------------------------------------------


def test_the_html_page_is_one_file_that_fetches_nothing_and_escapes_what_users_typed(
    filled: Database, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    assert run_report(filled, engine, monkeypatch, capsys, "--html", str(page)) == 0
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=|url\(|@import|https?://""", text, re.IGNORECASE)
    assert "<b>應該是</b>" not in text and "&lt;b&gt;應該是&lt;/b&gt;" in text
    assert text.count('<svg class="chart"') == 2 and text.count(f'fill="{SHARE_COLOUR}"') == 2


def test_an_empty_log_still_makes_a_page(engine: Engine) -> None:
    page = html(report.build([], 0, engine, date(2027, 1, 1)))
    assert "No weeks logged yet" in page and "</html>" in page


def _png_pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) pixels of a non-interlaced 8-bit PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    size = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * size, [], bytearray(width * size)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up, corner = previous[i], previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                best = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))[2]
                line[i] = (line[i] + best) & 255
        rows.append(bytes(b for x in range(width) for b in line[x * size : x * size + 3]))
        previous = line
    return width, height, rows


def _count(rows: list[bytes], colour: str) -> int:
    target = bytes.fromhex(colour[1:])
    return sum(sum(1 for x in range(0, len(row), 3) if row[x : x + 3] == target) for row in rows)


@pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
def test_the_charts_draw_in_headless_chromium(
    filled: Database, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    assert run_report(filled, engine, monkeypatch, capsys, "--html", str(page)) == 0
    shot = tmp_path / "shot.png"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=0.5",  # a quarter of the pixels to decode; the charts are near the top
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1000,1100",
        page.as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    width, height, rows = _png_pixels(shot.read_bytes())
    assert (width, height) == (500, 550)
    # At half scale the weekly chart's two bars (the quiet week has none), 3/37 of 180 px and 180 px
    # tall and 28 px wide, are 14 px wide and 97 px tall together; edges are blended, interiors exact.
    assert 14 * 97 * 0.75 < _count(rows, SHARE_COLOUR) <= 14 * 98
    # The topics chart: two bars, 380 px and 2/3 of it long, 16 px high; at half scale 190+127 by 8.
    assert 8 * 317 * 0.75 < _count(rows, TOPIC_COLOUR) <= 8 * 318
