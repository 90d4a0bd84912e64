#!/usr/bin/env bash
# Fuzzes the HTTP request parser and the API's write-route validation (tests/fuzz) for a
# bounded time: builds the libFuzzer target with clang, AddressSanitizer and UBSan in
# build-fuzz/ (or $TASKDESK_FUZZ_BUILD_DIR), runs it on a copy of the seed corpus, prints
# exec/s, coverage and corpus size, and exits non-zero on any finding, printing the path of
# the input that triggered it. Never writes into the source tree.
#   scripts/fuzz.sh [--seconds S] [--jobs J]     (defaults: 60 s, 1 job; J > 1 uses -fork=J)
# Reproduce a finding:  build-fuzz/tests/fuzz/taskdesk_fuzz_api <crash file>
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TASKDESK_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
FUZZ_SECONDS=60
JOBS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) FUZZ_SECONDS=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$FUZZ_SECONDS$JOBS" in *[!0-9]*) echo "fuzz.sh: --seconds and --jobs take whole numbers" >&2; exit 2 ;; esac

CXX=${TASKDESK_FUZZ_CXX:-clang++}
if ! command -v "$CXX" >/dev/null; then
  echo "fuzz.sh: $CXX not found; scripts/install-deps.sh installs clang and libFuzzer" >&2
  exit 2
fi

# Configure once. -O1 with line tables: a third quicker to build than -O2 -g, and assertions
# stay on (no NDEBUG). The console is not needed, so its targets are not even configured.
if [ ! -f "$BUILD/build.ninja" ] || ! grep -q '^TASKDESK_FUZZ:BOOL=ON' "$BUILD/CMakeCache.txt"; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DTASKDESK_FUZZ=ON \
    -DTASKDESK_BUILD_CONSOLE=OFF >/dev/null
fi
started=$(date +%s)
cmake --build "$BUILD" -j "${TASKDESK_JOBS:-$(nproc)}" --target taskdesk_fuzz_api
echo "fuzz.sh: build took $(( $(date +%s) - started )) s"

RUN="$BUILD/fuzz-runs/$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$RUN/corpus" "$RUN/artifacts"
cp "$ROOT"/tests/fuzz/corpus/api_request/* "$RUN/corpus/"
# The harness's database and files: tmpfs when there is one (SQLite fsyncs every commit).
SHM=/dev/shm
[ -d "$SHM" ] && [ -w "$SHM" ] || SHM="$RUN"
TMP=$(mktemp -d "$SHM/taskdesk-fuzz.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export TASKDESK_FUZZ_TMP="$TMP"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export QT_LOGGING_RULES=${QT_LOGGING_RULES:-qt.*=false}

args=(-max_total_time="$FUZZ_SECONDS" -dict="$ROOT/tests/fuzz/api_request.dict" -max_len=8192
      -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$RUN/artifacts/")
[ "$JOBS" -gt 1 ] && args+=(-fork="$JOBS")
echo "fuzz.sh: fuzzing for ${FUZZ_SECONDS} s with $JOBS job(s); corpus and findings in $RUN"
set +e
(cd "$RUN" && "$BUILD/tests/fuzz/taskdesk_fuzz_api" "${args[@]}" "$RUN/corpus") >"$RUN/fuzz.log" 2>&1
rc=$?
set -e

# -print_final_stats gives the totals; in fork mode only the progress lines do.
last=$(grep -E '^#[0-9]+.*cov:' "$RUN/fuzz.log" | tail -1 || true)
execs=$(grep -E '^stat::number_of_executed_units' "$RUN/fuzz.log" | tail -1 | awk '{print $2}' || true)
rate=$(grep -E '^stat::average_exec_per_sec' "$RUN/fuzz.log" | tail -1 | awk '{print $2}' || true)
[ -n "$execs" ] || execs=$(echo "$last" | grep -oE '^#[0-9]+' | tr -d '#' || true)
[ -n "$rate" ] || rate=$(echo "$last" | grep -oE 'exec/s:? [0-9]+' | awk '{print $2}' || true)
cov=$(echo "$last" | grep -oE 'cov: [0-9]+' | awk '{print $2}' || true)
ft=$(echo "$last" | grep -oE 'ft: [0-9]+' | awk '{print $2}' || true)
echo "fuzz.sh: runs ${execs:-?}, exec/s ${rate:-?}, coverage ${cov:-?} edges (${ft:-?} features)," \
     "corpus $(find "$RUN/corpus" -type f | wc -l) inputs (seeds: $(find "$ROOT/tests/fuzz/corpus/api_request" -type f | wc -l))"

findings=$(find "$RUN/artifacts" -type f 2>/dev/null | sort)
if [ "$rc" -ne 0 ] || [ -n "$findings" ]; then
  echo "fuzz.sh: FINDING (exit $rc). Log: $RUN/fuzz.log" >&2
  grep -E '==== taskdesk fuzz|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$RUN/fuzz.log" \
    | head -5 >&2 || true
  for f in $findings; do echo "fuzz.sh: input kept at $f" >&2; done
  echo "fuzz.sh: reproduce with $BUILD/tests/fuzz/taskdesk_fuzz_api <input>" >&2
  exit 1
fi
echo "fuzz.sh: no findings"
