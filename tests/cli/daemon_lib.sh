# daemon_lib.sh: sourced by the tests/cli/*.sh scripts that run the mining
# daemon against `pipeminer pool` (after tap.sh). Sets up $tmp (removed on
# exit, with every pid in $pids killed) and gives:
#   free_port              a free TCP port on 127.0.0.1
#   wait_listen PORT       waits until something listens there (5 s at most)
#   field FILE NAME        a number from the last "summary: a=1 b=2" line
#   accounted NAME         every share found, per $tmp/NAME.log, ended
#                          accepted, rejected or stale (per $tmp/NAME.out),
#                          or was submitted without an answer before exit
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_listen() {
	for _ in $(seq 100); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" \
			2>/dev/null && return 0
		sleep 0.05
	done
	echo "# nothing listens on port $1" >&2
	return 1
}

field() {
	sed -n "s/^summary:.* $2=\([0-9]*\).*/\1/p" "$1" | tail -1
}

# Shares are "found" (queued for their pool) or stale at once (their job
# was replaced, or their work unit forgotten, before the nonce came back).
accounted() {
	local log=$tmp/$1.log out=$tmp/$1.out found unanswered
	found=$(grep -cE 'share [0-9a-f]* found for job|is stale: the job was replaced|for forgotten work unit' "$log")
	unanswered=$(sed -n 's/.* \([0-9]*\) shares\{0,1\} submitted without an answer before exit.*/\1/p' "$log")
	[ "$found" -eq $(($(field "$out" accepted) + $(field "$out" rejected) + $(field "$out" stale) + ${unanswered:-0})) ]
}
