// pm_result_fifo: a first-word-fall-through FIFO of results ((tag, nonce)
// words). A RAM of 2^LOG2 words (one write port, one registered read port:
// block RAM where there is some) behind an output register, which holds the
// word on o_data while o_valid; it is taken when o_valid && i_ready.
//
// o_used counts the words in the RAM (the output register not included):
// a write is accepted while o_used < 2^LOG2, and pm_core keeps room for
// every result that can still arrive, so o_overflow (one cycle, a write was
// dropped) should never rise. A written word shows on o_data two edges
// after the write when the FIFO was empty.
`default_nettype none

module pm_result_fifo #(
	parameter [7:0] WIDTH = 8'd40,
	parameter [4:0] LOG2  = 5'd4        // 1..15
) (
	input  wire             i_clk,
	input  wire             i_rst,
	input  wire             i_write,
	input  wire [WIDTH-1:0] i_data,
	output reg              o_valid,
	output reg  [WIDTH-1:0] o_data,
	input  wire             i_ready,
	output wire [LOG2:0]    o_used,
	output reg              o_overflow
);
	localparam integer L = {27'd0, LOG2};

	reg [WIDTH-1:0] r_mem [0:(1 << L) - 1];
	reg [LOG2:0]    r_wp, r_rp;         // one bit more than the address

	assign o_used = r_wp - r_rp;
	wire empty = r_wp == r_rp;
	wire full = r_wp[L] != r_rp[L] && r_wp[L-1:0] == r_rp[L-1:0];
	wire write = i_write && !full;
	wire load = !empty && (!o_valid || i_ready);

	always @(posedge i_clk) begin
		if (write)
			r_mem[r_wp[L-1:0]] <= i_data;
		if (load)
			o_data <= r_mem[r_rp[L-1:0]];
	end

	always @(posedge i_clk) begin
		if (i_rst) begin
			r_wp <= {(LOG2 + 1){1'b0}};
			r_rp <= {(LOG2 + 1){1'b0}};
			o_valid <= 1'b0;
			o_overflow <= 1'b0;
		end else begin
			if (write)
				r_wp <= r_wp + 1'b1;
			if (load)
				r_rp <= r_rp + 1'b1;
			o_valid <= load || (o_valid && !i_ready);
			o_overflow <= i_write && full;
		end
	end
endmodule

`default_nettype wire
