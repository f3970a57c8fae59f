# board_synth.sh: what a board's synthesis reads, sourced by
# scripts/bitstream.sh and tests/cli/test_postsynth.sh, so that a bitstream
# and its post-synthesis netlist are made from the same files and defines.

# pm_board_rtl ENGINE [ENGINE_B]: the RTL file patterns (unexpanded). Every
# module in rtl/ (yosys elaborates what the top uses); rtl/chain/ (modules
# only the FULL engine uses) for ENGINE=2 and rtl/lines/ (the UNROLLED ring
# with its message window in delay lines) for ENGINE=3 (of either core of a
# pair) only, and rtl/pair/ (two cores of different shapes) when there is
# an ENGINE_B. Reading a module adds
# its names to yosys's name table even when it is never elaborated, and
# that alone changes abc9's LUTs (the order it meets the cells), so every
# other board's netlist, and the placement its recorded seed gives, would
# change (tests/cli/test_bitstream.sh).
pm_board_rtl() {
	case " $* " in
	*" 2 "*) echo "rtl/*.v rtl/chain/*.v" ;;
	*" 3 "*) echo "rtl/*.v rtl/lines/*.v" ;;
	*) echo "rtl/*.v" ;;
	esac
	[ $# -lt 2 ] || echo "rtl/pair/*.v"
}

# pm_board_defines FAMILY DEVICE: PM_CCU2C puts rtl/chain/pm_addf.v in ECP5
# carry cells (the FULL engine's chained round); PM_ICE40_DSP puts
# rtl/lines/pm_lines_add32.v in the UP5K's DSP blocks (ENGINE=3). A board
# whose engine does not use them gets the same netlist.
pm_board_defines() {
	case $1 in
	ecp5) echo -DPM_CCU2C ;;
	ice40) [ "$2" = up5k ] && echo -DPM_ICE40_DSP ;;
	esac
	return 0
}
