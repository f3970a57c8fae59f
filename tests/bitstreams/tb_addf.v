// tb_addf: rtl/chain/pm_addf.v as ECP5 CCU2C cells (compiled with -DPM_CCU2C and
// yosys's ECP5 cell models) against the expression it stands for, for each
// function: the carry patterns that ripple through all 32 bits, then
// random operands. Prints "tb_addf: N vectors, M mismatches".
`timescale 1ns/1ps
`default_nettype none

module tb_addf;
	reg  [31:0] x, b, c, d;
	wire [31:0] y0, y1, y2;
	integer n, bad, k;

	pm_addf #(.FN(2'd0)) u0 (.i_x(x), .i_b(b), .i_c(c), .i_d(d), .o_y(y0));
	pm_addf #(.FN(2'd1)) u1 (.i_x(x), .i_b(b), .i_c(c), .i_d(d), .o_y(y1));
	pm_addf #(.FN(2'd2)) u2 (.i_x(x), .i_b(b), .i_c(c), .i_d(d), .o_y(y2));

	task try;
		reg [31:0] e0, e1, e2;
		begin
			#1;
			e0 = x + b;
			e1 = x + ((b & c) | (~b & d));
			e2 = x + ((b & c) | (d & (b | c)));
			n = n + 1;
			if (y0 !== e0 || y1 !== e1 || y2 !== e2) begin
				bad = bad + 1;
				if (bad <= 5)
					$display("tb_addf: x=%h b=%h c=%h d=%h: plain %h (want %h), ch %h (%h), maj %h (%h)",
						x, b, c, d, y0, e0, y1, e1, y2, e2);
			end
		end
	endtask

	initial begin
		n = 0;
		bad = 0;
		// full ripples: x + f = 2^32 - 1 plus one, both ways round
		x = 32'hffffffff; b = 32'h00000001; c = b; d = b; try;
		x = 32'h00000001; b = 32'hffffffff; c = b; d = b; try;
		x = 32'h80000000; b = 32'h80000000; c = b; d = b; try;
		x = 32'h0; b = 32'h0; c = 32'h0; d = 32'h0; try;
		x = 32'hffffffff; b = 32'hffffffff; c = b; d = b; try;
		for (k = 0; k < 20000; k = k + 1) begin
			x = $random; b = $random; c = $random; d = $random;
			if (k % 4 == 1) x = ~((b & c) | (~b & d));      // propagate all along
			if (k % 4 == 2) x = ~((b & c) | (d & (b | c)));
			try;
		end
		$display("tb_addf: %0d vectors, %0d mismatches", n, bad);
		$finish;
	end
endmodule

`default_nettype wire
