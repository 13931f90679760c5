#!/bin/sh
# The relay part of `make demo`: ten relay processes on 127.0.0.1 find each
# other by gossip over ZeroMQ/CURVE, then stop.  Usage: demo-testnet.sh BUILD_DIR
set -eu
BUILD=${1:-build}
SHROUD="$BUILD/shroud"
DIR="$BUILD/testnet"
# stop the relays of an earlier demo that was interrupted, then start afresh
[ -d "$DIR" ] && "$SHROUD" testnet down --dir "$DIR" >/dev/null 2>&1 || true
rm -rf "$DIR"
trap '"$SHROUD" testnet down --dir "$DIR" >/dev/null 2>&1 || true' EXIT HUP INT PIPE TERM
echo "== a local testnet: 10 relays on 127.0.0.1 (shroud testnet up) =="
"$SHROUD" testnet up --relays 10 --dir "$DIR" --tick-ms 200
echo "== discovery by gossip (shroud testnet wait) =="
"$SHROUD" testnet wait --dir "$DIR" --timeout 60
"$SHROUD" testnet status --dir "$DIR"
echo "== one relay, as its operator sees it (shroud relay status) =="
"$SHROUD" relay status --config "$DIR/relay-0/relay.ini"
echo "== stopping (shroud testnet down) =="
"$SHROUD" testnet down --dir "$DIR"
trap - EXIT HUP INT PIPE TERM
