// pm_frame_rx: the board side's frame decoder (docs/link-protocol.md).
// Bytes from pm_uart_rx in; a pulse on o_frame (with o_type) for every frame whose TYPE
// is a host command, whose LEN is the one that command requires and whose
// CRC-16 is right; its payload is then in the payload RAM (read port
// i_raddr/o_rdata, one cycle latency) until the next frame's payload starts
// to arrive. Everything else pulses o_bad once and the decoder hunts for
// the next SYNC: a wrong TYPE or LEN at once, a wrong CRC at the end, a
// byte without a stop bit, or a gap of TIMEOUT cycles inside a frame.
`default_nettype none

module pm_frame_rx #(
	parameter [23:0] TIMEOUT = 24'd16640   // cycles: 16 byte times at BAUD_DIV 104
) (
	input  wire       i_clk,
	input  wire       i_rst,
	input  wire       i_valid,     // a byte from the UART
	input  wire [7:0] i_data,
	input  wire       i_error,     // a byte without a stop bit
	output reg        o_frame,     // one cycle: a good frame
	output reg  [7:0] o_type,
	output reg        o_bad,       // one cycle: a frame dropped
	input  wire [6:0] i_raddr,
	output reg  [7:0] o_rdata
);
	localparam [7:0] SYNC = 8'hA5;
	localparam [2:0] S_HUNT = 3'd0, S_TYPE = 3'd1, S_LEN = 3'd2, S_PAYLOAD = 3'd3,
			 S_CRC_HI = 3'd4, S_CRC_LO = 3'd5;

	// The payload length each host command requires; 8'hFF: not a command.
	function [7:0] required_len;
		input [7:0] t;
		case (t)
		8'h01: required_len = 8'd0;    // IDENTIFY
		8'h02: required_len = 8'd86;   // WORK
		8'h03: required_len = 8'd0;    // ABORT
		8'h04: required_len = 8'd0;    // STATUS_REQ
		default: required_len = 8'hFF;
		endcase
	endfunction

	reg [7:0]  r_mem [0:127];
	reg [7:0]  r_last;   // LEN - 1: the payload's last index (no subtractor on the byte path)
	reg [2:0]  r_state;
	reg [15:0] r_crc;
	reg [7:0]  r_crc_hi;
	reg [6:0]  r_idx;
	reg [23:0] r_idle;

	wire [15:0] crc_next;

	pm_crc16 u_crc (
		.i_crc(r_crc),
		.i_byte(i_data),
		.o_crc(crc_next)
	);

	always @(posedge i_clk)
		o_rdata <= r_mem[i_raddr];

	always @(posedge i_clk) begin
		if (i_valid && r_state == S_PAYLOAD)
			r_mem[r_idx] <= i_data;
	end

	always @(posedge i_clk) begin
		o_frame <= 1'b0;
		o_bad <= 1'b0;
		if (i_rst) begin
			r_state <= S_HUNT;
			r_idle <= 24'd0;
		end else if (i_error) begin
			if (r_state != S_HUNT)
				o_bad <= 1'b1;
			r_state <= S_HUNT;
		end else if (i_valid) begin
			r_idle <= 24'd0;
			r_crc <= crc_next;
			case (r_state)
			S_HUNT:
				if (i_data == SYNC) begin
					r_state <= S_TYPE;
					r_crc <= 16'hFFFF;
				end
			S_TYPE: begin
				o_type <= i_data;
				if (required_len(i_data) == 8'hFF) begin
					o_bad <= 1'b1;
					r_state <= S_HUNT;
				end else begin
					r_state <= S_LEN;
				end
			end
			S_LEN: begin
				r_last <= i_data - 8'd1;
				r_idx <= 7'd0;
				if (i_data != required_len(o_type)) begin
					o_bad <= 1'b1;
					r_state <= S_HUNT;
				end else begin
					r_state <= i_data == 8'd0 ? S_CRC_HI : S_PAYLOAD;
				end
			end
			S_PAYLOAD: begin
				r_idx <= r_idx + 7'd1;
				if ({1'b0, r_idx} == r_last)
					r_state <= S_CRC_HI;
			end
			S_CRC_HI: begin
				r_crc_hi <= i_data;
				r_crc <= r_crc;
				r_state <= S_CRC_LO;
			end
			default: begin   // S_CRC_LO
				if ({r_crc_hi, i_data} == r_crc)
					o_frame <= 1'b1;
				else
					o_bad <= 1'b1;
				r_state <= S_HUNT;
			end
			endcase
		end else if (r_state != S_HUNT) begin
			if (r_idle == TIMEOUT) begin
				o_bad <= 1'b1;
				r_state <= S_HUNT;
				r_idle <= 24'd0;
			end else begin
				r_idle <= r_idle + 24'd1;
			end
		end
	end
endmodule

`default_nettype wire
