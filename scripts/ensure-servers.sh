#!/bin/sh
# Builds nats-server, FerretDB v1 (SQLite backend) and kustomize (renders deploy/k8s
# in the tests) into .tools/bin at pinned versions when they are missing. All three
# come from the Go module proxy.
set -eu
cd "$(dirname "$0")/.."

NATS_SERVER_VERSION=v2.10.29
KUSTOMIZE_VERSION=v5.8.0
BIN="$(pwd)/.tools/bin"
mkdir -p "$BIN"

if ! command -v go >/dev/null 2>&1; then
  echo "ensure-servers: Go is required to build nats-server and FerretDB (https://go.dev/dl/)" >&2
  exit 1
fi

stamp_ok() { [ -x "$BIN/$1" ] && [ -f "$BIN/$1.version" ] && [ "$(cat "$BIN/$1.version")" = "$2" ]; }

if ! stamp_ok nats-server "$NATS_SERVER_VERSION"; then
  echo "ensure-servers: building nats-server $NATS_SERVER_VERSION (first time only)"
  GOBIN="$BIN" GOFLAGS=-mod=mod go install "github.com/nats-io/nats-server/v2@$NATS_SERVER_VERSION"
  echo "$NATS_SERVER_VERSION" > "$BIN/nats-server.version"
fi

# The launcher in tools/ferretdb pins FerretDB in its go.mod/go.sum.
FERRET_VERSION="$(cksum tools/ferretdb/go.mod tools/ferretdb/go.sum tools/ferretdb/*.go | cksum | cut -d' ' -f1)"
if ! stamp_ok ferretdb "$FERRET_VERSION"; then
  echo "ensure-servers: building FerretDB v1 (SQLite) from tools/ferretdb (first time only)"
  (cd tools/ferretdb && go build -trimpath -o "$BIN/ferretdb" .)
  echo "$FERRET_VERSION" > "$BIN/ferretdb.version"
fi

if ! stamp_ok kustomize "$KUSTOMIZE_VERSION"; then
  echo "ensure-servers: building kustomize $KUSTOMIZE_VERSION (first time only)"
  GOBIN="$BIN" GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
  echo "$KUSTOMIZE_VERSION" > "$BIN/kustomize.version"
fi
