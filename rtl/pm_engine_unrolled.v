// pm_engine_unrolled: STAGES round stages in a ring (docs/rtl.md). Each
// stage is a pm_sha256_round and a pm_sha256_wexp with its registers and
// no multiplexer; the round it computes (and so its K) depends only on the
// pass a nonce is in, looked up in the stage's own small table. A nonce
// goes round the ring P1 = ceil(61 / STAGES) times for the first hash and
// P1 times for the second; the ring holds STAGES + 1 nonces.
//
//   R_0 .. R_{S-1}  the stage inputs: valid, pass, a..g, p = h + K + W, and
//                   the message window W[t..t+15] of the round t to come
//   X               the exit register after the last stage; between X and
//                   R_0 sits the only multiplexer of the ring: R_0 takes X
//                   (the next pass), or a start: a new nonce (hash 1) when
//                   X's slot is free, or the second hash of X's nonce when
//                   X holds the end of its first hash (feed-forward:
//                   H = midstate + state, then state := IV, W0..7 := H)
//
// Hash 1 runs rounds R1..63, R1 = 64 - S * P1: from the midstate with
// W0..W2 = tail (R1 = 0: S = 4, 8, 16, 32, 64), from round 1 (R1 = 1: the
// state after round 0, rebuilt from state3 and the midstate: S = 3, 7, 9,
// 21, 63) or from round 2 (R1 = 2: after rounds 0..1: S = 2, 31, 62). Those
// are the ring sizes STAGES may take; S = 21 is the one that matters, a
// nonce per 6 cycles where S = 16 takes 8 and S = 32 takes 4. Hash 2 runs
// rounds 0..P1*S-1 and
// its H7 = IV7 + e after round 60 is tested as it leaves stage 60 % S in
// the last pass; the rest of that pass is spent, the slot frees at X.
//
// CYCLES = 2 * P1 per nonce (S = 64: 2, ..., S = 2: 62). The nonce value
// is not carried round the ring: pm_delay returns it LATENCY cycles after it
// entered, when its result is registered. i_flush clears every valid bit.
// The per-work words are held from the cycle of the flush that precedes a
// work's first nonce (two sums of them are registered a cycle ahead).
`default_nettype none

module pm_engine_unrolled #(
	parameter [7:0] STAGES = 8'd4       // 2..64 with 64 - STAGES * ceil(61 / STAGES) <= 2
) (
	input  wire         i_clk,
	input  wire         i_rst,
	input  wire         i_flush,
	input  wire [255:0] i_midstate,     // H0 in [255:224]
	input  wire [255:0] i_state3,       // a in [255:224] .. h in [31:0]
	input  wire [95:0]  i_tail,         // W0 in [95:64], W1, W2
	input  wire [31:0]  i_mask,         // H7 bits that must be zero
	input  wire         i_valid,
	input  wire [31:0]  i_nonce,
	output wire         o_ready,
	output wire         o_ready_next,   // o_ready on the next edge (for a registered grant)
	output reg          o_done,
	output reg          o_found,
	output wire [31:0]  o_nonce,
	output reg  [31:0]  o_h7
);
	`include "pm_sha256_fn.vh"
	`include "pm_engine_shape.vh"
	`include "pm_util.vh"

	localparam [15:0] LATENCY = pm_latency(2'd1, STAGES);
	localparam [15:0] CYCLES = pm_cycles(2'd1, STAGES);

	localparam integer S = {24'd0, STAGES};
	localparam integer P1 = {16'd0, pm_p1(STAGES)};    // passes per hash
	localparam integer R1 = 64 - S * P1;               // hash 1's first round
	localparam integer QW = pm_clog2(2 * P1);             // pass counter width
	localparam integer S60 = 60 % S;                   // the stage of round 60
	localparam [31:0] Q_H1END_W = P1 - 1;
	localparam [31:0] Q_LAST_W = 2 * P1 - 1;
	localparam [QW-1:0] Q_H1END = Q_H1END_W[QW-1:0];  // hash 1's last pass
	localparam [QW-1:0] Q_LAST = Q_LAST_W[QW-1:0];    // hash 2's last pass
	// A stage's K table has 2 * P1 entries. Past 16 (S <= 4: the iCE40
	// rings) its lookup is two LUT levels in front of g + K + W, the HX8K's
	// critical path, so K is looked up a stage early and registered (the
	// lookup's last LUT and the register share a logic cell on iCE40). The
	// larger rings' tables are one LUT level and stay combinational.
	localparam K_REG = QW > 4;

	function [31:0] bswap;
		input [31:0] x;
		begin
			bswap = {x[7:0], x[15:8], x[23:16], x[31:24]};
		end
	endfunction

	// Stage s's table: entry q is K[t+1] for the round t it computes in pass
	// q (entries past the last pass are unused).
	function [32 * (1 << QW) - 1:0] ktab;
		input integer s;
		integer q, t;
		reg [6:0] k;
		begin
			ktab = {32 * (1 << QW){1'b0}};
			for (q = 0; q < 2 * P1; q = q + 1) begin
				t = (q < P1 ? R1 + q * S : (q - P1) * S) + s + 1;
				for (k = 7'd0; k < 7'd64; k = k + 7'd1)
					if ({25'd0, k} == t % 64)
						ktab[32 * q +: 32] = pm_k(k[5:0]);
			end
		end
	endfunction

	// ---- X, the exit register, and the entry ---------------------------------
	reg          r_xv;
	reg [QW-1:0] r_xq;
	reg [223:0]  r_xst;
	reg [31:0]   r_xp;
	reg [511:0]  r_xw;

	wire x_last = r_xq == Q_LAST;
	assign o_ready = !r_xv || x_last;
	wire accept = i_valid && o_ready;
	wire x_h2 = r_xq == Q_H1END;

	// the second hash's start: feed-forward of X's state (p is h after round 63)
	wire [31:0] h0 = i_midstate[255:224] + r_xst[223:192];
	wire [31:0] h1 = i_midstate[223:192] + r_xst[191:160];
	wire [31:0] h2 = i_midstate[191:160] + r_xst[159:128];
	wire [31:0] h3 = i_midstate[159:128] + r_xst[127:96];
	wire [31:0] h4 = i_midstate[127:96] + r_xst[95:64];
	wire [31:0] h5 = i_midstate[95:64] + r_xst[63:32];
	wire [31:0] h6 = i_midstate[63:32] + r_xst[31:0];
	wire [31:0] h7 = i_midstate[31:0] + r_xp;

	// the first hash's start: round R1 with W[R1..R1+15]
	wire [31:0]  w3 = bswap(i_nonce);
	wire [223:0] st1;
	wire [31:0]  p1_w;
	wire [511:0] w1;
	generate if (R1 == 0) begin : g_start0
		assign st1 = i_midstate[255:32];
		assign p1_w = i_midstate[31:0] + pm_k(6'd0) + i_tail[95:64];
		assign w1 = {i_tail, w3, 32'h80000000, 320'd0, 32'h00000280};
	end else if (R1 == 1) begin : g_start1
		// after round 0: (a0, M0, M1, M2, e0, M4, M5, M6) =
		// (state3 c, d, M1, M2, state3 g, h, M5, M6)
		wire [31:0] w16 = pm_s0(i_tail[63:32]) + i_tail[95:64];

		assign st1 = {i_state3[191:128], i_midstate[223:160], i_state3[63:0], i_midstate[95:64]};
		assign p1_w = i_midstate[63:32] + pm_k(6'd1) + i_tail[63:32];
		assign w1 = {i_tail[63:0], w3, 32'h80000000, 320'd0, 32'h00000280, w16};
	end else begin : g_start2
		// after rounds 0..1: (a1, a0, M0, M1, e1, e0, M4, M5) =
		// (state3 b, c, d, M1, state3 f, g, h, M5)
		wire [31:0] w16 = pm_s0(i_tail[63:32]) + i_tail[95:64];
		wire [31:0] w17 = pm_s1(32'h00000280) + pm_s0(i_tail[31:0]) + i_tail[63:32];

		assign st1 = {i_state3[223:128], i_midstate[223:192], i_state3[95:0]};
		assign p1_w = i_midstate[95:64] + pm_k(6'd2) + i_tail[31:0];
		assign w1 = {i_tail[31:0], w3, 32'h80000000, 320'd0, 32'h00000280, w16, w17};
	end endgenerate

	// The two sums of per-work words that enter p, registered: the words are
	// held from the flush (a load) on and no nonce enters in the flush's
	// cycle, so each register holds the new work's sum by the first accept.
	// Hash 2's p = IV7 + K0 + W0 with W0 = H0 = midstate0 + a is then one
	// addition at the entry, not two carry chains in series (the 45F's
	// critical path at 90 MHz ran through them).
	reg [31:0] r_p1, r_p2c;

	always @(posedge i_clk) begin
		r_p1 <= p1_w;
		r_p2c <= i_midstate[255:224] + pm_iv(3'd7) + pm_k(6'd0);
	end

	wire [223:0] e_st = accept ? st1 : x_h2 ?
		{pm_iv(3'd0), pm_iv(3'd1), pm_iv(3'd2), pm_iv(3'd3),
		 pm_iv(3'd4), pm_iv(3'd5), pm_iv(3'd6)} : r_xst;
	wire [31:0]  e_p = accept ? r_p1 : x_h2 ? r_p2c + r_xst[223:192] : r_xp;
	wire [511:0] e_w = accept ? w1 : x_h2 ?
		{h0, h1, h2, h3, h4, h5, h6, h7, 32'h80000000, 192'd0, 32'h00000100} : r_xw;
	wire [QW-1:0] e_q = accept ? {QW{1'b0}} : r_xq + 1'b1;

	// K_REG: stage 0's K, for a start (K[R1+1]), hash 2's start (K[1]) or
	// the next pass (looked up by X from the last stage's pass)
	reg  [31:0] r_xk;
	wire [31:0] e_k = accept ? pm_k(R1[5:0] + 6'd1) : x_h2 ? pm_k(6'd1) : r_xk;

	// ---- the stages ------------------------------------------------------------
	genvar s;
	generate for (s = 0; s < S; s = s + 1) begin : g_st
		localparam [32 * (1 << QW) - 1:0] KT = ktab(s);

		reg          r_v;
		reg [QW-1:0] r_q;
		reg [223:0]  r_st;
		reg [31:0]   r_p;
		reg [511:0]  r_w;       // W[t] in [511:480] .. W[t+15] in [31:0]
		reg [31:0]   r_k;       // K_REG: K[t+1], looked up by the stage before

		wire [223:0] w_st;
		wire [31:0]  w_p, w_new, w_kw;
		wire [511:0] w_w = {r_w[479:0], w_new};
		wire [31:0]  k = K_REG ? r_k : KT[{r_q, 5'd0} +: 32];

		if (s == S - 1) begin : g_last
			// the end of hash 1: K + W = 0 leaves p = h after round 63
			assign w_kw = r_q == Q_H1END ? 32'd0 : k + r_w[479:448];
		end else begin : g_mid
			assign w_kw = k + r_w[479:448];
		end

		pm_sha256_round u_round (
			.i_state(r_st), .i_p(r_p), .i_kw(w_kw), .o_state(w_st), .o_p(w_p)
		);

		pm_sha256_wexp u_wexp (
			.i_w2(r_w[63:32]), .i_w7(r_w[223:192]), .i_w15(r_w[479:448]),
			.i_w16(r_w[511:480]), .o_w(w_new)
		);

		if (s == 0) begin : g_entry
			always @(posedge i_clk) begin
				r_q <= e_q;
				r_st <= e_st;
				r_p <= e_p;
				r_w <= e_w;
				r_k <= e_k;
				if (i_rst || i_flush)
					r_v <= 1'b0;
				else
					r_v <= accept || (r_xv && !x_last);
			end
		end else begin : g_next
			always @(posedge i_clk) begin
				r_q <= g_st[s - 1].r_q;
				r_st <= g_st[s - 1].w_st;
				r_p <= g_st[s - 1].w_p;
				r_w <= g_st[s - 1].w_w;
				r_k <= KT[{g_st[s - 1].r_q, 5'd0} +: 32];
				if (i_rst || i_flush)
					r_v <= 1'b0;
				else
					r_v <= g_st[s - 1].r_v;
			end
		end
	end endgenerate

	// X's next slot is the last stage's now (a start enters R_0, not X)
	assign o_ready_next = i_rst || i_flush || !g_st[S - 1].r_v || g_st[S - 1].r_q == Q_LAST;

	localparam [32 * (1 << QW) - 1:0] KT0 = ktab(0);
	wire [QW-1:0] x_qn = g_st[S - 1].r_q + 1'b1;

	always @(posedge i_clk) begin
		r_xk <= KT0[{x_qn, 5'd0} +: 32];
		r_xq <= g_st[S - 1].r_q;
		r_xst <= g_st[S - 1].w_st;
		r_xp <= g_st[S - 1].w_p;
		r_xw <= g_st[S - 1].w_w;
		if (i_rst || i_flush)
			r_xv <= 1'b0;
		else
			r_xv <= g_st[S - 1].r_v;
	end

	// ---- the H7 test, on the register after stage 60 % S -----------------------
	wire          tap_v;
	wire [QW-1:0] tap_q;
	wire [31:0]   tap_e;
	generate if (S60 + 1 < S) begin : g_tap_stage
		assign tap_v = g_st[S60 + 1].r_v;
		assign tap_q = g_st[S60 + 1].r_q;
		assign tap_e = g_st[S60 + 1].r_st[95:64];
	end else begin : g_tap_exit
		assign tap_v = r_xv;
		assign tap_q = r_xq;
		assign tap_e = r_xst[95:64];
	end endgenerate

	wire [31:0] tap_h7 = pm_iv(3'd7) + tap_e;
	wire        tap_done = tap_v && tap_q == Q_LAST;

	always @(posedge i_clk) begin
		o_h7 <= tap_h7;
		if (i_rst || i_flush) begin
			o_done <= 1'b0;
			o_found <= 1'b0;
		end else begin
			o_done <= tap_done;
			o_found <= tap_done && (tap_h7 & i_mask) == 32'd0;
		end
	end

	pm_delay #(.DELAY(LATENCY), .WIDTH(8'd32)) u_nonce (
		.i_clk(i_clk), .i_data(i_nonce), .o_data(o_nonce)
	);
endmodule

`default_nettype wire
