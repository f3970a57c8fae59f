// pm_link: the board side of the link (docs/link-protocol.md) between the
// UART pins and pm_core.
//
// Host commands arrive as frames (pm_frame_rx). WORK's 86-byte payload sits
// in the decoder's RAM until its CRC is checked, then is shifted byte by
// byte into r_work, the one register copy of the work unit, which pm_core
// reads directly (its per-work words are broadcast from here: no second
// copy). The core is held off (abort) while r_work changes and loaded when
// it is complete. Every command is answered: IDENTIFY with IDENTITY, the
// others with STATUS, whose fields are captured when its frame starts so
// they are consistent; the STATUS answering WORK or ABORT is captured a
// cycle after the core took the load or abort, so it shows the new unit's
// tag, or busy clear.
//
// What goes out, in priority order, one frame at a time: the answer to a
// command (the host waits for it), then NONCE frames from the core's result
// FIFO, then DONE (only once the FIFO has no result left, so DONE follows
// every NONCE of its unit).
`default_nettype none

module pm_link #(
	parameter [15:0] BAUD_DIV   = 16'd104,
	parameter [31:0] CLOCK_HZ   = 32'd12000000,
	// The core's shape, for IDENTITY.
	parameter [7:0]  ENGINE     = 8'd0,
	parameter [7:0]  ENGINES    = 8'd1,
	parameter [7:0]  STAGES     = 8'd1,
	parameter [15:0] CYCLES     = 16'd125,
	parameter [15:0] LATENCY    = 16'd125
) (
	input  wire         i_clk,
	input  wire         i_rst,
	input  wire         i_rx,
	output wire         o_tx,
	// to pm_core: the work unit (held from o_load until the next one)
	output reg          o_load,
	output reg          o_abort,
	output wire [7:0]   o_tag,
	output wire [5:0]   o_zero_bits,
	output wire [255:0] o_midstate,
	output wire [255:0] o_state3,
	output wire [95:0]  o_tail,
	output wire [31:0]  o_nonce_start,
	output wire [31:0]  o_nonce_end,
	// from pm_core
	input  wire         i_result_valid,
	input  wire [7:0]   i_result_tag,
	input  wire [31:0]  i_result_nonce,
	output reg          o_result_ready,
	input  wire         i_busy,
	input  wire         i_done_pulse,
	input  wire [7:0]   i_tag,
	input  wire [31:0]  i_next_nonce,
	input  wire [47:0]  i_hashes,
	input  wire         i_lost
);
	localparam [23:0] FRAME_TIMEOUT = 24'd16;   // byte times
	localparam [23:0] TIMEOUT = FRAME_TIMEOUT * {8'd0, BAUD_DIV} * 24'd10;
	localparam [31:0] PER_CLOCK = ENGINE == 8'd2 ? 32'h00010000 :
				      ({24'd0, ENGINES} << 16) / {16'd0, CYCLES};
	localparam [7:0] T_IDENTITY = 8'h81, T_NONCE = 8'h82, T_STATUS = 8'h83, T_DONE = 8'h84;
	localparam [7:0] WORK_LEN = 8'd86;
	localparam [1:0] C_IDLE = 2'd0, C_COPY = 2'd1, C_LOAD = 2'd2, C_SETTLE = 2'd3;
	localparam [1:0] K_REPLY = 2'd0, K_NONCE = 2'd1, K_DONE = 2'd2;

	// ---- receive ----------------------------------------------------------
	wire       rx_valid, rx_error, frame, bad;
	wire [7:0] rx_data, frame_type, ram_data;
	reg  [6:0] r_raddr;

	pm_uart_rx #(.BAUD_DIV(BAUD_DIV)) u_rx (
		.i_clk(i_clk), .i_rst(i_rst), .i_rx(i_rx),
		.o_valid(rx_valid), .o_data(rx_data), .o_error(rx_error)
	);

	pm_frame_rx #(.TIMEOUT(TIMEOUT)) u_frame_rx (
		.i_clk(i_clk), .i_rst(i_rst), .i_valid(rx_valid), .i_data(rx_data),
		.i_error(rx_error), .o_frame(frame), .o_type(frame_type),
		.o_bad(bad), .i_raddr(r_raddr), .o_rdata(ram_data)
	);

	// ---- the work unit, in payload order (tag first) -----------------------
	reg [687:0] r_work;

	assign o_tag         = r_work[687:680];
	assign o_zero_bits   = r_work[677:672];
	assign o_midstate    = r_work[671:416];
	assign o_state3      = r_work[415:160];
	assign o_tail        = r_work[159:64];
	assign o_nonce_start = r_work[63:32];
	assign o_nonce_end   = r_work[31:0];

	// ---- state shared by commands and transmit -----------------------------
	reg [1:0]  r_cmd;
	reg        r_copy_first;            // the RAM's first read is not out yet
	reg [7:0]  r_copied;
	reg        r_reply, r_reply_identity;   // an answer is owed
	reg [15:0] r_bad_frames, r_results;
	reg        r_unit_done;             // the last unit finished its range
	reg        r_done_owed;
	reg [7:0]  r_done_tag;
	reg [1:0]  r_kind;                  // the frame being sent ...
	reg        r_identity;
	reg [127:0] r_snap;                 // ... and its payload, captured at its start

	wire       tx_busy, tx_valid, uart_ready;
	wire [7:0] tx_idx, tx_data;
	reg  [7:0] tx_byte;

	wire reply_due = r_reply && r_cmd == C_IDLE && !frame;
	wire tx_start = !tx_busy && (reply_due || i_result_valid || r_done_owed);
	wire [1:0] tx_kind = reply_due ? K_REPLY : i_result_valid ? K_NONCE : K_DONE;
	wire [7:0] tx_type = tx_kind == K_NONCE ? T_NONCE : tx_kind == K_DONE ? T_DONE :
			     r_reply_identity ? T_IDENTITY : T_STATUS;
	wire [7:0] tx_len = tx_kind == K_NONCE ? 8'd5 : tx_kind == K_DONE ? 8'd1 : 8'd16;
	wire [7:0] flags = {5'd0, i_lost, r_unit_done, i_busy};

	// ---- commands ----------------------------------------------------------
	always @(posedge i_clk) begin
		o_load <= 1'b0;
		o_abort <= 1'b0;
		if (bad)
			r_bad_frames <= r_bad_frames + 16'd1;
		if (i_done_pulse)
			r_unit_done <= 1'b1;
		if (i_rst) begin
			r_cmd <= C_IDLE;
			r_reply <= 1'b0;
			r_bad_frames <= 16'd0;
			r_unit_done <= 1'b0;
			r_raddr <= 7'd0;
		end else begin
			case (r_cmd)
			C_IDLE:
				if (frame) begin
					r_reply_identity <= frame_type == 8'h01;
					// WORK and ABORT answer once the core has acted
					r_reply <= frame_type == 8'h01 || frame_type == 8'h04;
					if (frame_type == 8'h02 || frame_type == 8'h03) begin
						o_abort <= 1'b1;          // nothing hashes while r_work changes
						r_unit_done <= 1'b0;
					end
					if (frame_type == 8'h03)
						r_cmd <= C_SETTLE;
					if (frame_type == 8'h02) begin
						r_raddr <= 7'd0;
						r_copied <= 8'd0;
						r_copy_first <= 1'b1;
						r_cmd <= C_COPY;
					end
				end
			C_COPY: begin
				// Address k goes out one cycle before byte k comes back.
				r_raddr <= r_raddr + 7'd1;
				r_copy_first <= 1'b0;
				if (!r_copy_first) begin
					r_work <= {r_work[679:0], ram_data};
					r_copied <= r_copied + 8'd1;
					if (r_copied == WORK_LEN - 8'd1)
						r_cmd <= C_LOAD;
				end
			end
			C_LOAD: begin    // r_work is complete
				o_load <= 1'b1;
				r_cmd <= C_SETTLE;
			end
			default: begin   // C_SETTLE: the core took the load or abort on
				r_reply <= 1'b1;   // the last edge; STATUS shows its new state
				r_cmd <= C_IDLE;
			end
			endcase
			if (tx_start && tx_kind == K_REPLY)
				r_reply <= 1'b0;
		end
	end

	// ---- transmit: one frame at a time -------------------------------------
	always @(posedge i_clk) begin
		o_result_ready <= 1'b0;
		if (i_done_pulse) begin
			r_done_owed <= 1'b1;
			r_done_tag <= i_tag;
		end
		if (i_rst) begin
			r_done_owed <= 1'b0;
			r_results <= 16'd0;
		end else if (tx_start) begin
			r_kind <= tx_kind;
			r_identity <= r_reply_identity;
			case (tx_kind)
			K_REPLY: r_snap <= {i_tag, flags, i_next_nonce, i_hashes, r_bad_frames, r_results};
			K_NONCE: begin
				r_snap <= {i_result_tag, i_result_nonce, 88'd0};
				o_result_ready <= 1'b1;    // the frame carries it now: pop it
				r_results <= r_results + 16'd1;
			end
			default: begin
				r_snap <= {r_done_tag, 120'd0};
				r_done_owed <= i_done_pulse;
			end
			endcase
		end
	end

	// Payload byte tx_idx of the frame being sent.
	always @(*) begin
		if (r_kind == K_REPLY && r_identity) begin
			case (tx_idx)
			8'd0: tx_byte = 8'd1;                  // protocol
			8'd1: tx_byte = ENGINE;
			8'd2: tx_byte = ENGINES;
			8'd3: tx_byte = STAGES;
			8'd4: tx_byte = CLOCK_HZ[31:24];
			8'd5: tx_byte = CLOCK_HZ[23:16];
			8'd6: tx_byte = CLOCK_HZ[15:8];
			8'd7: tx_byte = CLOCK_HZ[7:0];
			8'd8: tx_byte = PER_CLOCK[31:24];
			8'd9: tx_byte = PER_CLOCK[23:16];
			8'd10: tx_byte = PER_CLOCK[15:8];
			8'd11: tx_byte = PER_CLOCK[7:0];
			8'd12: tx_byte = CYCLES[15:8];
			8'd13: tx_byte = CYCLES[7:0];
			8'd14: tx_byte = LATENCY[15:8];
			default: tx_byte = LATENCY[7:0];
			endcase
		end else begin
			tx_byte = r_snap[127 - 8 * tx_idx -: 8];
		end
	end

	pm_frame_tx u_frame_tx (
		.i_clk(i_clk), .i_rst(i_rst), .i_start(tx_start), .i_type(tx_type),
		.i_len(tx_len), .o_busy(tx_busy), .o_idx(tx_idx),
		.i_byte(tx_byte), .o_valid(tx_valid), .o_data(tx_data), .i_ready(uart_ready)
	);

	pm_uart_tx #(.BAUD_DIV(BAUD_DIV)) u_tx (
		.i_clk(i_clk), .i_rst(i_rst), .i_valid(tx_valid), .i_data(tx_data),
		.o_ready(uart_ready), .o_tx(o_tx)
	);
endmodule

`default_nettype wire
