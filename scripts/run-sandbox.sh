#!/usr/bin/env bash
# Installs what is missing, builds, and opens the console on the local sandbox:
# the platform runs inside the console on 127.0.0.1 (a free port) with a SQLite
# database in the user's data folder, and you are its operator.
# Without a display (no X11 or Wayland), it starts the same sandbox as a plain
# server on 127.0.0.1:8787 instead, for curl and agents.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TASKDESK_BUILD_DIR:-$ROOT/build}
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh" taskdesk taskdesk-server
DATA=${XDG_DATA_HOME:-$HOME/.local/share}/TaskDesk/sandbox
mkdir -p "$DATA"
chmod 700 "$DATA"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  echo "TaskDesk: opening the console on the local sandbox (data in $DATA)"
  exec "$BUILD/app/taskdesk" --sandbox --data-dir "$DATA" "$@"
fi
PORT=${TASKDESK_SANDBOX_PORT:-8787}
echo "No display found, so no console: serving the sandbox on http://127.0.0.1:$PORT (data in $DATA)."
echo "Try: curl http://127.0.0.1:$PORT/api/tasks   (Ctrl-C stops it). With a display, this opens the console."
exec "$BUILD/app/taskdesk-server" serve --listen "127.0.0.1:$PORT" --database "$DATA/sandbox.sqlite" \
  --data-dir "$DATA/files" --allow-private-webhooks
