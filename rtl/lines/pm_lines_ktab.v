// pm_lines_ktab: one stage's K table for pm_engine_lines, read a cycle
// after its address (o_k after edge k is TABLE's entry at i_addr as sampled
// at edge k). BLOCK = 1 puts it in block RAM (an iCE40 EBR), 0 in logic.
`default_nettype none

module pm_lines_ktab #(
	parameter [7:0] AW = 8'd6,                          // entries: 2^AW
	parameter [32 * (1 << AW) - 1:0] TABLE = {32 * (1 << AW){1'b0}},
	parameter BLOCK = 1'b0
) (
	input  wire          i_clk,
	input  wire [AW-1:0] i_addr,
	output reg  [31:0]   o_k
);
	generate if (BLOCK) begin : g_block
		(* rom_style = "block" *) reg [31:0] r_rom [0:(1 << AW) - 1];

		integer n;
		initial begin
			for (n = 0; n < (1 << AW); n = n + 1)
				r_rom[n] = TABLE[32 * n +: 32];
		end

		always @(posedge i_clk)
			o_k <= r_rom[i_addr];
	end else begin : g_logic
		always @(posedge i_clk)
			o_k <= TABLE[{i_addr, 5'd0} +: 32];
	end endgenerate
endmodule

`default_nettype wire
