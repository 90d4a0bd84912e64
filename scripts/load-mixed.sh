#!/usr/bin/env bash
# Sustained mixed load against one taskdesk-server (a program, not a test).
# Seeds a few thousand tasks and some members, measures nginx serving a static
# copy of the browse page (the baseline, same wrk settings as the browse load,
# same run), then for --duration seconds runs at once: --fleets taskdesk-agent
# fleets (distinct seeds: publishers post in every mode, workers bid, claim,
# submit, review, dispute) and one wrk per route family (browse with filters,
# task detail, wallet, unread count, posts). Reports req/s and p50/p99 per route
# family from wrk, from each fleet, and from the server's /metrics histograms;
# errors; ratios against nginx. Checks the ledger at the end. Exits non-zero if
# the server answered any 5xx, a fleet saw one, or the ledger does not balance.
#   scripts/load-mixed.sh [--database sqlite|postgres] [--duration 30] [--fleets 2]
#                         [--tasks 3000] [--publishers 2] [--workers 4]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TASKDESK_BUILD_DIR:-$ROOT/build}
DB=sqlite; DURATION=30; FLEETS=2; TASKS=3000; PUBLISHERS=2; WORKERS=4; MEMBERS=20
while [ $# -gt 0 ]; do
  case "$1" in
    --database) DB=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --fleets) FLEETS=$2; shift 2 ;;
    --tasks) TASKS=$2; shift 2 ;;
    --publishers) PUBLISHERS=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for v in "$DURATION" "$FLEETS" "$TASKS" "$PUBLISHERS" "$WORKERS"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "options take whole numbers" >&2; exit 2; }
done
"$ROOT/scripts/install-deps.sh"
# TASKDESK_BENCH_NO_BUILD=1 uses the binaries already in the build folder.
[ -n "${TASKDESK_BENCH_NO_BUILD:-}" ] || "$ROOT/scripts/build.sh" taskdesk-server taskdesk-agent >/dev/null

WORK=$(mktemp -d)
chmod 700 "$WORK"
export BENCH_LUA=$ROOT/scripts/bench
source "$ROOT/scripts/bench/common.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
# Seeding at >= 50 posts/s (80-800 measured), the baseline, the mixed phase, four minutes slack.
BOUND=$((TASKS / 50 + 2 * DURATION + 240))
echo "== load-mixed: $DB, $TASKS tasks, $FLEETS fleets x ($PUBLISHERS publishers + $WORKERS workers), ${DURATION}s; bounded at ${BOUND}s"
watchdog "$BOUND"

make_database
start_server
STATE=$WORK/state
export IDS=$STATE/ids.txt TOKENS=$STATE/members.txt
echo "== $(date -u +%T) seeding $TASKS tasks and $MEMBERS members (4 keep-alive connections, seed_fast.py)"
python3 "$BENCH_LUA/seed_fast.py" --url "$BASE" --state "$STATE" --tasks "$TASKS" --connections 4 --members "$MEMBERS"

# wrk settings per family: one thread each (five wrk processes share the machine
# with the fleets and the server), connections by how much traffic the family gets.
BROWSE_ARGS=(-t1 -c8 -d"${DURATION}s" --latency)
curl -fs "$BASE/api/tasks?limit=20" -o "$WORK/page.json"
start_nginx "$WORK/page.json"
echo "== $(date -u +%T) nginx static baseline: the browse page ($(stat -c %s "$WORK/page.json") bytes), ${BROWSE_ARGS[*]}"
wrk "${BROWSE_ARGS[@]}" "$NBASE/api/tasks?limit=20" >"$WORK/wrk_nginx.txt"

scrape_metrics "$WORK/metrics_before.txt"
echo "== $(date -u +%T) mixed phase: ${DURATION}s"
FLEET_PIDS=()
for k in $(seq "$FLEETS"); do
  "$BUILD/app/taskdesk-agent" run --server "$BASE" --publishers "$PUBLISHERS" --workers "$WORKERS" \
    --duration "$DURATION" --seed "$k" --json >"$WORK/fleet_$k.json" 2>"$WORK/fleet_$k.err" &
  FLEET_PIDS+=("$!")
  BENCH_PIDS+=("$!")
done
WRK_PIDS=()
run_wrk() { # run_wrk NAME wrk-args...
  local name=$1
  shift
  wrk "$@" >"$WORK/wrk_$name.txt" 2>&1 &
  WRK_PIDS+=("$!")
  BENCH_PIDS+=("$!")
}
run_wrk browse "${BROWSE_ARGS[@]}" -s "$BENCH_LUA/browse.lua" "$BASE"
run_wrk detail -t1 -c4 -d"${DURATION}s" --latency -s "$BENCH_LUA/detail.lua" "$BASE"
run_wrk wallet -t1 -c4 -d"${DURATION}s" --latency -s "$BENCH_LUA/wallet.lua" "$BASE"
run_wrk unread -t1 -c4 -d"${DURATION}s" --latency -s "$BENCH_LUA/unread.lua" "$BASE"
run_wrk post -t1 -c2 -d"${DURATION}s" --latency -s "$BENCH_LUA/post_mixed.lua" "$BASE"
STARTED=$(date +%s.%N)
FAIL=0
for pid in "${WRK_PIDS[@]}"; do wait "$pid" || { echo "!! a wrk run failed" >&2; FAIL=1; }; done
FLEET_RC=()
for pid in "${FLEET_PIDS[@]}"; do
  rc=0
  wait "$pid" || rc=$?
  FLEET_RC+=("$rc")
