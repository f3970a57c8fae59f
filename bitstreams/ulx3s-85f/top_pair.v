// ULX3S 85F (LFE5U-85F-6BG381C), when board.conf says TOP=top_pair.v:
// bitstreams/ulx3s/top.v with two cores of different shapes
// (rtl/pair/pm_miner_pair.v): an S = 62 ring (ENGINE, STAGES: half a nonce
// a clock) beside an S = 21 ring in delay lines (ENGINE_B, STAGES_B: a
// sixth), where no one shape gives two thirds of a nonce a clock on this
// die (board.conf's LIMIT). The same pins (bitstreams/ulx3s/ulx3s.lpf,
// board.conf's SOURCES), PLL and reset as every ULX3S; the parameters are
// set by the flow from board.conf (scripts/bitstream.sh). A file of its own
// rather than a switch in the shared top: any edit to that top renames the
// cells of every ULX3S's netlist (each then needs its seed searched again),
// and only a pair may read rtl/pair/.
`default_nettype none

module top #(
	parameter [1:0]  ENGINE   = 2'd1,
	parameter [7:0]  ENGINES  = 8'd1,     // one core of each shape: 1
	parameter [7:0]  STAGES   = 8'd62,
	parameter [1:0]  ENGINE_B = 2'd3,
	parameter [7:0]  STAGES_B = 8'd21,
	parameter [31:0] CLOCK_HZ = 32'd90000000,
	parameter [15:0] BAUD_DIV = 16'd781
) (
	input  wire CLK,        // 25 MHz
	input  wire RX,         // from the FT231X (its TXD, ftdi_txd)
	output wire TX,         // to the FT231X (its RXD, ftdi_rxd)
	output wire LED0,       // led[0]: in reset
	output wire LED1        // led[1]: PLL locked
);
	wire clk, locked, rst;

	pm_pll u_pll (.clock_in(CLK), .clock_out(clk), .locked(locked));
	pm_reset u_reset (.i_clk(clk), .i_locked(locked), .o_rst(rst));
	pm_miner_pair #(
		.ENGINE_A(ENGINE), .STAGES_A(STAGES), .ENGINE_B(ENGINE_B), .STAGES_B(STAGES_B),
		.CLOCK_HZ(CLOCK_HZ), .BAUD_DIV(BAUD_DIV)
	) u_miner (.i_clk(clk), .i_rst(rst), .i_uart_rx(RX), .o_uart_tx(TX));
	assign LED0 = rst;
	assign LED1 = locked;
	wire unused = &{1'b0, ENGINES};
endmodule

`default_nettype wire
