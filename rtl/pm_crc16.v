// pm_crc16: CRC-16/CCITT-FALSE (polynomial 0x1021, MSB first, no reflection,
// no final XOR), one byte per call: o_crc = CRC of i_crc extended by i_byte.
// The frame's CRC starts at 16'hFFFF (docs/link-protocol.md). Purely
// combinational: eight shift/XOR steps, fine at UART byte rates.
`default_nettype none

module pm_crc16 (
	input  wire [15:0] i_crc,
	input  wire [7:0]  i_byte,
	output wire [15:0] o_crc
);
	function [15:0] step;
		input [15:0] crc;
		input [7:0] data;
		integer k;
		reg [15:0] c;
		begin
			c = crc ^ {data, 8'h00};
			for (k = 0; k < 8; k = k + 1)
				c = c[15] ? {c[14:0], 1'b0} ^ 16'h1021 : {c[14:0], 1'b0};
			step = c;
		end
	endfunction

	assign o_crc = step(i_crc, i_byte);
endmodule

`default_nettype wire