done
ELAPSED=$(python3 -c "import time; print(max(time.time() - $STARTED, 1))")
kill -0 "$SERVER_PID" 2>/dev/null || { echo "!! taskdesk-server died during the run" >&2; tail -20 "$WORK/server.log" >&2; exit 1; }
scrape_metrics "$WORK/metrics_after.txt"
echo "== $(date -u +%T) mixed phase over (${ELAPSED%.*}s including the fleets' wind-down)"

echo
echo "== wrk, per route family (the browse baseline: nginx, same settings, just before the mixed phase)"
python3 - "$WORK" "$FLEETS" "${FLEET_RC[@]}" <<'PY'
import json, os, sys
sys.path.insert(0, os.environ["BENCH_LUA"])
from wrkstat import parse
w, fleets, rcs = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3:]]
nginx = parse(open(os.path.join(w, "wrk_nginx.txt")).read())
print("%-26s %9s %9s %9s %9s %10s %s" % ("family (wrk)", "req/s", "p50 ms", "p99 ms", "non-2xx", "vs nginx", "statuses"))
print("%-26s %9.0f %9.2f %9.2f %9d %10s" % ("nginx static browse page", nginx["rps"], nginx["p50"], nginx["p99"],
                                            nginx["non2xx"], "1"))
bad = 0
for name, label in [("browse", "browse GET /api/tasks?..."), ("detail", "task detail"), ("wallet", "wallet"),
                    ("unread", "notifications unread-count"), ("post", "post task")]:
    r = parse(open(os.path.join(w, "wrk_%s.txt" % name)).read())
    bad += sum(n for s, n in r["statuses"].items() if s.startswith("5"))
    print("%-26s %9.0f %9.2f %9.2f %9d %10.3f %s" % (label, r["rps"], r["p50"], r["p99"], r["non2xx"],
                                                      r["rps"] / nginx["rps"], json.dumps(r["statuses"])))
print("\n== fleets (client side, taskdesk-agent run --json)")
fam = {}
for k in range(1, fleets + 1):
    try:
        f = json.loads(open(os.path.join(w, "fleet_%d.json" % k)).read().strip().splitlines()[-1])
    except (ValueError, IndexError):
        print("fleet %d: no JSON summary (exit %d): %s" % (k, rcs[k - 1], open(os.path.join(w, "fleet_%d.err" % k)).read()[-500:]))
        bad += 1
        continue
    err = f.get("errors", {})
    five = sum(n for s, n in err.get("unexpected", {}).items() if s.startswith("5"))
    bad += five
    t = f.get("tasks", {})
    print("fleet %d (seed %s, exit %d): %s steps, %s tasks posted, %s bids, %s claims, %s submissions, "
          "%s accepted, %s rejected, %s disputes; errors expected %s, unexpected %s, transport %s" % (
              k, f.get("seed"), rcs[k - 1], f.get("steps"), t.get("posted"), f.get("bids"), f.get("claims"),
              f.get("submissions", {}).get("total"), f.get("accepted"), f.get("rejected"), f.get("disputes"),
              json.dumps(err.get("expected", {})), json.dumps(err.get("unexpected", {})), err.get("transport")))
    for name, r in f.get("requests", {}).items():
        fam.setdefault(name, []).append(r)
print("%-20s %9s %9s %9s   (p50/p99: the slowest fleet's)" % ("family (fleets)", "requests", "p50 ms", "p99 ms"))
for name, rs in sorted(fam.items(), key=lambda kv: -sum(r["count"] for r in kv[1])):
    n = sum(r["count"] for r in rs)
    if n:
        print("%-20s %9d %9.1f %9.1f" % (name, n, max(r["p50"] for r in rs), max(r["p99"] for r in rs)))
open(os.path.join(w, "client_5xx"), "w").write(str(bad))
PY
echo
echo "== server side, from /metrics (every request in the mixed phase: wrk's and the fleets')"
python3 "$BENCH_LUA/metrics_diff.py" "$WORK/metrics_before.txt" "$WORK/metrics_after.txt" "$ELAPSED" || FAIL=1
[ "$(cat "$WORK/client_5xx")" = 0 ] || { echo "!! clients saw $(cat "$WORK/client_5xx") 5xx answers or a fleet gave no summary"; FAIL=1; }
grep -q 'unexpected error\|store error' "$WORK/server.log" && { echo "!! the server logged errors:"; grep 'unexpected error\|store error' "$WORK/server.log" | head -5; FAIL=1; }

echo
echo "== ledger"
"$BUILD/app/taskdesk-server" admin verify-ledger --database "$DBURL" >"$WORK/ledger.txt" 2>&1 || { echo "!! the ledger does not balance"; FAIL=1; }
tr '\n' ';' <"$WORK/ledger.txt"
echo
echo "tasks in the database: $(task_count); database on disk: $(($(database_bytes) / 1024)) KiB"
[ "$FAIL" = 0 ] && echo "== no 5xx, ledger balanced" || echo "== FAILED (see !! lines)"
exit "$FAIL"
