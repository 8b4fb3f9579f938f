#!/bin/sh
# Installs what is missing: pnpm (project-local), workspace dependencies,
# nats-server and FerretDB (built with Go into .tools/bin). Safe to run again.
set -eu
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
PNPM=.tools/node_modules/.bin/pnpm

if [ ! -x "$PNPM" ] || [ "$("$PNPM" --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "bootstrap: installing pnpm $PNPM_VERSION into .tools/"
  mkdir -p .tools
  npm install --prefix .tools --no-save --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >/dev/null
fi

# Reinstall only when the lockfile or a manifest changed since the last install.
stamp=node_modules/.jobwire-install-stamp
want=$(cat pnpm-lock.yaml pnpm-workspace.yaml package.json */*/package.json tests/package.json bench/package.json 2>/dev/null | cksum)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing workspace dependencies"
  if [ -n "${CI:-}" ]; then
    "$PNPM" install --frozen-lockfile --reporter=append-only
  else
    "$PNPM" install --reporter=append-only
  fi
  echo "$want" > "$stamp"
fi

sh scripts/ensure-servers.sh
sh scripts/ensure-fuzzer.sh
