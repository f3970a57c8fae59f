// pm_uart_rx: UART receiver, 8 data bits, no parity, 1 stop bit, LSB first,
// at i_clk / BAUD_DIV baud. The input is synchronized (two flip-flops); a
// start bit is a low level, checked again at its middle; data bits are
// sampled in their middles; a missing stop bit drops the byte and pulses
// o_error instead of o_valid (the frame decoder counts it as garbage).
`default_nettype none

module pm_uart_rx #(
	parameter [15:0] BAUD_DIV = 16'd104   // clock cycles per bit, >= 4
) (
	input  wire       i_clk,
	input  wire       i_rst,
	input  wire       i_rx,
	output reg        o_valid,            // one cycle: o_data holds a byte
	output reg  [7:0] o_data,
	output reg        o_error             // one cycle: a byte without a stop bit
);
	localparam [15:0] HALF = BAUD_DIV / 16'd2;

	reg [1:0]  r_sync;
	reg [15:0] r_count;
	reg [3:0]  r_bit;       // 0 idle, 1 start, 2..9 data, 10 stop
	reg [7:0]  r_shift;

	wire rx = r_sync[1];

	always @(posedge i_clk) begin
		r_sync <= {r_sync[0], i_rx};
		o_valid <= 1'b0;
		o_error <= 1'b0;
		if (i_rst) begin
			r_sync <= 2'b11;
			r_bit <= 4'd0;
			r_count <= 16'd0;
		end else if (r_bit == 4'd0) begin
			if (!rx) begin
				r_bit <= 4'd1;
				r_count <= HALF - 16'd1;
			end
		end else if (r_count != 16'd0) begin
			r_count <= r_count - 16'd1;
		end else begin
			r_count <= BAUD_DIV - 16'd1;
			case (r_bit)
			4'd1: r_bit <= rx ? 4'd0 : 4'd2;    // a glitch, not a start bit
			4'd10: begin
				r_bit <= 4'd0;
				if (rx) begin
					o_valid <= 1'b1;
					o_data <= r_shift;
				end else begin
					o_error <= 1'b1;
				end
			end
			default: begin
				r_shift <= {rx, r_shift[7:1]};
				r_bit <= r_bit + 4'd1;
			end
			endcase
		end
	end
endmodule

`default_nettype wire
