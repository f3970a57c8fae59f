#!/usr/bin/env bash
# rtl_bench.sh [SHAPE...]: the hashing core's figures per engine shape
# (default: rolled s2 s4 s8 s16 s32 s64 full), for `make bench`.
#
# For each shape, pm_core with one engine is synthesized twice with the
# project's yosys:
#   iCE40  synth_ice40, then nextpnr-ice40 --pack-only (hx8k): logic cells
#          are nextpnr's packed ICESTORM_LC count (exact, not an estimate;
#          the pack runs past the device's 7,680 LC)
#   ECP5   synth_ecp5 -nowidelut (yosys 0.23's wide-LUT mapping inflates
#          LUT4 counts): LUT4, CCU2C (2 LUT4 slots each), FF
# and the table gives rounds per clock (round units: ROLLED 1, a ring S, FULL
# 122), nonces per clock, iCE40 LC per round per clock, and whether FULL's
# ECP5 count fits an LFE5U-85F (83,640 LUT4, 83,640 FF).
# Then the Verilator speed of two pm_core models (-O3 --x-assign fast, the
# tb_core builds): ROLLED x2 and FULL, in simulated nonces per second.
#
# Results are cached in build/rtl_bench/ and redone when rtl/ changes. JOBS
# (default 2) synthesis runs at a time; the whole set takes ~20 minutes on
# two cores (FULL: ~5 min per family), SPEED_SECONDS (default 5) per model.
set -u
cd "$(dirname "$0")/.."
out=build/rtl_bench
mkdir -p "$out"
JOBS=${JOBS:-2}
SPEED_SECONDS=${SPEED_SECONDS:-5}
shapes=${*:-rolled s2 s3 s4 s8 s9 s16 s21 s32 s64 full}

