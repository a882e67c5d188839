"""`policybot deadlines` and `policybot reminders ...`, through bot/cmd_reminders.register()."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import main
from reminders import schedule
from reminders.calendar import TAIPEI, PlanCalendar
from reminders.store import SubscriptionStore

ROOT = Path(__file__).resolve().parents[1]

# A fresh process running the real entry point.
RUN_CLI = "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def run_process(argv: list[str], db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICYBOT_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-c", RUN_CLI, *argv], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "data" / "policybot.db"
    monkeypatch.setenv("POLICYBOT_DB", str(path))
    return path


def test_deadlines_json_on_a_date(capsys):
    code, out, _ = run(["deadlines", "--json", "--on", "2027-08-01"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert all(set(r) == {"id", "title", "date", "days_left", "source"} for r in rows)
    closeout = next(r for r in rows if r["id"] == "moe115.closeout")
    assert closeout["date"] == "2027-09-30" and closeout["days_left"] == 60
    assert closeout["title"].startswith("115 學年度計畫核結") and "六(二)2" in closeout["source"]
    assert all(r["date"] >= "2027-08-01" for r in rows)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)


def test_deadlines_text_and_english(capsys):
    code, out, _ = run(["deadlines", "--on", "2027-08-01", "--lang", "en"], capsys)
    assert code == 0 and "2027-09-30 (60 days left) Close-out" in out and "Not dated yet" in out
    code, out, _ = run(["deadlines", "--on", "2027-08-01"], capsys)
    assert code == 0 and "2027-09-30（還有 60 天）" in out


@pytest.mark.parametrize("bad", ["2027-02-30", "tomorrow", "2027/08/01"])
def test_deadlines_invalid_date_exits_2(capsys, bad):
    code, out, err = run(["deadlines", "--on", bad], capsys)
    assert code == 2 and out == "" and "--on" in err


def test_reminders_due_lists_what_would_be_sent(db, capsys):
    assert run(["reminders", "subscribe", "--chat", "42", "--kinds", "closeout"], capsys)[0] == 0
    assert (
        run(["reminders", "subscribe", "--channel", "telegram", "--chat", "7", "--lead-days", "14,1"], capsys)[0] == 0
    )
    code, out, _ = run(["reminders", "due", "--at", "2027-08-31 09:00", "--json"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert [(r["channel"], r["chat_id"], r["deadline_id"], r["lead_days"]) for r in rows] == [
        ("cli", "42", "moe115.closeout", 30)
    ]
    assert rows[0]["date"] == "2027-09-30" and rows[0]["scheduled_at"] == "2027-08-31T09:00:00+08:00"
    assert rows[0]["days_left"] == 30
    code, out, _ = run(["reminders", "due", "--at", "2027-09-16 09:00"], capsys)
    assert code == 0 and "telegram:7" in out and "moe115.closeout" in out and "cli:42" in out
    code, out, _ = run(["reminders", "due", "--at", "2027-08-31 08:59"], capsys)
    assert code == 0 and "no reminders due" in out


@pytest.mark.parametrize("bad", ["2027-08-31 25:00", "soon", "31/08/2027 09:00"])
def test_reminders_due_invalid_moment_exits_2(db, capsys, bad):
    code, _, err = run(["reminders", "due", "--at", bad], capsys)
    assert code == 2 and "--at" in err


def test_reminders_subscribe_rejects_bad_arguments(db, capsys):
    code, out, err = run(["reminders", "subscribe", "--chat", "1", "--kinds", "holidays", "--lang", "en"], capsys)
    assert code == 2 and "Unknown kind" in err and out == ""


def test_corrupt_database_is_reported_not_replaced(db, capsys):
    db.parent.mkdir(parents=True)
    db.write_bytes(b"not a database" * 100)
    code, _, err = run(["reminders", "due", "--at", "2027-08-31 09:00"], capsys)
    assert code == 2 and str(db) in err
    assert db.read_bytes() == b"not a database" * 100


def test_subscription_survives_a_process_restart(tmp_path):
    db = tmp_path / "policybot.db"
    first = run_process(["reminders", "subscribe", "--channel", "telegram", "--chat", "42", "--kinds", "核結"], db)
    assert first.returncode == 0, first.stderr
    assert "下一次提醒" in first.stdout
    store = SubscriptionStore(db)  # the bot, started later, sees it
    try:
        now = datetime(2027, 9, 16, 9, tzinfo=TAIPEI)
        due = schedule.due(store.subscriptions(), PlanCalendar.load().deadlines(after=now.date()), now, store.settled())
        assert [(r.subscription.chat_id, r.deadline.id, r.lead_days) for r in due] == [("42", "moe115.closeout", 14)]
    finally:
        store.close()


def test_deadlines_json_through_the_policybot_entry_point(tmp_path):
    result = run_process(["deadlines", "--json", "--on", "2027-08-01"], tmp_path / "unused.db")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    closeout = next(r for r in rows if r["id"] == "moe115.closeout")
    assert closeout == {
        "id": "moe115.closeout",
        "title": closeout["title"],
        "date": "2027-09-30",
        "days_left": 60,
        "source": "115 學年度雙語生活化校園計畫 六(二)2 核結程序",
    }
    assert not (tmp_path / "unused.db").exists()  # listing deadlines does not touch the database
