// pm_miner_pair: pm_miner_top with pm_core_pair (two cores of different
// shapes, rtl/pair/pm_core_pair.v) in place of pm_core, for a board whose rate
// needs both (the ULX3S 85F). IDENTITY reports the pair as ENGINE_A's kind
// and stages, with the pair's engines and cycles (its rate).
`default_nettype none

module pm_miner_pair #(
	parameter [1:0]  ENGINE_A  = 2'd1,
	parameter [7:0]  STAGES_A  = 8'd62,
	parameter [1:0]  ENGINE_B  = 2'd3,
	parameter [7:0]  STAGES_B  = 8'd21,
	parameter [4:0]  FIFO_LOG2 = 5'd4,
	parameter [31:0] CLOCK_HZ  = 32'd12000000,
	parameter [15:0] BAUD_DIV  = 16'd104           // CLOCK_HZ / baud rate
) (
	input  wire i_clk,
	input  wire i_rst,
	input  wire i_uart_rx,
	output wire o_uart_tx
);
	`include "pm_engine_shape.vh"
	// IDENTITY: the pair as ENGINES engines of CYCLES clocks a nonce each.
	// pm_core_pair makes B three times slower than A, so the pair hashes
	// 1 / CYCLES_A + 1 / CYCLES_B = 4 / CYCLES_B nonces a clock; reduced
	// (CYCLES_B is even): 2 engines of 3 cycles for S = 62 beside S = 21.
	localparam [15:0] CYCLES_B = pm_cycles(ENGINE_B, STAGES_B);
	localparam [15:0] G = CYCLES_B % 16'd4 == 16'd0 ? 16'd4 : 16'd2;
	localparam [15:0] ENGINES = 16'd4 / G;
	localparam [15:0] CYCLES = CYCLES_B / G;
	localparam [15:0] LATENCY_A = pm_latency(ENGINE_A, STAGES_A);
	localparam [15:0] LATENCY_B = pm_latency(ENGINE_B, STAGES_B);
	localparam [15:0] LATENCY = LATENCY_A > LATENCY_B ? LATENCY_A : LATENCY_B;

	wire         load, abort, result_valid, result_ready, busy, done_pulse, lost;
	wire [7:0]   tag, result_tag, core_tag;
	wire [5:0]   zero_bits;
	wire [255:0] midstate, state3;
	wire [95:0]  tail;
	wire [31:0]  nonce_start, nonce_end, result_nonce, next_nonce;
	wire [47:0]  hashes;

	pm_core_pair #(
		.ENGINE_A(ENGINE_A), .STAGES_A(STAGES_A), .ENGINE_B(ENGINE_B), .STAGES_B(STAGES_B),
		.FIFO_LOG2(FIFO_LOG2)
	) u_core (
		.i_clk(i_clk), .i_rst(i_rst), .i_load(load), .i_abort(abort), .i_tag(tag),
		.i_zero_bits(zero_bits), .i_midstate(midstate), .i_state3(state3),
		.i_tail(tail), .i_nonce_start(nonce_start), .i_nonce_end(nonce_end),
		.o_result_valid(result_valid), .o_result_tag(result_tag),
		.o_result_nonce(result_nonce), .i_result_ready(result_ready), .o_busy(busy),
		.o_done_pulse(done_pulse), .o_tag(core_tag), .o_next_nonce(next_nonce),
		.o_hashes(hashes), .o_lost(lost)
	);

	pm_link #(
		.BAUD_DIV(BAUD_DIV), .CLOCK_HZ(CLOCK_HZ), .ENGINE(8'd1),
		.ENGINES(ENGINES[7:0]), .STAGES(STAGES_A),
		.CYCLES(CYCLES), .LATENCY(LATENCY)
	) u_link (
		.i_clk(i_clk), .i_rst(i_rst), .i_rx(i_uart_rx), .o_tx(o_uart_tx),
		.o_load(load), .o_abort(abort), .o_tag(tag), .o_zero_bits(zero_bits),
		.o_midstate(midstate), .o_state3(state3), .o_tail(tail),
		.o_nonce_start(nonce_start), .o_nonce_end(nonce_end),
		.i_result_valid(result_valid), .i_result_tag(result_tag),
		.i_result_nonce(result_nonce), .o_result_ready(result_ready), .i_busy(busy),
		.i_done_pulse(done_pulse), .i_tag(core_tag), .i_next_nonce(next_nonce),
		.i_hashes(hashes), .i_lost(lost)
	);
endmodule

`default_nettype wire
