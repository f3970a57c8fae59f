#!/usr/bin/env bash
# The bitstream flow (scripts/bitstream.sh): every board's constraint file
# names only pins its package has (its top, PLL and pins placed by nextpnr
# around a stub miner: nextpnr refuses an unknown pin), and the iCEBreaker
# built for real through yosys, nextpnr (its board.conf's seeds, timing
# required) and icepack, with its report checked: timing met at the board's
# clock, mhs = clock x nonces per clock, the resources within the part. A
# build that fails leaves no bitstream or report of an earlier one behind.
# A board's netlist changes only with what it uses, and the UPduino's is the
# iCEBreaker's (the seed they share depends on it).
set -u
. "$(dirname "$0")/tap.sh"

for conf in bitstreams/*/board.conf; do
	b=$(basename "$(dirname "$conf")")
	check "$b: every pin of its constraint file exists and places" env PINCHECK=1 scripts/bitstream.sh "$b"
done

# A wrong pin is refused, naming it.
bad=bitstreams/zz-test-badpin
rm -rf "$bad"
cp -r bitstreams/hx8k "$bad"
sed -i 's/B12$/Z99/' "$bad"/*.pcf
expect_fail "iCE40: a pin the package lacks fails the build, named" "pin named 'Z99'" \
	env PINCHECK=1 scripts/bitstream.sh zz-test-badpin
rm -rf "$bad" bitstreams/build/zz-test-badpin-pins
check "a pin check writes only its -pins folder (no empty build folder left)" test ! -e bitstreams/build/zz-test-badpin

# A board.conf that does not source cleanly (here a bare quote inside LIMIT's
# text, which ended the string and ran the rest as a command) is refused,
# naming it; every committed one passes this in the pin checks above.
bad=bitstreams/zz-test-badconf
rm -rf "$bad"
cp -r bitstreams/hx8k "$bad"
sed -i 's/^LIMIT="/LIMIT="with SYNTH_ECP5="-abc9 -nolutram" yosys /' "$bad"/board.conf
out=$(PINCHECK=1 scripts/bitstream.sh zz-test-badconf 2>&1)
rc=$?
rm -rf "$bad" bitstreams/build/zz-test-badconf-pins
check "a board.conf that does not source cleanly fails the build, named" \
	test "$rc" -eq 2 -a -n "$(grep -F 'bitstreams/zz-test-badconf/board.conf does not source cleanly' <<<"$out")"

# The same on ECP5 (the ULX3S's constraints, FT231X TX moved to Z99).
bad=bitstreams/zz-test-ecp5-badpin
rm -rf "$bad"
mkdir "$bad"
cp bitstreams/ulx3s-12f/board.conf bitstreams/ulx3s/* "$bad"/
sed -i '/^SOURCES=/d' "$bad"/board.conf
sed -i 's/SITE "L4"/SITE "Z99"/' "$bad"/ulx3s.lpf
expect_fail "ECP5: a pin the package lacks fails the build, named" "pin 'Z99', which does not exist" \
	env PINCHECK=1 scripts/bitstream.sh zz-test-ecp5-badpin
rm -rf "$bad" bitstreams/build/zz-test-ecp5-badpin-pins

# NEXTPNR_OPTS reaches nextpnr (board.conf, or the environment): one it
# does not know fails the build, and nextpnr's words name it.
expect_fail "NEXTPNR_OPTS reaches nextpnr: an unknown option fails the build, named" \
	"unrecognised option '--no-such-option'" env NEXTPNR_OPTS=--no-such-option PINCHECK=1 scripts/bitstream.sh icebreaker

# SYNTH_ECP5 replaces synth_ecp5's options: one yosys does not know fails
# the build, and the yosys log's end that the error quotes names it.
expect_fail "SYNTH_ECP5 reaches synth_ecp5: an unknown option fails the build, named" \
	"synth_ecp5 -top top -no-such-option" env SYNTH_ECP5=-no-such-option PINCHECK=1 scripts/bitstream.sh ulx3s-12f

# A build that fails leaves nothing of an earlier build behind: here the PLL
# cannot make the clock, and the bitstream, report and seed log planted as
# an earlier build's are gone.
bad=bitstreams/zz-test-stale
rm -rf "$bad" bitstreams/build/zz-test-stale
cp -r bitstreams/icebreaker "$bad"
sed -i 's/^CLOCK_MHZ=.*/CLOCK_MHZ=1000/' "$bad"/board.conf
mkdir -p bitstreams/build/zz-test-stale
for f in zz-test-stale.bin zz-test-stale.asc report.json seed1.log; do echo old >bitstreams/build/zz-test-stale/$f; done
out=$(scripts/bitstream.sh zz-test-stale 2>&1)
rc=$?
left=$(ls bitstreams/build/zz-test-stale)
rm -rf "$bad" bitstreams/build/zz-test-stale
check "a failed build names its cause and leaves no earlier bitstream or report" \
	test "$rc" -ne 0 -a -n "$(grep "cannot make 1000 MHz" <<<"$out")" -a -z "$(grep -E 'bin|asc|report|seed' <<<"$left")"

