#!/usr/bin/env bash
# Fails when a C++ file differs from .clang-format (Google base, 100 columns).
# Fix with: git ls-files '*.cpp' '*.hpp' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror
echo "format: ok"
