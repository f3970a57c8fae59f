#!/usr/bin/env bash
# bench.sh: the benchmarks `make bench` prints.
#
#  - Yardstick: `openssl speed -evp sha256 -bytes 16384`, as nonces/s =
#    bytes/s / 128 (a nonce costs two 64-byte compressions).
#  - pipeminer single-thread MH/s on its fastest path, and
#    cpu_ratio = pipeminer / yardstick (target >= 2.7).
#  - Every path single-threaded, the fastest on 2 threads, and the host's
#    work-generation rate (new midstates per second).
#  - The simulated board's speed, and scripts/board_bench.py: the daemon's
#    latencies (mining.notify -> WORK, NONCE -> mining.submit) and its CPU
#    use with a board in another process.
#  - scripts/rtl_bench.sh: the hashing core's size per engine shape and its
#    Verilator speed (BENCH_RTL=0 skips it).
# Machines shared with others vary by +-10% from second to second, so the
# yardstick and pipeminer are measured alternately, ROUNDS times, and the
# best of each is used; every measurement is printed.
set -eu
cd "$(dirname "$0")/.."
PM=./pipeminer
ROUNDS=${ROUNDS:-3}

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

yardstick() {
	openssl speed -seconds 3 -evp sha256 -bytes 16384 2>/dev/null |
		awk '/^sha256/ { sub(/k$/, "", $2); printf "%.4f\n", $2 * 1000 / 128 / 1e6 }'
}

echo "== SHA-256d on the CPU, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
best_y=0
best_p=0
path=
for r in $(seq "$ROUNDS"); do
	y=$(yardstick)
	out=$($PM bench --device cpu --threads 1 --seconds 4 --json)
	p=$(json '["mhs"]' <<<"$out")
	path=$(json '["path"]' <<<"$out")
	printf "round %d: yardstick %.2f M nonces/s, pipeminer %s %.2f MH/s\n" "$r" "$y" "$path" "$p"
	best_y=$(python3 -c "print(max($best_y, $y))")
	best_p=$(python3 -c "print(max($best_p, $p))")
done
printf "yardstick (openssl speed -evp sha256 -bytes 16384, best of %d): %.2f M nonces/s\n" "$ROUNDS" "$best_y"
printf "pipeminer single thread, path %s (best of %d): %.2f MH/s\n" "$path" "$ROUNDS" "$best_p"
python3 -c "r = $best_p / $best_y; print(f'cpu_ratio = {r:.3f}  (target >= 2.7: {\"met\" if r >= 2.7 else \"NOT met\"})')"

echo "== every path, one thread"
for p in portable avx2 avx512 shani; do
	if out=$($PM bench --threads 1 --seconds 2 --path $p --json 2>/dev/null); then
		printf "  %-9s %7.2f MH/s\n" "$p" "$(json '["mhs"]' <<<"$out")"
	else
		printf "  %-9s not supported on this CPU\n" "$p"
	fi
done

echo "== two threads"
out=$($PM bench --threads 2 --seconds 4 --json)
printf "  path %s, 2 threads: %.2f MH/s\n" "$(json '["path"]' <<<"$out")" "$(json '["mhs"]' <<<"$out")"

echo "== work generation, one core (target > 2,000,000 midstates/s)"
out=$($PM bench --workgen --seconds 4 --json)
printf "  extranonce2 rolling (coinbase + 12-branch merkle path + midstate): %12.0f midstates/s\n" \
	"$(json '["workgen"]["extranonce2_midstates_per_s"]' <<<"$out")"
printf "  version rolling (BIP 320 bits + midstate):                          %12.0f midstates/s\n" \
	"$(json '["workgen"]["version_midstates_per_s"]' <<<"$out")"

echo "== the simulated board (the RTL in Verilator, in process; simulated clocks per second, not a board's rate)"
for shape in full rolled; do
	out=$($PM bench --device sim:$shape --seconds 3 --json 2>/dev/null)
	printf "  sim:%-7s %7.3f MH/s\n" "$shape" "$(json '["mhs"]' <<<"$out")"
done

python3 scripts/board_bench.py

# The hashing core: every shape's size (yosys, iCE40 and ECP5) and the
# Verilator speed. Cached in build/rtl_bench/; ~20 minutes the first time.
if [ "${BENCH_RTL:-1}" = 1 ]; then
	echo "== the hashing core (scripts/rtl_bench.sh; BENCH_RTL=0 skips it)"
	scripts/rtl_bench.sh
fi
