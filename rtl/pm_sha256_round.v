// pm_sha256_round: one SHA-256 round with h + K + W computed a stage early.
//
// Purely combinational; the engine puts the registers around it (a
// pipeline stage register after it, or a ring's stage registers feeding it
// back; the rolled engine cuts the round in two instead, so it writes the
// same sums out itself). For round t:
//
//   i_state  a..g before round t (the state after round t-1), a in [223:192],
//            g in [31:0]. There is no h: it only ever enters the round as
//            part of i_p.
//   i_p      h + K[t] + W[t], computed one round earlier (by the previous
//            round's o_p, or from per-work words for the first round).
//   i_kw     K[t+1] + W[t+1], the next round's constant and message word
//            (0 when the next round's p is not wanted, see below).
//   o_state  a..g after round t.
//   o_p      h' + K[t+1] + W[t+1] = g + i_kw (the new h is the old g): the
//            next round's p. With i_kw = 0, o_p is h after round t, which is
//            how an engine keeps the eighth word for the feed-forward.
//
// So the round itself adds only p + S1(e) + Ch(e,f,g) (T1) and T1 + S0(a) +
// Maj(a,b,c) (new a) or d + T1 (new e): the h + K + W sum is off the
// critical path (the makomk/ZTEX "t1 precompute"). Constant inputs fold.
// T2 = S0(a) + Maj(a,b,c) is summed beside T1 and new a = T1 + T2 is a
// pm_add32 of its own, so T1's carry chain feeds new a's directly. Written
// as t1 + S0 + Maj, synthesis merges the three into full adders in LUTs
// before one chain: a LUT level more (docs/rtl.md has the figures).
`default_nettype none

module pm_sha256_round (
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
	wire [31:0] t1 = i_p + `PM_S1(e) + `PM_CH(e, f, g);

	wire [31:0] t2 = `PM_S0(a) + `PM_MAJ(a, b, c);
	wire [31:0] a_new;

	pm_add32 u_a (.i_a(t1), .i_b(t2), .o_y(a_new));

	assign o_state = {a_new, a, b, c, d + t1, e, f};
	assign o_p = g + i_kw;
endmodule

`default_nettype wire
