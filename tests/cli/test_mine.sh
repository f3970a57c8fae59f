#!/usr/bin/env bash
# End to end on loopback: the mining daemon (CPU device) against
# `pipeminer pool`: plain and TLS (with a CA made here by openssl, and a
# wrong-host certificate that must be refused), failover and failback, a
# reconnect storm that must lose no share, set_extranonce, version rolling,
# a silent pool, client.reconnect, a malformed line, the config file, and
# SIGINT. Every share the daemon finds must end accepted, rejected, stale or
# (at exit) submitted, and the pool's count of accepted shares must equal
# the daemon's.
set -u
. "$(dirname "$0")/tap.sh"

. "$(dirname "$0")/daemon_lib.sh"

# start_pool NAME PORT ARGS...: a pool in the background; waits until it listens.
start_pool() {
	local name=$1 port=$2
	shift 2
	$PIPEMINER pool --listen 127.0.0.1:"$port" "$@" >"$tmp/$name.out" 2>"$tmp/$name.log" &
	pids+=($!)
	wait_listen "$port"
}

# mine NAME ARGS...: runs the daemon in the foreground.
mine() {
	local name=$1
	shift
	$PIPEMINER --threads 1 --status-interval 1 "$@" >"$tmp/$name.out" 2>"$tmp/$name.log"
}

summary_of() { grep '^summary:' "$tmp/$1.out"; }

# ---- plain TCP, version rolling
P=$(free_port)
start_pool basic "$P" --difficulty 0.002 --no-vardiff --run-for 30
mine m_basic -o stratum+tcp://127.0.0.1:"$P" -u alice.1 -p x --run-for 6
check "plain: daemon exits 0 with a summary line" grep -q '^summary: accepted=[0-9]* rejected=[0-9]* stale=[0-9]* hw_errors=[0-9]* hashes=[0-9]*$' "$tmp/m_basic.out"
check "plain: shares accepted" test "$(field "$tmp/m_basic.out" accepted)" -gt 0
check "plain: none rejected, no hardware errors" test "$(field "$tmp/m_basic.out" rejected)" -eq 0 -a "$(field "$tmp/m_basic.out" hw_errors)" -eq 0
check "plain: every share found is accounted for" accounted m_basic
check "plain: version rolling negotiated" grep -q 'version rolling mask 1fffe000' "$tmp/m_basic.log"
check "plain: status line with hash rate, A/R/S/HW and best share" grep -qE '[0-9.]+ [kMG]?H/s \(5s\).*A:[0-9]+ R:0 S:[0-9]+ HW:0 \| best [0-9.e+-]+ \|' "$tmp/m_basic.log"
kill -INT "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null
check "plain: the pool counted as many accepted shares as the daemon" \
	test "$(field "$tmp/basic.out" accepted)" -eq "$(field "$tmp/m_basic.out" accepted)"

# ---- TLS with a CA made here
(
	cd "$tmp" &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=pipeminer-test-ca &&
	for host in localhost wrong.example; do
		openssl req -newkey rsa:2048 -nodes -keyout "$host.key" -out "$host.csr" -subj "/CN=$host" &&
		printf 'subjectAltName=DNS:%s\n' "$host" >"$host.ext" &&
		openssl x509 -req -in "$host.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$host.pem" -days 2 -extfile "$host.ext"
	done
) >"$tmp/openssl.log" 2>&1
check "tls: test CA and certificates made with openssl" test -s "$tmp/wrong.example.pem"
P=$(free_port)
start_pool tls "$P" --difficulty 0.002 --no-vardiff --tls-cert "$tmp/localhost.pem" --tls-key "$tmp/localhost.key" --run-for 30
mine m_tls -o stratum+ssl://localhost:"$P" -u alice.1 --tls-ca "$tmp/ca.pem" --run-for 5
check "tls: verified connection, shares accepted" test "$(field "$tmp/m_tls.out" accepted)" -gt 0 -a "$(field "$tmp/m_tls.out" rejected)" -eq 0
check "tls: the log says the certificate was verified" grep -q 'tls localhost:[0-9]* (verified)' "$tmp/m_tls.log"
P=$(free_port)
start_pool tlsbad "$P" --difficulty 0.002 --no-vardiff --tls-cert "$tmp/wrong.example.pem" --tls-key "$tmp/wrong.example.key" --run-for 30
mine m_tlsbad -o stratum+tls://localhost:"$P" -u alice.1 --tls-ca "$tmp/ca.pem" --run-for 3
check "tls: a wrong-host certificate is refused" grep -qi 'name' "$tmp/m_tlsbad.log"
check "tls: ... and nothing is mined or sent in plaintext" test "$(field "$tmp/m_tlsbad.out" accepted)" -eq 0
mine m_tlsinsecure -o stratum+tls://localhost:"$P" -u alice.1 --tls-insecure --run-for 4
check "tls: --tls-insecure connects anyway and says so" grep -q 'NOT verified' "$tmp/m_tlsinsecure.log"

