#!/usr/bin/env bash
# clang-tidy with the project's .clang-tidy on every source file of bot/ and adapters/ (or the
# files given), using the compile commands of the build dir; fails on any finding.
#   scripts/tidy.sh                      all files (about 15 minutes on 2 cores)
#   scripts/tidy.sh bot/engine/*.cpp     just these
# Not part of scripts/test.sh: a whole run would take the CI run past 20 minutes. Run it before
# merging a change to bot/ or adapters/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [[ ! -f "$BUILD_DIR/compile_commands.json" ]]; then
  echo "tidy: no $BUILD_DIR/compile_commands.json; run scripts/setup.sh first" >&2
  exit 2
fi
command -v run-clang-tidy >/dev/null || { echo "tidy: apt-get install clang-tidy" >&2; exit 2; }
if (($# == 0)); then
  mapfile -t files < <(git ls-files 'bot/*.cpp' 'adapters/*.cpp' | grep -v '/main.cpp$')
else
  files=("$@")
fi
log="$BUILD_DIR/tidy.log"
run-clang-tidy -quiet -p "$BUILD_DIR" -j "${JOBS:-$(nproc)}" "${files[@]/#/$PWD/}" >"$log" 2>&1 ||
  true
if grep -E '(warning|error):' "$log"; then
  echo "tidy: findings above (whole output: $log)"
  exit 1
fi
echo "tidy: ok (${#files[@]} files)"
