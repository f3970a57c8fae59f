#!/usr/bin/env bash
# scripts/ice40_dsp_paths.py: the paths through a UP5K DSP block used as a
# combinational adder, which nextpnr-ice40 does not time (it takes every
# SB_MAC16 pin for a register's), timed with icetime. On
# tests/bitstreams/dsp_add.v (register, rtl/lines/pm_lines_add32's DSP add,
# register): the path it finds is longer than nextpnr's two halves of it
# together, and without pm_lines_add32's MODE_8x8, a configuration icetime
# has no timing for, the DSP is reported, not timed as another kind.
set -u
. "$(dirname "$0")/tap.sh"

tmp=$(mktemp -d)
: >"$tmp/none.pcf"
place() { # name pm_lines_add32.v
	yosys -q -p "read_verilog -DPM_ICE40_DSP $2 tests/bitstreams/dsp_add.v; synth_ice40 -top top -json $tmp/$1.json" &&
		nextpnr-ice40 --up5k --package sg48 --json "$tmp/$1.json" --pcf "$tmp/none.pcf" \
			--pcf-allow-unconstrained --freq 20 --asc "$tmp/$1.asc" >"$tmp/$1.log" 2>&1
}

place add rtl/lines/pm_lines_add32.v
r=$(scripts/ice40_dsp_paths.py "$tmp/add.asc" up5k sg48 "$tmp/none.pcf" 2>&1)
json_check "the DSP adder is found, in a configuration icetime knows" "$r" \
	'd["dsps"] == 1 and not d["unknown_config"] and d["nets"] > 32'
# nextpnr's halves: to the DSP's inputs, and from its outputs (each with a
# 0.1 ns register pin standing in for the adder)
halves=$(python3 -c '
import re, sys
d = re.findall(r"Max delay posedge (\S+) +-> posedge (\S+) *: ([0-9.]+) ns", open(sys.argv[1]).read())
d = [float(t) for a, b, t in d if ("PACKER_GND" in a) != ("PACKER_GND" in b)]
print(sum(d[-2:]) if len(d) >= 2 else "")' "$tmp/add.log")
json_check "the path through the adder is longer than nextpnr's halves together ($halves ns)" "$r" \
	"d['through_ns'] is not None and d['worst_ns'] >= d['through_ns'] > ${halves:-1e9}"

sed 's/, \.MODE_8x8(1.b1)//' rtl/lines/pm_lines_add32.v >"$tmp/add32_unknown.v"
place unknown "$tmp/add32_unknown.v"
r=$(scripts/ice40_dsp_paths.py "$tmp/unknown.asc" up5k sg48 "$tmp/none.pcf" 2>&1)
json_check "without MODE_8x8, a DSP configuration icetime has no timing for, it is reported" "$r" \
	'd["unknown_config"]'
check "(that copy of pm_lines_add32 sets no MODE_8x8)" test -z "$(grep -F .MODE_8x8 "$tmp/add32_unknown.v")"

out=$(scripts/ice40_dsp_paths.py "$tmp/add.asc" hx8k ct256 "$tmp/none.pcf" 2>&1)
check "a device without DSP blocks is refused" test $? -ne 0 -a -n "$(grep -F 'only the UP5K' <<<"$out")"
rm -rf "$tmp"
tap_end
