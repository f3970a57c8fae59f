// pm_lines_delay: pm_delay (rtl/pm_delay.v: o_data after edge k is i_data
// as sampled at edge k - DELAY) held in block RAM however short the line.
// yosys keeps a pm_delay of under 8 words (DELAY 3 or less) in flip-flops;
// pm_engine_lines delays hash 2's H4..H7 from 2 cycles on and wants them in
// RAM (the UP5K is short of logic cells, not of RAM). A module of its own, not
// an attribute on pm_delay: every board uses pm_delay, and any edit there
// changes every board's netlist (docs/rtl.md).
`default_nettype none

module pm_lines_delay #(
	parameter [15:0] DELAY = 16'd1,     // 1..255
	parameter [7:0]  WIDTH = 8'd32
) (
	input  wire             i_clk,
	input  wire [WIDTH-1:0] i_data,
	output reg  [WIDTH-1:0] o_data
);
	(* ram_style = "block" *) reg [WIDTH-1:0] r_mem [0:255];
	reg [7:0] r_addr;

	always @(posedge i_clk) begin
		r_mem[r_addr] <= i_data;
		o_data <= r_mem[r_addr - DELAY[7:0]];
		r_addr <= r_addr + 1'b1;
	end
endmodule

`default_nettype wire
