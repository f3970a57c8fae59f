#!/usr/bin/env bash
# run.sh UNIT_BINARY...: runs every test of the project and prints, last,
# "N passed, N failed"; exits non-zero on any failure.
#
# Each suite speaks TAP ("ok N - name" / "not ok N - name"): the cmocka unit
# binaries given as arguments, then every tests/cli/test_*.sh, then a short
# regression run of each fuzzer in build/fuzz/ over its seed corpus. A suite
# that exits non-zero without reporting a failure (a crash, a timeout)
# counts as one failure. Output of failing suites is shown in full.
#
# TEST_JOBS suites (default 2, one a core here) run at once, each into its
# own file; results are printed in the order above, each as soon as it and
# every suite before it have finished, with the seconds the suite took.
set -u
cd "$(dirname "$0")/.."
export CMOCKA_MESSAGE_OUTPUT=TAP
export PIPEMINER=./pipeminer
JOBS=${TEST_JOBS:-2}
case $JOBS in '' | *[!0-9]* | 0)
	echo "run.sh: TEST_JOBS must be a positive number of suites to run at once, not '$JOBS'" >&2
	exit 2 ;;
esac

out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT

names=() limits=() cmds=()
add_suite() { # name timeout command...
	names+=("$1")
	limits+=("$2")
	shift 2
	cmds+=("$(printf '%q ' "$@")")
}

for bin in "$@"; do
	add_suite "$(basename "$bin")" 600 "$bin"
done
for script in tests/cli/test_*.sh; do
	add_suite "$(basename "$script" .sh)" 600 bash "$script"
done
for fuzzer in build/fuzz/fuzz_*; do
	[ -x "$fuzzer" ] || continue
	add_suite "$(basename "$fuzzer") (10 s)" 120 bash tests/fuzz/regress.sh "$fuzzer" 10
done

# run_suite I: runs suite I into $out_dir/I.out, then writes its exit status
# and seconds to $out_dir/I.done (last, so .done means finished)
run_suite() {
	local i=$1 start=$SECONDS rc
	eval "timeout ${limits[i]} ${cmds[i]}" >"$out_dir/$i.out" 2>&1 </dev/null
	rc=$?
	echo "$rc $((SECONDS - start))" >"$out_dir/$i.tmp"
	mv "$out_dir/$i.tmp" "$out_dir/$i.done"
}

passed=0
failed=0
next_print=0
# report_ready: prints, in order, every finished suite not yet printed
report_ready() {
	local i rc secs out p f
	while [ "$next_print" -lt "${#names[@]}" ] && [ -e "$out_dir/$next_print.done" ]; do
		i=$next_print
		read -r rc secs <"$out_dir/$i.done"
		out=$(cat "$out_dir/$i.out")
		p=$(grep -c '^ok ' <<<"$out")
		f=$(grep -c '^not ok ' <<<"$out")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
			out+=$'\n'"not ok - ${names[i]} exited with status $rc"
			[ "$rc" -eq 124 ] && out+=" (timed out after ${limits[i]} s)"
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$f" -gt 0 ]; then
			printf '%-28s %3d passed, %d FAILED  (%d s)\n' "${names[i]}" "$p" "$f" "$secs"
			sed 's/^/    /' <<<"$out"
		else
			printf '%-28s %3d passed  (%d s)\n' "${names[i]}" "$p" "$secs"
		fi
		next_print=$((next_print + 1))
	done
}

running=0
# reap: waits for one suite to finish, then prints what is ready
reap() {
	wait -n
	running=$((running - 1))
	report_ready
}
for i in "${!names[@]}"; do
	[ "$running" -ge "$JOBS" ] && reap
	run_suite "$i" &
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
	reap
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
