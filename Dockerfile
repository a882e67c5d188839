# policybot: the Telegram bot by default (`policybot run`); `policybot line` for the LINE server.
# Installs exactly the runtime packages pinned in uv.lock (no test or developer tools).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PROJECT_ENVIRONMENT=/opt/policybot \
    PATH=/opt/policybot/bin:$PATH \
    POLICYBOT_DB=/data/policybot.db

WORKDIR /app
# Keep in step with UV_VERSION in the Makefile (tests/test_lock.py checks that one).
RUN pip install uv==0.13.9
COPY pyproject.toml uv.lock README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY handlers ./handlers
COPY reminders ./reminders
RUN uv sync --frozen --no-default-groups --no-editable \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin policybot \
 && mkdir -p /data && chown policybot:policybot /data

USER policybot
VOLUME ["/data"]
# 8443: Telegram webhook (when TELEGRAM_WEBHOOK_URL is set); 8000: LINE webhook.
EXPOSE 8443 8000
CMD ["policybot", "run"]
