#!/usr/bin/env bash
# Checks that need no build: formatting (swift format with .swift-format) and files that must
# never be committed. Run by make test before anything else.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
if ! swift format lint --strict --recursive Sources Tests Package.swift; then
    echo "soundness: formatting differs; run: swift format --in-place --recursive Sources Tests Package.swift" >&2
    status=1
fi
if git ls-files 2>/dev/null | grep -qE '(^|/)(Package\.resolved|\.build[^/]*/)'; then
    echo "soundness: Package.resolved or a .build folder is tracked" >&2
    status=1
fi
exit $status
