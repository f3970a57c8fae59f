// pm_engine_rolled: one SHA-256 round per clock, time-shared by both hashes
// of SHA-256d (docs/rtl.md). Per nonce, 124 cycles (LATENCY = CYCLES):
//
//   accept   state := state3 (a..g after rounds 0..2 of block 2, the host's),
//            p := h3 + K3 + W3 with W3 = bswap32(nonce), the message window
//            := W0..W15 of block 2 (tail, W3, padding literals)
//   61 cycles rounds 3..63 of block 2 (the last with K+W = 0, so p ends as
//            h after round 63)
//   1 cycle  feed-forward: H = midstate + state, all eight words at once;
//            state := IV, p := IV7 + K0 + H0, window := H0..H7 + padding
//   61 cycles rounds 0..60 of the second hash
//   1 cycle  the H7 test: H7 = IV7 + e (e after round 60), a result when
//            (H7 & i_mask) == 0; the next nonce is accepted on this edge
//
// The round is pm_sha256_round (p = h + K + W a cycle early, K from a ROM
// read one round ahead into r_k); the window is a 16-word shift register of
// W[t-3..t+12] at round t, fed by pm_sha256_wexp (W[t+13]). The second hash
// enters with W0..W12 in place, so during its rounds 0..2 the shifted-in
// W13..W15 are the padding literals instead of the expansion.
//
// i_midstate, i_state3, i_tail and i_mask are per-work words, broadcast and
// held stable by the caller while a unit runs. i_flush (a load or an abort)
// drops the nonce in flight: nothing is reported for it.
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

	reg  [2:0]   r_phase;
	reg  [5:0]   r_t;           // the round being computed
	reg  [223:0] r_st;          // a..g
	reg  [31:0]  r_p;           // h + K[t] + W[t]
	reg  [31:0]  r_k;           // K[t+1]
	reg  [511:0] r_w;           // W[t-3] in [511:480] .. W[t+12] in [31:0]
	reg  [31:0]  r_nonce;

	wire accept = i_valid && o_ready;
	assign o_ready = r_phase == S_IDLE || r_phase == S_TEST;
	assign o_ready_next = i_rst || i_flush || (o_ready && !accept) ||
		(r_phase == S_H2 && r_t == 6'd60);

	function [31:0] win;        // window position k (0 = oldest)
		input [511:0] w;
		input integer k;
		begin
			win = w[511 - 32 * k -: 32];
		end
	endfunction

	function [31:0] bswap;
		input [31:0] x;
		begin
			bswap = {x[7:0], x[15:8], x[23:16], x[31:24]};
		end
	endfunction

	// ---- the round and the schedule ---------------------------------------
	wire         last1 = r_phase == S_H1 && r_t == 6'd63;
	wire [31:0]  kw = last1 ? 32'd0 : r_k + win(r_w, 4);
	wire [223:0] st_next;
	wire [31:0]  p_next, w_new;

	pm_sha256_round u_round (
		.i_state(r_st), .i_p(r_p), .i_kw(kw), .o_state(st_next), .o_p(p_next)
	);

	pm_sha256_wexp u_wexp (
		.i_w2(win(r_w, 14)), .i_w7(win(r_w, 9)), .i_w15(win(r_w, 1)), .i_w16(win(r_w, 0)),
		.o_w(w_new)
	);

	// Rounds 0..2 of the second hash shift in W13 = W14 = 0, W15 = 256 bits.
	wire         pad2 = r_phase == S_H2 && r_t < 6'd3;
	wire [31:0]  w_in = pad2 ? (r_t == 6'd2 ? 32'h00000100 : 32'd0) : w_new;

	// ---- feed-forward: the digest of block 2 is the second hash's W0..W7 ---
	wire [31:0] h0 = i_midstate[255:224] + r_st[223:192];
	wire [31:0] h1 = i_midstate[223:192] + r_st[191:160];
	wire [31:0] h2 = i_midstate[191:160] + r_st[159:128];
	wire [31:0] h3 = i_midstate[159:128] + r_st[127:96];
	wire [31:0] h4 = i_midstate[127:96] + r_st[95:64];
	wire [31:0] h5 = i_midstate[95:64] + r_st[63:32];
	wire [31:0] h6 = i_midstate[63:32] + r_st[31:0];
	wire [31:0] h7 = i_midstate[31:0] + r_p;       // p is h after round 63

	wire [31:0] w3 = bswap(i_nonce);
	wire [31:0] h7_out = pm_iv(3'd7) + r_st[95:64];   // e after round 60

	always @(posedge i_clk) begin
		if (accept) begin
			r_st <= i_state3[255:32];
			r_p <= i_state3[31:0] + pm_k(6'd3) + w3;
			r_k <= pm_k(6'd4);
			r_w <= {i_tail, w3, 32'h80000000, 320'd0, 32'h00000280};
			r_t <= 6'd3;
			r_nonce <= i_nonce;
		end else if (r_phase == S_FF) begin
			r_st <= {pm_iv(3'd0), pm_iv(3'd1), pm_iv(3'd2), pm_iv(3'd3),
				 pm_iv(3'd4), pm_iv(3'd5), pm_iv(3'd6)};
			r_p <= pm_iv(3'd7) + pm_k(6'd0) + h0;
			r_k <= pm_k(6'd1);
			r_w <= {r_w[479:384], h0, h1, h2, h3, h4, h5, h6, h7, 32'h80000000, 128'd0};
			r_t <= 6'd0;
		end else begin
			r_st <= st_next;
			r_p <= p_next;
			r_k <= pm_k(r_t + 6'd2);
			r_w <= {r_w[479:0], w_in};
			r_t <= r_t + 6'd1;
		end
	end

	// ---- control and the H7 test --------------------------------------------
	always @(posedge i_clk) begin
		o_nonce <= r_nonce;
		o_h7 <= h7_out;
		if (i_rst || i_flush) begin
			r_phase <= S_IDLE;
			o_done <= 1'b0;
			o_found <= 1'b0;
		end else begin
			o_done <= r_phase == S_TEST;
			o_found <= r_phase == S_TEST && (h7_out & i_mask) == 32'd0;
			if (accept)
				r_phase <= S_H1;
			else if (r_phase == S_TEST)
				r_phase <= S_IDLE;
			else if (r_phase == S_H1 && r_t == 6'd63)
				r_phase <= S_FF;
			else if (r_phase == S_FF)
				r_phase <= S_H2;
			else if (r_phase == S_H2 && r_t == 6'd60)
				r_phase <= S_TEST;
		end
	end
endmodule

`default_nettype wire
