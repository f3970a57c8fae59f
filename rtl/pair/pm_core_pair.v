// pm_core_pair: two hashing cores of different shapes behind pm_core's
// ports, for a die where one ring shape alone does not give the rate: the
// ULX3S 85F's S = 62 ring (half a nonce a clock) beside an S = 21 ring in
// delay lines (a sixth), two thirds of a nonce a clock where the S = 62
// ring alone fills half the die (bitstreams/ulx3s-85f/). Each core is a
// whole pm_core (its engine, its range walker, its result FIFO); this
// module splits each work unit's range between them in proportion to
// their rates and merges what they report.
//
// Shapes: core A (ENGINE_A, STAGES_A) must hash three times as fast as core
// B (ENGINE_B, STAGES_B): B takes a quarter of each range. (The split is a
// shift, so the ratio is fixed; a pair that is not 3:1 does not elaborate.)
// (pm_miner_pair tells the link the pair's rate.)
//
// Range: of the len + 1 nonces from i_nonce_start to i_nonce_end
// (inclusive, circular), B takes the last len / 4 (floor), A the rest; a
// range of fewer than five nonces is A's alone, and B is aborted instead
// of loaded. The split is registered from i_nonce_start and i_nonce_end
// every cycle, so they must hold their values the cycle before i_load as
// well (pm_link's work register does: it is complete a cycle before
// o_load). Both cores take each load, abort and reset a cycle late, from
// registers of this module (below), so every work input must also hold for
// a cycle after an abort (pm_link's do). o_tag and o_next_nonce show the
// new unit from the cycle after i_load all the same, as pm_core's do.
// Everything else is pm_core's contract (rtl/pm_core.v).
//
// Done: o_done_pulse rises a cycle after the later of the two cores' done
// pulses (A's alone when B was not loaded), and o_busy falls with it, so
// every result of the unit is in one of the FIFOs by then. Results: the
// two FIFOs take turns on the output; the one shown stays shown until it
// is taken (pm_link reads a result one cycle and takes it the next).
`default_nettype none

module pm_core_pair #(
	parameter [1:0] ENGINE_A  = 2'd1,
	parameter [7:0] STAGES_A  = 8'd62,
	parameter [1:0] ENGINE_B  = 2'd3,
	parameter [7:0] STAGES_B  = 8'd21,
	parameter [4:0] FIFO_LOG2 = 5'd4
) (
	input  wire         i_clk,
	input  wire         i_rst,
	input  wire         i_load,
	input  wire         i_abort,
	input  wire [7:0]   i_tag,
	input  wire [5:0]   i_zero_bits,
	input  wire [255:0] i_midstate,
	input  wire [255:0] i_state3,
	input  wire [95:0]  i_tail,
	input  wire [31:0]  i_nonce_start,
	input  wire [31:0]  i_nonce_end,
	output wire         o_result_valid,
	output wire [7:0]   o_result_tag,
	output wire [31:0]  o_result_nonce,
	input  wire         i_result_ready,
	output wire         o_busy,
	output wire         o_done_pulse,
	output wire [7:0]   o_tag,
	output wire [31:0]  o_next_nonce,
	output wire [47:0]  o_hashes,
	output wire         o_lost
);
	`include "pm_engine_shape.vh"

	// ---- the shapes: A three times as fast as B -------------------------------
	localparam [15:0] CYCLES_A = pm_cycles(ENGINE_A, STAGES_A);
	localparam [15:0] CYCLES_B = pm_cycles(ENGINE_B, STAGES_B);
	generate if (CYCLES_B != 16'd3 * CYCLES_A || ENGINE_A == 2'd0 || ENGINE_A == 2'd2) begin : g_bad_pair
		// no such module: the elaboration error says the pair is not 3:1
		pm_core_pair_needs_two_rings_at_3_to_1 u_error ();
	end endgenerate

	// ---- the split, registered ahead of the load ----------------------------
	wire [31:0] nb = (i_nonce_end - i_nonce_start) >> 2;   // B's nonces: len / 4
	reg  [31:0] r_a_end, r_b_start;
	reg         r_b_on;
	always @(posedge i_clk) begin
		r_a_end <= i_nonce_end - nb;
		r_b_start <= i_nonce_end - nb + 32'd1;
		r_b_on <= nb != 32'd0;
	end

	// ---- the flushes, from registers of the pair's own -----------------------
	// A load, an abort or the reset clears every valid bit of a core's ring.
	// As logic of the link's load and abort and of the board's reset (whose
	// counter sits by the reset LED at the die's edge) that flush was the
	// 85F's critical path, B's first (12.19 ns, 10.77 of it routing, at 90
	// MHz), then, with B's registered, A's (13.85 ns, 12.43 of it routing).
	// From registers here, the placer can put each core's flush by its ring.
	// A result a core finds in the cycle late is one of the unit it is
	// leaving, tagged so.
	reg r_rst, r_load_a, r_abort_a, r_load_b, r_abort_b;
	always @(posedge i_clk) begin
		r_rst <= i_rst;
		r_load_a <= !i_rst && i_load;
		r_abort_a <= !i_rst && i_abort;
		r_load_b <= !i_rst && i_load && r_b_on;
		r_abort_b <= !i_rst && (i_abort || (i_load && !r_b_on));
	end

	// ---- the two cores ---------------------------------------------------------
	wire        va, vb, done_a, done_b, lost_a, lost_b;
	wire [7:0]  ta, tb;
	wire [31:0] na, nb_res, next_a;
	wire [47:0] hashes_a, hashes_b;
	wire        ready_a, ready_b;

	pm_core #(.ENGINE(ENGINE_A), .ENGINES(8'd1), .STAGES(STAGES_A), .FIFO_LOG2(FIFO_LOG2)) u_a (
		.i_clk(i_clk), .i_rst(r_rst), .i_load(r_load_a), .i_abort(r_abort_a), .i_tag(i_tag),
		.i_zero_bits(i_zero_bits), .i_midstate(i_midstate), .i_state3(i_state3),
		.i_tail(i_tail), .i_nonce_start(i_nonce_start), .i_nonce_end(r_b_on ? r_a_end : i_nonce_end),
		.o_result_valid(va), .o_result_tag(ta), .o_result_nonce(na), .i_result_ready(ready_a),
		.o_busy(), .o_done_pulse(done_a), .o_tag(), .o_next_nonce(next_a),
		.o_hashes(hashes_a), .o_lost(lost_a)
	);
	pm_core #(.ENGINE(ENGINE_B), .ENGINES(8'd1), .STAGES(STAGES_B), .FIFO_LOG2(FIFO_LOG2)) u_b (
		.i_clk(i_clk), .i_rst(r_rst), .i_load(r_load_b), .i_abort(r_abort_b), .i_tag(i_tag),
		.i_zero_bits(i_zero_bits), .i_midstate(i_midstate), .i_state3(i_state3),
		.i_tail(i_tail), .i_nonce_start(r_b_start), .i_nonce_end(i_nonce_end),
		.o_result_valid(vb), .o_result_tag(tb), .o_result_nonce(nb_res), .i_result_ready(ready_b),
		.o_busy(), .o_done_pulse(done_b), .o_tag(), .o_next_nonce(),
		.o_hashes(hashes_b), .o_lost(lost_b)
	);

	// What the link shows of the unit (STATUS): its tag from the cycle after
	// i_load, as pm_core's, and the next nonce, which is i_nonce_start in the
	// cycle A takes the load.
	reg [7:0] r_tag;
	always @(posedge i_clk)
		if (i_rst)
			r_tag <= 8'd0;
		else if (i_load)
			r_tag <= i_tag;

	// ---- the unit: done when both are --------------------------------------------
	// A core's done pulse in the cycle it takes a load or abort is of the
	// unit before (its flush comes a cycle after the link's): not this one's.
	reg r_pend_a, r_pend_b, r_done, r_flushed;
	wire pend_a = r_pend_a && !(done_a && !r_flushed);
	wire pend_b = r_pend_b && !(done_b && !r_flushed);
	always @(posedge i_clk) begin
		r_flushed <= i_load || i_abort;
		if (i_rst || i_abort) begin
			r_pend_a <= 1'b0;
			r_pend_b <= 1'b0;
		end else if (i_load) begin
			r_pend_a <= 1'b1;
			r_pend_b <= r_b_on;
		end else begin
			r_pend_a <= pend_a;
			r_pend_b <= pend_b;
		end
		r_done <= !i_rst && !i_load && !i_abort && (r_pend_a || r_pend_b) && !pend_a && !pend_b;
	end

	// ---- results: the shown FIFO stays shown until taken -----------------------
	reg  r_sel;                                     // 0 A, 1 B
	wire sel = (r_sel ? vb : va) ? r_sel : !r_sel;  // the other when r_sel's is empty
	always @(posedge i_clk)
		r_sel <= i_rst ? 1'b0 : i_result_ready ? !sel : sel;
	assign ready_a = i_result_ready && !sel;
	assign ready_b = i_result_ready && sel;
	assign o_result_valid = va || vb;
	assign o_result_tag = sel ? tb : ta;
	assign o_result_nonce = sel ? nb_res : na;

	reg [47:0] r_hashes;
	always @(posedge i_clk)
		r_hashes <= hashes_a + hashes_b;

	assign o_busy = r_pend_a || r_pend_b;
	assign o_done_pulse = r_done;
	assign o_tag = r_tag;
	assign o_next_nonce = r_load_a ? i_nonce_start : next_a;
	assign o_hashes = r_hashes;
	assign o_lost = lost_a || lost_b;
endmodule

`default_nettype wire
