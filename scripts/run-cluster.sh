#!/usr/bin/env bash
# A throwaway TaskDesk cluster on loopback: its own PostgreSQL (scripts/test-postgres.sh),
# one database, N taskdesk-server processes on free ports, nginx in front on a free port
# (deploy/nginx/taskdesk.conf). Everything lives under one temporary folder.
#   scripts/run-cluster.sh [start] [--servers N] [--no-rate-limits]   prints the URL
#   scripts/run-cluster.sh status
#   scripts/run-cluster.sh stop
# TASKDESK_SERVER_BINARY picks the server binary (default: $TASKDESK_BUILD_DIR or build/,
# app/taskdesk-server). Only 127.0.0.1 is ever listened on.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POINTER=${TASKDESK_CLUSTER_POINTER:-/tmp/taskdesk-cluster.current}
BIN=${TASKDESK_SERVER_BINARY:-${TASKDESK_BUILD_DIR:-$ROOT/build}/app/taskdesk-server}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
die() { echo "run-cluster: $*" >&2; exit 1; }

stop_cluster() {
  local dir=$1
  [ -d "$dir" ] || return 0
  if [ -f "$dir/nginx/nginx.pid" ]; then
    kill -QUIT "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null || true
  fi
  for pidfile in "$dir"/server-*.pid; do
    [ -f "$pidfile" ] || continue
    kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
  done
  for pidfile in "$dir"/server-*.pid; do
    [ -f "$pidfile" ] || continue
    local pid; pid=$(cat "$pidfile")
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -f "$dir/pg.port" ]; then
    TASKDESK_PG_DIR="$dir/pg" TASKDESK_PG_PORT="$(cat "$dir/pg.port")" "$ROOT/scripts/test-postgres.sh" stop || true
  fi
  rm -rf "$dir"
}

cmd=start
if [ $# -gt 0 ] && [[ "$1" != --* ]]; then cmd=$1; shift; fi
SERVERS=2
LIMITS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --servers) SERVERS=$2; shift 2 ;;
    --no-rate-limits) LIMITS=(--no-rate-limits); shift ;;
    *) die "unknown option $1" ;;
  esac
done

case "$cmd" in
stop)
  [ -f "$POINTER" ] || { echo "no cluster running"; exit 0; }
  stop_cluster "$(cat "$POINTER")"
  rm -f "$POINTER"
  echo "cluster stopped"
  exit 0 ;;
status)
  [ -f "$POINTER" ] || { echo "no cluster running"; exit 1; }
  DIR=$(cat "$POINTER")
  cat "$DIR/url"
  for pidfile in "$DIR"/server-*.pid "$DIR/nginx/nginx.pid"; do
    [ -f "$pidfile" ] || continue
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "$(basename "$pidfile" .pid) running"; else echo "$(basename "$pidfile" .pid) DOWN"; fi
  done
  exit 0 ;;
start) ;;
*) die "usage: $0 [start [--servers N] [--no-rate-limits] | status | stop]" ;;
esac

[[ "$SERVERS" =~ ^[0-9]+$ ]] && [ "$SERVERS" -ge 1 ] && [ "$SERVERS" -le 16 ] || die "--servers must be 1-16"
if [ -f "$POINTER" ] && [ -d "$(cat "$POINTER")" ]; then
  die "a cluster is already running ($(cat "$(cat "$POINTER")/url")); run: $0 stop"
fi
[ -x "$BIN" ] || die "no server binary at $BIN (build it: scripts/build.sh taskdesk-server, or set TASKDESK_SERVER_BINARY)"
command -v nginx >/dev/null || die "nginx is not installed (apt-get install nginx)"
command -v psql >/dev/null || die "psql is not installed (apt-get install postgresql-client)"

DIR=$(mktemp -d /tmp/taskdesk-cluster.XXXXXX)
chmod 755 "$DIR" # the postgres and nginx workers' users must reach their folders
echo "$DIR" > "$POINTER"
trap 'echo "run-cluster: start failed; logs were in $DIR" >&2; stop_cluster "$DIR"; rm -f "$POINTER"' ERR

