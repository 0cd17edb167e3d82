#!/usr/bin/env bash
# Sets up everything (scripts/setup.sh, warnings as errors) and runs the whole test suite.
# Every test that needs Redis starts its own redis-server on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
scripts/setup.sh -DMC_WERROR=ON
scripts/check-format.sh
scripts/check-layers.sh
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 600 -j "${JOBS:-$(nproc)}"
