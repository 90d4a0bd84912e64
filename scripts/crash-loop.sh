#!/usr/bin/env bash
# The crash loop: a correctness check run by hand, not a timed test. Under a write
# load that moves money (post, bid, hire, submit, accept, claim, cancel, transfers
# to and from a delegated agent), SIGKILL the server at a seeded random moment each
# cycle, restart it on the same database, and check: the ledger verifies, every
# acknowledged write is there, wallets and fees equal what the clients saw, and the
# write that was in flight either landed whole or not at all, its retry with the
# same Idempotency-Key replayed or executed once. Exits non-zero on any failure.
# Loopback only; bounded in time; cleans up after itself.
#   scripts/crash-loop.sh [--database sqlite|postgres] [--cycles 100] [--seconds-per-cycle 2]
#                         [--threads 8] [--seed N]
# The build dir comes from TASKDESK_BUILD_DIR (default build/).
set -euo pipefail
DB=sqlite; CYCLES=100; SECONDS_PER=2; THREADS=8; SEED=()
while [ $# -gt 0 ]; do
  case "$1" in
    --database) DB=$2; shift 2 ;;
    --cycles) CYCLES=$2; shift 2 ;;
    --seconds-per-cycle) SECONDS_PER=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --seed) SEED=(--seed "$2"); shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# Per cycle: up to 1.5x the load time, a restart, verify-ledger and the read-back
# (a few seconds), plus the final read-back of everything.
BOUND=$(python3 -c "import math; print(int(120 + $CYCLES * (1.5 * $SECONDS_PER + 6)))")
[ "$DB" = postgres ] && BOUND=$(( BOUND * 3 / 2 ))
# shellcheck source=faults/common.sh source-path=SCRIPTDIR
source "$(dirname "$0")/faults/common.sh"
fault_setup
echo "crash loop: $CYCLES cycles of about $SECONDS_PER s, $THREADS client threads"
fault_run "$ROOT/scripts/faults/crash_loop.py" --binary "$SERVER_BIN" --database "$DBURL" \
  --workdir "$WORK" --cycles "$CYCLES" --seconds-per-cycle "$SECONDS_PER" --threads "$THREADS" "${SEED[@]}"
