#!/usr/bin/env bash
# demo.sh: `make demo`. The whole appliance on one machine: `pipeminer pool`
# on loopback, and the mining daemon with a simulated board (the real RTL,
# rtl/pm_miner_top, in Verilator, driven over its UART link) mining for it.
#
# The pool's difficulty (DEMO_DIFF, default 0.0005: 2.1 million hashes a
# share) lets the simulated FULL board (about 1 MH/s of simulated clocks)
# find a share every two seconds or so; a new block comes every 20 s. The
# daemon's log and status line stream for DEMO_SECONDS (default 60) or until
# Ctrl-C, then both summaries are printed. Exits 0 only when shares were
# accepted and none were rejected and the board made no hardware errors.
# DEMO_DEVICE (default sim) picks the board: e.g. sim:rolled for the small
# boards' engine (set DEMO_DIFF=0.00005 for it: it hashes about 0.12 MH/s).
set -u
cd "$(dirname "$0")/.."
PM=./pipeminer
SECONDS_TO_RUN=${DEMO_SECONDS:-60}
DIFF=${DEMO_DIFF:-0.0005}
DEVICE=${DEMO_DEVICE:-sim}
tmp=$(mktemp -d)
pool_pid=

cleanup() {
	[ -n "$pool_pid" ] && kill "$pool_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
# Ctrl-C reaches the daemon (which prints its summary and stops) and this
# script, which carries on to stop the pool (in a session of its own, so it
# outlives the daemon) and report both.
trap : INT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

bold() { if [ -t 1 ]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }

bold "== pipeminer demo: a local pool, the daemon and a simulated board"
echo "pool:   pipeminer pool on 127.0.0.1:$port, difficulty $DIFF, a new block every 20 s"
echo "daemon: pipeminer --device $DEVICE (the Verilog miner in Verilator, over its UART link)"
echo "for $SECONDS_TO_RUN s, or until Ctrl-C"
echo

setsid $PM pool --listen 127.0.0.1:"$port" --difficulty "$DIFF" --no-vardiff --block-interval 20 \
	>"$tmp/pool.out" 2>"$tmp/pool.log" &
pool_pid=$!
for _ in $(seq 100); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
	sleep 0.05
done

$PM -o stratum+tcp://127.0.0.1:"$port" -u demo.board1 -p x --device "$DEVICE" \
	--status-interval 5 --run-for "$SECONDS_TO_RUN" >"$tmp/miner.out"
miner_rc=$?

kill -INT "$pool_pid" 2>/dev/null
wait "$pool_pid" 2>/dev/null
pool_pid=

echo
bold "== the daemon's summary"
cat "$tmp/miner.out"
bold "== the pool's summary"
cat "$tmp/pool.out"

field() { sed -n "s/^summary:.* $2=\([0-9]*\).*/\1/p" "$1" | tail -1; }
accepted=$(field "$tmp/miner.out" accepted)
rejected=$(field "$tmp/miner.out" rejected)
hw=$(field "$tmp/miner.out" hw_errors)
pool_accepted=$(field "$tmp/pool.out" accepted)
pool_rejected=$(field "$tmp/pool.out" rejected)

echo
if [ "$miner_rc" -ne 0 ] || [ -z "$accepted" ]; then
	bold "demo FAILED: the daemon exited with status $miner_rc"
	exit 1
fi
if [ "${accepted:-0}" -gt 0 ] && [ "${rejected:-1}" -eq 0 ] && [ "${hw:-1}" -eq 0 ] &&
	[ "${pool_rejected:-1}" -eq 0 ]; then
	bold "demo passed: $accepted shares accepted (the pool counted $pool_accepted), none rejected, no hardware errors"
	exit 0
fi
bold "demo FAILED: accepted=$accepted rejected=$rejected hw_errors=$hw (pool: accepted=$pool_accepted rejected=$pool_rejected)"
exit 1
