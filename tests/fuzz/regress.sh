#!/usr/bin/env bash
# regress.sh FUZZER SECONDS: runs a libFuzzer binary over its seed corpus
# (tests/fuzz/corpus/NAME/) for SECONDS, in a scratch corpus so the tree
# is not touched; prints one TAP line. `make fuzz` runs the long version.
set -u
fuzzer=$1
seconds=$2
name=$(basename "$fuzzer")
name=${name#fuzz_}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

out=$("$fuzzer" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/" \
	"$work" "tests/fuzz/corpus/$name" 2>&1)
rc=$?
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' <<<"$out" | grep -o '[0-9]*$')
if [ "$rc" -eq 0 ]; then
	echo "ok 1 - fuzz_$name: ${runs:-?} inputs in ${seconds} s, no finding"
else
	echo "not ok 1 - fuzz_$name: finding (exit $rc)"
	tail -40 <<<"$out" | sed 's/^/# /'
fi
echo "1..1"
