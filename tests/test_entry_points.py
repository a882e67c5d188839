"""Every `policybot` command meets a broken knowledge base, a broken calendar and an unusable
database path with one line naming the file and exit status 2, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge.loader import DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
BUDGET = ROOT / "examples" / "budget_clean.csv"
TOKEN = "123456789:" + "A" * 35

# (command line, standard input); `run` and `line` get well-formed credentials and fail on the
# files before they would reach any network.
COMMANDS: dict[str, tuple[list[str], str]] = {
    "ask": (["ask", "結案要什麼時候交？"], ""),
    "chat": (["chat"], "結案要什麼時候交？\n"),
    "cap": (["cap", "--mode", "1", "--classes", "20"], ""),
    "check-budget": (["check-budget", str(BUDGET)], ""),
    "deadlines": (["deadlines", "--on", "2027-01-01"], ""),
    "reminders": (["reminders", "due", "--at", "2027-08-31 09:00"], ""),
    "run": (["run"], ""),
    "line": (["line"], ""),
}
# Commands that never open the database: a bad database path does not concern them.
NO_DATABASE = {"ask", "cap", "check-budget", "deadlines"}


def _policybot(argv: list[str], stdin: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",  # never reached: the files fail first
        "LINE_CHANNEL_SECRET": "s" * 32,
        "LINE_CHANNEL_ACCESS_TOKEN": "t" * 40,
        "LINE_WEBHOOK_HOST": "127.0.0.1",
        "LINE_WEBHOOK_PORT": "9",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        input=stdin,
        env=full_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _broken_copy(tmp_path: Path, file: str, damage: Callable[[str], str]) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / file).write_text(damage((data / file).read_text(encoding="utf-8")), encoding="utf-8")
    return data


def _assert_one_line_exit_2(result: subprocess.CompletedProcess[str], names: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-800:]
    assert "Traceback" not in result.stderr and names in lines[0], lines[0]
    assert TOKEN not in result.stderr + result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_a_broken_knowledge_base_is_one_line_and_exit_2(command: str, tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "moe_plan.yaml", lambda text: text + "\n  - id: [unclosed\n")
    argv, stdin = COMMANDS[command]
    result = _policybot(argv, stdin, {"POLICYBOT_DATA_DIR": str(data), "POLICYBOT_DB": str(tmp_path / "p.db")})
    _assert_one_line_exit_2(result, "moe_plan.yaml")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_broken_calendar_is_one_line_and_exit_2(command: str, tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "calendar.yaml", lambda text: text.replace("plan_years:", "plan_years: [", 1))
    argv, stdin = COMMANDS[command]
    result = _policybot(argv, stdin, {"POLICYBOT_DATA_DIR": str(data), "POLICYBOT_DB": str(tmp_path / "p.db")})
    _assert_one_line_exit_2(result, "calendar.yaml")


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unusable_database_path_is_one_line_and_exit_2(command: str, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    argv, stdin = COMMANDS[command]
    result = _policybot(argv, stdin, {"POLICYBOT_DB": str(blocker / "policybot.db")})
    if command in NO_DATABASE:  # they answer as usual: the database is not theirs to open
        assert result.returncode == 0 and result.stdout.strip() and not result.stderr, result.stderr[-500:]
    else:
        _assert_one_line_exit_2(result, str(blocker / "policybot.db"))
