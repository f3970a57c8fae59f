// dsp_add: the smallest UP5K design with a path through a DSP block used
// as a combinational 32-bit adder: two registers, rtl/lines/pm_lines_add32
// (an SB_MAC16 with PM_ICE40_DSP defined), a register.
// tests/cli/test_dsp_paths.sh places it and has scripts/ice40_dsp_paths.py
// time that path, which nextpnr splits at the DSP's pins.
`default_nettype none

module top (
	input  wire i_clk,
	output wire o_q
);
	reg  [31:0] r_a = 32'd1, r_b = 32'd3, r_y;
	wire [31:0] sum;

	pm_lines_add32 u_add (.i_a(r_a), .i_b(r_b), .o_y(sum));

	always @(posedge i_clk) begin
		r_a <= {r_a[30:0], r_a[31] ^ r_a[21]};
		r_b <= r_b + 32'd1;
		r_y <= sum;
	end
	assign o_q = ^r_y;
endmodule

`default_nettype wire
