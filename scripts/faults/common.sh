# shellcheck shell=bash
# Sourced by scripts/claim-race.sh and scripts/crash-loop.sh: the build directory,
# a temp dir, the database (a SQLite file, or a fresh database on the throwaway
# PostgreSQL that is dropped at the end), the watchdog and the cleanup trap.
# The caller sets DB (sqlite|postgres) and BOUND (seconds) before calling fault_setup.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${TASKDESK_BUILD_DIR:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SERVER_BIN=$BUILD/app/taskdesk-server

fault_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # The driver writes the pid of the server it runs; end that one, then the driver.
  if [ -n "${WORK:-}" ] && [ -f "$WORK/server.pid" ]; then
    kill -KILL "$(cat "$WORK/server.pid")" 2>/dev/null || true
  fi
  if [ -n "${DRIVER_PID:-}" ]; then
    kill -TERM "$DRIVER_PID" 2>/dev/null || true
    wait "$DRIVER_PID" 2>/dev/null || true
  fi
  if [ -n "${PG_NAME:-}" ]; then
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_NAME WITH (FORCE)" >/dev/null 2>&1 ||
      echo "warning: could not drop database $PG_NAME" >&2
  fi
  [ -n "${WORK:-}" ] && rm -rf "$WORK"
  exit "$rc"
}

fault_setup() {
  [ -x "$SERVER_BIN" ] || { echo "no $SERVER_BIN: build taskdesk-server or set TASKDESK_BUILD_DIR" >&2; exit 2; }
  WORK=$(mktemp -d /tmp/taskdesk-faults.XXXXXX)
  trap fault_cleanup EXIT
  trap 'exit 130' INT TERM
  # DBURL is the callers' (it carries the throwaway server's password: never printed).
  # shellcheck disable=SC2034
  case "$DB" in
  sqlite) DBURL=$WORK/faults.db ;;
  postgres)
    PG_ADMIN=$("$ROOT/scripts/test-postgres.sh" start)
    PG_NAME=td_faults_$$
    psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_NAME" >/dev/null
    DBURL=${PG_ADMIN%/postgres}/$PG_NAME
    ;;
  *) echo "--database must be sqlite or postgres" >&2; exit 2 ;;
  esac
  echo "database $DB; server $SERVER_BIN; time bound ${BOUND} s (a watchdog ends everything past it)"
}

# Runs the driver under the watchdog; returns its exit status (124/137: the bound was hit).
fault_run() {
  PYTHONDONTWRITEBYTECODE=1 timeout --kill-after=10 "$BOUND" python3 -u "$@" &
  DRIVER_PID=$!
  local rc=0
  wait "$DRIVER_PID" || rc=$?
  DRIVER_PID=
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "FAIL: the time bound of $BOUND s was hit; the watchdog ended the run" >&2
    [ -f "$WORK/server.log" ] && { echo "server log (tail):" >&2; grep -v "postgres://" "$WORK/server.log" | tail -20 >&2; }
  fi
  return "$rc"
}
