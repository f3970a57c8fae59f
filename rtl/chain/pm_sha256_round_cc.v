// pm_sha256_round_cc: pm_sha256_round (same ports, same function) with its
// sums as pm_addf carry chains that take Ch and Maj into the chain's own
// LUTs, for the FULL engine on ECP5 (docs/rtl.md has the cell counts).
//
//   t1    = (p + Ch(e, f, g)) + S1(e)   the first chain starts at registers
//   t2    = S0(a) + Maj(a, b, c)
//   new a = t1 + t2,  new e = d + t1,  o_p = g + i_kw
//
// Five chains and two Sigma LUT layers, where pm_sha256_round's t1 is
// three LUT layers (S1, Ch, then full adders) before its chain. Every input
// should be a signal: pm_addf's CCU2C cells do not fold a constant operand,
// so an engine keeps pm_sha256_round for rounds with constant inputs.
`default_nettype none

module pm_sha256_round_cc (
	input  wire [223:0] i_state,
	input  wire [31:0]  i_p,
	input  wire [31:0]  i_kw,
	output wire [223:0] o_state,
	output wire [31:0]  o_p
);
	`include "pm_sha256_fn.vh"

	wire [31:0] a = i_state[223:192], b = i_state[191:160], c = i_state[159:128];
	wire [31:0] d = i_state[127:96], e = i_state[95:64], f = i_state[63:32];
	wire [31:0] g = i_state[31:0];
	wire [31:0] u1, t1, t2, a_new, e_new;

	pm_addf #(.FN(2'd1)) u_u1 (.i_x(i_p), .i_b(e), .i_c(f), .i_d(g), .o_y(u1));
	pm_addf #(.FN(2'd0)) u_t1 (.i_x(u1), .i_b(`PM_S1(e)), .i_c(32'd0), .i_d(32'd0), .o_y(t1));
	pm_addf #(.FN(2'd2)) u_t2 (.i_x(`PM_S0(a)), .i_b(a), .i_c(b), .i_d(c), .o_y(t2));
	pm_addf #(.FN(2'd0)) u_a (.i_x(t1), .i_b(t2), .i_c(32'd0), .i_d(32'd0), .o_y(a_new));
	pm_addf #(.FN(2'd0)) u_e (.i_x(d), .i_b(t1), .i_c(32'd0), .i_d(32'd0), .o_y(e_new));
	pm_addf #(.FN(2'd0)) u_p (.i_x(g), .i_b(i_kw), .i_c(32'd0), .i_d(32'd0), .o_y(o_p));

	assign o_state = {a_new, a, b, c, e_new, e, f};
endmodule

`default_nettype wire
