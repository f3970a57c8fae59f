// pm_core: the hashing core (docs/rtl.md): ENGINES engines of one shape,
// each walking its slice of the work unit's nonce range, and the result
// FIFO they share.
//
// Work: i_load samples tag, zero_bits (as the H7 mask) and the range; the
// per-work words i_midstate, i_state3 and i_tail are broadcast to the
// engines as they are (no copy here): the caller holds them from i_load
// until the next i_load or i_abort, as pm_link's work register does. A load
// or an abort flushes every engine at once (nothing in flight is reported
// under either tag); results already in the FIFO stay.
//
// Nonces: engine e of ENGINES = 2^b hashes the nonces whose top b bits are
// e, from nonce_start if that lies in its slice (else the slice's first
// nonce) to nonce_end if that lies in its slice (else the slice's last),
// wrapping in_range the slice; it has nothing to do when its slice holds
// neither end and lies outside the circular range.
//
// Issue: at most one nonce starts per cycle over all engines (a fixed
// priority, engine 0 first). All engines have the same fixed LATENCY, so at
// most one result arrives per cycle and the FIFO needs one write port and no
// arbiter; ROLLED engines settle one cycle apart, a ring only waits for its
// free slots, so the cost is nil except for several FULL (or 64-stage)
// engines, which ENGINES > 1 does not speed up (rate: min(1, ENGINES /
// CYCLES) nonces per clock). The grant is decided a cycle ahead into a
// register, from each engine's o_ready_next and the next value of its range
// state, so no path runs from the link's load or abort, or from one
// engine's ready through the priority, into another engine's entry
// registers (that path, across two rings, limited the 45F). A nonce starts
// only while the FIFO's RAM has room for it and every nonce already in
// flight (each could be a result), so no result is ever dropped; o_lost
// would say if one were, or if an engine was granted a nonce it could not
// take.
//
// The FIFO holds 2^FIFO_LOG2 results, raised to the smallest power of two
// above the most nonces that can be in flight plus two (FIFO_DEPTH), so the
// engines never wait on an empty FIFO: a FULL core gets 128 entries.
//
// Done: when every engine has started its last nonce and none is in
// flight, o_done_pulse rises for one cycle (every result of the unit is in
// the FIFO by then) and o_busy falls. An abort ends a unit without it.
`default_nettype none

module pm_core #(
	parameter [1:0] ENGINE    = 2'd0,   // 0 ROLLED, 1 UNROLLED, 2 FULL, 3 UNROLLED in lines
	parameter [7:0] ENGINES   = 8'd1,   // engines, a power of two (1..16)
	parameter [7:0] STAGES    = 8'd4,   // UNROLLED only: rounds per pass, 2..64
	parameter [4:0] FIFO_LOG2 = 5'd4    // result FIFO depth 2^FIFO_LOG2 (at least)
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
	`include "pm_util.vh"

	// ---- the contract, for the link's IDENTITY frame --------------------------
	localparam [15:0] LATENCY = pm_latency(ENGINE, STAGES);
	localparam [15:0] CYCLES = pm_cycles(ENGINE, STAGES);
	localparam [7:0]  ID_STAGES = ENGINE == 2'd0 ? 8'd1 : ENGINE[0] ? STAGES : 8'd128;

	localparam integer NE = {24'd0, ENGINES};
	localparam integer SB = pm_clog2(NE);               // slice bits
	localparam integer LW = 32 - SB;                    // bits an engine walks
	// nonces one engine can have in flight (started, done not yet counted)
	localparam integer PER_ENGINE = ENGINE == 2'd0 ? 3 :
		ENGINE[0] ? {24'd0, STAGES} + 1 : {16'd0, LATENCY} + 1;
	localparam integer INFLIGHT = NE * PER_ENGINE;
	localparam integer IW = pm_clog2(INFLIGHT + 2);     // the in-flight counter
	localparam integer FL = pm_clog2(INFLIGHT + 3) > {27'd0, FIFO_LOG2} ?
		pm_clog2(INFLIGHT + 3) : {27'd0, FIFO_LOG2};
	localparam [4:0]  FIFO_LOG2_EFF = FL[4:0];
	localparam [15:0] FIFO_DEPTH = 16'd1 << FIFO_LOG2_EFF;

	// ---- the work unit -------------------------------------------------------
	reg [7:0]  r_tag;
	reg [31:0] r_mask;
	reg        r_running, r_done_pulse, r_lost;
	reg [47:0] r_hashes;
	reg [IW-1:0] r_inflight;

	wire flush = i_load || i_abort;
	// The top zero_bits bits of H7 (all 32 from zero_bits 32 up) as a
	// thermometer code, each bit a function of zero_bits' six bits that
	// yosys maps to LUTs. (A shift by 32 - zero_bits was the UP5K's critical
	// path; a compare a bit, zero_bits >= 32 - m, costs a carry chain each.)
	function [31:0] h7_top;
		input [5:0] z;
		integer k;
		begin
			h7_top = 32'd0;
			for (k = 1; k < 32; k = k + 1)
				if (z[4:0] == k[4:0])
					h7_top = 32'hffffffff << (32 - k);
			if (z[5])
				h7_top = 32'hffffffff;
		end
	endfunction
	wire [31:0] top = h7_top(i_zero_bits);
	wire [31:0] mask = {top[7:0], top[15:8], top[23:16], top[31:24]};

	// ---- engines ---------------------------------------------------------------
	wire [NE-1:0] ready, act, done, found;
	wire [32*NE-1:0] nonce;
	wire [FIFO_LOG2_EFF:0] fifo_used;
	// Room for one more nonce: the FIFO's RAM can take every result in
	// flight. Registered, and so is the grant it feeds, so the FIFO's
	// pointers and the adders are not on the path to the engines' entry
	// registers: decided two cycles early with two nonces to spare. Safe
	// because used + in flight grows by at most one a cycle (a start adds
	// one; a done leaves the flight and adds at most one to the FIFO): a
	// grant taking effect at t was decided at t-1 from r_room, itself from
	// the counts at t-2, so used + inflight + 1 at t <= their sum at t-2 + 3
	// <= depth.
	wire [31:0] need = {{(31 - FIFO_LOG2_EFF){1'b0}}, fifo_used} +
		{{(32 - IW){1'b0}}, r_inflight} + 32'd3;
	reg r_room;
	always @(posedge i_clk)
		r_room <= !i_rst && need <= {16'd0, FIFO_DEPTH};

	// The grant for the next cycle: the lowest engine that will still have
	// nonces to start (act_next, which also says the unit runs) and be
	// ready. A load or an abort in the cycle a grant takes effect cancels it
	// (take): the engines drop it themselves, as they flush.
	wire [NE-1:0] act_next, ready_next;
	reg  [NE-1:0] grant_next, r_grant;
	integer k;
	always @(*) begin
		grant_next = {NE{1'b0}};
		for (k = NE - 1; k >= 0; k = k - 1)
			if (r_room && act_next[k] && ready_next[k])
				grant_next = {{(NE - 1){1'b0}}, 1'b1} << k;
	end
	always @(posedge i_clk)
		r_grant <= i_rst ? {NE{1'b0}} : grant_next;
	wire [NE-1:0] take = flush ? {NE{1'b0}} : r_grant;
	wire issue = |take;
	// a grant the engine could not take: never, if o_ready_next tells true
	wire missed = (take & ~ready) != {NE{1'b0}};

	genvar e;
	generate for (e = 0; e < NE; e = e + 1) begin : g_eng
		// this engine's slice: top SB bits = e
		localparam [31:0] HIGH = SB == 0 ? 32'd0 : ~(32'hffffffff >> SB);
		localparam [31:0] FIRST = SB == 0 ? 32'd0 : e << LW;
		localparam [31:0] LAST = FIRST | ~HIGH;

		reg          r_act;
		reg [31:0]   r_ptr, r_stop;     // the top SB bits are constant
		wire         start_in = (i_nonce_start & HIGH) == FIRST;
		wire         end_in = (i_nonce_end & HIGH) == FIRST;
		wire         in_range = FIRST - i_nonce_start <= i_nonce_end - i_nonce_start;

		assign act_next[e] = i_rst || i_abort ? 1'b0 :
			i_load ? start_in || end_in || in_range :
			take[e] ? r_ptr != r_stop : r_act;

		always @(posedge i_clk) begin
			if (i_load) begin
				r_ptr <= start_in ? i_nonce_start : FIRST;
				r_stop <= end_in ? i_nonce_end : LAST;
			end else if (take[e]) begin
				r_ptr <= (r_ptr & HIGH) | ((r_ptr + 32'd1) & ~HIGH);
			end
			r_act <= act_next[e];
		end
		assign act[e] = r_act;

		if (ENGINE == 2'd0) begin : g_rolled
			pm_engine_rolled u_eng (
				.i_clk(i_clk), .i_rst(i_rst), .i_flush(flush),
				.i_midstate(i_midstate), .i_state3(i_state3), .i_tail(i_tail),
				.i_mask(r_mask), .i_valid(r_grant[e]), .i_nonce(r_ptr),
				.o_ready(ready[e]), .o_ready_next(ready_next[e]), .o_done(done[e]), .o_found(found[e]),
				.o_nonce(nonce[32 * e +: 32]), .o_h7()
			);
		end else if (ENGINE == 2'd1) begin : g_unrolled
			pm_engine_unrolled #(.STAGES(STAGES)) u_eng (
				.i_clk(i_clk), .i_rst(i_rst), .i_flush(flush),
				.i_midstate(i_midstate), .i_state3(i_state3), .i_tail(i_tail),
				.i_mask(r_mask), .i_valid(r_grant[e]), .i_nonce(r_ptr),
				.o_ready(ready[e]), .o_ready_next(ready_next[e]), .o_done(done[e]), .o_found(found[e]),
				.o_nonce(nonce[32 * e +: 32]), .o_h7()
			);
		end else if (ENGINE == 2'd3) begin : g_lines  // g_lines and g_full share the lines g_full
			pm_engine_lines #(.STAGES(STAGES)) u_eng (    // had alone (rtl/lines/pm_engine_lines.v: why)
				.i_clk(i_clk), .i_rst(i_rst), .i_flush(flush), .i_midstate(i_midstate), .i_state3(i_state3),
				.i_tail(i_tail), .i_mask(r_mask), .i_valid(r_grant[e]), .i_nonce(r_ptr), .o_ready(ready[e]),
				.o_ready_next(ready_next[e]), .o_done(done[e]), .o_found(found[e]), .o_nonce(nonce[32 * e +: 32]), .o_h7());
		end else begin : g_full
			pm_engine_full u_eng (.i_clk(i_clk), .i_rst(i_rst), .i_flush(flush), .i_midstate(i_midstate), .i_state3(i_state3), .i_tail(i_tail),
				.i_mask(r_mask), .i_valid(r_grant[e]), .i_nonce(r_ptr), .o_ready(ready[e]), .o_ready_next(ready_next[e]), .o_done(done[e]), .o_found(found[e]), .o_nonce(nonce[32 * e +: 32]), .o_h7());
		end
	end endgenerate

	// ---- results: at most one per cycle ------------------------------------------
	reg [31:0] found_nonce;
	always @(*) begin
		found_nonce = 32'd0;
		for (k = 0; k < NE; k = k + 1)
			found_nonce = found_nonce | (found[k] ? nonce[32 * k +: 32] : 32'd0);
	end
	wire any_done = |done;
	wire many = (done & (done - 1'b1)) != {NE{1'b0}};  // cannot happen: one start per cycle
	wire overflow;

	pm_result_fifo #(.WIDTH(8'd40), .LOG2(FIFO_LOG2_EFF)) u_fifo (
		.i_clk(i_clk), .i_rst(i_rst), .i_write(|found && !flush),
		.i_data({r_tag, found_nonce}), .o_valid(o_result_valid),
		.o_data({o_result_tag, o_result_nonce}), .i_ready(i_result_ready),
		.o_used(fifo_used), .o_overflow(overflow)
	);

	always @(posedge i_clk) begin
		if (i_load)
			r_mask <= mask;
		if (i_rst) begin
			r_tag <= 8'd0;
			r_running <= 1'b0;
			r_done_pulse <= 1'b0;
			r_lost <= 1'b0;
			r_hashes <= 48'd0;
			r_inflight <= {IW{1'b0}};
		end else begin
			if (i_load)
				r_tag <= i_tag;
			r_hashes <= r_hashes + {47'd0, any_done};
			r_lost <= r_lost || overflow || many || missed;
			if (flush)
				r_inflight <= {IW{1'b0}};
			else
				r_inflight <= r_inflight + {{(IW - 1){1'b0}}, issue} -
					      {{(IW - 1){1'b0}}, any_done};
			r_done_pulse <= !flush && r_running && act == {NE{1'b0}} &&
					r_inflight == {IW{1'b0}};
			if (i_load)
				r_running <= 1'b1;
			else if (i_abort || (r_running && act == {NE{1'b0}} &&
					     r_inflight == {IW{1'b0}}))
				r_running <= 1'b0;
		end
	end

	assign o_busy = r_running;
	assign o_done_pulse = r_done_pulse;
	assign o_tag = r_tag;
	assign o_next_nonce = g_eng[0].r_ptr;
	assign o_hashes = r_hashes;
	assign o_lost = r_lost;
endmodule

`default_nettype wire
