#!/usr/bin/env bash
# The XML tools the tests validate the ISO 20022 files with: sepaxml (which ships the
# pain.001.001.03 schema) and xmlschema, pinned, in a virtual environment .venv-xml/. Creates it
# only when it is missing or holds other versions; prints the path of its python on stdout
# (progress goes to stderr), for SHEBAO_XML_PYTHON:
#
#   export SHEBAO_XML_PYTHON="$(scripts/xml-tools.sh)"
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-xml
# sepaxml needs xmlschema and text-unidecode; xmlschema needs elementpath.
requirements="sepaxml==2.7.0 xmlschema==4.3.2 elementpath==5.1.4 text-unidecode==1.3"
stamp=$venv/requirements.txt

if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$requirements" ]; then
    echo "xml-tools: installing $requirements into $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    # shellcheck disable=SC2086 # one argument per requirement
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps $requirements >&2
    echo "$requirements" >"$stamp"
fi
echo "$PWD/$venv/bin/python"
