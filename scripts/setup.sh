#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks (as root, via apt) and builds microcourse.
#   scripts/setup.sh [cmake args...]      build dir: $BUILD_DIR (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ make cmake ninja-build ccache pkg-config git ca-certificates tzdata clang-format
  libboost1.81-dev libboost-url1.81-dev libssl-dev
  nlohmann-json3-dev libhiredis-dev libspdlog-dev libhowardhinnant-date-dev
  libgtest-dev libgmock-dev
  redis-server redis-tools
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: these Debian packages are missing; run as root or install them: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # The service scripts of redis-server must not start a system-wide Redis here.
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$BUILD_DIR" -j "$JOBS"
