// pm_lines_add32: o_y = i_a + i_b, in an iCE40 UP5K DSP block when
// PM_ICE40_DSP is defined (scripts/bitstream.sh defines it for the UP5K,
// whose 8 SB_MAC16 would otherwise sit unused), else in logic: both 16-bit
// adders fed from the inputs ({A, B} + {C, D}), the lower one's carry into
// the upper, no register (Lattice TN1295), MODE_8x8 (the unused multiplier
// off) so that icetime knows the mode and times the add, which nextpnr does
// not (scripts/ice40_dsp_paths.py). One saves 32 logic cells; pm_engine_lines
// puts the feed-forward's eight adds here (at S=2 the UP5K was 99% full).
// The benches simulate the logic form; test_postsynth.sh simulates the
// SB_MAC16 form with yosys's cell model.
`default_nettype none

module pm_lines_add32 (
	input  wire [31:0] i_a,
	input  wire [31:0] i_b,
	output wire [31:0] o_y
);
`ifdef PM_ICE40_DSP
	SB_MAC16 #(
		.TOPADDSUB_LOWERINPUT(2'b00), .TOPADDSUB_UPPERINPUT(1'b1), .TOPADDSUB_CARRYSELECT(2'b10),
		.BOTADDSUB_LOWERINPUT(2'b00), .BOTADDSUB_UPPERINPUT(1'b1), .BOTADDSUB_CARRYSELECT(2'b00),
		.TOPOUTPUT_SELECT(2'b00), .BOTOUTPUT_SELECT(2'b00), .MODE_8x8(1'b1)
	) u_dsp (
		.CLK(1'b0), .CE(1'b0),
		.A(i_a[31:16]), .B(i_a[15:0]), .C(i_b[31:16]), .D(i_b[15:0]),
		.AHOLD(1'b0), .BHOLD(1'b0), .CHOLD(1'b0), .DHOLD(1'b0),
		.IRSTTOP(1'b0), .IRSTBOT(1'b0), .ORSTTOP(1'b0), .ORSTBOT(1'b0),
		.OLOADTOP(1'b0), .OLOADBOT(1'b0), .ADDSUBTOP(1'b0), .ADDSUBBOT(1'b0),
		.OHOLDTOP(1'b0), .OHOLDBOT(1'b0), .CI(1'b0), .ACCUMCI(1'b0), .SIGNEXTIN(1'b0),
		.O(o_y), .CO(), .ACCUMCO(), .SIGNEXTOUT()
	);
`else
	assign o_y = i_a + i_b;
`endif
endmodule

`default_nettype wire
