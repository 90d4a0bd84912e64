# Shared shell helpers for scripts/load-mixed.sh and scripts/bench-growth.sh
# (sourced, not run). The conventions are bench-server.sh's: loopback only, free
# ports picked by the kernel, a throwaway database, a watchdog that ends the run
# after a printed bound, and a trap that stops everything this run started.
# Expects ROOT, BUILD, WORK and DB (sqlite|postgres) to be set by the caller.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

BENCH_PIDS=()
bench_cleanup() {
  local pid
  [ -n "${WATCHDOG_PID:-}" ] && kill "$WATCHDOG_PID" 2>/dev/null || true
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${PG_DBNAME:-}" ]; then
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DBNAME" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}

# watchdog SECONDS: ends the whole run (with the trap's cleanup) if it overruns.
watchdog() {
  local bound=$1 me=$$
  ( sleep "$bound"; echo "!! watchdog: the run took longer than ${bound}s; stopping" >&2; kill -TERM "$me" ) &
  WATCHDOG_PID=$!
}

# make_database: sets DBURL (a fresh SQLite file in WORK, or a fresh PostgreSQL database).
make_database() {
  if [ "$DB" = postgres ]; then
    PG_ADMIN=$("$ROOT/scripts/test-postgres.sh" start)
    PG_DBNAME=td_load_$$
    PGOPTIONS="-c client_min_messages=warning" psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DBNAME" \
      -qc "CREATE DATABASE $PG_DBNAME" >/dev/null
    DBURL=${PG_ADMIN%/postgres}/$PG_DBNAME
  elif [ "$DB" = sqlite ]; then
    DBURL=$WORK/bench.db
  else
    echo "--database must be sqlite or postgres" >&2
    exit 2
  fi
}

# database_bytes: the database's size on disk (SQLite: file + WAL; PostgreSQL: pg_database_size).
database_bytes() {
  if [ "$DB" = postgres ]; then
    psql "$PG_ADMIN" -Atc "SELECT pg_database_size('$PG_DBNAME')"
  else
    local total=0 f
    for f in "$DBURL" "$DBURL-wal" "$DBURL-shm"; do
      [ -f "$f" ] && total=$((total + $(stat -c %s "$f")))
    done
    echo "$total"
  fi
}

# task_count: tasks in the database, read directly (all statuses and visibilities).
task_count() {
  if [ "$DB" = postgres ]; then
    psql "$DBURL" -Atc "SELECT COUNT(*) FROM tasks"
  else
    if command -v sqlite3 >/dev/null; then
      sqlite3 "$DBURL" "SELECT COUNT(*) FROM tasks"
    else
      python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM tasks").fetchone()[0])' "$DBURL"
    fi
  fi
}

# start_server: one taskdesk-server, rate limits off; sets PORT and BASE.
start_server() {
  PORT=$(free_port)
  BASE=http://127.0.0.1:$PORT
  "$BUILD/app/taskdesk-server" serve --listen 127.0.0.1:$PORT --database "$DBURL" --no-rate-limits \
    --data-dir "$WORK/server-data" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  BENCH_PIDS+=("$SERVER_PID")
  for _ in $(seq 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "taskdesk-server did not start:" >&2
  tail -20 "$WORK/server.log" >&2
  exit 1
}

# start_nginx FILE: serves FILE's bytes at /api/tasks on another loopback port; sets NBASE.
start_nginx() {
  local NPORT
  NPORT=$(free_port)
  NBASE=http://127.0.0.1:$NPORT
  mkdir -p "$WORK/nginx/logs" "$WORK/www"
  cp "$1" "$WORK/www/tasks.json"
  chmod -R a+rX "$WORK/www" "$WORK/nginx"
  chmod a+x "$WORK"
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
  BENCH_PIDS+=("$!")
  for _ in $(seq 50); do curl -fs "$NBASE/api/tasks" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "nginx did not start" >&2
  exit 1
}

# scrape_metrics FILE: the server's Prometheus text, for metrics_diff.py.
scrape_metrics() { curl -fs "$BASE/metrics" -o "$1"; }