# every module but the engines (each shape reads its own), so a new module
# needs no edit here; yosys keeps what pm_core uses
COMMON=$(ls rtl/*.v rtl/chain/*.v | grep -v "^rtl/pm_engine_" | tr "\n" " ")

# shape -> "ENGINE_FILE CHPARAM"
shape_args() {
	case $1 in
	rolled) echo "rtl/pm_engine_rolled.v -set ENGINE 0" ;;
	full) echo "rtl/pm_engine_full.v -set ENGINE 2" ;;   # with rtl/chain/ (COMMON)
	s*) echo "rtl/pm_engine_unrolled.v -set ENGINE 1 -set STAGES ${1#s}" ;;
	esac
}

newest_rtl=$(ls -td rtl/* rtl/chain/* | head -1)   # -d: a folder is a name, not its contents

# synth SHAPE FAMILY: writes $out/SHAPE.FAMILY.stat (and .pnr, the pack's log, for ice40)
synth() {
	local shape=$1 fam=$2 f=$out/$1.$2 args engine params
	args=$(shape_args "$shape")
	engine=${args%% *}
	params=${args#* }
	if [ -s "$f.stat" ] && [ "$f.stat" -nt "$newest_rtl" ]; then
		return 0
	fi
	if [ "$fam" = ice40 ]; then
		yosys -q -l "$f.log" -p "read_verilog -Irtl $COMMON $engine; chparam $params pm_core; \
			synth_ice40 -top pm_core -json $f.json; tee -q -o $f.stat.tmp stat" >/dev/null 2>&1 &&
		nextpnr-ice40 --hx8k --package ct256 --json "$f.json" --pack-only >"$f.pnr" 2>&1
		rm -f "$f.json"
	else
		# PM_CCU2C: FULL's chained adders as carry cells, as the bitstream flow has them
		yosys -q -l "$f.log" -p "read_verilog -DPM_CCU2C -Irtl $COMMON $engine; chparam $params pm_core; \
			synth_ecp5 -nowidelut -top pm_core; tee -q -o $f.stat.tmp stat" >/dev/null 2>&1
	fi
	mv "$f.stat.tmp" "$f.stat" 2>/dev/null
}
export -f synth shape_args
export out COMMON newest_rtl

echo "rtl_bench: synthesizing $shapes (iCE40 and ECP5, $JOBS at a time)..."
start=$SECONDS
for s in $shapes; do
	echo "$s ice40"
	echo "$s ecp5"
done | xargs -P "$JOBS" -n 2 bash -c 'synth "$0" "$1"'
echo "rtl_bench: synthesis took $((SECONDS - start)) s"

# (stat lists each module, then with a kept hierarchy, rtl/pm_add32.v, the
# "design hierarchy" totals: those are counted, or pm_core's own section)
cell() { # STATFILE CELLNAME... -> the sum of those cells
	local f=$1
	shift
	awk -v names="$*" 'BEGIN {n = split(names, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1}
		/^=== / {sec = $0; if (sec ~ /design hierarchy/) hier = 1}
		($1 in want) {if (sec ~ /design hierarchy/) h += $2; else if (sec ~ /=== pm_core ===/) p += $2}
		END {print hier ? h + 0 : p + 0}' "$f" 2>/dev/null
}

printf '\n%-7s %6s %9s | %8s %7s %7s %7s %6s | %7s %7s %7s %8s | %9s\n' \
	shape rnd/clk nonce/clk "iCE40 LC" LUT4 CARRY DFF EBR "ECP5 LUT4" CCU2C "LUT-eq" FF "LC/rnd/clk"
for s in $shapes; do
	i=$out/$s.ice40.stat
	e=$out/$s.ecp5.stat
	case $s in
	rolled) rpc=1 cyc=124 ;;
	full) rpc=122 cyc=1 ;;
	s*) rpc=${s#s} cyc=$((2 * ((60 + rpc) / rpc))) ;;
	esac
	lc=$(awk '{for (k = 1; k < NF; k++) if ($k == "ICESTORM_LC:") {split($(k + 1), a, "/"); print a[1]}}' \
		"$out/$s.ice40.pnr" 2>/dev/null)
	lut=$(cell "$i" SB_LUT4)
	carry=$(cell "$i" SB_CARRY)
	dff=$(cell "$i" SB_DFF SB_DFFE SB_DFFSR SB_DFFSS SB_DFFESR SB_DFFESS SB_DFFR SB_DFFS SB_DFFER SB_DFFES)
	ebr=$(cell "$i" SB_RAM40_4K)
	elut=$(cell "$e" LUT4)
	ccu=$(cell "$e" CCU2C)
	eff=$(cell "$e" TRELLIS_FF)
	leq=$((elut + 2 * ccu))
	printf '%-7s %6s %9s | %8s %7s %7s %7s %6s | %7s %7s %7s %8s | %9s\n' \
		"$s" "$rpc" "1/$cyc" "${lc:-?}" "$lut" "$carry" "$dff" "$ebr" "$elut" "$ccu" "$leq" "$eff" \
		"$([ -n "$lc" ] && echo $((lc / rpc)))"
	if [ "$s" = full ]; then
		if [ "$leq" -le 83640 ] && [ "$eff" -le 83640 ]; then
			fit="fits"
		else
			fit="does not fit"
		fi
		bram=$(cell "$e" DP16KD)
		full_line="FULL on an LFE5U-85F: $leq of 83,640 LUT4 ($((leq * 100 / 83640))%), $eff of 83,640 FF ($((eff * 100 / 83640))%), ${bram:-0} of 208 DP16KD: $fit (synthesis only; docs/boards.md has what places and its clock)"
	fi
done
echo "(LUT-eq = LUT4 + 2 x CCU2C; DP16KD/DPR16X4 RAMs not counted; LC = nextpnr-ice40 packed cells)"
[ -n "${full_line:-}" ] && echo "$full_line"

echo
echo "Verilator speed (pm_core models, -O3 --x-assign fast, one thread, ${SPEED_SECONDS} s each):"
make --no-print-directory -s build/sim/core_rolled2/core_rolled2 build/sim/core_full/core_full >/dev/null
for m in core_rolled2 core_full; do
	printf '  %-13s ' "$m"
	"build/sim/$m/$m" --speed "$SPEED_SECONDS"
done
