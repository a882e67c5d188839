"""What each channel adapter needs to know, as plain values (bot/config.py reads them from the
environment; the adapters never read the environment themselves)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TelegramSettings:
    token: str = field(repr=False)
    api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    push_rate: int = 20  # reminder pushes per second; Telegram allows about 30 in all, replies take the rest


@dataclass(frozen=True)
class LineSettings:
    channel_secret: str = field(repr=False)
    access_token: str = field(repr=False)
    host: str = "0.0.0.0"
    port: int = 8000
    api_base_url: str | None = None
    data_api_base_url: str | None = None
    push_rate: int = 100  # push requests per second; LINE allows far more, this leaves headroom