# ---- failover to a second pool when the first drops, and failback
PA=$(free_port)
PB=$(free_port)
start_pool fa1 "$PA" --difficulty 0.002 --no-vardiff --run-for 4
start_pool fb "$PB" --difficulty 0.002 --no-vardiff --run-for 40
( sleep 7; $PIPEMINER pool --listen 127.0.0.1:"$PA" --difficulty 0.002 --no-vardiff --run-for 30 \
	>"$tmp/fa2.out" 2>"$tmp/fa2.log" ) &
pids+=($!)
mine m_fail -o stratum+tcp://127.0.0.1:"$PA" -u a -o stratum+tcp://127.0.0.1:"$PB" -u b \
	--failback-delay 1 --backoff-min 0.2 --backoff-max 1 --run-for 14
check "failover: starts on pool 0, moves to pool 1, comes back to pool 0" \
	bash -c "grep -o 'mining for pool [01]' '$tmp/m_fail.log' | uniq | tr '\n' ' ' | grep -q 'mining for pool 0 mining for pool 1 mining for pool 0'"
check "failover: shares accepted by the backup pool" grep -q 'share accepted' "$tmp/fb.log"
check "failback: shares accepted by the restarted first pool" grep -q 'share accepted' "$tmp/fa2.log"
check "failover: nothing rejected, every share accounted for" \
	bash -c "test \$(sed -n 's/.*rejected=\([0-9]*\).*/\1/p' '$tmp/m_fail.out') -eq 0" 
check "failover: every share found is accounted for" accounted m_fail

# ---- a pool that refuses the worker: fail over
PA=$(free_port)
PB=$(free_port)
start_pool refuse "$PA" --difficulty 0.002 --no-vardiff --user bob --run-for 30
start_pool accept "$PB" --difficulty 0.002 --no-vardiff --run-for 30
mine m_refuse -o stratum+tcp://127.0.0.1:"$PA" -u alice -o stratum+tcp://127.0.0.1:"$PB" -u alice --run-for 4
check "refused worker: the daemon says so and fails over" \
	bash -c "grep -q 'refused the worker' '$tmp/m_refuse.log' && grep -q 'mining for pool 1' '$tmp/m_refuse.log'"
check "refused worker: shares accepted by the other pool" test "$(field "$tmp/m_refuse.out" accepted)" -gt 0

# ---- a reconnect storm: the pool drops every connection after 1 s
P=$(free_port)
start_pool storm "$P" --difficulty 0.002 --no-vardiff --fault-drop-after 1 --run-for 30
mine m_storm -o stratum+tcp://127.0.0.1:"$P" -u alice.1 --backoff-min 0.1 --backoff-max 0.3 --run-for 8
kill -INT "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null
check "storm: the daemon reconnected many times" test "$(grep -c 'connecting (' "$tmp/m_storm.log")" -ge 5
check "storm: shares accepted through it, none rejected" test "$(field "$tmp/m_storm.out" accepted)" -gt 0 -a "$(field "$tmp/m_storm.out" rejected)" -eq 0
check "storm: no share lost (found = accepted + rejected + stale + unanswered)" accounted m_storm
# A share whose answer the drop cut off is resent on the next connection
# (pool.c: "shares to resend"), where its job is gone: the pool accepted it
# once, the daemon counts it stale (or rejected, as a duplicate). So the
# pool's count lies between the daemon's accepted and accepted + stale +
# rejected; equality failed once in a fresh-clone CI (2026-12-06).
storm_pool=$(field "$tmp/storm.out" accepted)
storm_acc=$(field "$tmp/m_storm.out" accepted)
storm_max=$((storm_acc + $(field "$tmp/m_storm.out" stale) + $(field "$tmp/m_storm.out" rejected)))
check "storm: the pool accepted what the daemon counts accepted, and at most those it resent ($storm_acc <= $storm_pool <= $storm_max)" \
	test "$storm_pool" -ge "$storm_acc" -a "$storm_pool" -le "$storm_max"

