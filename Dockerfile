# ccc-bot: the Coop Casual Conference Matrix bot.
#   docker build -t ccc-bot .
#   docker run -d --name ccc-bot -v /srv/ccc-bot/config:/config:ro -v /srv/ccc-bot/data:/data ccc-bot
# The config file is /config/config.toml; its storage paths should point into /data
# (database = "/data/ccc-bot.sqlite3", state_dir = "/data/state").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml README.md topics.yaml ./
COPY bot ./bot
COPY commands ./commands
# The catalogs compiled first, so the installed copy has its .mo files.
RUN pip install --no-cache-dir 'Babel>=2.12' \
    && python -m bot.devtools.catalogs compile \
    && pip install --no-cache-dir '.[e2e]' \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin ccc-bot \
    && mkdir -p /data /config \
    && chown ccc-bot:ccc-bot /data

USER ccc-bot
VOLUME ["/config", "/data"]

# Unhealthy when the bot should be syncing and has not for five minutes.
HEALTHCHECK --interval=1m --timeout=20s --start-period=2m --retries=3 \
    CMD ["ccc-bot", "status", "-c", "/config/config.toml"]

ENTRYPOINT ["ccc-bot"]
CMD ["run", "-c", "/config/config.toml"]
