#!/bin/sh
# tests/cli/relay_cli.sh SHROUD -- `shroud relay` as an operator meets it:
# init, a passphrase that is missing then given, the refusals a newcomer
# runs into (loose permissions, a typo in relay.ini, a second copy, status
# of a stopped relay), SIGHUP reloads (applied and refused), SIGTERM.
# Each refusal must exit non-zero and say what is wrong.
set -u
SHROUD=$1
T=$(mktemp -d /tmp/shroud-relay-cli-XXXXXX)
# ports apart from tests/helpers/relaynet.c's bands (20000-21999): relays
# in [23000, 25000), control APIs in [26000, 28000)
PORT=$((23000 + ($$ % 500) * 4))
CTL=$((PORT + 3000))
PIDS=""
cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect_fail() {   # expect_fail "what" "pattern" cmd...
    what=$1; pat=$2; shift 2
    out=$("$@" 2>&1) && fail "$what: succeeded: $out"
    echo "$out" | grep -q -- "$pat" || fail "$what: message lacks '$pat': $out"
    echo "ok: $what -> $(echo "$out" | tail -1)"
}
wait_status() {   # wait until `relay status` answers
    i=0
    while ! "$SHROUD" relay status --config "$1" >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -gt 100 ] && fail "relay $1 never answered"
        sleep 0.1
    done
}

# init with a passphrase from the environment
SHROUD_TEST_PASS=correct-horse "$SHROUD" relay init --dir "$T/r" --nickname clitest \
    --listen 127.0.0.1:$PORT --control 127.0.0.1:$CTL --passphrase-env SHROUD_TEST_PASS \
    > "$T/init.out" 2>&1 || fail "init: $(cat "$T/init.out")"
grep -q " 127.0.0.1:$PORT$" "$T/init.out" || fail "init prints no contact line"
[ "$(stat -c %a "$T/r")" = 700 ] || fail "relay dir is not 0700"
[ -e "$T/r/relay.key" ] && fail "a passphrase relay must not have a key file"
CFG="$T/r/relay.ini"
"$SHROUD" relay contact --config "$CFG" | grep -q " 127.0.0.1:$PORT\$" || fail "contact line"
expect_fail "init twice" "already holds a relay" "$SHROUD" relay init --dir "$T/r"

# a failed init cleans up after itself, so the corrected command works
expect_fail "bad --bootstrap" "bootstrap" "$SHROUD" relay init --dir "$T/x" --bootstrap garbage
[ -e "$T/x" ] && fail "a failed init left $T/x behind: $(ls -a "$T/x")"
"$SHROUD" relay init --dir "$T/x" --listen 127.0.0.1:$((PORT + 2)) --control 127.0.0.1:$((CTL + 2)) \
    --bootstrap "bootstrap = $("$SHROUD" relay contact --config "$CFG")" > /dev/null 2>&1 \
    || fail "init after a failed one, with a pasted 'bootstrap = ' line"
grep -q "^bootstrap = [0-9a-f]\{64\} " "$T/x/relay.ini" || fail "pasted bootstrap line not written"
# contact follows relay.ini's address
sed -i "s/^listen = 127.0.0.1:$((PORT + 2))/listen = 127.0.0.1:$((PORT + 3))/" "$T/x/relay.ini"
"$SHROUD" relay contact --config "$T/x/relay.ini" | grep -q " 127.0.0.1:$((PORT + 3))\$" \
    || fail "contact does not follow a changed listen"
echo "ok: failed init cleans up; pasted bootstrap line; contact follows relay.ini"

# the passphrase is needed, and must be right
expect_fail "missing passphrase" "SHROUD_TEST_PASS" env -u SHROUD_TEST_PASS "$SHROUD" relay run --config "$CFG"
expect_fail "wrong passphrase" "keys" env SHROUD_TEST_PASS=wrong "$SHROUD" relay run --config "$CFG"

# loose permissions
chmod 755 "$T/r"
expect_fail "mode 0755" "chmod 700" env SHROUD_TEST_PASS=correct-horse "$SHROUD" relay run --config "$CFG"
chmod 700 "$T/r"

# a typo in relay.ini names the file and the line
cp "$CFG" "$T/r/good.ini"
printf '\n[gossip]\ntik_ms = 100\n' >> "$CFG"
LINE=$(grep -n "tik_ms" "$CFG" | cut -d: -f1)
expect_fail "unknown key" "relay.ini:$LINE: .*tik_ms" env SHROUD_TEST_PASS=correct-horse "$SHROUD" relay run --config "$CFG"
cp "$T/r/good.ini" "$CFG"
sed -i 's/^capacity = .*/capacity = 0/' "$CFG"
expect_fail "out of range" "capacity" env SHROUD_TEST_PASS=correct-horse "$SHROUD" relay run --config "$CFG"
cp "$T/r/good.ini" "$CFG"

# status of a relay that is not running
expect_fail "status of a stopped relay" "connection refused" "$SHROUD" relay status --config "$CFG"

# run it
SHROUD_TEST_PASS=correct-horse "$SHROUD" relay run --config "$CFG" 2> "$T/run.log" &
RPID=$!
PIDS="$RPID"
wait_status "$CFG"
"$SHROUD" relay status --config "$CFG" | grep -q "relay     clitest" || fail "status"
"$SHROUD" relay status --config "$CFG" --json | grep -q '"nickname": *"clitest"' || fail "status --json"

# a second copy of the same relay is refused
expect_fail "second copy" "another relay\|in use" env SHROUD_TEST_PASS=correct-horse "$SHROUD" relay run --config "$CFG"

# SIGHUP: a log level change applies, a listen change is refused
sed -i 's/^level = .*/level = debug/' "$CFG"
kill -HUP $RPID
i=0; until grep -q "configuration reloaded" "$T/run.log"; do
    i=$((i + 1)); [ $i -gt 50 ] && fail "reload not applied: $(tail -3 "$T/run.log")"; sleep 0.1; done
echo "ok: SIGHUP applied a log level change"
sed -i "s/^listen = 127.0.0.1:$PORT/listen = 127.0.0.1:$((PORT + 1))/" "$CFG"
kill -HUP $RPID
i=0; until grep -q "reload refused" "$T/run.log"; do
    i=$((i + 1)); [ $i -gt 50 ] && fail "listen change not refused: $(tail -3 "$T/run.log")"; sleep 0.1; done
grep "reload refused" "$T/run.log" | grep -q "relay.listen" || fail "refusal does not name relay.listen"
"$SHROUD" relay status --config "$T/r/good.ini" >/dev/null || fail "relay died after a refused reload"
echo "ok: SIGHUP refused a listen change and the relay kept running"

# SIGTERM: a clean stop, exit 0
kill -TERM $RPID
wait $RPID; rc=$?
PIDS=""
[ $rc -eq 0 ] || fail "exit status $rc after SIGTERM"
grep -q "node: stopped" "$T/run.log" || fail "no clean stop in the log"
[ -e "$T/r/relay.pid" ] && fail "pid file left behind"
echo "ok: SIGTERM stops the relay cleanly"
echo "all relay CLI checks passed"
