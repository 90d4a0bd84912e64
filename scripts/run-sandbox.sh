#!/usr/bin/env bash
# Installs what is missing, builds, and starts the local sandbox: the platform
# on 127.0.0.1 with a SQLite database in the user's data folder. The console
# (issue "Console v1") will open on it; until then this prints where it listens.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TASKDESK_BUILD_DIR:-$ROOT/build}
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh" taskdesk-server
DATA=${XDG_DATA_HOME:-$HOME/.local/share}/TaskDesk/sandbox
mkdir -p "$DATA"
chmod 700 "$DATA"
PORT=${TASKDESK_SANDBOX_PORT:-8787}
echo "TaskDesk sandbox: database $DATA/taskdesk.db"
echo "Try: curl http://127.0.0.1:$PORT/api/tasks   (Ctrl-C stops the sandbox)"
exec "$BUILD/app/taskdesk-server" serve --listen "127.0.0.1:$PORT" --database "$DATA/taskdesk.db"
