# policybot: the Telegram bot by default (`policybot run`); `policybot line` for the LINE server.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    POLICYBOT_DB=/data/policybot.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY handlers ./handlers
COPY reminders ./reminders
RUN pip install . \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin policybot \
 && mkdir -p /data && chown policybot:policybot /data

USER policybot
VOLUME ["/data"]
# 8443: Telegram webhook (when TELEGRAM_WEBHOOK_URL is set); 8000: LINE webhook.
EXPOSE 8443 8000
CMD ["policybot", "run"]
