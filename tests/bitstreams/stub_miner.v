// stub_miner: pm_miner_top's and pm_miner_pair's ports and parameters
// around a wire, so tests/cli/test_bitstream.sh can place every board's top
// (its PLL, reset and pins) in seconds and let nextpnr reject a pin its
// package lacks.
`default_nettype none

module pm_miner_top #(
	parameter [1:0]  ENGINE    = 2'd0,
	parameter [7:0]  ENGINES   = 8'd1,
	parameter [7:0]  STAGES    = 8'd4,
	parameter [4:0]  FIFO_LOG2 = 5'd4,
	parameter [31:0] CLOCK_HZ  = 32'd12000000,
	parameter [15:0] BAUD_DIV  = 16'd104
) (
	input  wire i_clk,
	input  wire i_rst,
	input  wire i_uart_rx,
	output wire o_uart_tx
);
	reg r_tx = 1'b1;

	always @(posedge i_clk)
		r_tx <= i_rst | i_uart_rx;
	assign o_uart_tx = r_tx;
endmodule

module pm_miner_pair #(
	parameter [1:0]  ENGINE_A  = 2'd1,
	parameter [7:0]  STAGES_A  = 8'd62,
	parameter [1:0]  ENGINE_B  = 2'd3,
	parameter [7:0]  STAGES_B  = 8'd21,
	parameter [4:0]  FIFO_LOG2 = 5'd4,
	parameter [31:0] CLOCK_HZ  = 32'd12000000,
	parameter [15:0] BAUD_DIV  = 16'd104
) (
	input  wire i_clk,
	input  wire i_rst,
	input  wire i_uart_rx,
	output wire o_uart_tx
);
	pm_miner_top u_stub (.i_clk(i_clk), .i_rst(i_rst), .i_uart_rx(i_uart_rx), .o_uart_tx(o_uart_tx));
endmodule

`default_nettype wire
