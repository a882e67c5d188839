"""Logging for the long-running servers: to stderr, with every secret redacted.

Libraries quote secrets where one would not expect it (httpx logs request URLs, which hold the
Telegram token; PTB's InvalidToken message repeats it), so the redaction sits on the handlers and
covers messages, tracebacks and stack traces alike.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

REDACTED = "[REDACTED]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactSecrets(logging.Filter):
    """Replaces each secret in a record's message and traceback before any handler writes it."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a broken log call: logging reports it without formatting the arguments
        record.msg, record.args = self._redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


def configure_logging(secrets: Iterable[str], quiet: Iterable[str] = ("apscheduler",)) -> None:
    """Log INFO to stderr with `secrets` redacted; `quiet` loggers (a line per reminder tick,
    a line per request) only from WARNING."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    redact = RedactSecrets(*secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    for noisy in quiet:
        logging.getLogger(noisy).setLevel(logging.WARNING)
