"""Settings from environment variables. Secrets are read here and nowhere else, and never logged."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_DB = "./data/policybot.db"
# BotFather tokens look like 123456789:AA... (digits, colon, 30+ URL-safe characters).
_TELEGRAM_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line and contains no secret."""


@dataclass(frozen=True)
class TelegramSettings:
    token: str = field(repr=False)
    api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class LineSettings:
    channel_secret: str = field(repr=False)
    access_token: str = field(repr=False)
    host: str = "0.0.0.0"
    port: int = 8000
    api_base_url: str | None = None
    data_api_base_url: str | None = None
    push_rate: int = 100  # push requests per second; LINE allows far more, this leaves headroom


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name} must be a port number between 1 and 65535")
    return int(raw)


def _bounded(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def db_path(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return env.get("POLICYBOT_DB", "").strip() or DEFAULT_DB


def telegram(env: Mapping[str, str] | None = None) -> TelegramSettings:
    env = os.environ if env is None else env
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
    )


def line(env: Mapping[str, str] | None = None) -> LineSettings:
    env = os.environ if env is None else env
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
        push_rate=_bounded(env, "LINE_PUSH_RATE", 100, 1, 2000),
    )
