// pm_add32: a 32-bit adder that synthesis keeps as one carry chain.
//
// yosys's alumacc merges a sum of sums into one multi-operand adder (full
// adders in LUTs, then a carry chain). keep_hierarchy stops that here: the
// round's new a = T1 + T2 is a chain fed straight by the T1 and T2 chains,
// with no LUT level between them (the figures are in docs/rtl.md).
`default_nettype none

(* keep_hierarchy *)
module pm_add32 (
	input  wire [31:0] i_a,
	input  wire [31:0] i_b,
	output wire [31:0] o_y
);
	assign o_y = i_a + i_b;
endmodule

`default_nettype wire
