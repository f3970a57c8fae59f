#!/usr/bin/env bash
# End to end with boards: `pipeminer pool` on loopback, the daemon, and the
# simulated board (rtl/pm_miner_top in Verilator) reached three ways: in
# process (--device sim), behind a pseudo-terminal through the serial driver
# (pipeminer sim --pty + --device serial:PTY), and through the FTDI driver
# with the libftdi1 stand-in (build/tests/pipeminer-standin, the daemon
# linked with tests/unit/ftdi_standin.c; PM_FTDI_STANDIN says what is
# plugged in). Then the faults: bits flipped on the wire both ways, a board
# that hangs, a chip unplugged mid-work, and new blocks (clean_jobs) arriving
# mid-scan. Every share found must be accounted for, and the pool must
# reject none: the host re-hashes every nonce before it submits it.
set -u
. "$(dirname "$0")/tap.sh"

STANDIN=${STANDIN:-build/tests/pipeminer-standin}
. "$(dirname "$0")/daemon_lib.sh"

# start_pool NAME ARGS...: a pool in the background on a free port $P.
start_pool() {
	local name=$1
	shift
	P=$(free_port)
	$PIPEMINER pool --listen 127.0.0.1:"$P" --no-vardiff "$@" >"$tmp/$name.out" 2>"$tmp/$name.log" &
	pool_pid=$!
	pids+=($pool_pid)
	wait_listen "$P"
}

stop_pool() {
	kill -INT "$pool_pid"
	wait "$pool_pid" 2>/dev/null
}

# mine NAME BINARY ARGS...: the daemon in the foreground against the pool on $P.
mine() {
	local name=$1 bin=$2
	shift 2
	"$bin" -o stratum+tcp://127.0.0.1:"$P" -u board.1 -p x --status-interval 1 "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.log"
	echo $? >"$tmp/$name.rc"
}

# mined NAME POOL: the checks every run makes: exit 0 with a summary, shares
# accepted, none rejected (by the daemon's count and by the pool's), every
# share accounted for, and the pool's count of accepted shares the daemon's.
mined() {
	local n=$1 pool=$2
	check "$n: daemon exits 0 with a summary line" \
		test "$(cat "$tmp/$n.rc")" -eq 0 -a -n "$(grep '^summary: accepted=' "$tmp/$n.out")"
	check "$n: shares accepted" test "${3:-$(field "$tmp/$n.out" accepted)}" -gt 0
	check "$n: none rejected" test "$(field "$tmp/$n.out" rejected)" -eq 0
	check "$n: every share found is accounted for" accounted "$n"
	check "$n: the pool accepted as many as the daemon, and rejected none" \
		test "$(field "$tmp/$pool.out" accepted)" -eq "$(field "$tmp/$n.out" accepted)" \
		-a "$(field "$tmp/$pool.out" rejected)" -eq 0
}

# A FULL simulated board hashes about 1 MH/s (less on a loaded machine):
# difficulty 0.0001 (430,000 hashes a share) is two shares a second or so,
# so that every run below sees several.
DIFF=0.0001

# ---- in process: --device sim
start_pool p_sim --difficulty $DIFF --run-for 60
mine m_sim "$PIPEMINER" --device sim --run-for 8
stop_pool
mined m_sim p_sim
check "sim: the board identified itself with its engine shape" \
	grep -qE 'sim full .*: full x1, 1 clock per nonce, [0-9.]+ MHz: [0-9.]+ MH/s expected' "$tmp/m_sim.log"
check "sim: no hardware errors" test "$(field "$tmp/m_sim.out" hw_errors)" -eq 0
check "sim: per-device line in the summary" grep -qE '^device 0: sim full hashes=[1-9][0-9]* ' "$tmp/m_sim.out"

# ---- two boards share out the nonce space
start_pool p_two --difficulty $DIFF --run-for 60
mine m_two "$PIPEMINER" --device sim --device sim:rolled --run-for 8
stop_pool
mined m_two p_two
check "two boards: both hashed" \
	test "$(grep -cE '^device [01]: sim (full|rolled) hashes=[1-9]' "$tmp/m_two.out")" -eq 2
check "two boards: no hardware errors" test "$(field "$tmp/m_two.out" hw_errors)" -eq 0

