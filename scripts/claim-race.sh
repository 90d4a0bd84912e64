#!/usr/bin/env bash
# The claim race at scale: a correctness check run by hand, not a timed test.
# One server (rate limits off); publishers post N claim-mode tasks; C worker clients
# (own accounts, own keep-alive connections) race for them in rounds behind a barrier,
# each task contested by at least 4 clients chosen at random. Exits non-zero when a
# task has two winners (clients' replies or the server's contracts read back through
# the API), a task is left unclaimed, any 5xx or transport error is seen, or the
# ledger does not verify. Loopback only; bounded in time; cleans up after itself.
#   scripts/claim-race.sh [--database sqlite|postgres] [--clients 64] [--tasks 10000] [--seed N]
#                         [--record FILE]   (one JSON line per task: winners, the others' answers)
# The build dir comes from TASKDESK_BUILD_DIR (default build/).
set -euo pipefail
DB=sqlite; CLIENTS=64; TASKS=10000; EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --database) DB=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --tasks) TASKS=$2; shift 2 ;;
    --seed) EXTRA+=(--seed "$2"); shift 2 ;;
    --record) EXTRA+=(--record "$(realpath -m "$2")"); shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# Setup (registrations, posts) plus about 20 ms per claim round and the read-back;
# PostgreSQL is slower per write, so it gets twice the allowance.
BOUND=$(( 180 + TASKS * 5 / 100 ))
[ "$DB" = postgres ] && BOUND=$(( BOUND * 2 ))
# shellcheck source=faults/common.sh source-path=SCRIPTDIR
source "$(dirname "$0")/faults/common.sh"
fault_setup
echo "claim race: $CLIENTS clients, $TASKS tasks"
fault_run "$ROOT/scripts/faults/claim_race.py" --binary "$SERVER_BIN" --database "$DBURL" \
  --workdir "$WORK" --clients "$CLIENTS" --tasks "$TASKS" "${EXTRA[@]}"
