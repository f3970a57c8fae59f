// pm_uart_tx: UART transmitter, 8N1, LSB first, at i_clk / BAUD_DIV baud.
// A byte is taken when i_valid and o_ready are both high; o_ready is high
// when the line is idle (after the stop bit).
`default_nettype none

module pm_uart_tx #(
	parameter [15:0] BAUD_DIV = 16'd104
) (
	input  wire       i_clk,
	input  wire       i_rst,
	input  wire       i_valid,
	input  wire [7:0] i_data,
	output wire       o_ready,
	output wire       o_tx
);
	reg [15:0] r_count;
	reg [3:0]  r_left;      // bits still to send, 0 = idle
	reg [9:0]  r_shift;     // stop, data[7:0], start: shifted out LSB first

	assign o_ready = r_left == 4'd0;
	assign o_tx = r_left == 4'd0 ? 1'b1 : r_shift[0];

	always @(posedge i_clk) begin
		if (i_rst) begin
			r_left <= 4'd0;
			r_count <= 16'd0;
			r_shift <= 10'h3ff;
		end else if (r_left == 4'd0) begin
			if (i_valid) begin
				r_shift <= {1'b1, i_data, 1'b0};
				r_left <= 4'd10;
				r_count <= BAUD_DIV - 16'd1;
			end
		end else if (r_count != 16'd0) begin
			r_count <= r_count - 16'd1;
		end else begin
			r_shift <= {1'b1, r_shift[9:1]};
			r_left <= r_left - 4'd1;
			r_count <= BAUD_DIV - 16'd1;
		end
	end
endmodule

`default_nettype wire
