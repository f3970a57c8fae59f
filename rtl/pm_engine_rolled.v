// pm_engine_rolled: one SHA-256 round datapath, time-shared by two nonces
// and by both hashes of each (docs/rtl.md). The round is cut in two by a
// register (stage A: T1 = h + K + W + S1(e) + Ch, T2 = S0(a) + Maj; stage
// B: a = T1 + T2, e = d + T1) and the two nonces alternate: each clock one
// is in stage A and the other in stage B, so a round per clock at about
// twice the clock of an uncut round. Every other per-nonce register is a
// pair, _1 read by stage A and _2 by stage B (x_2 <= x_1 each clock; stage
// B writes x_1 with the nonce's next step). Per nonce, 124 steps of two
// clocks each; a nonce is accepted at the end of a stage B:
//
//   accept   state := state3 (a..g after rounds 0..2 of block 2, the host's),
//            p := h3 + K3 + W3 with W3 = bswap32(nonce)
//   61 steps rounds 3..63 of block 2 (the last with K+W = 0, so p ends as
//            h after round 63)
//   1 step   feed-forward: H = midstate + state; state := IV,
//            p := IV7 + K0 + H0
//   61 steps rounds 0..60 of the second hash
//   1 step   the H7 test: H7 = IV7 + e (e after round 60), a result when
//            (H7 & i_mask) == 0; the nonce's next is accepted in this step
//
// so CYCLES = 124 (two nonces per 248 clocks) and LATENCY = 248.
//
// What is only read, never computed on, lives in block RAM (an iCE40
// part's EBR; the UP5K boards this engine is for are short of logic cells,
// not of RAM): K is a ROM, and the message schedule is two RAM copies (one
// per read tap) of the 64 words of each hash of each nonce, at {nonce slot,
// hash, index}, written a word a step. Stage B of step t presents the
// addresses for step t + 1, whose stage A gets W[t-3] and W[t-11]; stage A
// of step t reads K[t+2] for its stage B, which sums K + W of the next round.
// Only the words next to the round are registers: w1 = W[t+1] (K + W of
// the next round), w2 = W[t+2]; stage A sums W[t-4] + s0(W[t-12]) + W[t-13]
// (w16: the copy-B word of the step before) and stage B adds s1(w1): W[t+3].
// w1 is written back at its index t + 1.
//
// The RAM starts with the padding words of both hashes (W4..W15 of block 2,
// W8..W15 of the second hash), which nothing overwrites with another value.
// The per-nonce words are written where the expansion does not write: W0..W2
// (the tail) and W3 in the steps of rounds 3..6; H0 at the feed-forward;
// H1..H7 as they pass through w1 (H3..H7 wait in hq until rounds 0..4).
//
// i_midstate, i_state3, i_tail and i_mask are per-work words, broadcast and
// held stable by the caller while a unit runs. i_flush (a load or an abort)
// drops both nonces in flight: nothing is reported for them.
`default_nettype none

module pm_engine_rolled (
	input  wire         i_clk,
	input  wire         i_rst,
	input  wire         i_flush,
	input  wire [255:0] i_midstate,     // H0 in [255:224]
	input  wire [255:0] i_state3,       // a in [255:224] .. h in [31:0]
	input  wire [95:0]  i_tail,         // W0 in [95:64], W1, W2
	input  wire [31:0]  i_mask,         // H7 bits that must be zero
	input  wire         i_valid,        // a nonce is offered
	input  wire [31:0]  i_nonce,        // its value (W3 = bswap32)
	output wire         o_ready,        // it is accepted when valid && ready
	output wire         o_ready_next,   // o_ready on the next edge (for a registered grant)
	output reg          o_done,         // one cycle: a nonce is hashed
	output reg          o_found,        // with o_done: it passes the filter
	output reg  [31:0]  o_nonce,        // with o_done: that nonce
	output reg  [31:0]  o_h7            // with o_done: H7 of its double hash
);
	`include "pm_sha256_fn.vh"
	`include "pm_engine_shape.vh"

	localparam [15:0] LATENCY = pm_latency(2'd0, 8'd1);
	localparam [15:0] CYCLES = pm_cycles(2'd0, 8'd1);

	localparam [2:0] S_IDLE = 3'd0, S_H1 = 3'd1, S_FF = 3'd2, S_H2 = 3'd3, S_TEST = 3'd4;

	function [31:0] bswap;
		input [31:0] x;
		begin
			bswap = {x[7:0], x[15:8], x[23:16], x[31:24]};
		end
	endfunction

	// the padding words: W4..W15 of block 2 (hash 1), W8..W15 of hash 2
	function [31:0] pad;
		input [6:0] a;          // {hash 2, index}
		begin
			if (a == 7'd4 || a == 7'd72)
				pad = 32'h80000000;
			else if (a == 7'd15)
				pad = 32'h00000280;
			else if (a == 7'd79)
				pad = 32'h00000100;
			else
				pad = 32'd0;
		end
	endfunction

	// ---- registers --------------------------------------------------------------
	// the round: st1/p1 (stage A's input), the cut (stage B's input)
	reg  [223:0] r_st1;         // a..g
	reg  [31:0]  r_p1;          // h + K[t] + W[t]
	reg  [31:0]  r_t1, r_t2;    // the cut: T1, T2
	reg  [191:0] r_abcdef;      // the cut: a, b, c, d, e, f
	reg  [31:0]  r_pc;          // the cut: the next p (g + K + W), or at the feed-forward IV7 + K0 + H0
	// per-nonce pairs
	reg  [2:0]   r_ph1, r_ph2;  // phase
	reg  [5:0]   r_n1, r_n2;    // the round of the step
	reg  [31:0]  r_nonce1, r_nonce2;
	reg  [31:0]  r_w1_1, r_w1_2, r_w2_1, r_w2_2;   // W[t+1], W[t+2]
	reg  [31:0]  r_w16_1, r_w16_2;                  // W[t-13]; at the feed-forward H0
	reg  [159:0] r_hq1, r_hq2;  // hash 2: H3..H7, the next in [159:128]
	reg  [31:0]  r_part;        // stage B: W[t-4] + s0(W[t-12]) + W[t-13]
	reg  [31:0]  r_kw;          // stage A: K[t+1] + W[t+1] (0 for round 63 of block 2)
	reg          r_kw_acc, r_kw_zero, r_kw_h1;    // stage B: which K + W is next
	reg  [31:0]  r_h7;          // stage B: IV7 + e, H7 in the step of the test
	reg          r_slot;        // the nonce slot in stage B
	// read by stage A, addressed by the stage B before
	reg  [31:0]  r_rda, r_rdb;  // W[t-4] (copy A), W[t-12] (copy B)
	// read by stage B, addressed by its stage A
	reg  [31:0]  r_k;           // K[t+2]

	// K, and the schedule of each slot and hash at {slot, hash 2, index}
	(* rom_style = "block" *) reg [31:0] r_krom [0:63];
	reg  [31:0]  r_wa [0:255];
	reg  [31:0]  r_wb [0:255];

	integer n;
	initial begin
		for (n = 0; n < 64; n = n + 1)
			r_krom[n] = pm_k(n[5:0]);
		for (n = 0; n < 256; n = n + 1) begin
			r_wa[n] = pad(n[6:0]);
			r_wb[n] = pad(n[6:0]);
		end
	end

	// ---- stage A: the first half of the round -------------------------------------
	wire ff1 = r_ph1 == S_FF;
	wire [31:0] a = r_st1[223:192], b = r_st1[191:160], c = r_st1[159:128];
	wire [31:0] d = r_st1[127:96], e = r_st1[95:64], f = r_st1[63:32], g = r_st1[31:0];
	wire [31:0] t1 = r_p1 + `PM_S1(e) + `PM_CH(e, f, g);
	wire [31:0] t2 = `PM_S0(a) + `PM_MAJ(a, b, c);
	// the feed-forward: H = midstate + state (H0..H2 for the round and the
	// schedule now, H3..H7 into hq)
	wire [31:0] h0 = i_midstate[255:224] + a;
	wire [31:0] h1 = i_midstate[223:192] + b;
	wire [31:0] h2 = i_midstate[191:160] + c;
	wire [159:0] h3_7 = {i_midstate[159:128] + d, i_midstate[127:96] + e,
			     i_midstate[95:64] + f, i_midstate[63:32] + g, i_midstate[31:0] + r_p1};

	always @(posedge i_clk) begin
		r_t1 <= t1;
		r_t2 <= t2;
		r_abcdef <= r_st1[223:32];
		r_pc <= ff1 ? pm_iv(3'd7) + pm_k(6'd0) + h0 : g + r_kw;
		r_k <= r_krom[ff1 ? 6'd1 : r_n1 + 6'd2];
		r_kw_acc <= r_ph1 == S_IDLE || r_ph1 == S_TEST;
		r_kw_zero <= r_ph1 == S_H1 && r_n1 == 6'd62;
		r_kw_h1 <= ff1;
		r_part <= r_rda + `PM_s0(r_rdb) + r_w16_1;
		r_ph2 <= i_rst || i_flush ? S_IDLE : r_ph1;
		r_n2 <= r_n1;
		r_nonce2 <= r_nonce1;
		r_w1_2 <= ff1 ? h1 : r_w1_1;
		r_w2_2 <= ff1 ? h2 : r_w2_1;
		r_w16_2 <= ff1 ? h0 : r_rdb;
		r_hq2 <= ff1 ? h3_7 : r_hq1;
		r_h7 <= pm_iv(3'd7) + e;        // in the step of the test: e after round 60
	end

	// ---- stage B: the second half, and the nonce's next step ---------------------
	wire h1_2 = r_ph2 == S_H1, ff2 = r_ph2 == S_FF, h2_2 = r_ph2 == S_H2;
	wire test2 = r_ph2 == S_TEST;
	wire [31:0] t1c = r_t1;
	wire [31:0] a_new, e_new;
	pm_add32 u_a (.i_a(t1c), .i_b(r_t2), .o_y(a_new));
	assign e_new = r_abcdef[95:64] + t1c;       // d + T1

	assign o_ready = r_ph2 == S_IDLE || test2;
	wire accept = i_valid && o_ready;
	// the nonce in stage A now is in stage B on the next edge, its phase unchanged
	assign o_ready_next = i_rst || i_flush || r_ph1 == S_IDLE || r_ph1 == S_TEST;

	// W[t+3]: expanded from W16 on; before, the padding or (hash 2) H[t+3]
	wire [31:0] w_exp = `PM_s1(r_w1_2) + r_part;
	wire [5:0]  n3 = r_n2 + 6'd3;
	// K + W of the nonce's next round: K4 + W4 after an accept (whatever
	// it is when no nonce is accepted), K1 + H1 after the feed-forward, 0
	// before round 63 of block 2. The operands are chosen, not the sum, by
	// selects stage A registered, so the sum is one carry chain into r_kw.
	wire [31:0] kw_k = r_kw_acc ? pm_k(6'd4) : r_kw_zero ? 32'd0 : r_k;
	wire [31:0] kw_w = r_kw_acc ? 32'h80000000 : r_kw_zero ? 32'd0 : r_kw_h1 ? r_w1_2 : r_w2_2;
	reg  [31:0] w_in;
	always @(*) begin
		if (r_n2 >= 6'd13)
			w_in = w_exp;
		else if (h2_2 && r_n2 < 6'd5)
			w_in = r_hq2[159:128];
		else
			w_in = pad({h2_2, n3});
	end

	// RAM writes: w1 at index t+1, except W0..W3 of block 2 (rounds 3..6) and
	// H0 (the feed-forward)
	wire        wr_pre = h1_2 && r_n2 < 6'd7;
	wire        we = ff2 || h2_2 || (h1_2 && r_n2 != 6'd63);
	wire [6:0]  waddr = ff2 ? 7'd64 : wr_pre ? {1'b0, r_n2 - 6'd3} : {h2_2, r_n2 + 6'd1};
	reg  [31:0] wdata;
	always @(*) begin
		if (ff2)
			wdata = r_w16_2;
		else if (!wr_pre)
			wdata = r_w1_2;
		else case (r_n2[1:0])
			2'd3: wdata = i_tail[95:64];
			2'd0: wdata = i_tail[63:32];
			2'd1: wdata = i_tail[31:0];
			default: wdata = bswap(r_nonce2);
		endcase
	end
	// reads for the nonce's next step: W[t-3], W[t-11]
	wire [7:0]  ra = {r_slot, ff2 || h2_2, r_n2 - 6'd3};
	wire [7:0]  rb = {r_slot, ff2 || h2_2, r_n2 - 6'd11};

	always @(posedge i_clk) begin
		if (we) begin
			r_wa[{r_slot, waddr}] <= wdata;
			r_wb[{r_slot, waddr}] <= wdata;
		end
		r_rda <= r_wa[ra];
		r_rdb <= r_wb[rb];
		r_kw <= kw_k + kw_w;
		r_slot <= !i_rst && !r_slot;
	end

	wire [31:0] w3 = bswap(i_nonce);

	always @(posedge i_clk) begin
		if (accept) begin
			r_st1 <= i_state3[255:32];
			r_p1 <= i_state3[31:0] + pm_k(6'd3) + w3;
			r_w1_1 <= 32'h80000000;             // W4
			r_w2_1 <= 32'd0;                    // W5
			r_n1 <= 6'd3;
			r_nonce1 <= i_nonce;
		end else if (ff2) begin
			r_st1 <= {pm_iv(3'd0), pm_iv(3'd1), pm_iv(3'd2), pm_iv(3'd3),
				  pm_iv(3'd4), pm_iv(3'd5), pm_iv(3'd6)};
			r_p1 <= r_pc;
			r_w1_1 <= r_w1_2;                   // H1, H2 from stage A
			r_w2_1 <= r_w2_2;
			r_n1 <= 6'd0;
			r_nonce1 <= r_nonce2;
		end else begin
			r_st1 <= {a_new, r_abcdef[191:96], e_new, r_abcdef[63:0]};
			r_p1 <= r_pc;
			r_w1_1 <= r_w2_2;
			r_w2_1 <= w_in;
			r_n1 <= r_n2 + 6'd1;
			r_nonce1 <= r_nonce2;
		end
		r_hq1 <= ff2 ? r_hq2 : {r_hq2[127:0], 32'd0};
		r_w16_1 <= r_w16_2;
	end

	// ---- control and the H7 test --------------------------------------------
	always @(posedge i_clk) begin
		o_nonce <= r_nonce2;
		o_h7 <= r_h7;
		if (i_rst || i_flush) begin
			r_ph1 <= S_IDLE;
			o_done <= 1'b0;
			o_found <= 1'b0;
		end else begin
			o_done <= test2;
			o_found <= test2 && (r_h7 & i_mask) == 32'd0;
			if (accept)
				r_ph1 <= S_H1;
			else if (test2)
				r_ph1 <= S_IDLE;
			else if (h1_2 && r_n2 == 6'd63)
				r_ph1 <= S_FF;
			else if (ff2)
				r_ph1 <= S_H2;
			else if (h2_2 && r_n2 == 6'd60)
				r_ph1 <= S_TEST;
			else
				r_ph1 <= r_ph2;
		end
	end
endmodule

`default_nettype wire
