#!/usr/bin/env bash
# How the server's cost grows with the number of tasks (a program, not a test).
# One server and one database, grown step by step to each size; at each size,
# wrk measures for a fixed short time: nginx serving a static copy of the browse
# page (the baseline, same moment), the browse page cached and uncached, the
# page in budget order (uncached), a filtered search (query + skill, uncached),
# a search for a word no task has, task detail, and posts; claims are a fixed
# count (each one uses up an open task). Seeding goes through the API
# (scripts/bench/seed_fast.py: 4 keep-alive connections, escrow and ledger). Prints a table size -> req/s, p50, p99, the ratio to the first size and
# to nginx at the same size, and the database's size on disk. Loopback only.
#   scripts/bench-growth.sh [--database sqlite|postgres] [--sizes 1000,10000,100000]
#                           [--duration 5] [--connections 32] [--bound SECONDS]
#   TASKDESK_BENCH_KEEP_DB=FILE keeps a copy of the grown SQLite database (for EXPLAIN).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TASKDESK_BUILD_DIR:-$ROOT/build}
DB=sqlite; SIZES=1000,10000,100000; DURATION=5; CONNS=32; BOUND=""
SEED_CONNS=4; CLAIMS=300; MEMBERS=20
while [ $# -gt 0 ]; do
  case "$1" in
    --database) DB=$2; shift 2 ;;
    --sizes) SIZES=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --bound) BOUND=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
IFS=, read -r -a SIZE_LIST <<<"$SIZES"
MAX_SIZE=0
for s in "${SIZE_LIST[@]}"; do
  [[ "$s" =~ ^[0-9]+$ ]] || { echo "--sizes takes numbers separated by commas" >&2; exit 2; }
  [ "$s" -gt "$MAX_SIZE" ] && MAX_SIZE=$s
done
[ "${SIZE_LIST[0]}" -ge 100 ] || { echo "the first size must be at least 100 tasks" >&2; exit 2; }
# The same claim count at every size: 300, or fewer when the first size has fewer
# claim tasks (38% of the seeded tasks are public claim tasks).
[ $((SIZE_LIST[0] * 3 / 10)) -lt "$CLAIMS" ] && CLAIMS=$((SIZE_LIST[0] * 3 / 10))
"$ROOT/scripts/install-deps.sh"
# TASKDESK_BENCH_NO_BUILD=1 uses the binaries already in the build folder.
[ -n "${TASKDESK_BENCH_NO_BUILD:-}" ] || "$ROOT/scripts/build.sh" taskdesk-server >/dev/null

