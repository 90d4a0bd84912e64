#!/usr/bin/env bash
# Saves a PNG of every console view with realistic data into docs/screenshots/
# (the README shows them). The UI tests build that data through the real API
# and grab the real widgets offscreen; TASKDESK_SCREENSHOT_DIR tells them where.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TASKDESK_BUILD_DIR:-$ROOT/build}
OUT=${1:-$ROOT/docs/screenshots}
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
mkdir -p "$OUT"
TASKDESK_SCREENSHOT_DIR=$OUT QT_QPA_PLATFORM=offscreen ctest --test-dir "$BUILD" -L ui -j2 --output-on-failure
ls -1 "$OUT"/*.png
