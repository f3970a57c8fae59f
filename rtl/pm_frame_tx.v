// pm_frame_tx: the board side's frame encoder (docs/link-protocol.md).
// On i_start (while o_busy is low) it sends SYNC, i_type, i_len, the
// payload and the CRC-16 through the UART transmitter's valid/ready port.
// Payload byte k is asked for by o_idx = k and must be on
// i_byte in the same cycle (a combinational mux in the caller, over values
// the caller keeps stable until o_busy falls).
`default_nettype none

module pm_frame_tx (
	input  wire       i_clk,
	input  wire       i_rst,
	input  wire       i_start,
	input  wire [7:0] i_type,
	input  wire [7:0] i_len,
	output wire       o_busy,
	output wire [7:0] o_idx,
	input  wire [7:0] i_byte,
	// to pm_uart_tx
	output wire       o_valid,
	output wire [7:0] o_data,
	input  wire       i_ready
);
	localparam [2:0] S_IDLE = 3'd0, S_SYNC = 3'd1, S_TYPE = 3'd2, S_LEN = 3'd3,
			 S_PAYLOAD = 3'd4, S_CRC_HI = 3'd5, S_CRC_LO = 3'd6;

	reg [2:0]  r_state;
	reg [7:0]  r_type, r_len, r_idx;
	reg [15:0] r_crc;

	wire [15:0] crc_next;

	assign o_busy = r_state != S_IDLE;
	assign o_idx = r_idx;
	assign o_valid = r_state != S_IDLE;
	assign o_data = r_state == S_SYNC ? 8'hA5 :
			r_state == S_TYPE ? r_type :
			r_state == S_LEN ? r_len :
			r_state == S_PAYLOAD ? i_byte :
			r_state == S_CRC_HI ? r_crc[15:8] : r_crc[7:0];

	pm_crc16 u_crc (
		.i_crc(r_crc),
		.i_byte(o_data),
		.o_crc(crc_next)
	);

	always @(posedge i_clk) begin
		if (i_rst) begin
			r_state <= S_IDLE;
		end else if (r_state == S_IDLE) begin
			if (i_start) begin
				r_type <= i_type;
				r_len <= i_len;
				r_idx <= 8'd0;
				r_crc <= 16'hFFFF;
				r_state <= S_SYNC;
			end
		end else if (i_ready) begin
			case (r_state)
			S_SYNC: r_state <= S_TYPE;
			S_TYPE: begin
				r_crc <= crc_next;
				r_state <= S_LEN;
			end
			S_LEN: begin
				r_crc <= crc_next;
				r_state <= r_len == 8'd0 ? S_CRC_HI : S_PAYLOAD;
			end
			S_PAYLOAD: begin
				r_crc <= crc_next;
				r_idx <= r_idx + 8'd1;
				if (r_idx == r_len - 8'd1)
					r_state <= S_CRC_HI;
			end
			S_CRC_HI: r_state <= S_CRC_LO;
			default: r_state <= S_IDLE;
			endcase
		end
	end
endmodule

`default_nettype wire