# An engine the RTL does not have is refused, named.
bad=bitstreams/zz-test-engine
rm -rf "$bad"
cp -r bitstreams/icebreaker "$bad"
sed -i 's/^ENGINE=.*/ENGINE=4/' "$bad"/board.conf
expect_fail "an unknown ENGINE fails the build, named" "ENGINE=4: 0 ROLLED" \
	env SYNTH_ONLY=1 scripts/bitstream.sh zz-test-engine
rm -rf "$bad" bitstreams/build/zz-test-engine

# A second core (ENGINE_B, rtl/pair/) is a ring, and needs a top with two
# cores (the 85F's): each refused before any tool runs, named.
cp -r bitstreams/icebreaker "$bad"
printf 'ENGINE_B=2\nSTAGES_B=21\n' >>"$bad"/board.conf
expect_fail "a second core that is not a ring fails the build, named" \
	"ENGINE_B=2 STAGES_B=21: a second core is a ring" env SYNTH_ONLY=1 scripts/bitstream.sh zz-test-engine
sed -i 's/^ENGINE_B=2/ENGINE_B=3/' "$bad"/board.conf
expect_fail "a second core on a top with one fails the build, named" \
	"ENGINE_B is set but bitstreams/zz-test-engine/top.v has one core" env SYNTH_ONLY=1 scripts/bitstream.sh zz-test-engine
rm -rf "$bad" bitstreams/build/zz-test-engine
# The 85F's default is the pair (its top_pair.v, S=62 beside S=21 in lines:
# the pin check above elaborates it); that top without a second core in
# board.conf, or a TOP that is not there, is refused, named.
cp -r bitstreams/ulx3s-85f "$bad"
sed -i '/^ENGINE_B=/d; /^STAGES_B=/d' "$bad"/board.conf
expect_fail "a top with two cores and no second core in board.conf fails the build, named" \
	"top_pair.v has two cores (pm_miner_pair) but board.conf sets no ENGINE_B" env PINCHECK=1 scripts/bitstream.sh zz-test-engine
printf 'ENGINE_B=3\nSTAGES_B=21\n' >>"$bad"/board.conf
sed -i 's/^TOP=top_pair.v/TOP=top_nowhere.v/' "$bad"/board.conf
expect_fail "a TOP that is not in the board's folder fails the build, named" \
	"no top bitstreams/zz-test-engine/top_nowhere.v" env PINCHECK=1 scripts/bitstream.sh zz-test-engine
rm -rf "$bad" bitstreams/build/zz-test-engine bitstreams/build/zz-test-engine-pins

# ENGINE=3 (the HX8K's, and the UP5K boards' at S=2): the ring with its
# window in delay lines, read from rtl/lines/ and synthesized with those
# lines in block RAM (a trial copy, so a build of the HX8K itself is left
# alone)
trial=bitstreams/zz-test-lines
rm -rf "$trial" bitstreams/build/zz-test-lines
cp -r bitstreams/hx8k "$trial"
SYNTH_ONLY=1 scripts/bitstream.sh zz-test-lines >/dev/null 2>&1
ram=$(awk '$1 == "SB_RAM40_4K" { n = $2 } END { print n + 0 }' bitstreams/build/zz-test-lines/synth.stat 2>/dev/null)
lines=$(grep -c 'g_lines.u_eng.g_st.*u_line_a' bitstreams/build/zz-test-lines/top.json 2>/dev/null)
rm -rf "$trial" bitstreams/build/zz-test-lines
check "hx8k (ENGINE=3): pm_engine_lines with its lines in block RAM ($ram SB_RAM40_4K, $lines line-A cells)" \
	test "${ram:-0}" -ge 22 -a "${lines:-0}" -gt 0