# ---- set_extranonce mid-session
P=$(free_port)
start_pool xn "$P" --difficulty 0.002 --no-vardiff --fault-set-extranonce-after 2 --run-for 30
mine m_xn -o stratum+tcp://127.0.0.1:"$P" -u alice.1 --run-for 6
check "set_extranonce: the daemon took the new extranonce1" grep -q 'new extranonce1' "$tmp/m_xn.log"
check "set_extranonce: shares accepted after it, none rejected" \
	test "$(field "$tmp/m_xn.out" accepted)" -gt 0 -a "$(field "$tmp/m_xn.out" rejected)" -eq 0

# ---- a silent pool: fail over after --job-timeout
PA=$(free_port)
PB=$(free_port)
start_pool silent "$PA" --difficulty 0.002 --no-vardiff --notify-interval 1 --fault-silent-after 2 --run-for 30
start_pool alive "$PB" --difficulty 0.002 --no-vardiff --run-for 30
mine m_silent -o stratum+tcp://127.0.0.1:"$PA" -u a -o stratum+tcp://127.0.0.1:"$PB" -u b \
	--job-timeout 3 --answer-timeout 3 --run-for 9
check "silent pool: noticed and dropped" grep -qE 'no job for 3 s|unanswered for 3 s' "$tmp/m_silent.log"
check "silent pool: failed over to pool 1" grep -q 'mining for pool 1' "$tmp/m_silent.log"

# ---- client.reconnect and a malformed line
P=$(free_port)
start_pool recon "$P" --difficulty 0.002 --no-vardiff --fault-reconnect-after 2 --run-for 30
mine m_recon -o stratum+tcp://127.0.0.1:"$P" -u alice.1 --run-for 6
check "client.reconnect: the daemon reconnected when asked" grep -q 'asked to reconnect' "$tmp/m_recon.log"
check "client.reconnect: mining went on" test "$(field "$tmp/m_recon.out" accepted)" -gt 0
P=$(free_port)
start_pool bad "$P" --difficulty 0.002 --no-vardiff --fault-malformed-after 2 --run-for 30
mine m_bad -o stratum+tcp://127.0.0.1:"$P" -u alice.1 --backoff-min 0.2 --run-for 6
check "malformed line: a protocol error names it and the daemon reconnects" \
	bash -c "grep -qiE 'json|malformed|expected' '$tmp/m_bad.log' && test \$(grep -c 'connecting (' '$tmp/m_bad.log') -ge 2"
check "malformed line: the daemon did not crash" grep -q '^summary:' "$tmp/m_bad.out"

# ---- the config file, and SIGINT
P=$(free_port)
start_pool cfg "$P" --difficulty 0.002 --no-vardiff --run-for 30
cat >"$tmp/pm.json" <<EOF
{"pools": [{"url": "stratum+tcp://127.0.0.1:$P", "user": "carol.1", "pass": "x"}],
 "device": "cpu", "threads": 1, "status-interval": 1}
EOF
$PIPEMINER -c "$tmp/pm.json" >"$tmp/m_cfg.out" 2>"$tmp/m_cfg.log" &
mpid=$!
sleep 4
kill -INT $mpid
wait $mpid
rc=$?
check "config file + SIGINT: exit status 0" test "$rc" -eq 0
check "config file + SIGINT: summary printed, shares accepted" test "$(field "$tmp/m_cfg.out" accepted)" -gt 0

# ---- wrong settings
expect_usage "mine: no pool" "no pool given" $PIPEMINER --device cpu
expect_usage "mine: bad URL" "unknown scheme" $PIPEMINER -o http://x:1 -u w --run-for 1
expect_usage "mine: no port" "no port" $PIPEMINER -o stratum+tcp://127.0.0.1 -u w --run-for 1
expect_usage "mine: unknown device" "unknown device" $PIPEMINER -o stratum+tcp://127.0.0.1:1 -u w --device gpu --run-for 1

tap_end
