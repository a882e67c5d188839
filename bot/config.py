"""Settings from environment variables, read here and nowhere else.

`Settings.from_env()` is called once by each command and passed down. The channel sections are
parsed when a command asks for them (`settings.telegram()`, `settings.line()`), so a malformed
LINE variable does not stop `policybot ask`. Secrets are never logged or printed: a
`ConfigError` names the variable, never its value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from handlers.settings import LineSettings, TelegramSettings
from knowledge.errors import PolicybotError

DEFAULT_DB = Path("data") / "policybot.db"
# BotFather tokens look like 123456789:AA... (digits, colon, 30+ URL-safe characters).
_TELEGRAM_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")


class ConfigError(PolicybotError):
    """A setting is missing or malformed; the message is one line and contains no secret."""


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name} must be a port number between 1 and 65535")
    return int(raw)


_ON = {"1", "on", "yes", "true"}
_OFF = {"0", "off", "no", "false"}


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in _ON | _OFF:
        raise ConfigError(f"{name} must be on or off")
    return raw in _ON


def _whole_number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


@dataclass(frozen=True)
class Settings:
    """Everything policybot reads from the environment."""

    db_path: Path = DEFAULT_DB
    # The knowledge-base folder (YAML entries, rules, calendar); None is the one shipped in the package.
    data_dir: Path | None = None
    # After this many quiet minutes a chat's last topic is no longer followed up on.
    topic_minutes: int = 30
    # The interaction log behind the 👍/👎 feedback and `policybot report` (reminders/interactions.py).
    interaction_log: bool = True
    # Days a logged turn is kept; the running bot prunes older ones once a day.
    interaction_days: int = 180
    _env: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        data_dir = env.get("POLICYBOT_DATA_DIR", "").strip()
        return cls(
            db_path=Path(env.get("POLICYBOT_DB", "").strip() or DEFAULT_DB),
            data_dir=Path(data_dir) if data_dir else None,
            topic_minutes=_whole_number(env, "POLICYBOT_TOPIC_MINUTES", 30, 1, 24 * 60),
            interaction_log=_switch(env, "POLICYBOT_INTERACTION_LOG", True),
            interaction_days=_whole_number(env, "POLICYBOT_INTERACTION_DAYS", 180, 1, 3660),
            _env=env,
        )

    def telegram(self) -> TelegramSettings:
        env = self._env
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set (get one from @BotFather)")
        if not _TELEGRAM_TOKEN.match(token):
            raise ConfigError("TELEGRAM_BOT_TOKEN is malformed (expected 123456789:ABC... from @BotFather)")
        webhook_url = env.get("TELEGRAM_WEBHOOK_URL", "").strip() or None
        secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None
        if webhook_url and not secret:
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is set")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, _ and - (1-256 characters)")
        return TelegramSettings(
            token=token,
            api_base_url=env.get("TELEGRAM_API_BASE_URL", "").strip() or None,
            webhook_url=webhook_url,
            webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
            webhook_port=_port(env, "TELEGRAM_WEBHOOK_PORT", 8443),
            webhook_secret=secret,
            push_rate=_whole_number(env, "TELEGRAM_PUSH_RATE", 20, 1, 30),
        )

    def line(self) -> LineSettings:
        env = self._env
        secret = env.get("LINE_CHANNEL_SECRET", "").strip()
        token = env.get("LINE_CHANNEL_ACCESS_TOKEN", "").strip()
        missing = [
            name for name, value in (("LINE_CHANNEL_SECRET", secret), ("LINE_CHANNEL_ACCESS_TOKEN", token)) if not value
        ]
        if missing:
            raise ConfigError(f"{' and '.join(missing)} not set (see the LINE Developers console)")
        return LineSettings(
            channel_secret=secret,
            access_token=token,
            host=env.get("LINE_WEBHOOK_HOST", "").strip() or "0.0.0.0",
            port=_port(env, "LINE_WEBHOOK_PORT", 8000),
            api_base_url=env.get("LINE_API_BASE_URL", "").strip() or None,
            data_api_base_url=env.get("LINE_DATA_API_BASE_URL", "").strip() or None,
            push_rate=_whole_number(env, "LINE_PUSH_RATE", 100, 1, 2000),
        )
