// pm_miner_top: a whole miner behind two UART pins: pm_core (the engines,
// nonce ranges and result FIFO) and pm_link (frames, commands, replies).
// Parameterized by engine shape and clock; nothing board-specific: a board
// top (bitstreams/<board>/) adds the PLL and the pins. The link's IDENTITY
// frame reports the shape, from the engines' contract (pm_engine_shape.vh).
`default_nettype none

module pm_miner_top #(
	parameter [1:0]  ENGINE    = 2'd0,            // 0 ROLLED, 1 UNROLLED, 2 FULL, 3 UNROLLED in lines
	parameter [7:0]  ENGINES   = 8'd1,
	parameter [7:0]  STAGES    = 8'd4,
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
	wire         load, abort, result_valid, result_ready, busy, done_pulse, lost;
	wire [7:0]   tag, result_tag, core_tag;
	wire [5:0]   zero_bits;
	wire [255:0] midstate, state3;
	wire [95:0]  tail;
	wire [31:0]  nonce_start, nonce_end, result_nonce, next_nonce;
	wire [47:0]  hashes;

	pm_core #(
		.ENGINE(ENGINE), .ENGINES(ENGINES), .STAGES(STAGES), .FIFO_LOG2(FIFO_LOG2)
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
		.BAUD_DIV(BAUD_DIV), .CLOCK_HZ(CLOCK_HZ), .ENGINE(ENGINE == 2'd3 ? 8'd1 : {6'd0, ENGINE}),
		.ENGINES(ENGINES), .STAGES(ENGINE == 2'd2 ? 8'd128 : ENGINE == 2'd0 ? 8'd1 : STAGES),
		.CYCLES(pm_cycles(ENGINE, STAGES)), .LATENCY(pm_latency(ENGINE, STAGES))
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
