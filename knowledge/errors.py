"""The one base of every error a user can cause or an operator can misconfigure.

A broken knowledge-base, rules or calendar file, a bad setting, an unusable database, a budget
file or calculator input that cannot be used: each is a `PolicybotError` whose message is one
line naming the file, setting or value. Every `policybot` command catches the base once
(bot/cli.py), prints that line and exits 2; nothing else reaches a user as a traceback.
"""

from __future__ import annotations


class PolicybotError(Exception):
    """Something policybot cannot work with; `str(error)` is one line that says what and where."""

    def line(self, lang: str | None = None) -> str:
        """The message for a terminal on one line (a YAML parser's message spans several), in
        `lang` where the error has both languages."""
        return " ".join(str(self).split())


class UserInputError(PolicybotError):
    """Input a user typed or uploaded that cannot be used; the message exists in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def line(self, lang: str | None = None) -> str:
        return " ".join((self.message(lang) if lang else f"{self.zh} / {self.en}").split())