out=$(scripts/bitstream.sh no-such-board 2>&1)
check "an unknown board is named, with the boards there are" \
	test $? -eq 2 -a -n "$(grep -F 'no board "no-such-board"' <<<"$out")"
out=$(scripts/bitstream.sh ../bitstreams/icebreaker 2>&1)
check "a path is not a board" \
	test $? -eq 2 -a -n "$(grep -F 'no board "../bitstreams/icebreaker"' <<<"$out")"

scripts/bitstream.sh icebreaker >/dev/null 2>&1
check "icebreaker: the flow succeeds and writes the bitstream" test -s bitstreams/build/icebreaker/icebreaker.bin
r=$(cat bitstreams/build/icebreaker/report.json 2>/dev/null || echo '{}')
json_check "icebreaker: report has every field" "$r" \
	'all(k in d for k in ("board", "device", "engine", "engines", "stages", "clock_mhz", "fmax_mhz",
	 "timing_met", "luts", "lut_capacity", "ffs", "ram_blocks", "dsps", "nonces_per_clock", "mhs", "tools"))'
json_check "icebreaker: timing met at the board clock" "$r" 'd["timing_met"] and d["fmax_mhz"] >= d["clock_mhz"]'
# nextpnr-ice40 does not time the paths through its DSP adders (every
# SB_MAC16 pin is a register's to it): icetime's worst (scripts/ice40_dsp_paths.py)
json_check "icebreaker: the paths through its DSP adders timed (icetime) within the clock period" "$r" \
	'd["dsps"] > 0 and d["dsp_path_ns"] is not None and 0 < d["dsp_path_ns"] <= 1000 / d["clock_mhz"]'
json_check "icebreaker: mhs = clock x nonces per clock" "$r" 'abs(d["mhs"] - d["clock_mhz"] * d["nonces_per_clock"]) < 1e-3'
json_check "icebreaker: nonces per clock of its shape (rolled: engines / 124; a ring: engines / (2 ceil(61 / S)))" "$r" \
	'abs(d["nonces_per_clock"] - d["engines"] / (124 if d["engine"] == "rolled" else 2 * -(-61 // d["stages"]))) < 1e-9'
json_check "icebreaker: within the part" "$r" '0 < d["luts"] <= d["lut_capacity"] == 5280 and d["ffs"] > 0'
# an iCE40 flip-flop sits in a logic cell, and nextpnr's count of those
# (luts) includes the cells holding only a flip-flop: a netlist with a kept
# hierarchy (rtl/pm_add32.v) once had its flip-flops counted twice
json_check "icebreaker: flip-flops counted once (no more than its logic cells)" "$r" '0 < d["ffs"] <= d["luts"]'
json_check "icebreaker: tool versions recorded" "$r" '"Yosys" in d["tools"]["yosys"] and "nextpnr" in d["tools"]["nextpnr-ice40"]'

# A board's netlist is yosys's of the modules it uses only: a change to a
# module it does not use (here the three engines the iCEBreaker's, ENGINE=3's
# ring in rtl/lines/, is not) leaves its top.json byte for byte, so its
# recorded seed still places the same. Before read_verilog -defer every
# module was elaborated, and a change to FULL alone moved every board's
# automatic cell names (and the HX8K's seed 7 from 81.35 to 78.97 MHz).
iso_copy() { # a scratch copy of the flow, the RTL and board $1, in $iso
	iso=$(mktemp -d)
	mkdir -p "$iso/bitstreams"
	cp -r scripts rtl "$iso"/
	cp -r "bitstreams/$1" "$iso/bitstreams/"
}
iso_copy icebreaker
probe() { # an adder (a cell yosys names from its counter) before endmodule
	sed -i 's/^endmodule/wire [31:0] pm_iso_probe = {32{i_clk}} + 32'"'"'d1;\nendmodule/' "$@"
}
probe "$iso"/rtl/pm_engine_full.v "$iso"/rtl/pm_engine_unrolled.v "$iso"/rtl/pm_engine_rolled.v
# and a new module in rtl/chain/, which FULL (ENGINE=2) builds only read: a
# module merely read shifts yosys's automatic names (2026-12-06: the chain
# modules read from rtl/ changed this netlist and the ULX3S 12F's)
sed 's/^module pm_addf/module pm_iso_new/' "$iso"/rtl/chain/pm_addf.v >"$iso"/rtl/chain/pm_iso_new.v
# and in rtl/pair/, which only a board with two cores (ENGINE_B) reads
sed 's/^module pm_core_pair/module pm_iso_pair/' "$iso"/rtl/pair/pm_core_pair.v >"$iso"/rtl/pair/pm_iso_pair.v
SYNTH_ONLY=1 "$iso"/scripts/bitstream.sh icebreaker >/dev/null 2>&1
check "icebreaker: a change to engines it does not use, or a module in rtl/chain/ or rtl/pair/, leaves its netlist unchanged" \
	cmp -s bitstreams/build/icebreaker/top.json "$iso"/bitstreams/build/icebreaker/top.json
