#!/bin/sh
# tests/cli/shuffle_indep.sh SHROUD SHUFFLE_VERIFY_SODIUM -- the independent
# verifier (tests/independent/shuffle_verify_sodium.c, written from
# docs/shuffle-proof.md alone with libsodium only) against the files of
# `shroud shuffle gen`: it must accept them for several (N, width) and
# seeds, and reject (exit 1, an "invalid: " line, no crash) a flipped byte
# in the middle of the proof, a flipped byte in the middle of its scalars,
# two swapped output ciphertexts and another valid public key; `shroud
# shuffle verify` must agree on every case.
set -u

SHROUD=${1:?usage: shuffle_indep.sh path/to/shroud path/to/shuffle_verify_sodium}
INDEP=${2:?usage: shuffle_indep.sh path/to/shroud path/to/shuffle_verify_sodium}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/shroud-shuffle-indep.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
FAILS=0

. "$(dirname "$0")/lib.sh"

# both NAME EXPECTED_EXIT DIR: the independent verifier and shroud agree.
both() {
    if [ "$2" -eq 0 ]; then
        run "$1 (independent)" 0 "valid: " "$INDEP" "$3"
        run "$1 (shroud)" 0 "valid: " "$SHROUD" shuffle verify "$3"
    else
        run "$1 (independent)" "$2" "invalid: " "$INDEP" "$3"
        run "$1 (shroud)" "$2" "invalid: " "$SHROUD" shuffle verify "$3"
    fi
}

# fresh DIR: a copy of the good directory $GOOD to tamper with.
fresh() {
    rm -rf "$1"
    cp -R "$GOOD" "$1"
}

SEEDS="indep-a indep-b"
for nw in "1 1" "2 1" "3 3" "10 1" "10 7" "33 2"; do
    set -- $nw
    N=$1 W=$2
    for s in $SEEDS; do
        run "gen N $N w $W seed $s" 0 "wrote " \
            "$SHROUD" shuffle gen --n "$N" --width "$W" --seed "$s" --out "$TMP/$N-$W-$s"
    done
    for s in $SEEDS; do
        GOOD=$TMP/$N-$W-$s
        c="N $N w $W seed $s"
        [ -f "$GOOD/proof.bin" ] || { fail "$c: no proof"; continue; }
        both "$c: untouched" 0 "$GOOD"

        # proof layout (docs/shuffle-proof.md): 3N + 3 + 2W points, then
        # 2N + 3 + W scalars, 32 bytes each (LEN bytes); then the hints.
        PTS=$((32 * (3 * N + 3 + 2 * W)))
        LEN=$((32 * (5 * N + 3 * W + 6)))
        BAD=$TMP/bad
        # a wrong decompression hint (of u_0, then of the last output
        # point) changes no verdict: both still accept.
        fresh "$BAD"
        flip "$BAD/proof.bin" $((LEN + 5)) && both "$c: hint of u_0 flipped" 0 "$BAD"
        fresh "$BAD"
        PLEN=$(wc -c <"$GOOD/proof.bin" | tr -d ' ')
        flip "$BAD/proof.bin" $((PLEN - 20)) && both "$c: last output hint flipped" 0 "$BAD"
        fresh "$BAD"
        flip "$BAD/proof.bin" $((LEN / 2)) && both "$c: proof byte $((LEN / 2)) flipped" 1 "$BAD"
        # the middle of the scalars: byte 0 or 16 of a scalar, which stays
        # below L, so an equation (not the decoding) must fail.
        off=$((PTS + (LEN - PTS) / 2))
        fresh "$BAD"
        flip "$BAD/proof.bin" $off && both "$c: proof scalar byte $off flipped" 1 "$BAD"

        # swap the first and the last output ciphertexts (64 W bytes each
        # after the 6-byte header).
        if [ "$N" -ge 2 ]; then
            fresh "$BAD"
            CT=$((64 * W))
            o=$TMP/$N-$W-$s/output.bin
            {
                head -c 6 "$o"
                tail -c +$((7 + CT * (N - 1))) "$o" | head -c $CT
                tail -c +$((7 + CT)) "$o" | head -c $((CT * (N - 2)))
                tail -c +7 "$o" | head -c $CT
            } >"$BAD/output.bin"
            if cmp -s "$o" "$BAD/output.bin"; then
                fail "$c: swapping two output ciphertexts changed nothing"
            else
                both "$c: output ciphertexts 0 and $((N - 1)) swapped" 1 "$BAD"
            fi
        fi

        # another valid public key: the other seed's.
        for t in $SEEDS; do
            [ "$t" = "$s" ] && continue
            other=$(sed -n 's/^pk //p' "$TMP/$N-$W-$t/statement.txt")
            fresh "$BAD"
            sed "s/^pk .*/pk $other/" "$GOOD/statement.txt" >"$BAD/statement.txt"
            if cmp -s "$GOOD/statement.txt" "$BAD/statement.txt"; then
                fail "$c: the other seed's key is the same"
            else
                both "$c: pk of seed $t" 1 "$BAD"
            fi
        done
    done
done

# Files that cannot be read or parsed: exit 2 from the independent verifier.
GOOD=$TMP/3-3-indep-a
BAD=$TMP/bad
fresh "$BAD"
head -c $((32 * (5 * 3 + 3 * 3 + 6) - 1)) "$GOOD/proof.bin" >"$BAD/proof.bin"
both "truncated proof" 1 "$BAD"
fresh "$BAD"
rm -f "$BAD/statement.txt"
run "missing statement (independent)" 2 "error: " "$INDEP" "$BAD"
fresh "$BAD"
sed 's/^shroud-shuffle 1$/shroud-shuffle 2/' "$GOOD/statement.txt" >"$BAD/statement.txt"
run "statement of another version (independent)" 2 "error: " "$INDEP" "$BAD"
run "no directory (independent)" 2 "" "$INDEP"

finish "independent shuffle verifier"
