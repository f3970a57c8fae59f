// pm_reset: the board tops' reset. o_rst is high from configuration until
// i_locked (the PLL's lock) has been high for 2^BITS cycles of i_clk, and
// again whenever the lock drops. Synchronous to i_clk, active high, as
// pm_miner_top wants it.
`default_nettype none

module pm_reset #(
	parameter integer BITS = 10
) (
	input  wire i_clk,
	input  wire i_locked,
	output wire o_rst
);
	reg [1:0]    r_lock = 2'b00;   // i_locked synchronized
	reg [BITS:0] r_count = {(BITS + 1){1'b0}};

	always @(posedge i_clk) begin
		r_lock <= {r_lock[0], i_locked};
		if (!r_lock[1])
			r_count <= {(BITS + 1){1'b0}};
		else if (!r_count[BITS])
			r_count <= r_count + 1'b1;
	end
	assign o_rst = !r_count[BITS];
endmodule

`default_nettype wire
