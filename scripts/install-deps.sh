#!/usr/bin/env bash
# Installs the Debian 12 packages TaskDesk builds, tests and benchmarks with.
# Does nothing for packages already present. Needs root (or sudo).
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config git curl python3
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev libxkbcommon-dev qt6-qpa-plugins libqt6svg6 fonts-dejavu-core libqt6sql6-sqlite libqt6sql6-psql qtkeychain-qt6-dev
  libsodium-dev libssl-dev libboost1.81-dev libboost-json1.81-dev
  json-schema-test-suite python3-nacl postgresql xvfb xauth wrk nginx-light
  clang libclang-rt-14-dev # scripts/fuzz.sh: clang 14 with libFuzzer and the sanitizer runtimes
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "Installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
