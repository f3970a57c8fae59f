#!/usr/bin/env bash
# run.sh UNIT_BINARY...: runs every test of the project and prints, last,
# "N passed, N failed"; exits non-zero on any failure.
#
# Each suite speaks TAP ("ok N - name" / "not ok N - name"): the cmocka unit
# binaries given as arguments, then every tests/cli/test_*.sh, then a short
# regression run of each fuzzer in build/fuzz/ over its seed corpus. A suite
# that exits non-zero without reporting a failure (a crash, a timeout)
# counts as one failure. Output of failing suites is shown in full.
set -u
cd "$(dirname "$0")/.."
export CMOCKA_MESSAGE_OUTPUT=TAP
export PIPEMINER=./pipeminer

passed=0
failed=0

run_suite() { # name timeout command...
	local name=$1 limit=$2 out rc p f
	shift 2
	out=$(timeout "$limit" "$@" 2>&1)
	rc=$?
	p=$(grep -c '^ok ' <<<"$out")
	f=$(grep -c '^not ok ' <<<"$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		out+=$'\n'"not ok - $name exited with status $rc"
		[ "$rc" -eq 124 ] && out+=" (timed out after $limit s)"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		printf '%-28s %3d passed, %d FAILED\n' "$name" "$p" "$f"
		sed 's/^/    /' <<<"$out"
	else
		printf '%-28s %3d passed\n' "$name" "$p"
	fi
}

for bin in "$@"; do
	run_suite "$(basename "$bin")" 600 "$bin"
done
for script in tests/cli/test_*.sh; do
	run_suite "$(basename "$script" .sh)" 600 bash "$script"
done
for fuzzer in build/fuzz/fuzz_*; do
	[ -x "$fuzzer" ] || continue
	run_suite "$(basename "$fuzzer") (10 s)" 120 bash tests/fuzz/regress.sh "$fuzzer" 10
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
