#!/usr/bin/env bash
# rtl/chain/pm_addf.v as the ECP5 carry cells scripts/bitstream.sh makes of it
# (-DPM_CCU2C): simulated with yosys's CCU2C model against the sum it stands
# for (tests/bitstreams/tb_addf.v), and synth_ecp5 of the FULL engine's
# chained round and expansion step (pm_sha256_round_cc, pm_sha256_wexp_cc)
# is carry cells and the Sigma LUTs only: no LUT4 for Ch, Maj or the full
# adders that pm_sha256_round and pm_sha256_wexp map to. The Verilator
# benches round_cc and wexp_cc check the function of the expression form.
set -u
. "$(dirname "$0")/tap.sh"
cd "$(dirname "$0")/../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cells=/usr/share/yosys/ecp5/cells_sim.v

if iverilog -g2012 -DPM_CCU2C -DNO_INCLUDES -o "$tmp/tb" -s tb_addf tests/bitstreams/tb_addf.v \
	rtl/chain/pm_addf.v "$cells" >"$tmp/iverilog.log" 2>&1; then
	out=$(vvp -n "$tmp/tb" 2>&1)
	if grep -q "^tb_addf: [0-9]* vectors, 0 mismatches" <<<"$out"; then
		tap 0 "pm_addf as CCU2C cells equals x + b, x + Ch(b, c, d), x + Maj(b, c, d) ($(tail -1 <<<"$out" | sed 's/^tb_addf: //'))"
	else
		tap 1 "pm_addf as CCU2C cells equals x + b, x + Ch(b, c, d), x + Maj(b, c, d)" "$out"
	fi
else
	tap 1 "iverilog compiles pm_addf with the ECP5 cell models" "$(cat "$tmp/iverilog.log")"
fi

# stat M: "LUT4 n CCU2C n" of synth_ecp5 -abc9 (the bitstream flow's) of module M
stat() {
	local f
	f=$(ls "rtl/$1.v" "rtl/chain/$1.v" 2>/dev/null)
	yosys -q -p "read_verilog -DPM_CCU2C -Irtl rtl/chain/pm_addf.v rtl/pm_add32.v $f; \
		synth_ecp5 -abc9 -top $1; tee -q -o $tmp/$1.stat stat" >"$tmp/$1.log" 2>&1 || return 1
	awk '$1 == "LUT4" || $1 == "CCU2C" {n[$1] = $2} END {printf "LUT4 %d CCU2C %d", n["LUT4"], n["CCU2C"]}' "$tmp/$1.stat"
}
for pair in "pm_sha256_round pm_sha256_round_cc 96" "pm_sha256_wexp pm_sha256_wexp_cc 48"; do
	# shellcheck disable=SC2086
	set -- $pair
	old=$(stat "$1") new=$(stat "$2")
	read -r _ lo _ co <<<"$old"
	read -r _ ln _ cn <<<"$new"
	# a LUT4 is one ECP5 logic cell, a CCU2C two
	if [ -n "$new" ] && [ "$ln" -eq 64 ] && [ "$cn" -eq "$3" ] && [ $((ln + 2 * cn)) -lt $((lo + 2 * co)) ]; then
		tap 0 "synth_ecp5 of $2: $new ($((ln + 2 * cn)) logic cells; $1: $old, $((lo + 2 * co)))"
	else
		tap 1 "synth_ecp5 of $2: the two Sigma layers (64 LUT4) and $3 CCU2C, fewer cells than $1" \
			"$2: $new; $1: $old; $(tail -5 "$tmp/$2.log")"
	fi
done
tap_end
