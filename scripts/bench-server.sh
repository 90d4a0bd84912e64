#!/usr/bin/env bash
# Server benchmark (a program, not a test): seeds 2,000 tasks, then measures
# GET /api/tasks?limit=50 with wrk against taskdesk-server and against nginx
# serving the same bytes as a static file, in the same run, and prints the
# ratio. Also measures task posts/s (SQLite synchronous=FULL, or PostgreSQL
# with --database postgres). Loopback only; bounded in time.
#   scripts/bench-server.sh [--database sqlite|postgres] [--duration 10] [--connections 32]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TASKDESK_BUILD_DIR:-$ROOT/build}
DB=sqlite; DURATION=10; CONNS=32; TASKS=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --database) DB=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh" taskdesk-server >/dev/null
WORK=$(mktemp -d)
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

if [ "$DB" = postgres ]; then
  ADMIN=$("$ROOT/scripts/test-postgres.sh" start)
  NAME=td_bench_$$
  psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $NAME" -qc "CREATE DATABASE $NAME" >/dev/null
  DBURL=${ADMIN%/postgres}/$NAME
else
  DBURL=$WORK/bench.db
fi
PORT=$(free_port)
"$BUILD/app/taskdesk-server" serve --listen 127.0.0.1:$PORT --database "$DBURL" --no-rate-limits >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

echo "== seeding $TASKS tasks ($DB), one client, keep-alive"
SEED=$(python3 "$ROOT/scripts/bench/seed.py" 127.0.0.1 $PORT $TASKS)
TOKEN=$(echo "$SEED" | head -1)
echo "$SEED" | tail -1

curl -fs "http://127.0.0.1:$PORT/api/tasks?limit=50" -o "$WORK/tasks.json"
echo "response size $(stat -c %s "$WORK/tasks.json") bytes"
NPORT=$(free_port)
mkdir -p "$WORK/nginx/logs" "$WORK/www"
cp "$WORK/tasks.json" "$WORK/www/tasks.json"
chmod -R a+rX "$WORK"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
error_log $WORK/nginx/logs/error.log;
pid $WORK/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  keepalive_timeout 15;
  server {
    listen 127.0.0.1:$NPORT;
    location = /api/tasks { root $WORK/www; try_files /tasks.json =404; }
  }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!
sleep 0.5

run_wrk() { wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@"; }
echo "== nginx static baseline: GET /api/tasks?limit=50, $CONNS connections, ${DURATION}s"
run_wrk "http://127.0.0.1:$NPORT/api/tasks?limit=50" | tee "$WORK/nginx.txt"
echo "== taskdesk-server: GET /api/tasks?limit=50, $CONNS connections, ${DURATION}s"
run_wrk "http://127.0.0.1:$PORT/api/tasks?limit=50" | tee "$WORK/server.txt"
echo "== taskdesk-server: the same page built on every request (cache bypassed), $CONNS connections, ${DURATION}s"
run_wrk -s "$ROOT/scripts/bench/uncached_read.lua" "http://127.0.0.1:$PORT" | tee "$WORK/uncached.txt"
echo "== taskdesk-server: POST /api/agent/tasks (0.01 CREDITS escrowed each), 8 connections, ${DURATION}s"
TOKEN=$TOKEN wrk -t2 -c8 -d"${DURATION}s" --latency -s "$ROOT/scripts/bench/post_task.lua" "http://127.0.0.1:$PORT" | tee "$WORK/post.txt"

python3 - "$WORK" <<'PY'
import re, sys, os
w = sys.argv[1]
def parse(name):
    t = open(os.path.join(w, name)).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    def lat(p):
        m = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)" % p, t)
        v, u = float(m.group(1)), m.group(2)
        return v / 1000 if u == "us" else v * 1000 if u == "s" else v
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
    return rps, lat(50), lat(99), int(non2xx.group(1)) if non2xx else 0
n = parse("nginx.txt"); s = parse("server.txt"); u = parse("uncached.txt"); p = parse("post.txt")
print("\n== summary")
print("nginx static     %10.0f req/s  p50 %7.2f ms  p99 %7.2f ms" % n[:3])
print("taskdesk read    %10.0f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %d" % s)
print("  uncached read  %10.0f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %d" % u)
print("taskdesk posts   %10.0f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %d" % p)
print("ratio read/nginx %10.3f  (goal >= 0.25; p99 goal < 50 ms)" % (s[0] / n[0]))
print("ratio uncached/nginx %6.3f" % (u[0] / n[0]))
PY
"$BUILD/app/taskdesk-server" admin verify-ledger --database "$DBURL" | tail -1