# 1. PostgreSQL of its own, and one database for the cluster.
PGPORT=$(free_port)
echo "$PGPORT" > "$DIR/pg.port"
ADMIN=$(TASKDESK_PG_DIR="$DIR/pg" TASKDESK_PG_PORT="$PGPORT" "$ROOT/scripts/test-postgres.sh" start | tail -1)
psql "$ADMIN" -qc "CREATE DATABASE taskdesk" >/dev/null
DBURL=${ADMIN%/postgres}/taskdesk
"$BIN" migrate --database "$DBURL" >"$DIR/migrate.log" 2>&1

# 2. N servers on free ports (each reports its port), one shared data folder for files.
mkdir -p "$DIR/data"
UPSTREAMS=""
for i in $(seq "$SERVERS"); do
  "$BIN" serve --listen 127.0.0.1:0 --database "$DBURL" --data-dir "$DIR/data" --trusted-proxy 127.0.0.1 \
    "${LIMITS[@]}" >"$DIR/server-$i.out" 2>"$DIR/server-$i.log" &
  echo $! > "$DIR/server-$i.pid"
  port=""
  for _ in $(seq 300); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$DIR/server-$i.out" | head -1)
    [ -n "$port" ] && break
    kill -0 "$(cat "$DIR/server-$i.pid")" 2>/dev/null || { cat "$DIR/server-$i.log" >&2; die "server $i exited"; }
    sleep 0.1
  done
  [ -n "$port" ] || die "server $i did not report its port"
  echo "$port" > "$DIR/server-$i.port"
  UPSTREAMS+="    server 127.0.0.1:$port max_fails=3 fail_timeout=5s;\n"
done

# 3. nginx in front: deploy/nginx/taskdesk.conf with this cluster's ports.
NPORT=$(free_port)
mkdir -p "$DIR/nginx/logs" "$DIR/nginx/tmp"
[ "$(id -u)" = 0 ] && chown nobody:nogroup "$DIR/nginx/tmp"
awk -v ups="$UPSTREAMS" -v listen="    listen 127.0.0.1:$NPORT;" '
  /@upstreams-begin/ { print; printf "%s", ups; skip = 1; next }
  /@upstreams-end/ { skip = 0 }
  skip { next }
  /# @listen/ { print listen; next }
  { print }' "$ROOT/deploy/nginx/taskdesk.conf" > "$DIR/nginx/taskdesk.conf"
cat > "$DIR/nginx/nginx.conf" <<CONF
worker_processes 2;
error_log $DIR/nginx/logs/error.log warn;
pid $DIR/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log $DIR/nginx/logs/access.log;
  client_body_temp_path $DIR/nginx/tmp/body;
  proxy_temp_path $DIR/nginx/tmp/proxy;
  fastcgi_temp_path $DIR/nginx/tmp/fastcgi;
  uwsgi_temp_path $DIR/nginx/tmp/uwsgi;
  scgi_temp_path $DIR/nginx/tmp/scgi;
  keepalive_timeout 15s;
  include $DIR/nginx/taskdesk.conf;
}
CONF
nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -t >/dev/null 2>&1 || nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -t
nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf"
URL="http://127.0.0.1:$NPORT"
for _ in $(seq 50); do curl -fs "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$URL/healthz" >/dev/null || die "nginx does not answer on $URL"
trap - ERR

echo "$URL" > "$DIR/url"
echo "database $DBURL" > "$DIR/info"
echo "cluster folder $DIR"
echo "database ${DBURL/:taskdesk-test@/:***@}"
for i in $(seq "$SERVERS"); do echo "server $i http://127.0.0.1:$(cat "$DIR/server-$i.port") (pid $(cat "$DIR/server-$i.pid"))"; done
echo "$URL"
