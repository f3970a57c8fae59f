// pm_engine_lines (ENGINE=3): the ring of pm_engine_unrolled (the same
// stages, exit register, entry, K tables and CYCLES: read that file first)
// with most of the message window in delay lines instead of registers, and
// its H7 test over two cycles (LATENCY one more). Made for the iCE40 rings:
// there a register is a logic cell, and the window most of a stage's cells.
//
// A stage reads W[t], W[t+1], W[t+9] and W[t+14] of its window and writes
// W[t+16]; the words between are only carried. Each register here (R_s and
// X) keeps five words, {W[t], W[t+1], W[t+9], W[t+14], W[t+15]} (160 bits
// where pm_engine_unrolled keeps 512), and the two carried stretches
// travel in lines (pm_delay), one pair per stage:
//
//   line A  stage s's W[t+2] (its next register's W[t+1]): the W[t+9] that
//           the register of round t - 7 held (stage (s - 7) mod S's)
//   line B  stage s's W[t+10] (its next register's W[t+9]): the W[t+14]
//           that the register of round t - 4 held (stage (s - 4) mod S's)
//
// The ring never stalls, so a word's trip from one register to another is
// a fixed number of cycles: the rounds between plus one for each pass
// through X. Where the source round lies before its hash's first round,
// the line holds no word of this hash and the stage takes the start word
// instead: hash 1's (tail, nonce, padding) or hash 2's (H2..H7 of the
// feed-forward, delayed from X to the edge before its stage reads it, in
// pm_lines_delay from 2 cycles on; and padding), chosen at that edge.
//
// pm_engine_unrolled's ring is in a file of its own only because every
// text edit of rtl/pm_engine_unrolled.v renames yosys's cells and so moves
// every ring board's placement (a new seed search each): the two are meant
// to become one module when those boards are next re-seeded. For the same
// reason this file is read from rtl/lines/ by ENGINE=3 builds only, and a
// comment edited here keeps the line count (the boards' seeds depend on it).
`default_nettype none

module pm_engine_lines #(
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

	localparam [15:0] LATENCY = pm_latency(2'd3, STAGES);
	localparam [15:0] CYCLES = pm_cycles(2'd3, STAGES);

	localparam integer S = {24'd0, STAGES};
	localparam integer P1 = {16'd0, pm_p1(STAGES)};    // passes per hash
	localparam integer R1 = 64 - S * P1;               // hash 1's first round
	localparam integer QW = pm_clog2(2 * P1);             // pass counter width
	localparam integer S60 = 60 % S;                   // the stage of round 60
	localparam [31:0] Q_H1END_W = P1 - 1;
	localparam [31:0] Q_LAST_W = 2 * P1 - 1;
	localparam [QW-1:0] Q_H1END = Q_H1END_W[QW-1:0];  // hash 1's last pass
	localparam [QW-1:0] Q_LAST = Q_LAST_W[QW-1:0];    // hash 2's last pass
	localparam K_REG = QW > 4;                         // as pm_engine_unrolled
	// S = 2 is the UP5K's shape (5,280 LC, 30 RAM blocks): its K tables go
	// in block RAM
	localparam SMALL = S <= 2;

	function [31:0] bswap;
		input [31:0] x;
		begin
			bswap = {x[7:0], x[15:8], x[23:16], x[31:24]};
		end
	endfunction

	// Stage s's K table: entry q is K[t+2] for the round t it computes in
	// pass q, the K of the next register's K + W (entries past the last
	// pass, and K past a hash's end, are unused).
	function [32 * (1 << QW) - 1:0] ktab;
		input integer s;
		integer q, t;
		reg [6:0] k;
		begin
			ktab = {32 * (1 << QW){1'b0}};
			for (q = 0; q < 2 * P1; q = q + 1) begin
				t = (q < P1 ? R1 + q * S : (q - P1) * S) + s + 2;
				for (k = 7'd0; k < 7'd64; k = k + 7'd1)
					if ({25'd0, k} == t % 64)
						ktab[32 * q +: 32] = pm_k(k[5:0]);
			end
		end
	endfunction

	// ---- the lines' geometry ----------------------------------------------------
	// the stage whose register held round t - back when stage s holds round t
	function integer line_src;
		input integer s, back;
		begin
			line_src = ((s - back) % S + S) % S;
		end
	endfunction

	// cycles from that register to stage s's: the rounds, and a cycle in X
	// for each wrap past the last stage
	function integer line_cycles;
		input integer s, back;
		begin
			line_cycles = back + (line_src(s, back) + back) / S;
		end
	endfunction

	// Stage s's start words for the line that brings W[t + ahead] from round
	// t - back: entry q (8 bits) is {take a start word, hash 2, 1'b0, x}
	// when the source round of pass q lies before its hash's first round.
	function [8 * (1 << QW) - 1:0] start_tab;
		input integer s, back;
		input [4:0] ahead;
		integer q, t, first;
		reg [4:0] x;
		begin
			start_tab = {8 * (1 << QW){1'b0}};
			for (q = 0; q < 2 * P1; q = q + 1) begin
				first = q < P1 ? R1 : 0;
				t = first + (q < P1 ? q : q - P1) * S + s;
				x = t[4:0] + ahead;
				if (t - back < first)
					start_tab[8 * q +: 8] = {1'b1, q >= P1 ? 1'b1 : 1'b0, 1'b0, x};
			end
		end
	endfunction

	// hash 2's word k (2..7) reaches line A in round k - 2: the cycles from X
	// (where the feed-forward is) to that round's stage
	function integer h_cycles;
		input integer k;
		begin
			h_cycles = 1 + ((k - 2) / S) * (S + 1) + (k - 2) % S;
		end
	endfunction

	// ---- X, the exit register, and the entry ---------------------------------
	// A register's window: {W[t], W[t+1], W[t+9], W[t+14], W[t+15]}.
	// What X's pass decides is registered with it (o_ready, x_h2, and
	// the pass R_0 goes on to): the entry's choice, the grant and the
	// start words' lookup have no compare or increment in front of them.
	reg [QW-1:0] r_xqn;         // X's pass + 1
	reg [223:0]  r_xst;
	reg [31:0]   r_xp;
	reg [159:0]  r_xw;
	reg          r_ready, r_xh2;

	assign o_ready = r_ready;   // X is free, or in its nonce's last pass
	wire accept = i_valid && o_ready;
	wire x_h2 = r_xh2;          // X is in hash 1's last pass

	// the second hash's start: feed-forward of X's state (p is h after round
	// 63), eight pm_lines_add32 (the UP5K's DSP blocks)
	wire [255:0] x_h = {r_xst, r_xp};
	wire [255:0] h_ff;
	genvar hf;
	generate for (hf = 0; hf < 8; hf = hf + 1) begin : g_ff
		pm_lines_add32 u_add (
			.i_a(i_midstate[32 * hf +: 32]), .i_b(x_h[32 * hf +: 32]), .o_y(h_ff[32 * hf +: 32])
		);
	end endgenerate
	wire [31:0] h0 = h_ff[255:224], h1 = h_ff[223:192], h2 = h_ff[191:160], h3 = h_ff[159:128];
	wire [31:0] h4 = h_ff[127:96], h5 = h_ff[95:64], h6 = h_ff[63:32], h7 = h_ff[31:0];
	wire [191:0] h2_7 = {h2, h3, h4, h5, h6, h7};

	// H2..H7 delayed from X to the edge that loads the register whose line A
	// gives way to them (a cycle before the stage reads them): hw2 holds
	// hash 2's W0..W15 as the stages' start-word registers see them
	wire [511:0] hw2;
	assign hw2[511:448] = 64'd0;                    // W0, W1: in R_0's registers
	assign hw2[255:0] = {32'h80000000, 192'd0, 32'h00000100};
	genvar hk;
	generate for (hk = 2; hk < 8; hk = hk + 1) begin : g_h
		localparam integer D = h_cycles(hk) - 1;
		wire [31:0] h_in = h2_7[32 * (7 - hk) +: 32];
		wire [31:0] h_out;

		if (D >= 2) begin : g_ram
			pm_lines_delay #(.DELAY(D[15:0] - 16'd1), .WIDTH(8'd32)) u_line (
				.i_clk(i_clk), .i_data(h_in), .o_data(h_out)
			);
		end else if (D == 1) begin : g_reg
			reg [31:0] r_h;

			always @(posedge i_clk)
				r_h <= h_in;
			assign h_out = r_h;
		end else begin : g_now
			assign h_out = h_in;
		end
		assign hw2[32 * (15 - hk) +: 32] = h_out;
	end endgenerate

	// the first hash's words W0..W17 (W16, W17: from the tail): R_0's start
	// registers take five of them; the lines' start words are W2..W15, the
	// nonce (W3) delayed to the edge that loads the register whose line A
	// gives way to it (round 1, stage 1 - R1)
	wire [31:0]  w3 = bswap(i_nonce);
	wire [31:0]  w16 = pm_s0(i_tail[63:32]) + i_tail[95:64];
	wire [31:0]  w17 = pm_s1(32'h00000280) + pm_s0(i_tail[31:0]) + i_tail[63:32];
	reg  [31:0]  r_n0;
	wire [575:0] hw1 = {i_tail, R1 == 0 ? r_n0 : w3, 32'h80000000, 320'd0,
			    32'h00000280, w16, w17};

	always @(posedge i_clk)
		r_n0 <= w3;

	wire [159:0] w1 = {hw1[32 * (16 - R1) +: 64], hw1[32 * (8 - R1) +: 32],
			   hw1[32 * (2 - R1) +: 64]};

	// The sums of per-work words that enter p and hash 2's first K + W,
	// registered (as pm_engine_unrolled: held from the flush on).
	reg [31:0] r_p1, r_p2c, r_h1k;
	wire [31:0] p1_w;
	wire [223:0] st1;

	generate if (R1 == 0) begin : g_start0
		assign st1 = i_midstate[255:32];
		assign p1_w = i_midstate[31:0] + pm_k(6'd0) + i_tail[95:64];
	end else if (R1 == 1) begin : g_start1
		// after round 0: (a0, M0, M1, M2, e0, M4, M5, M6) =
		// (state3 c, d, M1, M2, state3 g, h, M5, M6)
		assign st1 = {i_state3[191:128], i_midstate[223:160], i_state3[63:0], i_midstate[95:64]};
		assign p1_w = i_midstate[63:32] + pm_k(6'd1) + i_tail[63:32];
	end else begin : g_start2
		// after rounds 0..1: (a1, a0, M0, M1, e1, e0, M4, M5) =
		// (state3 b, c, d, M1, state3 f, g, h, M5)
		assign st1 = {i_state3[223:128], i_midstate[223:192], i_state3[95:0]};
		assign p1_w = i_midstate[95:64] + pm_k(6'd2) + i_tail[31:0];
	end endgenerate

	always @(posedge i_clk) begin
		r_p1 <= p1_w;
		r_p2c <= i_midstate[255:224] + pm_iv(3'd7) + pm_k(6'd0);
		r_h1k <= i_midstate[223:192] + pm_k(6'd1);
	end

	wire [223:0] e_st = accept ? st1 : x_h2 ?
		{pm_iv(3'd0), pm_iv(3'd1), pm_iv(3'd2), pm_iv(3'd3),
		 pm_iv(3'd4), pm_iv(3'd5), pm_iv(3'd6)} : r_xst;
	wire [31:0]  e_p = accept ? r_p1 : x_h2 ? r_p2c + r_xst[223:192] : r_xp;
	wire [159:0] e_w = accept ? w1 : x_h2 ? {h0, h1, 64'd0, 32'h00000100} : r_xw;
	wire [QW-1:0] e_q = accept ? {QW{1'b0}} : r_xqn;

	// K[t+1] + W[t+1] of R_0's round: X's (summed by the last stage), or
	// hash 1's first or hash 2's (H1 = M1 + b, plus K1)
	reg  [31:0] r_xkw;
	wire [31:0] e_kw = accept ? pm_k(R1[5:0] + 6'd1) + w1[127:96] :
		x_h2 ? r_h1k + r_xst[191:160] : r_xkw;

	// ---- the stages ------------------------------------------------------------
	wire [32 * S - 1:0] all_w9, all_w14;    // each stage's W[t+9], W[t+14]: the lines' sources

	genvar s;
	generate for (s = 0; s < S; s = s + 1) begin : g_st
		localparam [32 * (1 << QW) - 1:0] KT = ktab(s);
		localparam [8 * (1 << QW) - 1:0] START_A = start_tab(s, 7, 5'd2);
		localparam [8 * (1 << QW) - 1:0] START_B = start_tab(s, 4, 5'd10);
		localparam integer SRC_A = line_src(s, 7);
		localparam integer SRC_B = line_src(s, 4);
		localparam integer D_A = line_cycles(s, 7);
		localparam integer D_B = line_cycles(s, 4);

		reg          r_v;
		reg [QW-1:0] r_q;
		reg [223:0]  r_st;
		reg [31:0]   r_p;
		reg [159:0]  r_w;       // W[t], W[t+1], W[t+9], W[t+14], W[t+15]
		reg [31:0]   r_kw;      // K[t+1] + W[t+1], summed by the stage before (0: see below)

		assign all_w9[32 * s +: 32] = r_w[95:64];
		assign all_w14[32 * s +: 32] = r_w[63:32];

		wire [223:0] w_st;
		wire [31:0]  w_p, w_new, line_a, line_b, kn;
		wire [31:0]  w_a, w_b;  // W[t+2], W[t+10]: the line's word or a start word
		wire [159:0] w_w = {r_w[127:96], w_a, w_b, r_w[31:0], w_new};
		// the next register's K + W: K[t+2] (KT at this register's pass) + W[t+2]
		wire [31:0]  w_kwn = kn + w_a;
		wire [QW-1:0] q_pre;    // the pass this register loads, but for an accept
		wire          q_acc;    // stage 0: an accept (pass 0)

		if (s == 0) begin : g_q0
			assign q_pre = r_xqn;
			assign q_acc = accept;
		end else begin : g_qn
			assign q_pre = g_st[s - 1].r_q;
			assign q_acc = 1'b0;
		end

		pm_delay #(.DELAY(D_A[15:0] - 16'd1), .WIDTH(8'd32)) u_line_a (
			.i_clk(i_clk), .i_data(all_w9[32 * SRC_A +: 32]), .o_data(line_a)
		);
		pm_delay #(.DELAY(D_B[15:0] - 16'd1), .WIDTH(8'd32)) u_line_b (
			.i_clk(i_clk), .i_data(all_w14[32 * SRC_B +: 32]), .o_data(line_b)
		);

		// The start words, chosen at the edge that loads the register (from
		// the pass it loads), so that a line's word or a start word is one
		// LUT level from the register: the entries are exclusive, so an OR.
		reg          c_ta, c_tb, c_hit, r_ta, r_tb;
		reg  [31:0]  c_sa, c_sb, r_sa, r_sb;

		integer i;
		always @(*) begin
			c_ta = 1'b0;
			c_tb = 1'b0;
			c_sa = 32'd0;
			c_sb = 32'd0;
			for (i = 0; i < 2 * P1; i = i + 1) begin
				c_hit = q_acc ? i == 0 : q_pre == i[QW-1:0];
				if (START_A[8 * i + 7] && c_hit) begin
					c_ta = 1'b1;
					c_sa = c_sa | (START_A[8 * i + 6] ? hw2[32 * (15 - START_A[8 * i +: 5]) +: 32] :
						hw1[32 * (17 - START_A[8 * i +: 5]) +: 32]);
				end
				if (START_B[8 * i + 7] && c_hit) begin
					c_tb = 1'b1;
					c_sb = c_sb | (START_B[8 * i + 6] ? hw2[32 * (15 - START_B[8 * i +: 5]) +: 32] :
						hw1[32 * (17 - START_B[8 * i +: 5]) +: 32]);
				end
			end
		end

		always @(posedge i_clk) begin
			r_ta <= c_ta;
			r_tb <= c_tb;
			r_sa <= c_sa;
			r_sb <= c_sb;
		end
		assign w_a = r_ta ? r_sa : line_a;
		assign w_b = r_tb ? r_sb : line_b;

		// KT at this register's pass: a lookup of the pass it loads (in
		// block RAM for SMALL), or of its own pass where the table is small
		if (!K_REG) begin : g_kt_logic
			assign kn = KT[{r_q, 5'd0} +: 32];
		end else begin : g_kt_reg
			pm_lines_ktab #(.AW(QW[7:0]), .TABLE(KT), .BLOCK(SMALL)) u_kt (
				.i_clk(i_clk), .i_addr(q_acc ? {QW{1'b0}} : q_pre), .o_k(kn)
			);
		end

		pm_sha256_round u_round (
			.i_state(r_st), .i_p(r_p), .i_kw(r_kw), .o_state(w_st), .o_p(w_p)
		);

		pm_sha256_wexp u_wexp (
			.i_w2(r_w[63:32]), .i_w7(r_w[95:64]), .i_w15(r_w[127:96]),
			.i_w16(r_w[159:128]), .o_w(w_new)
		);

		if (s == 0) begin : g_entry
			always @(posedge i_clk) begin
				r_q <= e_q;
				r_st <= e_st;
				r_p <= e_p;
				r_w <= e_w;
				r_kw <= e_kw;
				if (i_rst || i_flush)
					r_v <= 1'b0;
				else
					r_v <= accept || !r_ready;  // or X's nonce goes on
			end
		end else begin : g_next
			always @(posedge i_clk) begin
				r_q <= g_st[s - 1].r_q;
				r_st <= g_st[s - 1].w_st;
				r_p <= g_st[s - 1].w_p;
				r_w <= g_st[s - 1].w_w;
				// the end of hash 1: K + W = 0 leaves p = h after round 63
				if (s == S - 1 && g_st[s - 1].r_q == Q_H1END)
					r_kw <= 32'd0;
				else
					r_kw <= g_st[s - 1].w_kwn;
				if (i_rst || i_flush)
					r_v <= 1'b0;
				else
					r_v <= g_st[s - 1].r_v;
			end
		end
	end endgenerate

	// X's next slot is the last stage's now (a start enters R_0, not X)
	assign o_ready_next = i_rst || i_flush || !g_st[S - 1].r_v || g_st[S - 1].r_q == Q_LAST;

	always @(posedge i_clk) begin
		r_ready <= o_ready_next;
		r_xh2 <= g_st[S - 1].r_q == Q_H1END;
		r_xkw <= g_st[S - 1].w_kwn;
		r_xqn <= g_st[S - 1].r_q + 1'b1;
		r_xst <= g_st[S - 1].w_st;
		r_xp <= g_st[S - 1].w_p;
		r_xw <= g_st[S - 1].w_w;
	end

	// ---- the H7 test, on the register after stage 60 % S -----------------------
	// Over two cycles (pm_engine_unrolled's takes one): IV7 + e registered,
	// then the mask. In one cycle it was the HX8K's critical path at S = 4
	// (6.3 ns logic + 6.2-6.6 routing, every seed). So LATENCY is one more
	// than pm_engine_unrolled's (pm_engine_shape.vh), and the result still
	// comes before the nonce's slot is reused.
	wire          tap_v;
	wire [QW-1:0] tap_q;
	wire [31:0]   tap_e;
	generate if (S60 + 1 < S) begin : g_tap_stage
		assign tap_v = g_st[S60 + 1].r_v;
		assign tap_q = g_st[S60 + 1].r_q;
		assign tap_e = g_st[S60 + 1].r_st[95:64];
	end else begin : g_tap_exit
		reg          r_xv;
		reg [QW-1:0] r_xq;

		always @(posedge i_clk) begin
			r_xq <= g_st[S - 1].r_q;
			r_xv <= !i_rst && !i_flush && g_st[S - 1].r_v;
		end
		assign tap_v = r_xv;
		assign tap_q = r_xq;
		assign tap_e = r_xst[95:64];
	end endgenerate

	reg         r_tv;
	reg  [31:0] r_th7;

	always @(posedge i_clk) begin
		r_th7 <= pm_iv(3'd7) + tap_e;
		o_h7 <= r_th7;
		if (i_rst || i_flush) begin
			r_tv <= 1'b0;
			o_done <= 1'b0;
			o_found <= 1'b0;
		end else begin
			r_tv <= tap_v && tap_q == Q_LAST;
			o_done <= r_tv;
			o_found <= r_tv && (r_th7 & i_mask) == 32'd0;
		end
	end

	pm_delay #(.DELAY(LATENCY), .WIDTH(8'd32)) u_nonce (
		.i_clk(i_clk), .i_data(i_nonce), .o_data(o_nonce)
	);
endmodule

`default_nettype wire
