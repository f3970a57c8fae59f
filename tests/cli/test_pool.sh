#!/usr/bin/env bash
# Tests of `pipeminer pool` from the outside: real pools on free ports, driven
# by the Python miners in tests/pool/ (stdlib only; they rebuild and hash
# every share themselves), TLS with a CA made here with openssl, every fault
# option, the summary line against what the clients did, and wrong
# command-line values (exit 2, one line).
#
# Pools (all on 127.0.0.1, port chosen by the kernel, read from the log):
#   main     difficulty 0.0002, no vardiff, notify 1 s, --user worker --user alice
#            basic session and every verdict, version rolling, 1000 clients, misbehavers
#   blocks   --nbits 207fffff (every share a block), a block every 2 s
#   tls      --tls-cert/--tls-key
#   faults   every --fault-* option
#   vardiff  vardiff at 20 shares/min from difficulty 0.00005
#   gbt      --template tests/pool/gbt_small.json, a block every 2 s, difficulty
#            0.00005 so that a Python share comes well inside a block, on a
#            loaded machine too (started when used)
#   limit    --max-clients 3
set -u
. "$(dirname "$0")/tap.sh"

tmp=$(mktemp -d)
started=$(date +%s.%N)
cleanup() {
	for f in "$tmp"/*.pid; do
		[ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# start_pool NAME ARGS...: runs a pool in the background; its port goes to $tmp/NAME.port.
start_pool() {
	local name=$1 port=
	shift
	"$PIPEMINER" pool --listen 127.0.0.1:0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	echo $! >"$tmp/$name.pid"
	for _ in $(seq 100); do
		port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/$name.err")
		[ -n "$port" ] && break
		sleep 0.05
	done
	echo "$port" >"$tmp/$name.port"
	: >"$tmp/$name.counts"
	tap "$([ -n "$port" ]; echo $?)" "pool $name listening (port ${port:-none})" \
		"$(cat "$tmp/$name.err")"
}

port() { cat "$tmp/$1.port"; }

# report POOL LOG STATUS: the script's "ok"/"not ok" lines as TAP, its counts kept.
report() {
	local pool=$1 log=$2 rc=$3 line fails=0
	while IFS= read -r line; do
		case $line in
		"ok - "*) tap 0 "${line#ok - }" ;;
		"not ok - "*) tap 1 "${line#not ok - }"; fails=$((fails + 1)) ;;
		"counts "*) echo "$line" >>"$tmp/$pool.counts" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$log"
	if [ "$rc" -ne 0 ] && [ "$fails" -eq 0 ]; then
		tap 1 "$(basename "$log") exited with status $rc" "$(cat "$log")"
	fi
}

# py POOL SCRIPT ARGS...: runs tests/pool/SCRIPT.py and reports it.
nlog=0
py() {
	local pool=$1 script=$2 log rc
	shift 2
	nlog=$((nlog + 1))
	log="$tmp/$pool.$script.$nlog.log"
	timeout 60 python3 "tests/pool/$script.py" "$@" >"$log" 2>&1
	rc=$?
	report "$pool" "$log" "$rc"
}

# py_bg TAG POOL SCRIPT ARGS... starts it; py_wait TAG reports it.
py_bg() {
	local tag=$1 pool=$2 script=$3 log="$tmp/bg.$1.log"
	shift 3
	(timeout 60 python3 "tests/pool/$script.py" "$@" >"$log" 2>&1; echo $? >"$log.rc") &
	echo "$! $pool" >"$tmp/bg.$tag"
}

py_wait() {
	local log="$tmp/bg.$1.log" pid pool
	read -r pid pool <"$tmp/bg.$1"
	wait "$pid"
	report "$pool" "$log" "$(cat "$log.rc" 2>/dev/null || echo 1)"
}

# stop_pool NAME SIGNAL: stops it; checks exit 0 and the summary against the clients' counts.
stop_pool() {
	local name=$1 sig=$2 pid rc want got verdicts
	pid=$(cat "$tmp/$name.pid")
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	rm -f "$tmp/$name.pid"
	want=$(awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] } }
		END { printf "summary: accepted=%d rejected=%d stale=%d duplicates=%d",
		      s["accepted"], s["rejected"], s["stale"], s["duplicates"] }' "$tmp/$name.counts")
	got=$(cat "$tmp/$name.out")
	tap "$([ "$rc" -eq 0 ] && [ "$got" = "$want" ]; echo $?)" \
		"pool $name: SIG$sig, exit 0, summary matches what the clients did ($got)" \
		"exit $rc; stdout: $got; the clients counted: $want"
	verdicts=$(grep -cE '^share (accepted|rejected) from ' "$tmp/$name.err")
	tap "$([ "$verdicts" -eq "$(tr -dc '0-9 ' <<<"${got#summary: }" | awk '{ print $1 + $2 + $3 + $4 }')" ]; echo $?)" \
		"pool $name: one log line per share verdict ($verdicts)" "$(tail -5 "$tmp/$name.err")"
}

log_has() { # POOL DESC ERE
	tap "$(grep -qE "$3" "$tmp/$1.err"; echo $?)" "$2" "$(tail -20 "$tmp/$1.err")"
}

# ---- TLS material, made here
(
	cd "$tmp" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-keyout ca.key -out ca.pem -subj "/CN=pipeminer test CA" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-keyout other.key -out other.pem -subj "/CN=another CA" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout pool.key -out pool.csr -subj "/CN=localhost" &&
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >ext.cnf &&
	openssl x509 -req -in pool.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
		-extfile ext.cnf -out pool.pem
) >"$tmp/openssl.log" 2>&1
tap $? "a CA and a pool certificate made with openssl" "$(cat "$tmp/openssl.log")"

# ---- pools
start_pool main --difficulty 0.0002 --no-vardiff --notify-interval 1 --user worker --user alice
start_pool blocks --nbits 207fffff --block-interval 2 --notify-interval 0.5 --difficulty 0.0002 --no-vardiff
start_pool tls --tls-cert "$tmp/pool.pem" --tls-key "$tmp/pool.key" --difficulty 0.0002 --no-vardiff \
	--notify-interval 1
start_pool faults --difficulty 0.00005 --no-vardiff --notify-interval 0.5 \
	--fault-set-extranonce-after 0.5 --fault-malformed-after 2.5 --fault-reconnect-after 3 \
	--fault-silent-after 4 --fault-drop-after 6
start_pool vardiff --difficulty 0.00005 --vardiff-rate 20 --notify-interval 5

# Slow ones in the background: the idle vardiff client waits ~20 s, faults ~8 s.
py_bg idle vardiff vardiff "$(port vardiff)" idle
py_bg faults faults faults "$(port faults)"

# ---- the main pool
py main basic "$(port main)"
py main versionroll "$(port main)"
py main many "$(port main)" 1000
py main misbehave "$(port main)"
out=$("$PIPEMINER" pool --listen "127.0.0.1:$(port main)" 2>&1 >/dev/null)
tap "$([ $? -eq 1 ] && [ "$(grep -c . <<<"$out")" -eq 1 ]; echo $?)" \
	"a port already in use: exit 1, one line" "$out"
log_has main "log: listening line" '^listening on 127\.0\.0\.1:[0-9]+ \(stratum\+tcp\)'
log_has main "log: accepted share line" \
	'^share accepted from worker\.1 job [0-9a-f]+ diff 0\.0002 \(hash diff [0-9.e-]+\)$'
log_has main "log: low difficulty line" \
	'^share rejected from worker\.1 job [0-9a-f]+: 23 low difficulty share \(hash diff [0-9.e-]+ < 0\.0002\)$'
log_has main "log: connect and disconnect lines" '^client 127\.0\.0\.1:[0-9]+ connected \([0-9]+ clients\)$'
log_has main "log: a 1 MB line's disconnect says why" 'disconnected: line longer than 65536 bytes'
log_has main "log: a flood of bad lines' disconnect says why" 'disconnected: 10 malformed messages'
stop_pool main INT

# ---- the others
py tls tls "$(port tls)" "$tmp/ca.pem" "$tmp/other.pem"
log_has tls "log: a failed TLS handshake closes that client" 'disconnected: TLS handshake failed'
stop_pool tls TERM
py blocks blocks "$(port blocks)"
log_has blocks "log: block found" '^block found by worker\.1 at height [0-9]+: 0000'
log_has blocks "log: new block" '^new block at height [0-9]+: previous block [0-9a-f]{64}$'
stop_pool blocks TERM
start_pool gbt --template tests/pool/gbt_small.json --block-interval 2 --difficulty 0.00005 \
	--no-vardiff
py gbt template "$(port gbt)" tests/pool/gbt_small.json
stop_pool gbt TERM
py vardiff vardiff "$(port vardiff)" fast
py_wait faults
log_has faults "log: the drop says why" 'disconnected: fault injection: dropped 6 s after connecting'
stop_pool faults TERM
py_wait idle
# the raise is 1.5x to 4x (vardiff.py): how far depends on how fast the
# client mined, so on the machine's load; 4x (0.0002) is only the clamp
log_has vardiff "log: vardiff changes" \
	'^vardiff: client .* difficulty 5e-05 -> (0\.000(1[0-9]*|2)|7\.[5-9][0-9]*e-05|[89](\.[0-9]+)?e-05) \('
stop_pool vardiff TERM

# ---- --max-clients
start_pool limit --max-clients 3
py limit limit "$(port limit)"
log_has limit "log: refused past --max-clients" 'refused: 3 clients already'
stop_pool limit TERM

# ---- --run-for
t0=$(date +%s.%N)
out=$(timeout 10 "$PIPEMINER" pool --listen 127.0.0.1:0 --run-for 1 2>/dev/null)
rc=$?
t1=$(date +%s.%N)
tap "$([ $rc -eq 0 ] && [ "$out" = "summary: accepted=0 rejected=0 stale=0 duplicates=0" ] &&
	awk "BEGIN { exit !($t1 - $t0 >= 1 && $t1 - $t0 < 3) }"; echo $?)" \
	"--run-for 1: stops by itself after 1 s, exit 0, one summary line" "exit $rc: $out"

# ---- wrong command-line values: exit 2, one line naming the option
P="$PIPEMINER pool --listen 127.0.0.1:0"
printf '{"version": 536870912, "previousblockhash": "%064d", "transactions": [], "coinbasevalue": 1, "bits": "207fffff", "curtime": 1}' 0 >"$tmp/noheight.json"
python3 -c "
import json; g = json.load(open('tests/pool/gbt_small.json'))
g['transactions'][1]['txid'] = 'xyz'; json.dump(g, open('$tmp/badtxid.json', 'w'))
g['transactions'][1]['txid'] = g['transactions'][0]['txid']; g['bits'] = 12
json.dump(g, open('$tmp/badbits.json', 'w'))"
echo '{"height": ' >"$tmp/broken.json"
expect_usage "--difficulty 0" "--difficulty" $P --difficulty 0
expect_usage "--difficulty abc" "--difficulty" $P --difficulty abc
expect_usage "--difficulty above 2^32" "--difficulty" $P --difficulty 1e10
expect_usage "--listen without a port" "--listen" $P --listen 127.0.0.1
expect_usage "--listen port 70000" "--listen" $P --listen 127.0.0.1:70000
expect_usage "--listen host that does not resolve" "--listen" $P --listen no-such-host.invalid:3333
expect_usage "--extranonce1-size 17" "--extranonce1-size" $P --extranonce1-size 17
expect_usage "--extranonce2-size 0" "--extranonce2-size" $P --extranonce2-size 0
expect_usage "--version-mask zz" "--version-mask" $P --version-mask zz
expect_usage "--nbits 1d00ff" "--nbits" $P --nbits 1d00ff
expect_usage "--nbits of a zero target" "--nbits" $P --nbits 1d000000
expect_usage "--branches 33" "--branches" $P --branches 33
expect_usage "--max-clients 0" "--max-clients" $P --max-clients 0
expect_usage "--notify-interval 0" "--notify-interval" $P --notify-interval 0
expect_usage "--block-interval -5" "--block-interval" $P --block-interval -5
expect_usage "--run-for x" "--run-for" $P --run-for x
expect_usage "--vardiff-rate 0" "--vardiff-rate" $P --vardiff-rate 0
expect_usage "--vardiff-rate with --no-vardiff" "--no-vardiff" $P --vardiff-rate 10 --no-vardiff
expect_usage "--fault-drop-after -1" "--fault-drop-after" $P --fault-drop-after -1
expect_usage "--user empty" "--user" $P --user ""
expect_usage "--tls-cert without --tls-key" "--tls-key" $P --tls-cert "$tmp/pool.pem"
expect_usage "--tls-cert missing file" "--tls-cert $tmp/nope.pem" $P --tls-cert "$tmp/nope.pem" --tls-key "$tmp/pool.key"
expect_usage "--tls-key of another certificate" "--tls-key" $P --tls-cert "$tmp/pool.pem" --tls-key "$tmp/other.key"
expect_usage "--template missing file" "--template" $P --template "$tmp/nope.json"
expect_usage "--template not JSON" "not valid JSON" $P --template "$tmp/broken.json"
expect_usage "--template without height" '"height"' $P --template "$tmp/noheight.json"
expect_usage "--template with a bad txid" '"transactions"[1].txid' $P --template "$tmp/badtxid.json"
expect_usage "--template with bits not a string" '"bits"' $P --template "$tmp/badbits.json"
expect_usage "unknown option" "--bogus" $P --bogus
expect_usage "positional argument" "unexpected argument" $P extra

echo "# pool tests took $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $started }") s"
tap_end
