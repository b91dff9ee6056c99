#!/usr/bin/env bash
# make run: install what is missing, build, and start the development environment
# (embedded PostgreSQL in .shebao/postgres unless DATABASE_URL is set, migrations, the server).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build --product shebao
exec "$(swift build --show-bin-path)/shebao" dev "$@"
