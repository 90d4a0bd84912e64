#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL on loopback for the test suite and
# prints the admin URL the tests take as TASKDESK_TEST_PG_URL.
#   scripts/test-postgres.sh start|stop
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
DIR=${TASKDESK_PG_DIR:-/tmp/taskdesk-test-pg}
PORT=${TASKDESK_PG_PORT:-55432}
PASSWORD=${TASKDESK_PG_PASSWORD:-taskdesk-test}

run_as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

case "${1:-start}" in
start)
  [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
  if [ -f "$DIR/data/postmaster.pid" ] && run_as_pg "$PGBIN/pg_ctl -D $DIR/data status" >/dev/null 2>&1; then
    echo "postgres://taskdesk:$PASSWORD@127.0.0.1:$PORT/postgres"
    exit 0
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  printf '%s\n' "$PASSWORD" > "$DIR/pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR/pwfile"
  run_as_pg "$PGBIN/initdb -D $DIR/data -U taskdesk --pwfile=$DIR/pwfile --auth=scram-sha-256 -E UTF8 >$DIR/initdb.log 2>&1"
  rm -f "$DIR/pwfile"
  run_as_pg "$PGBIN/pg_ctl -D $DIR/data -l $DIR/server.log -w -o \"-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR -c max_connections=400 -c shared_buffers=128MB\" start >/dev/null"
  echo "postgres://taskdesk:$PASSWORD@127.0.0.1:$PORT/postgres"
  ;;
stop)
  run_as_pg "$PGBIN/pg_ctl -D $DIR/data -m fast stop" >/dev/null 2>&1 || true
  ;;
*)
  echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
