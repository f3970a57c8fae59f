# tap.sh: sourced by the tests/cli/*.sh scripts. TAP output helpers.
#   check DESC CMD...      ok if CMD succeeds
#   expect_usage DESC NEEDLE CMD...
#                          ok if CMD exits 2, prints exactly one line on stderr,
#                          and that line contains NEEDLE
#   expect_fail DESC NEEDLE CMD...
#                          ok if CMD exits non-zero and what it prints
#                          (stdout and stderr) contains NEEDLE
#   json_check DESC JSON PYEXPR
#                          ok if the Python expression is true with d = the parsed JSON
PIPEMINER=${PIPEMINER:-./pipeminer}
tap_n=0

tap() { # status desc [diagnostic]
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		[ -n "${3:-}" ] && sed 's/^/# /' <<<"$3"
	fi
	return 0
}

check() {
	local desc=$1 out
	shift
	out=$("$@" 2>&1)
	tap $? "$desc" "$out"
}

expect_fail() {
	local desc=$1 needle=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] && grep -qF -- "$needle" <<<"$out"; then
		tap 0 "$desc"
	else
		tap 1 "$desc" "exit $rc: $out"
	fi
}

expect_usage() {
	local desc=$1 needle=$2 err rc lines
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	lines=$(printf '%s\n' "$err" | grep -c .)
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$needle" <<<"$err"; then
		tap 0 "$desc"
	else
		tap 1 "$desc" "exit $rc, $lines line(s): $err"
	fi
}

json_check() {
	local desc=$1 json=$2 expr=$3 out
	out=$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if eval(" ".join(sys.argv[2].split())) else 1)' "$json" "$expr" 2>&1)
	tap $? "$desc" "expression: $expr
output: $json
$out"
}

tap_end() {
	echo "1..$tap_n"
}
