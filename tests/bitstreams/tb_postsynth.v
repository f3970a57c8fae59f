// tb_postsynth: drives a synthesized pm_miner_top netlist (yosys
// write_verilog, simulated with the vendor's cell models) over its UART
// pins: sends the frame bytes in +WORK=file (hex, one byte a line, +N=
// bytes), prints every byte the board sends as "RX hh", and stops after
// +CYCLES= clock cycles. tests/bitstreams/postsynth.sh checks the bytes.
`timescale 1ns / 1ps
`default_nettype none

module tb_postsynth;
	parameter integer DIV = 8;       // the netlist's BAUD_DIV
	reg clk = 1'b0, rst = 1'b1, rx = 1'b1;
	wire tx;
	reg [7:0] bytes [0:255];
	reg [7:0] got;
	reg [1023:0] file;
	integer n, i, k, cycles;

	pm_miner_top u_dut (.i_clk(clk), .i_rst(rst), .i_uart_rx(rx), .o_uart_tx(tx));

	always #5 clk = !clk;

	task send_byte(input [7:0] v);
		begin
			rx = 1'b0;
			repeat (DIV) @(posedge clk);
			for (k = 0; k < 8; k = k + 1) begin
				rx = v[k];
				repeat (DIV) @(posedge clk);
			end
			rx = 1'b1;
			repeat (DIV) @(posedge clk);
		end
	endtask

	initial begin
		if (!$value$plusargs("WORK=%s", file) || !$value$plusargs("N=%d", n) ||
		    !$value$plusargs("CYCLES=%d", cycles)) begin
			$display("usage: +WORK=frame.hex +N=bytes +CYCLES=n");
			$finish;
		end
		$readmemh(file, bytes);
		repeat (16) @(posedge clk);
		rst = 1'b0;
		repeat (16) @(posedge clk);
		for (i = 0; i < n; i = i + 1)
			send_byte(bytes[i]);
	end

	// the receiver: sample each bit in its middle
	integer b;
	initial begin
		@(negedge rst);
		forever begin
			@(negedge tx);
			repeat (DIV / 2) @(posedge clk);
			if (!tx) begin
				for (b = 0; b < 8; b = b + 1) begin
					repeat (DIV) @(posedge clk);
					got[b] = tx;
				end
				repeat (DIV) @(posedge clk);
				$display("RX %02x", got);
			end
		end
	end

	initial begin
		#1;
		wait (cycles > 0);
		repeat (cycles) @(posedge clk);
		$display("END");
		$finish;
	end
endmodule

`default_nettype wire
