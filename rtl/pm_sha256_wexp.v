// pm_sha256_wexp: one step of SHA-256's message expansion,
//   W[j] = s1(W[j-2]) + W[j-7] + s0(W[j-15]) + W[j-16]
// Purely combinational; the ports are named by their distance from j.
// Constant inputs (padding words) fold in synthesis.
`default_nettype none

module pm_sha256_wexp (
	input  wire [31:0] i_w2,
	input  wire [31:0] i_w7,
	input  wire [31:0] i_w15,
	input  wire [31:0] i_w16,
	output wire [31:0] o_w
);
	`include "pm_sha256_fn.vh"

	assign o_w = `PM_s1(i_w2) + i_w7 + `PM_s0(i_w15) + i_w16;
endmodule

`default_nettype wire
