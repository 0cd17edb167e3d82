#!/usr/bin/env bash
# Sets up everything and runs the bot.
# - With TELEGRAM_BOT_TOKEN (or other platform credentials) set: `microcourse serve`.
# - Without: the console channel, so you can take the sample courses in this terminal.
# Unless REDIS_URL is set, a local redis-server is started with its data under var/redis
# (append-only file, so progress survives restarts) and stopped again on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
scripts/setup.sh >&2

if [[ -z "${REDIS_URL:-}" ]]; then
  port=${MC_REDIS_PORT:-6380}
  mkdir -p var/redis
  if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
    redis-server --port "$port" --bind 127.0.0.1 --dir "$PWD/var/redis" \
      --appendonly yes --save "" --daemonize yes --pidfile "$PWD/var/redis/redis.pid" \
      --logfile "$PWD/var/redis/redis.log"
    started_redis=1
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  export REDIS_URL="redis://127.0.0.1:$port/0"
  if [[ -n "${started_redis:-}" ]]; then
    trap 'redis-cli -p "$port" shutdown >/dev/null 2>&1 || true' EXIT
  fi
fi

if [[ -n "${TELEGRAM_BOT_TOKEN:-}${SLACK_BOT_TOKEN:-}" ]]; then
  "$BUILD_DIR/microcourse" serve
else
  "$BUILD_DIR/microcourse" chat "$@"
fi
