#!/usr/bin/env bash
# Installs what building and running Shebao needs on Debian, if missing: the PostgreSQL server
# (with its contrib extensions), libpq, OpenSSL and libcurl (its OpenSSL flavour: the outbound
# HTTP client) headers, pkg-config, libxml2 (which FoundationXML loads); Python's venv and curl
# for the API fuzzing (and the venv for the XML schema tools); and oathtool, which computes the
# demo log-ins' TOTP codes. With --tests (what make test passes) oathtool and jq are needed
# too: a test runs the README's examples, which use them. As root it uses apt-get; otherwise it
# says what to install (oathtool only as advice without --tests: nothing else fails without it).
set -euo pipefail

packages=()
wanted=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
need() { installed "$1" || packages+=("$1"); }
want() { installed "$1" || wanted+=("$1"); }

need pkg-config
# FoundationXML, which reads the banks' XML answers, loads libxml2 at run time.
need libxml2
need libpq-dev
need libssl-dev
need libcurl4-openssl-dev
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
if [ "${1:-}" = --tests ]; then
    need oathtool
    need jq
else
    want oathtool
fi

missing=("${packages[@]}" "${wanted[@]}")
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    if [ ${#packages[@]} -eq 0 ]; then
        echo "For the demo log-ins' TOTP codes, install: sudo apt-get install -y ${wanted[*]}" >&2
        exit 0
    fi
    echo "Shebao needs these Debian packages: ${packages[*]}" >&2
    echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ ${#packages[@]} -gt 0 ]; then
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
if [ ${#wanted[@]} -gt 0 ]; then
    apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null \
        || echo "could not install ${wanted[*]}: the demo log-ins' TOTP codes need another authenticator" >&2
fi
