#!/usr/bin/env bash
# Synthesis check: yosys synth_ice40 of pm_core in two board shapes (two
# ROLLED engines, a 4-stage ring) completes with no problem reported by
# `check -assert` and maps to iCE40 cells only; the cell counts are printed
# as TAP comments. (The per-shape figures, ECP5 included, are
# scripts/rtl_bench.sh's.)
set -u
. "$(dirname "$0")/tap.sh"
cd "$(dirname "$0")/../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# every module but the engines (each shape reads its own), so a new module
# needs no edit here; yosys keeps what pm_core uses
COMMON=$(ls rtl/*.v | grep -v "^rtl/pm_engine_" | tr "\n" " ")

# synth NAME ENGINE_FILE CHPARAM
synth() {
	local name=$1 engine=$2 params=$3 out=$tmp/${1//[^A-Za-z0-9]/_}
	if ! command -v yosys >/dev/null; then
		tap 1 "synth_ice40 $name: yosys not installed (make deps)"
		return
	fi
	yosys -q -l "$out.log" -p "read_verilog -Irtl $COMMON $engine; chparam $params pm_core; \
		synth_ice40 -top pm_core; check -assert; tee -q -o $out.stat stat" >/dev/null 2>&1
	local rc=$? cells other
	# pm_core's section, or the "design hierarchy" totals after it when the
	# netlist keeps a hierarchy (rtl/pm_add32.v): the last one counts
	cells=$(awk '/^=== / {m = /=== (pm_core|design hierarchy) ===/; if (m) {s = ""; dff = 0; seen = 1}}
		m && /Number of cells/ {s = s $4 " cells: "}
		m && /SB_DFF/ {dff += $2} m && /SB_(LUT4|CARRY|RAM40_4K)/ {s = s $1 " " $2 ", "}
		END {if (seen) printf "%sDFF %d", s, dff}' "$out.stat" 2>/dev/null)
	other=$(awk '/=== pm_core ===/ {m = 1} m && /^ +\$/' "$out.stat" 2>/dev/null)
	if [ "$rc" -eq 0 ] && [ -n "$cells" ] && [ -z "$other" ]; then
		tap 0 "synth_ice40 of pm_core $name completes, iCE40 cells only"
	else
		tap 1 "synth_ice40 of pm_core $name completes, iCE40 cells only" \
			"$(tail -20 "$out.log" 2>/dev/null) $other"
	fi
	echo "# $name: $cells"
}

synth "ROLLED x2" rtl/pm_engine_rolled.v "-set ENGINE 0 -set ENGINES 2"
synth "UNROLLED STAGES=4" rtl/pm_engine_unrolled.v "-set ENGINE 1 -set STAGES 4"
tap_end
