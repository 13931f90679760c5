#!/bin/sh
# Run every libFuzzer target in BUILD_DIR/fuzz, each starting from the
# committed seeds in fuzz/corpus/NAME (valid proofs, ciphertexts and
# messages, so the deep checks are reached at once).
#
#   run-fuzz.sh BUILD_DIR SECONDS         a campaign (`make fuzz`): SECONDS
#       per target, plus what earlier runs found, which is kept under
#       fuzz-out/NAME (not committed);
#   run-fuzz.sh --smoke BUILD_DIR [RUNS]  part of `make test`: RUNS
#       mutations (default 2000) per target with a fixed seed, so that a
#       target that no longer builds, crashes on a known input, or trips a
#       sanitizer within a few thousand inputs fails CI; new inputs go to a
#       scratch directory, never into the committed corpus.
set -eu
smoke=0
if [ "${1:-}" = --smoke ]; then
    smoke=1
    shift
fi
dir=$1
if [ "$smoke" -eq 1 ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    limit="-runs=${2:-2000} -seed=1"
else
    out=fuzz-out
    mkdir -p "$out"
    limit="-max_total_time=$2"
fi
status=0
n=0
for f in "$dir"/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    mkdir -p "$out/$name"
    [ "$smoke" -eq 1 ] || echo "fuzz: $name ($limit)"
    seeds=""
    [ -d "fuzz/corpus/$name" ] && seeds="fuzz/corpus/$name"
    # shellcheck disable=SC2086  # $limit is two options or one; $seeds empty or one path
    if ! "$f" $limit -print_final_stats=0 "$out/$name" $seeds >"$out/$name.log" 2>&1; then
        echo "fuzz: $name FAILED (log: $out/$name.log)"
        tail -30 "$out/$name.log"
        status=1
    fi
    n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
    echo "fuzz: no targets in $dir/fuzz"
    exit 1
fi
[ "$status" -eq 0 ] && echo "fuzz: $n targets ($limit): ok"
exit $status
