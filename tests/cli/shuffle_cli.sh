#!/bin/sh
# tests/cli/shuffle_cli.sh SHROUD -- `shroud shuffle gen` and `shroud shuffle
# verify` end to end on a small batch (N = 50, width 2): exit codes, the
# first line of the verdict, the same files for 1 and 2 threads, a known
# proof digest (the prover must keep producing the same bytes), and
# tampered files, which must exit 1 and name the failing check.
set -u

SHROUD=${1:?usage: shuffle_cli.sh path/to/shroud}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/shroud-shuffle-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
FAILS=0

. "$(dirname "$0")/lib.sh"

N=50
W=2
# proof layout (docs/shuffle-proof.md): 3N + 3 + 2W points, then k_A,
# k_B[N], k_C, k_D, k_E[N], k_F[W]; 32 bytes each.
PTS=$((3 * N + 3 + 2 * W))
# the proof proper, then the hints of its PTS points and of the 2WN output points
PROOF_LEN=$((32 * (5 * N + 3 * W + 6 + PTS + 2 * W * N)))

run "gen" 0 "wrote " "$SHROUD" shuffle gen --n $N --width $W --seed cli-test --out "$TMP/ok"
run "gen (2 threads)" 0 "wrote " "$SHROUD" shuffle gen --n $N --width $W --seed cli-test \
    --out "$TMP/ok2" --threads 2
for f in statement.txt input.bin output.bin proof.bin; do
    cmp -s "$TMP/ok/$f" "$TMP/ok2/$f" || fail "$f differs between 1 and 2 threads"
done
len=$(wc -c <"$TMP/ok/proof.bin" | tr -d ' ')
[ "$len" -eq "$PROOF_LEN" ] || fail "proof.bin is $len bytes, expected $PROOF_LEN"
# Known answer: the proof of `gen --n 50 --width 2 --seed cli-test`, whole
# and without its hints (the proof proper predates the hints, unchanged).
KAT=ae9fa4362f8ca1c33dc0cd75ad7bb5c652e4dcfedd003974a7b5a38117a6d3f9
KAT_PROPER=c66ff91223b87bbf5f8449d73f257d889198dd0e1053b100010f74bda350976d
if command -v sha256sum >/dev/null 2>&1; then
    got=$(sha256sum "$TMP/ok/proof.bin" | cut -d ' ' -f 1)
    [ "$got" = "$KAT" ] || fail "proof.bin SHA-256 $got, expected $KAT"
    got=$(head -c $((32 * (5 * N + 3 * W + 6))) "$TMP/ok/proof.bin" | sha256sum | cut -d ' ' -f 1)
    [ "$got" = "$KAT_PROPER" ] || fail "proof.bin without hints: SHA-256 $got, expected $KAT_PROPER"
fi

run "verify" 0 "valid: N $N, width $W" "$SHROUD" shuffle verify "$TMP/ok"
run "verify (2 threads)" 0 "valid: " "$SHROUD" shuffle verify "$TMP/ok" --threads 2

# tamper NAME FILE OFFSET EXPECTED_PREFIX: a copy of the good directory with
# one byte flipped must be rejected with exit 1.
tamper() {
    rm -rf "$TMP/bad"
    cp -R "$TMP/ok" "$TMP/bad"
    flip "$TMP/bad/$2" "$3" || return
    run "$1" 1 "$4" "$SHROUD" shuffle verify "$TMP/bad"
}
S=$((32 * PTS))                       # first scalar byte (k_A)
tamper "tampered k_B[10]" proof.bin $((S + 32 * 11)) \
    "invalid: check B (chain of committed products) failed at index 10:"
tamper "tampered k_E[3]" proof.bin $((S + 32 * (3 + N + 3))) "invalid: check A "
tamper "tampered k_A" proof.bin $S "invalid: check A (opening of the permutation commitment) failed:"
tamper "tampered c-hat[7]" proof.bin $((32 * (N + 7) + 9)) \
    "invalid: check proof encoding (a point) failed at index 57:"
tamper "tampered u[0]" proof.bin 0 "invalid: check proof encoding (a point) failed at index 0:"
tamper "tampered F'" proof.bin $((32 * (3 * N + 3) + 1)) \
    "invalid: check proof encoding (a point) failed at index 153:"
tamper "tampered output" output.bin $((6 + 64 * 20 + 3)) "invalid: "
tamper "tampered input" input.bin $((6 + 64 * 4 + 40)) "invalid: "
tamper "tampered statement" statement.txt 20 "invalid: "

# statement.txt is read strictly: a sign or a blank before a number, a
# repeated or unknown key, CRLF line ends are refused; key order is free.
restate() {
    rm -rf "$TMP/bad"
    cp -R "$TMP/ok" "$TMP/bad"
    sed "$2" "$TMP/ok/statement.txt" >"$TMP/bad/statement.txt"
    run "$1" "$3" "$4" "$SHROUD" shuffle verify "$TMP/bad"
}
restate "statement: signed number" 's/^epoch 1$/epoch +1/' 1 "invalid: statement.txt: bad value"
restate "statement: blank before a number" 's/^round 1$/round  1/' 1 \
    "invalid: statement.txt: bad value"
restate "statement: unknown key" 's/^round 1$/rounds 1/' 1 "invalid: statement.txt: unknown"
restate "statement: repeated key" 's/^round 1$/epoch 1/' 1 "invalid: statement.txt: unknown or repeated"
restate "statement: CRLF" 's/$/\r/' 1 "invalid: statement.txt: "
restate "statement: keys reordered" '2{h;d};$G' 0 "valid: "

rm -rf "$TMP/bad"
cp -R "$TMP/ok" "$TMP/bad"
head -c $((PROOF_LEN - 1)) "$TMP/ok/proof.bin" >"$TMP/bad/proof.bin"
run "truncated proof" 1 "invalid: " "$SHROUD" shuffle verify "$TMP/bad"
cat "$TMP/ok/proof.bin" "$TMP/ok/proof.bin" | head -c $((PROOF_LEN + 1)) >"$TMP/bad/proof.bin"
run "proof with a trailing byte" 1 "invalid: " "$SHROUD" shuffle verify "$TMP/bad"
rm -f "$TMP/bad/proof.bin"
run "missing proof" 1 "invalid: cannot read" "$SHROUD" shuffle verify "$TMP/bad"

run "verify without a directory" 2 "" "$SHROUD" shuffle verify
run "gen without options" 2 "" "$SHROUD" shuffle gen

finish "shuffle CLI"