WORK=$(mktemp -d)
chmod 700 "$WORK"
export BENCH_LUA=$ROOT/scripts/bench
source "$ROOT/scripts/bench/common.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
# The bound: seeding at no less than 50 posts/s (measured: 80-800 on SQLite with
# synchronous=FULL on this machine), nine measurements per size, two minutes slack.
if [ -z "$BOUND" ]; then
  BOUND=$((MAX_SIZE / 50 + ${#SIZE_LIST[@]} * (9 * (DURATION + 5) + 60) + 120))
fi
echo "== bench-growth: $DB, sizes $SIZES, ${DURATION}s per measurement; bounded at ${BOUND}s"
watchdog "$BOUND"
STARTED=$(date +%s)

make_database
start_server
STATE=$WORK/state
RESULTS=$WORK/results.jsonl
: >"$RESULTS"
export IDS=$STATE/ids.txt TOKENS=$STATE/members.txt

# Python is not started per measurement: on a loaded machine its start-up took
# seconds. wrk's output is kept and parsed once at the end (wrkstat.py).
mkdir -p "$WORK/wrk"
: >"$WORK/manifest"
measure() { # measure SIZE NAME wrk-args...
  local size=$1 name=$2 out
  shift 2
  out=$WORK/wrk/$size.$(wc -l <"$WORK/manifest").txt
  wrk -t2 -d"${DURATION}s" --latency "$@" >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
  printf '%s|%s|%s\n' "$size" "$name" "$out" >>"$WORK/manifest"
  awk -v name="$name" '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {bad=$5}
    END {printf "   %-24s %9.0f req/s  p50 %9s  p99 %9s  non-2xx %d\n", name, rps, p50, p99, bad}' "$out"
}

for SIZE in "${SIZE_LIST[@]}"; do
  echo "== $(date -u +%T) growing to $SIZE tasks: $SEED_CONNS keep-alive connections, one publisher each (seed_fast.py)"
  # The post measurements add tasks too: seed only what is missing.
  SEEDED_SO_FAR=$(grep -o '"total": [0-9]*' "$STATE/state.json" 2>/dev/null | grep -o '[0-9]*$' || echo 0)
  EXTRA=$(($(task_count) - SEEDED_SO_FAR))
  SEEDED=$(python3 "$BENCH_LUA/seed_fast.py" --url "$BASE" --state "$STATE" --tasks $((SIZE - EXTRA)) \
    --connections "$SEED_CONNS" --members "$MEMBERS")
  echo "   $SEEDED"
  TASKS_NOW=$(task_count)
  DBBYTES=$(database_bytes)
  echo "{\"size\": $SIZE, \"name\": \"seed\", \"seed\": $SEEDED, \"tasks\": $TASKS_NOW, \"dbBytes\": $DBBYTES}" >>"$RESULTS"
  echo "   $TASKS_NOW tasks; database on disk: $((DBBYTES / 1024)) KiB"

  curl -fs "$BASE/api/tasks?limit=50" -o "$WORK/page.json"
  if [ -z "${NBASE:-}" ]; then start_nginx "$WORK/page.json"; else cp "$WORK/page.json" "$WORK/www/tasks.json"; fi
  measure "$SIZE" "nginx static page" -c"$CONNS" "$NBASE/api/tasks?limit=50"
  measure "$SIZE" "browse (cached)" -c"$CONNS" "$BASE/api/tasks?limit=50"
  measure "$SIZE" "browse (uncached)" -c"$CONNS" -s "$BENCH_LUA/uncached_read.lua" "$BASE"
  measure "$SIZE" "browse by budget (unc.)" -c"$CONNS" -s "$BENCH_LUA/budget_order.lua" "$BASE"
  NOCACHE=1 measure "$SIZE" "search query+skill" -c"$CONNS" -s "$BENCH_LUA/search.lua" "$BASE"
  NOCACHE=1 QUERY=zzqxnomatch measure "$SIZE" "search, no match" -c"$CONNS" -s "$BENCH_LUA/search.lua" "$BASE"
  measure "$SIZE" "task detail" -c"$CONNS" -s "$BENCH_LUA/detail.lua" "$BASE"
  CLAIM=$(python3 "$BENCH_LUA/claim_bench.py" --url "$BASE" --state "$STATE" --claims "$CLAIMS" --connections 8)
  echo "{\"size\": $SIZE, \"name\": \"claim\", \"claim\": $CLAIM}" >>"$RESULTS"
  echo "   claim (8 connections)     $CLAIM"
  measure "$SIZE" "post task" -c8 -s "$BENCH_LUA/post_mixed.lua" "$BASE"
done

python3 - "$RESULTS" "$WORK/manifest" <<'PY'
import json, os, sys
sys.path.insert(0, os.environ["BENCH_LUA"])
from wrkstat import parse
rows = []
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["name"] == "claim":
        c = r["claim"]
        r.update(rps=c["rps"], p50=c["p50"], p99=c["p99"], statuses=c["statuses"],
                 non2xx=sum(v for k, v in c["statuses"].items() if not k.startswith("2")))
    rows.append(r)
for l in open(sys.argv[2]):
    size, name, path = l.rstrip("\n").split("|")
    r = parse(open(path).read())
    r.update(size=int(size), name=name)
    rows.append(r)
sizes = sorted({r["size"] for r in rows})
first = sizes[0]
by = {(r["size"], r["name"]): r for r in rows}
names = [n for n in ["nginx static page", "browse (cached)", "browse (uncached)", "browse by budget (unc.)",
                     "search query+skill",
                     "search, no match", "task detail", "claim", "post task"]]
print("\n== summary (ratios: against the same measurement at %d tasks, and against nginx at the same size)" % first)
print("%-24s %8s %9s %9s %9s %9s %9s %7s" % ("measurement", "tasks", "req/s", "p50 ms", "p99 ms",
                                             "vs first", "vs nginx", "non-2xx"))
for n in names:
    for s in sizes:
        r = by.get((s, n))
        if not r:
            continue
        base = by.get((first, n))
        ng = by.get((s, "nginx static page"))
        print("%-24s %8d %9.0f %9.2f %9.2f %9.3f %9.4f %7d" % (
            n, s, r["rps"], r["p50"], r["p99"], r["rps"] / base["rps"] if base and base["rps"] else 0,
            r["rps"] / ng["rps"] if ng and ng["rps"] else 0, r.get("non2xx", 0)))
print("\n%-10s %10s %14s %12s %12s" % ("size", "tasks", "seed posts/s", "seed s", "db on disk"))
for s in sizes:
    r = by[(s, "seed")]
    print("%-10d %10d %14.1f %12.1f %9.1f MiB" % (s, r["tasks"], r["seed"]["postsPerSecond"],
                                                 r["seed"]["seconds"], r["dbBytes"] / 1048576))
bad = [r for r in rows if r.get("statuses") and any(k.startswith("5") for k in r["statuses"])]
if bad:
    print("!! 5xx answers in: " + ", ".join("%s@%d" % (r["name"], r["size"]) for r in bad))
    sys.exit(3)
PY
echo "== ledger"
"$BUILD/app/taskdesk-server" admin verify-ledger --database "$DBURL" | tail -1
if [ -n "${TASKDESK_BENCH_KEEP_DB:-}" ] && [ "$DB" = sqlite ]; then
  # For looking at query plans afterwards: a consistent copy of the grown database.
  python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))' "$DBURL" "$TASKDESK_BENCH_KEEP_DB"
  echo "== database kept in $TASKDESK_BENCH_KEEP_DB"
fi
echo "== done in $(($(date +%s) - STARTED))s (bound ${BOUND}s)"
