#!/bin/sh
# Run every libFuzzer target in BUILD_DIR/fuzz for SECONDS each.  Each starts
# from the committed seeds in fuzz/corpus/NAME (valid proofs, ciphertexts and
# messages, so the deep checks are reached at once) plus what earlier runs
# found, which is kept under fuzz-out/NAME (not committed).
set -eu
dir=$1
secs=$2
mkdir -p fuzz-out
status=0
for f in "$dir"/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    mkdir -p "fuzz-out/$name"
    echo "fuzz: $name for ${secs}s"
    seeds=""
    [ -d "fuzz/corpus/$name" ] && seeds="fuzz/corpus/$name"
    # shellcheck disable=SC2086  # $seeds is empty or one path
    if ! "$f" -max_total_time="$secs" -print_final_stats=0 "fuzz-out/$name" $seeds \
            >"fuzz-out/$name.log" 2>&1; then
        echo "fuzz: $name FAILED (see fuzz-out/$name.log)"
        tail -30 "fuzz-out/$name.log"
        status=1
    fi
done
exit $status
