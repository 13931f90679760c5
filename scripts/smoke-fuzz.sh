#!/bin/sh
# A short, deterministic run of every libFuzzer target in BUILD_DIR/fuzz, as
# part of `make test`: each replays its committed seeds (fuzz/corpus/NAME)
# and then tries RUNS mutations with a fixed seed, so that a target that no
# longer builds, crashes on a known input, or trips a sanitizer within a few
# thousand inputs fails CI.  New inputs go to a scratch directory, never into
# the committed corpus.  Long campaigns are `make fuzz` (scripts/run-fuzz.sh).
set -eu
dir=$1
runs=${2:-2000}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
n=0
for f in "$dir"/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    mkdir -p "$scratch/$name"
    seeds=""
    [ -d "fuzz/corpus/$name" ] && seeds="fuzz/corpus/$name"
    # shellcheck disable=SC2086  # $seeds is empty or one path
    if ! "$f" -runs="$runs" -seed=1 -print_final_stats=0 "$scratch/$name" $seeds \
            >"$scratch/$name.log" 2>&1; then
        echo "fuzz smoke: $name FAILED"
        tail -30 "$scratch/$name.log"
        status=1
    fi
    n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
    echo "fuzz smoke: no targets in $dir/fuzz"
    exit 1
fi
[ "$status" -eq 0 ] && echo "fuzz smoke: $n targets, $runs runs each: ok"
exit $status
