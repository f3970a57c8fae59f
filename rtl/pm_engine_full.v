// pm_engine_full: the double hash fully unrolled, one nonce per clock
// (docs/rtl.md). 122 stages between 123 register boundaries:
//
//   boundary 0        the entry: W3 = bswap32(nonce) and p = h + K3 + W3 of
//                     round 3 (the rest of the state is state3, broadcast)
//   stages 0..60      rounds 3..63 of block 2 (pm_sha256_round each; the
//                     last with K + W = 0 so p leaves as h after round 63)
//   stage 61          feed-forward and round 0 of the second hash: H =
//                     midstate + state; with the IV constant, round 0 folds
//                     to a = H0 + CA, e = H0 + CE, p = H1 + IV6 + K1
//   stages 62..121    rounds 1..60 of the second hash (57..60 need no a)
//   after boundary 122 (e after round 60) the H7 test: H7 = IV7 + e
//
// Rounds and expansion steps whose inputs are all signals are the chained
// forms (rtl/chain/: pm_sha256_round_cc, pm_sha256_wexp_cc), carry chains
// that take Ch and Maj into their own LUTs on ECP5 (docs/rtl.md).
//
// LATENCY 123, CYCLES 1. Every boundary has the same 24 slots: a..g, p and
// the message window, W[m] in slot 8 + m % 16. Localparam expressions sort
// each (boundary, slot) into one of six classes:
//
//   REG    depends on the nonce: a pipeline register
//   CONST  a literal (padding words, the IV): synthesis folds the logic
//          that reads it
//   WORK   a per-work word (state3 in the first rounds, the tail W0..W2):
//          read straight from the broadcast input, never piped
//   DEAD   no later stage reads it: no register (a message word after its
//          last use, a after round 56 of the second hash, ...)
//   LINE   a message word between two of its reads (or its making and a
//          read) that lie LINE_MIN or more boundaries apart: carried by a
//          delay line, a 16 x 32 RAM (block RAM on ECP5), not registers
//   TAP    the boundary that ends such a stretch: the line's output
//          register, which the line fills from the REG where it began
//
// So the schedule is a shrinking window: W[m] is computed one stage before
// its round needs it (by the stage of round m - 2) and kept only until its
// last use (at most round m + 14). A word of the expansion, W[m], is read
// at rounds m - 1, m, m + 5, m + 13 and m + 14, so its boundaries m + 6 to
// m + 12 are a line (a word read fewer times, such as the second hash's
// W0..W7, has a longer one). A line saves 4 to 13 registers of 32 bits for
// one RAM: 88 lines, 619 registers (19,808 flip-flops); on ECP5 each is a
// DP16KD, of which the 85F has 208 (docs/rtl.md). The nonce is not piped:
// pm_delay returns it when its result is registered. i_flush clears every
// valid bit.
`default_nettype none

module pm_engine_full (
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
	output wire         o_ready_next,   // o_ready on the next edge: always
	output reg          o_done,
	output reg          o_found,
	output wire [31:0]  o_nonce,
	output reg  [31:0]  o_h7
);
	`include "pm_sha256_fn.vh"
	`include "pm_engine_shape.vh"

	localparam [15:0] LATENCY = pm_latency(2'd2, 8'd1);
	localparam [15:0] CYCLES = pm_cycles(2'd2, 8'd1);

	localparam integer NB = 123;        // register boundaries 0..122
	localparam integer NST = 122;       // stages 0..121
	localparam integer NSL = 24;        // slots per boundary
	localparam integer C_DEAD = 0, C_REG = 1, C_CONST = 2, C_WORK = 3, C_LINE = 4, C_TAP = 5;
	localparam integer LINE_MIN = 4;    // a stretch this long or longer goes in a line

	function [31:0] bswap;
		input [31:0] x;
		begin
			bswap = {x[7:0], x[15:8], x[23:16], x[31:24]};
		end
	endfunction

	// Round 0 of hash 2 from the IV: a = W0 + CA, e = W0 + CE.
	localparam [31:0] T1_IV = pm_iv(3'd7) + pm_S1(pm_iv(3'd4)) +
		pm_ch(pm_iv(3'd4), pm_iv(3'd5), pm_iv(3'd6)) + pm_k(6'd0);
	localparam [31:0] CA = T1_IV + pm_S0(pm_iv(3'd0)) +
		pm_maj(pm_iv(3'd0), pm_iv(3'd1), pm_iv(3'd2));
	localparam [31:0] CE = T1_IV + pm_iv(3'd3);
	localparam [31:0] C_P1 = pm_iv(3'd6) + pm_k(6'd1);

	// ---- boundaries and stages ------------------------------------------------
	wire [31:0] w_v [0:NB * NSL - 1] /*verilator split_var*/;   // the value of each slot at each boundary
	wire [31:0] w_o [0:NST * NSL - 1] /*verilator split_var*/;  // each stage's outputs (boundary + 1)
	reg  [NB-1:0] r_valid;              // one valid bit per boundary

	wire [31:0] w3 = bswap(i_nonce);
	assign o_ready = 1'b1;
	assign o_ready_next = 1'b1;

	// the delay lines' common address: each line is written at r_la and
	// read at r_la - its delay (at most 15) every cycle, as the pipeline
	// never stalls; no reset, like pm_delay's
	reg [3:0] r_la;

	always @(posedge i_clk)
		r_la <= r_la + 1'b1;

	genvar b, sl, i, j;
	// The class of each (boundary b, slot sl), as localparam expressions
	// (Yosys evaluates constant functions far too slowly for 2952 slots).
	// Boundary b is the input of round R of hash 1 (b <= 61: R = b + 3; b =
	// 61 is "after round 63") or of hash 2 (b >= 62: R = b - 61).
	generate for (b = 0; b < NB; b = b + 1) begin : g_bnd
		localparam integer H2 = b >= 62 ? 1 : 0;
		localparam integer R = b <= 61 ? b + 3 : b - 61;
		localparam integer JMAX = H2 != 0 ? 60 : 63;   // the last W used
		localparam integer LO = R > 14 ? R - 14 : 0;    // the lowest live W

		for (sl = 0; sl < NSL; sl = sl + 1) begin : g_slot
			// state slot: a_SM (sl 0..3) or e_SM (sl 4..6), the value computed
			// by round SM; SM < 0 is the IV (hash 2), SM <= 2 is state3 (hash 1)
			localparam integer SM = R - 1 - (sl < 4 ? sl : sl - 4);
			localparam integer S_LIVE = H2 == 0 || (sl < 4 && R <= 57 + sl) ||
				(sl >= 4 && R <= 60) || (sl == 4 && R == 61) ? 1 : 0;
			localparam integer IVI = (sl < 4 ? 0 : 4) - 1 - SM;
			// W slot: W[M], M = sl - 8 mod 16 in [LO, LO + 15]; read for p at
			// round M - 1 and by the expansion of W[M+2], W[M+7], W[M+15],
			// W[M+16] (at rounds M, M + 5, M + 13, M + 14)
			localparam integer J = sl >= 8 ? sl - 8 : 0;
			localparam integer M = LO + (J - LO + 64) % 16;
			localparam integer U0 = M <= JMAX ? M - 1 : -1;
			localparam integer U1 = M + 2 >= 16 && M + 2 <= JMAX && M > U0 ? M : U0;
			localparam integer U2 = M + 7 >= 16 && M + 7 <= JMAX && M + 5 > U1 ? M + 5 : U1;
			localparam integer U3 = M + 15 >= 16 && M + 15 <= JMAX && M + 13 > U2 ? M + 13 : U2;
			localparam integer LAST = M + 16 <= JMAX && M + 14 > U3 ? M + 14 : U3;
			localparam integer W_LIVE = (M < 16 || M - 1 <= R) && R <= LAST ? 1 : 0;

			localparam integer CLS0 =
				sl < 7 ? (S_LIVE == 0 ? C_DEAD : H2 == 0 ? (SM <= 2 ? C_WORK : C_REG) :
					  SM < 0 ? C_CONST : C_REG) :
				sl == 7 ? (H2 == 0 || R <= 60 ? C_REG : C_DEAD) :
				W_LIVE == 0 ? C_DEAD :
				H2 == 0 ? (M <= 2 ? C_WORK : M == 3 || M >= 16 ? C_REG : C_CONST) :
				M <= 7 || M >= 16 ? C_REG : C_CONST;
			// A message word's boundaries: it is needed where it is made (PW)
			// and where it is read (C1..C5, ascending where present); between
			// them it is only carried. The longest such stretch, LX to LY, goes
			// through a delay line in block RAM when it is LINE_MIN or longer
			// (LY - LX - 1 registers saved): LX stays a register, which the
			// line takes in, LX + 1 .. LY - 1 hold nothing (C_LINE) and LY is
			// the line's output register (C_TAP). Only the longest: a line for
			// every stretch of LINE_MIN or more (153, not 88) routed worse on
			// the 85F, the nets to the RAM sites being long (docs/rtl.md).
			localparam integer PW = M >= 16 ? M - 1 : H2 != 0 ? 1 : 3;
			localparam integer C1 = M <= JMAX && M - 1 > PW ? M - 1 : -1;
			localparam integer C2 = M + 2 >= 16 && M + 2 <= JMAX ? M : -1;
			localparam integer C3 = M + 7 >= 16 && M + 7 <= JMAX ? M + 5 : -1;
			localparam integer C4 = M + 15 >= 16 && M + 15 <= JMAX ? M + 13 : -1;
			localparam integer C5 = M + 16 <= JMAX ? M + 14 : -1;
			localparam integer Q1 = C1 >= 0 ? C1 : PW;      // the last needed so far
			localparam integer X1 = PW, Y1 = Q1;            // the longest stretch so far
			localparam integer Q2 = C2 >= 0 ? C2 : Q1;
			localparam integer X2 = Q2 - Q1 > Y1 - X1 ? Q1 : X1, Y2 = Q2 - Q1 > Y1 - X1 ? Q2 : Y1;
			localparam integer Q3 = C3 >= 0 ? C3 : Q2;
			localparam integer X3 = Q3 - Q2 > Y2 - X2 ? Q2 : X2, Y3 = Q3 - Q2 > Y2 - X2 ? Q3 : Y2;
			localparam integer Q4 = C4 >= 0 ? C4 : Q3;
			localparam integer X4 = Q4 - Q3 > Y3 - X3 ? Q3 : X3, Y4 = Q4 - Q3 > Y3 - X3 ? Q4 : Y3;
			localparam integer Q5 = C5 >= 0 ? C5 : Q4;
			localparam integer LX = Q5 - Q4 > Y4 - X4 ? Q4 : X4, LY = Q5 - Q4 > Y4 - X4 ? Q5 : Y4;
			localparam integer CLS =
				sl < 8 || CLS0 != C_REG || LY - LX < LINE_MIN || R <= LX || R > LY ? CLS0 :
				R < LY ? C_LINE : C_TAP;
			// WORK sources: 0..7 state3 word (a..h), 8..10 tail word (W0..W2)
			localparam integer SRC = sl < 4 ? 2 - SM : sl < 7 ? 6 - SM : 8 + M;
			localparam [31:0] CVAL =
				sl < 7 ? (IVI == 0 ? 32'h6a09e667 : IVI == 1 ? 32'hbb67ae85 :
					  IVI == 2 ? 32'h3c6ef372 : IVI == 3 ? 32'ha54ff53a :
					  IVI == 4 ? 32'h510e527f : IVI == 5 ? 32'h9b05688c :
					  IVI == 6 ? 32'h1f83d9ab : 32'h5be0cd19) :
				H2 == 0 ? (M == 4 ? 32'h80000000 : M == 15 ? 32'h00000280 : 32'd0) :
				(M == 8 ? 32'h80000000 : M == 15 ? 32'h00000100 : 32'd0);

			if (CLS == C_REG) begin : g_reg
				reg [31:0] r;
				if (b == 0) begin : g_entry
					// only p (slot 7) and W3 (slot 11) depend on the nonce
					always @(posedge i_clk)
						r <= sl == 7 ? i_state3[31:0] + pm_k(6'd3) + w3 : w3;
				end else begin : g_pipe
					always @(posedge i_clk)
						r <= w_o[(b - 1) * NSL + sl];
				end
				assign w_v[b * NSL + sl] = r;
			end else if (CLS == C_TAP) begin : g_tap
				// the line from boundary b - (LY - LX): a register's worth of
				// delay is this one's, so the RAM delays LY - LX - 1 cycles
				localparam [31:0] LD_W = LY - LX - 1;
				localparam [3:0] LD = LD_W[3:0];
				(* ram_style = "block" *) reg [31:0] mem [0:15];
				wire [3:0] ra = r_la - LD;
				reg [31:0] q;
				always @(posedge i_clk) begin
					mem[r_la] <= w_v[(b - (LY - LX)) * NSL + sl];
					q <= mem[ra];
				end
				assign w_v[b * NSL + sl] = q;
			end else if (CLS == C_CONST) begin : g_const
				assign w_v[b * NSL + sl] = CVAL;
			end else if (CLS == C_WORK && SRC < 8) begin : g_state3
				assign w_v[b * NSL + sl] = i_state3[255 - 32 * SRC -: 32];
			end else if (CLS == C_WORK) begin : g_tail
				assign w_v[b * NSL + sl] = i_tail[95 - 32 * (SRC - 8) -: 32];
			end else begin : g_dead
				assign w_v[b * NSL + sl] = 32'd0;
			end
		end
	end endgenerate

	generate for (i = 0; i < NST; i = i + 1) begin : g_stage
		localparam integer BI = i * NSL;        // the stage's input slots
		if (i == 61) begin : g_ff
			// feed-forward (p is h after round 63) and round 0 of hash 2
			wire [31:0] h0 = i_midstate[255:224] + w_v[BI + 0];
			wire [31:0] h1 = i_midstate[223:192] + w_v[BI + 1];
			assign w_o[BI + 0] = h0 + CA;
			assign w_o[BI + 4] = h0 + CE;
			assign w_o[BI + 7] = h1 + C_P1;
			assign w_o[BI + 8] = h0;
			assign w_o[BI + 9] = h1;
			assign w_o[BI + 10] = i_midstate[191:160] + w_v[BI + 2];
			assign w_o[BI + 11] = i_midstate[159:128] + w_v[BI + 3];
			assign w_o[BI + 12] = i_midstate[127:96] + w_v[BI + 4];
			assign w_o[BI + 13] = i_midstate[95:64] + w_v[BI + 5];
			assign w_o[BI + 14] = i_midstate[63:32] + w_v[BI + 6];
			assign w_o[BI + 15] = i_midstate[31:0] + w_v[BI + 7];
			for (j = 1; j < 7; j = j + 1) begin : g_iv
				if (j != 4) begin : g_const
					assign w_o[BI + j] = 32'd0;     // IV words: CONST next
				end
			end
			for (j = 16; j < NSL; j = j + 1) begin : g_pad
				assign w_o[BI + j] = 32'd0;
			end
		end else begin : g_round
			localparam integer R = i <= 60 ? i + 3 : i - 61;    // the round
			localparam integer JMAX = i <= 60 ? 63 : 60;
			localparam [31:0] KN = (R + 1) % 64;
			wire [223:0] st;
			wire [223:0] st_in = {w_v[BI + 0], w_v[BI + 1], w_v[BI + 2], w_v[BI + 3],
					      w_v[BI + 4], w_v[BI + 5], w_v[BI + 6]};
			wire [31:0]  p, kw;

			if (i == 60) begin : g_h1end
				assign kw = 32'd0;      // p := h after round 63
			end else begin : g_kw
				assign kw = pm_k(KN[5:0]) + w_v[BI + 8 + (R + 1) % 16];
			end

			// the chained round (pm_sha256_round_cc) where every input is a
			// signal: not rounds 1..3 of hash 2 (IV words), nor round 63 of
			// hash 1 (kw = 0) or 57..60 of hash 2 (outputs unread), where
			// pm_sha256_round lets synthesis fold what is constant or unused
			if (i <= 59 || (R >= 4 && R <= 56)) begin : g_cc
				pm_sha256_round_cc u_round (
					.i_state(st_in),
					.i_p(w_v[BI + 7]), .i_kw(kw), .o_state(st), .o_p(p)
				);
			end else begin : g_plain
				pm_sha256_round u_round (
					.i_state(st_in),
					.i_p(w_v[BI + 7]), .i_kw(kw), .o_state(st), .o_p(p)
				);
			end

			assign w_o[BI + 0] = st[223:192];
			assign w_o[BI + 1] = st[191:160];
			assign w_o[BI + 2] = st[159:128];
			assign w_o[BI + 3] = st[127:96];
			assign w_o[BI + 4] = st[95:64];
			assign w_o[BI + 5] = st[63:32];
			assign w_o[BI + 6] = st[31:0];
			assign w_o[BI + 7] = p;

			if (R >= 14 && R <= JMAX - 2) begin : g_wexp
				// W[R+2] replaces W[R-14] (last read here) in its slot
				// chained (pm_sha256_wexp_cc) from W32 on, where no padding
				// word is read
				wire [31:0] w_new;
				if (R + 2 >= 32) begin : g_cc
					pm_sha256_wexp_cc u_wexp (
						.i_w2(w_v[BI + 8 + R % 16]), .i_w7(w_v[BI + 8 + (R - 5) % 16]),
						.i_w15(w_v[BI + 8 + (R - 13) % 16]), .i_w16(w_v[BI + 8 + (R - 14) % 16]),
						.o_w(w_new)
					);
				end else begin : g_plain
					pm_sha256_wexp u_wexp (
						.i_w2(w_v[BI + 8 + R % 16]), .i_w7(w_v[BI + 8 + (R - 5) % 16]),
						.i_w15(w_v[BI + 8 + (R - 13) % 16]), .i_w16(w_v[BI + 8 + (R - 14) % 16]),
						.o_w(w_new)
					);
				end
				for (j = 0; j < 16; j = j + 1) begin : g_w
					if (j == (R + 2) % 16) begin : g_new
						assign w_o[BI + 8 + j] = w_new;
					end else begin : g_keep
						assign w_o[BI + 8 + j] = w_v[BI + 8 + j];
					end
				end
			end else begin : g_wkeep
				for (j = 0; j < 16; j = j + 1) begin : g_w
					assign w_o[BI + 8 + j] = w_v[BI + 8 + j];
				end
			end
		end
	end endgenerate

	// ---- valid bits, the H7 test, the nonce -----------------------------------
	wire [31:0] h7 = pm_iv(3'd7) + w_v[(NB - 1) * NSL + 4];

	always @(posedge i_clk) begin
		o_h7 <= h7;
		if (i_rst || i_flush) begin
			r_valid <= {NB{1'b0}};
			o_done <= 1'b0;
			o_found <= 1'b0;
		end else begin
			r_valid <= {r_valid[NB-2:0], i_valid};
			o_done <= r_valid[NB-1];
			o_found <= r_valid[NB-1] && (h7 & i_mask) == 32'd0;
		end
	end

	pm_delay #(.DELAY(LATENCY), .WIDTH(8'd32)) u_nonce (
		.i_clk(i_clk), .i_data(i_nonce), .o_data(o_nonce)
	);
endmodule

`default_nettype wire
