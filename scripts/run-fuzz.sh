#!/bin/sh
# Run every libFuzzer target in BUILD_DIR/fuzz for SECONDS each, with a corpus
# kept under fuzz-out/ so later runs start from what earlier runs found.
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
    if ! "$f" -max_total_time="$secs" -print_final_stats=0 "fuzz-out/$name" \
            >"fuzz-out/$name.log" 2>&1; then
        echo "fuzz: $name FAILED (see fuzz-out/$name.log)"
        tail -30 "fuzz-out/$name.log"
        status=1
    fi
done
exit $status
