#!/bin/sh
# Installs schemathesis and its dependencies (pinned in tests/fuzz/requirements.txt,
# from PyPI) into a virtualenv in .tools/venv for the contract fuzzing test
# (tests/fuzz). Safe to run again.
set -eu
cd "$(dirname "$0")/.."

VENV=.tools/venv
want="$(cksum < tests/fuzz/requirements.txt)"
stamp="$VENV/.requirements-stamp"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/schemathesis" ]; then
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "ensure-fuzzer: Python 3 is required for the contract fuzzing test (schemathesis)" >&2
  exit 1
fi
echo "ensure-fuzzer: installing schemathesis into $VENV (first time only)"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/fuzz/requirements.txt
echo "$want" > "$stamp"
