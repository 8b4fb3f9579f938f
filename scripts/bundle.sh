#!/bin/sh
# Builds one service and writes a self-contained copy of it to OUT_DIR: its compiled
# dist/, its package.json and only its production dependencies (workspace packages
# as their compiled dist/). The Dockerfile copies exactly this directory into the
# image, and tests/deploy runs it with the Dockerfile's CMD.
#
#   sh scripts/bundle.sh <gateway|auth|users|jobs|executor> <OUT_DIR>
#
# JOBWIRE_BUNDLE_SKIP_BUILD=1 skips the TypeScript build (when it has just run).
set -eu
cd "$(dirname "$0")/.."

service="${1:?usage: bundle.sh <service> <out-dir>}"
out="${2:?usage: bundle.sh <service> <out-dir>}"
case "$service" in
  gateway|auth|users|jobs|executor) ;;
  *) echo "bundle: unknown service '$service'" >&2; exit 64 ;;
esac

PNPM="${PNPM:-pnpm}"
if [ -x .tools/node_modules/.bin/pnpm ] && [ "$PNPM" = pnpm ]; then PNPM=.tools/node_modules/.bin/pnpm; fi

if [ "${JOBWIRE_BUNDLE_SKIP_BUILD:-}" != 1 ]; then
  # The service (by folder: the sample executor's package is @jobwire/sample-executor)
  # and the workspace packages it depends on, in dependency order.
  "$PNPM" --filter "{./services/$service}..." run build
fi
rm -rf "$out"
# --legacy: deploy from a workspace whose packages are linked, not injected.
"$PNPM" --filter "./services/$service" deploy --legacy --prod --config.confirmModulesPurge=false "$out" >/dev/null
# Nothing but the runtime: no sources, tests or build configuration.
test -f "$out/dist/main.js" || { echo "bundle: $out/dist/main.js is missing" >&2; exit 1; }
