#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit, API on SQLite,
# and API on a throwaway PostgreSQL started on loopback for the run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TASKDESK_BUILD_DIR:-$ROOT/build}
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
PG_URL=$("$ROOT/scripts/test-postgres.sh" start)
trap '"$ROOT/scripts/test-postgres.sh" stop' EXIT
export TASKDESK_TEST_PG_URL="$PG_URL"
cd "$BUILD"
# The suite is sized for 2 cores: API tests start servers with worker threads of their own.
ctest --output-on-failure -j "${TASKDESK_TEST_JOBS:-2}" "$@"
# Then a bounded fuzz of the request parser and the write routes' validation (clang build in
# build-fuzz; TASKDESK_FUZZ_SECONDS=0 skips it).
if [ "${TASKDESK_FUZZ_SECONDS:-60}" -gt 0 ]; then
  "$ROOT/scripts/fuzz.sh" --seconds "${TASKDESK_FUZZ_SECONDS:-60}"
fi