# ---- a separate process behind a pty, through the serial driver
$PIPEMINER sim --pty --run-for 60 >"$tmp/pty.out" 2>"$tmp/pty.log" &
pty_pid=$!
pids+=($pty_pid)
for _ in $(seq 100); do
	[ -s "$tmp/pty.out" ] && break
	sleep 0.05
done
pty=$(head -1 "$tmp/pty.out")
check "sim --pty prints the pty's path" test -c "$pty"
start_pool p_serial --difficulty $DIFF --run-for 60
mine m_serial "$PIPEMINER" --device serial:"$pty" --run-for 8
stop_pool
kill -INT "$pty_pid"
wait "$pty_pid" 2>/dev/null
mined m_serial p_serial
check "serial: no hardware errors" test "$(field "$tmp/m_serial.out" hw_errors)" -eq 0
check "serial: per-device line in the summary" grep -qE '^device 0: serial full hashes=[1-9]' "$tmp/m_serial.out"

# ---- the FTDI driver, with the stand-in for libftdi1
start_pool p_ftdi --difficulty $DIFF --run-for 60
PM_FTDI_STANDIN=devices=1 mine m_ftdi "$STANDIN" --device ftdi --run-for 8
stop_pool
mined m_ftdi p_ftdi
check "ftdi: no hardware errors" test "$(field "$tmp/m_ftdi.out" hw_errors)" -eq 0
check "ftdi: opened interface B of the FT2232H" grep -q 'ftdi.*interface B' "$tmp/m_ftdi.log"

# ---- faults: bits flipped on the wire, both ways (1 bit in 2,000), with a
# new block every second so that many WORK frames cross
start_pool p_flip --difficulty $DIFF --block-interval 1 --run-for 60
mine m_flip "$PIPEMINER" --device sim:full,flip=0.0005 --run-for 10
stop_pool
mined m_flip p_flip
link_errors=$(sed -n 's/.*link errors: dropped \([0-9]*\) corrupt frames from the board, the board dropped \([0-9]*\) sent.*/\1 + \2/p' \
	"$tmp/m_flip.log" | tail -1)
check "flips: corrupt frames were dropped and counted (${link_errors:-none})" test "$((${link_errors:-0}))" -gt 0
check "flips: every lost result counted as a hardware error" \
	test "$(grep -o '[0-9]* result frames arrived corrupt' "$tmp/m_flip.log" | awk '{s += $1} END {print s + 0}')" \
	-eq "$(field "$tmp/m_flip.out" hw_errors)"

# ---- a board that hangs: the watchdog reopens it
start_pool p_hang --difficulty $DIFF --run-for 60
mine m_hang "$PIPEMINER" --device sim:full,hang=3 --run-for 10
stop_pool
mined m_hang p_hang
check "hang: the watchdog noticed and reopened the board" \
	grep -q 'the board stopped answering; reopening it' "$tmp/m_hang.log"
check "hang: it came back" grep -q ': back' "$tmp/m_hang.log"

# ---- an FTDI chip unplugged mid-work for two seconds
start_pool p_unplug --difficulty $DIFF --run-for 60
PM_FTDI_STANDIN=devices=1,unplug_after=3,unplug_for=2 mine m_unplug "$STANDIN" --device ftdi --run-for 12
stop_pool
mined m_unplug p_unplug
check "unplug: the USB error was reported and the open retried" grep -q 'retrying in' "$tmp/m_unplug.log"
check "unplug: the board came back and mined on" grep -q ': back' "$tmp/m_unplug.log"
back_at=$(grep -n ': back' "$tmp/m_unplug.log" | head -1 | cut -d: -f1)
check "unplug: shares found after it came back" \
	test "$(tail -n +"${back_at:-999999}" "$tmp/m_unplug.log" | grep -c 'share [0-9a-f]* found for job')" -gt 0

# ---- a new block every 2 s (clean_jobs) while the board scans
start_pool p_clean --difficulty $DIFF --block-interval 2 --run-for 60
mine m_clean "$PIPEMINER" --device sim --run-for 10
stop_pool
mined m_clean p_clean
check "clean_jobs: the daemon flushed work on new blocks" test "$(grep -c 'is clean (a new block): earlier work flushed' "$tmp/m_clean.log")" -ge 3

tap_end
