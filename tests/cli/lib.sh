# tests/cli/lib.sh -- helpers shared by the CLI test scripts (sourced, not
# run).  The script sets TMP (a scratch directory) and FAILS=0 first.

fail() {
    echo "FAIL: $*"
    FAILS=$((FAILS + 1))
}

# run NAME EXPECTED_EXIT EXPECTED_PREFIX CMD...: runs CMD, checks its exit
# status, that its output contains a line starting with the prefix (if not
# empty) and no sanitizer report (ASan also exits 1).
run() {
    name=$1 want=$2 prefix=$3
    shift 3
    "$@" >"$TMP/out.txt" 2>&1
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$name: exit $got, expected $want"
        sed 's/^/    /' "$TMP/out.txt"
        return
    fi
    if [ -n "$prefix" ] && ! grep -q "^$prefix" "$TMP/out.txt"; then
        fail "$name: no line starting with '$prefix'"
        sed 's/^/    /' "$TMP/out.txt"
        return
    fi
    if grep -q -E "Sanitizer|runtime error" "$TMP/out.txt"; then
        fail "$name: sanitizer report"
        sed 's/^/    /' "$TMP/out.txt"
        return
    fi
    echo "ok: $name: $(head -n 1 "$TMP/out.txt")"
}

# flip FILE OFFSET: xor the byte at OFFSET with 0x01, in place.
flip() {
    b=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' \n')
    [ -n "$b" ] || { fail "flip: no byte $2 in $1"; return 1; }
    o=$(printf '%03o' $((b ^ 1)))
    printf "\\$o" | dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}

# finish SCRIPT: the verdict and the exit status.
finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$FAILS check(s) failed"
        exit 1
    fi
    echo "all $1 checks passed"
}
