#!/usr/bin/env bash
# Post-synthesis check of the boards named (default: icebreaker, the one
# `make test` runs; `make postsynth` adds hx8k, ENGINE=3's ring with its
# delay lines in block RAM (5 minutes), and ulx3s-12f, an ECP5, whose netlist
# simulates at ~35 clocks a second in iverilog: 8.5 minutes): the miner
# (pm_miner_top with the engine shape of bitstreams/BOARD/board.conf)
# synthesized by yosys (synth_ice40, synth_ecp5), written out as a netlist of
# the vendor's cells (write_verilog) and simulated with yosys's cell models
# in iverilog: over its UART pins it is identified, given the genesis
# header's work from 50 nonces early, and must report nonce 0x7c2bac1d,
# nothing else, then DONE. The netlist's UART runs at BAUD_DIV 8 (the
# board's divider would only slow the simulation; the logic is the same).
# iverilog takes no default port values: the iCE40 models are read with
# NO_ICE40_DEFAULT_ASSIGNMENTS. The netlist's vectors are split into
# single-bit nets (splitnets): iverilog re-evaluates a whole vector when one
# bit changes, which made the simulation 60x slower.
# ECP5: yosys 0.23's ECP5 cell library declares DP16KD (the block RAM) with
# its parameters only, no behaviour, so the ECP5 netlist is synthesized with
# -nobram (the nonce delay line in LUT RAM and flip-flops); the block RAM
# path is covered by the iCE40 netlist (SB_RAM40_4K has a model).
# NO_INCLUDES: the library's cells_ff.vh and cells_io.vh are not needed.
set -u
. "$(dirname "$0")/tap.sh"

# what the board's bitstream reads: its RTL files and defines
. scripts/board_synth.sh

# postsynth BOARD
postsynth() {
	local board=$1 out=build/postsynth/$1 synth cells lutcell flags n per cycles
	local FAMILY DEVICE ENGINE ENGINES STAGES defines rtl macs
	# shellcheck source=/dev/null
	read -r FAMILY DEVICE ENGINE ENGINES STAGES < <(. "bitstreams/$board/board.conf" && echo "$FAMILY $DEVICE $ENGINE $ENGINES $STAGES")
	case $FAMILY in
	ice40)
		synth=synth_ice40 cells=/usr/share/yosys/ice40/cells_sim.v lutcell=SB_LUT4
		flags=-DNO_ICE40_DEFAULT_ASSIGNMENTS ;;
	*)
		synth="synth_ecp5 -nobram" cells=/usr/share/yosys/ecp5/cells_sim.v lutcell=LUT4
		flags=-DNO_INCLUDES ;;
	esac
	mkdir -p "$out"
	rm -f "$out/netlist.v" "$out/sim" "$out/sim.log"
	# shellcheck disable=SC2086
	rtl=$(echo $(pm_board_rtl "$ENGINE"))
	defines=$(pm_board_defines "$FAMILY" "$DEVICE")   # on the UP5K its SB_MAC16 run on yosys's model
	yosys -q -l "$out/yosys.log" -p "read_verilog $defines -Irtl $rtl; \
		chparam -set ENGINE $ENGINE -set ENGINES $ENGINES -set STAGES $STAGES -set BAUD_DIV 8 pm_miner_top; \
		$synth -top pm_miner_top; splitnets -ports; opt_clean; write_verilog -noattr $out/netlist.v" >/dev/null 2>&1
	check "$board: yosys $synth writes the netlist" test -s "$out/netlist.v"
	check "$board: the netlist is made of the vendor's cells ($lutcell)" grep -q "$lutcell" "$out/netlist.v"
	if [ "$DEVICE" = up5k ] && [ "$ENGINE" = 3 ]; then
		macs=$(grep -c '^ *SB_MAC16 ' "$out/netlist.v")
		check "$board: the feed-forward's adds are in DSP blocks ($macs SB_MAC16)" test "$macs" -eq 8
	fi

	n=$(python3 tests/bitstreams/postsynth.py frames "$out/work.hex")
	# cycles: the frames on the wire, 101 nonces at the engines' rate, the replies
	case $ENGINE in 0) per=$((124 / ENGINES + 1)) ;; 1 | 3) per=$((2 * ((60 + STAGES) / STAGES) / ENGINES + 1)) ;; *) per=1 ;; esac
	cycles=$(((n + 60) * 10 * 8 + 101 * per + 2000))
	# shellcheck disable=SC2086
	iverilog -g2012 $flags -o "$out/sim" -s tb_postsynth tests/bitstreams/tb_postsynth.v "$out/netlist.v" "$cells" \
		>"$out/iverilog.log" 2>&1
	check "$board: iverilog compiles the netlist with the cell models" test -x "$out/sim"
	vvp -n "$out/sim" +WORK="$out/work.hex" +N="$n" +CYCLES="$cycles" >"$out/sim.log" 2>&1
	check "$board: the netlist finds the genesis nonce over its UART" python3 tests/bitstreams/postsynth.py check "$out/sim.log"
}

for board in "${@:-icebreaker}"; do
	postsynth "$board"
done
tap_end