# rtl/lines/ is read by ENGINE=3 builds only: the same board as a ROLLED one
# (ENGINE=0, synthesis only) with and without a new module there
sed -i 's/^ENGINE=3 /ENGINE=0 /' "$iso"/bitstreams/icebreaker/board.conf
SYNTH_ONLY=1 "$iso"/scripts/bitstream.sh icebreaker >/dev/null 2>&1
mv "$iso"/bitstreams/build/icebreaker/top.json "$iso"/rolled.json
sed 's/^module pm_engine_lines/module pm_iso_lines/' "$iso"/rtl/lines/pm_engine_lines.v >"$iso"/rtl/lines/pm_iso_lines.v
SYNTH_ONLY=1 "$iso"/scripts/bitstream.sh icebreaker >/dev/null 2>&1
check "icebreaker as ROLLED: a module in rtl/lines/ leaves its netlist unchanged" \
	test -s "$iso"/rolled.json -a -s "$iso"/bitstreams/build/icebreaker/top.json -a \
	-z "$(cmp "$iso"/rolled.json "$iso"/bitstreams/build/icebreaker/top.json 2>&1)"
# the control: the probe in the engine it uses changes it
rm "$iso"/rtl/lines/pm_iso_lines.v
sed -i 's/^ENGINE=0 /ENGINE=3 /' "$iso"/bitstreams/icebreaker/board.conf
probe "$iso"/rtl/lines/pm_engine_lines.v
SYNTH_ONLY=1 "$iso"/scripts/bitstream.sh icebreaker >/dev/null 2>&1
check "icebreaker: the same change to its own engine changes its netlist" \
	test -s "$iso"/bitstreams/build/icebreaker/top.json -a -n "$(cmp bitstreams/build/icebreaker/top.json "$iso"/bitstreams/build/icebreaker/top.json 2>&1)"
rm -rf "$iso"
# The UPduino is built as the iCEBreaker is (its top's code, its pins, its
# seed: bitstreams/upduino/board.conf): its netlist must be the iCEBreaker's
# but for the source files' names and line numbers, or the iCEBreaker's seed
# no longer places it the same. Synthesis only, in a copy; the control: with
# one port renamed (a name changes the placement too) the netlists differ.
iso_copy upduino
norm() { # the netlist without the sources' names and lines
	sed -E 's#bitstreams/(build/)?[a-z0-9-]+/(top[.]v|pm_pll[.]v)[^"]*#\2#g' "$1"
}
same_netlist() {
	test -s "$1" -a -s "$2" && cmp -s <(norm "$1") <(norm "$2")
}
netlists_differ() {
	test -s "$1" -a -s "$2" && ! cmp -s <(norm "$1") <(norm "$2")
}
SYNTH_ONLY=1 "$iso"/scripts/bitstream.sh upduino >/dev/null 2>&1
check "upduino: its netlist is the iCEBreaker's (but for the sources' names and lines)" \
	same_netlist "$iso"/bitstreams/build/upduino/top.json bitstreams/build/icebreaker/top.json
sed -i 's/LEDG_N/LOCK_N/g' "$iso"/bitstreams/upduino/top.v "$iso"/bitstreams/upduino/upduino.pcf
SYNTH_ONLY=1 "$iso"/scripts/bitstream.sh upduino >/dev/null 2>&1
check "upduino: the control, a port renamed, makes the netlists differ" \
	netlists_differ "$iso"/bitstreams/build/upduino/top.json bitstreams/build/icebreaker/top.json
rm -rf "$iso"
tap_end
