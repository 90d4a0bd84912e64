#!/usr/bin/env bash
# Configures (once) and builds TaskDesk into build/ (or $TASKDESK_BUILD_DIR).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TASKDESK_BUILD_DIR:-$ROOT/build}
JOBS=${TASKDESK_JOBS:-$(nproc)}
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${TASKDESK_CMAKE_ARGS:-}
fi
if [ $# -gt 0 ]; then
  cmake --build "$BUILD" -j "$JOBS" --target "$@"
else
  cmake --build "$BUILD" -j "$JOBS"
fi
