// pm_sha256_wexp_cc: pm_sha256_wexp (same ports, same function) as three
// pm_addf carry chains, for the FULL engine on ECP5:
//   W[j] = ((W[j-7] + W[j-16]) + s0(W[j-15])) + s1(W[j-2])
// the first chain starting at registers, the s0 and s1 LUTs beside it.
// yosys makes the four-operand sum two layers of full adders in LUTs
// before one chain. Every input should be a signal (pm_addf does not fold
// constants): an engine keeps pm_sha256_wexp where a padding word is read.
`default_nettype none

module pm_sha256_wexp_cc (
	input  wire [31:0] i_w2,
	input  wire [31:0] i_w7,
	input  wire [31:0] i_w15,
	input  wire [31:0] i_w16,
	output wire [31:0] o_w
);
	`include "pm_sha256_fn.vh"

	wire [31:0] v1, v2;

	pm_addf #(.FN(2'd0)) u_v1 (.i_x(i_w7), .i_b(i_w16), .i_c(32'd0), .i_d(32'd0), .o_y(v1));
	pm_addf #(.FN(2'd0)) u_v2 (.i_x(v1), .i_b(`PM_s0(i_w15)), .i_c(32'd0), .i_d(32'd0), .o_y(v2));
	pm_addf #(.FN(2'd0)) u_w (.i_x(v2), .i_b(`PM_s1(i_w2)), .i_c(32'd0), .i_d(32'd0), .o_y(o_w));
endmodule

`default_nettype wire
