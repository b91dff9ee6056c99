#!/usr/bin/env bash
# Installs what building and running Shebao needs on Debian, if missing: the PostgreSQL server
# (with its contrib extensions), libpq and OpenSSL headers, pkg-config; Python's venv and curl
# for the API fuzzing. As root it uses apt-get; otherwise it says what to install.
set -euo pipefail

packages=()
need() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || packages+=("$1"); }

need pkg-config
need libpq-dev
need libssl-dev
need postgresql-client
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
    packages+=(postgresql)
fi
# The embedded cluster and the benchmark need these too.
command -v pgbench >/dev/null 2>&1 || packages+=(postgresql-contrib)
# The API fuzzing (scripts/fuzz-api.sh) installs schemathesis from PyPI into a virtual
# environment, and waits for the server with curl.
if ! command -v python3 >/dev/null 2>&1; then
    packages+=(python3 python3-venv)
elif ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    packages+=(python3-venv)
fi
command -v curl >/dev/null 2>&1 || packages+=(curl)

if [ ${#packages[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "Shebao needs these Debian packages: ${packages[*]}" >&2
    echo "Install them with: sudo apt-get install -y ${packages[*]}" >&2
    exit 1
fi
echo "installing: ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
