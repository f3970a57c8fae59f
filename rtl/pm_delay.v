// pm_delay: a fixed delay line in a RAM: o_data after clock edge k is
// i_data as sampled at edge k - DELAY. Written every cycle, so it suits a
// pipeline that never stalls: the pipelined engines keep each nonce here
// instead of carrying it through every stage ("latency-corrected" nonce:
// the value leaves the line on the edge its hash's result is registered).
// The RAM (2^clog2(DELAY + 1) words, one write and one registered read
// port) maps to block RAM; no reset: the address is a free-running counter.
`default_nettype none

module pm_delay #(
	parameter [15:0] DELAY = 16'd4,     // 1..32767
	parameter [7:0]  WIDTH = 8'd32
) (
	input  wire             i_clk,
	input  wire [WIDTH-1:0] i_data,
	output reg  [WIDTH-1:0] o_data
);
	`include "pm_util.vh"

	localparam integer AW = pm_clog2({16'd0, DELAY} + 32'd1);
	localparam [AW-1:0] OFFSET = DELAY[AW-1:0];

	reg [WIDTH-1:0] r_mem [0:(1 << AW) - 1];
	reg [AW-1:0]    r_addr;

	always @(posedge i_clk) begin
		r_mem[r_addr] <= i_data;
		o_data <= r_mem[r_addr - OFFSET];
		r_addr <= r_addr + 1'b1;
	end
endmodule

`default_nettype wire
