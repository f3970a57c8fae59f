// pm_addf: o_y = i_x + f(i_b, i_c, i_d), bit by bit f, in one carry chain.
//
//   FN 0  f = b               (a plain adder; c and d are not read)
//   FN 1  f = Ch(b, c, d)     = b ? c : d
//   FN 2  f = Maj(b, c, d)
//
// What it is for: on ECP5 (PM_CCU2C defined, as scripts/bitstream.sh does
// for that family) it is 16 CCU2C cells, each bit's LUT4 computing the
// propagate x ^ f(b, c, d) itself, so Ch or Maj costs no LUTs of its own
// (yosys maps `x + Ch(e, f, g)` to 32 LUT4 for Ch and then the chain). A
// CCU2C bit is sum = P ^ cin, cout = P ? cin : G, with P = LUT4(A, B, C, D)
// and G = LUT2(A, B) taken from the same INIT's entries at C = D = 0.
// With A = x: when P = 0, x = f and the carry out is x, so G must be x for
// every (b, c, d) that can make P = 0; G = LUT4(x, b, 0, 0) = x ^ f(b, 0, 0),
// which is x for all three functions, as f(b, 0, 0) = 0 (the plain adder
// ties d to 1 and uses f = b & d, yosys's own arrangement). Elsewhere
// (simulation, iCE40) it is the expression, which synthesis maps as usual.
// tests/cli/test_addf.sh checks the two against each other with yosys's
// CCU2C model.
`default_nettype none

module pm_addf #(
	parameter [1:0] FN = 2'd0
) (
	input  wire [31:0] i_x,
	input  wire [31:0] i_b,
	input  wire [31:0] i_c,
	input  wire [31:0] i_d,
	output wire [31:0] o_y
);
`ifdef PM_CCU2C
	// INIT index {D, C, B, A}: bit = A ^ f(B, C, D), for f = B & D (FN 0),
	// Ch (FN 1) and Maj (FN 2), written out (tests/cli/test_addf.sh
	// simulates each against its sum)
	localparam [15:0] INIT = FN == 2'd1 ? 16'h596a : FN == 2'd2 ? 16'h566a : 16'h66aa;

	wire [16:0] carry;
	wire [31:0] c_in = FN == 2'd0 ? 32'd0 : i_c;
	wire [31:0] d_in = FN == 2'd0 ? 32'hffffffff : i_d;
	assign carry[0] = 1'b0;
	genvar i;
	generate for (i = 0; i < 16; i = i + 1) begin : g_ccu
		CCU2C #(.INIT0(INIT), .INIT1(INIT), .INJECT1_0("NO"), .INJECT1_1("NO")) u_ccu (
			.CIN(carry[i]),
			.A0(i_x[2 * i]), .B0(i_b[2 * i]), .C0(c_in[2 * i]), .D0(d_in[2 * i]),
			.A1(i_x[2 * i + 1]), .B1(i_b[2 * i + 1]), .C1(c_in[2 * i + 1]), .D1(d_in[2 * i + 1]),
			.S0(o_y[2 * i]), .S1(o_y[2 * i + 1]), .COUT(carry[i + 1])
		);
	end endgenerate
`else
	wire [31:0] f = FN == 2'd1 ? ((i_b & i_c) | (~i_b & i_d)) :
		FN == 2'd2 ? ((i_b & i_c) | (i_d & (i_b | i_c))) : i_b;
	assign o_y = i_x + f;
`endif
endmodule

`default_nettype wire
