// pm_sha256_fn.vh: SHA-256's functions (FIPS 180-4 section 4.1.2) and
// constants as Verilog functions, included inside a module body by every
// module that computes SHA-256 (a function must live in a module in
// Verilog-2005). Names follow host/sha256_round.h: pm_S0/pm_S1 (Sigma, on
// the state), pm_s0/pm_s1 (sigma, on the message schedule), pm_ch, pm_maj;
// pm_k(t) is K[t], pm_iv(i) is the initial hash value H(0)_i.
//
// All are pure: with constant arguments they are constants (synthesis folds
// them; the engines rely on it for K, the IV and the padding words).
//
// Sigma, sigma, Ch and Maj also exist as macros (`PM_S0(x) ...) on plain
// identifiers, for the datapath (pm_sha256_round, pm_sha256_wexp): Verilator
// inlines each function call through temporary variables that it does not
// keep local, which halves the speed of a pipeline model. Each function is
// its macro, so there is one definition.
`ifndef PM_SHA256_FN_MACROS
`define PM_SHA256_FN_MACROS
`define PM_S0(x) ({x[1:0], x[31:2]} ^ {x[12:0], x[31:13]} ^ {x[21:0], x[31:22]})
`define PM_S1(x) ({x[5:0], x[31:6]} ^ {x[10:0], x[31:11]} ^ {x[24:0], x[31:25]})
`define PM_s0(x) ({x[6:0], x[31:7]} ^ {x[17:0], x[31:18]} ^ {3'b000, x[31:3]})
`define PM_s1(x) ({x[16:0], x[31:17]} ^ {x[18:0], x[31:19]} ^ {10'd0, x[31:10]})
`define PM_CH(e, f, g) ((g) ^ ((e) & ((f) ^ (g))))
`define PM_MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))
`endif

function [31:0] pm_S0;
	input [31:0] x;
	begin
		pm_S0 = `PM_S0(x);
	end
endfunction

function [31:0] pm_S1;
	input [31:0] x;
	begin
		pm_S1 = `PM_S1(x);
	end
endfunction

function [31:0] pm_s0;
	input [31:0] x;
	begin
		pm_s0 = `PM_s0(x);
	end
endfunction

function [31:0] pm_s1;
	input [31:0] x;
	begin
		pm_s1 = `PM_s1(x);
	end
endfunction

function [31:0] pm_ch;
	input [31:0] e, f, g;
	begin
		pm_ch = `PM_CH(e, f, g);
	end
endfunction

function [31:0] pm_maj;
	input [31:0] a, b, c;
	begin
		pm_maj = `PM_MAJ(a, b, c);
	end
endfunction

function [31:0] pm_k;
	input [5:0] t;
	begin
		case (t)
		6'd0:  pm_k = 32'h428a2f98; 6'd1:  pm_k = 32'h71374491;
		6'd2:  pm_k = 32'hb5c0fbcf; 6'd3:  pm_k = 32'he9b5dba5;
		6'd4:  pm_k = 32'h3956c25b; 6'd5:  pm_k = 32'h59f111f1;
		6'd6:  pm_k = 32'h923f82a4; 6'd7:  pm_k = 32'hab1c5ed5;
		6'd8:  pm_k = 32'hd807aa98; 6'd9:  pm_k = 32'h12835b01;
		6'd10: pm_k = 32'h243185be; 6'd11: pm_k = 32'h550c7dc3;
		6'd12: pm_k = 32'h72be5d74; 6'd13: pm_k = 32'h80deb1fe;
		6'd14: pm_k = 32'h9bdc06a7; 6'd15: pm_k = 32'hc19bf174;
		6'd16: pm_k = 32'he49b69c1; 6'd17: pm_k = 32'hefbe4786;
		6'd18: pm_k = 32'h0fc19dc6; 6'd19: pm_k = 32'h240ca1cc;
		6'd20: pm_k = 32'h2de92c6f; 6'd21: pm_k = 32'h4a7484aa;
		6'd22: pm_k = 32'h5cb0a9dc; 6'd23: pm_k = 32'h76f988da;
		6'd24: pm_k = 32'h983e5152; 6'd25: pm_k = 32'ha831c66d;
		6'd26: pm_k = 32'hb00327c8; 6'd27: pm_k = 32'hbf597fc7;
		6'd28: pm_k = 32'hc6e00bf3; 6'd29: pm_k = 32'hd5a79147;
		6'd30: pm_k = 32'h06ca6351; 6'd31: pm_k = 32'h14292967;
		6'd32: pm_k = 32'h27b70a85; 6'd33: pm_k = 32'h2e1b2138;
		6'd34: pm_k = 32'h4d2c6dfc; 6'd35: pm_k = 32'h53380d13;
		6'd36: pm_k = 32'h650a7354; 6'd37: pm_k = 32'h766a0abb;
		6'd38: pm_k = 32'h81c2c92e; 6'd39: pm_k = 32'h92722c85;
		6'd40: pm_k = 32'ha2bfe8a1; 6'd41: pm_k = 32'ha81a664b;
		6'd42: pm_k = 32'hc24b8b70; 6'd43: pm_k = 32'hc76c51a3;
		6'd44: pm_k = 32'hd192e819; 6'd45: pm_k = 32'hd6990624;
		6'd46: pm_k = 32'hf40e3585; 6'd47: pm_k = 32'h106aa070;
		6'd48: pm_k = 32'h19a4c116; 6'd49: pm_k = 32'h1e376c08;
		6'd50: pm_k = 32'h2748774c; 6'd51: pm_k = 32'h34b0bcb5;
		6'd52: pm_k = 32'h391c0cb3; 6'd53: pm_k = 32'h4ed8aa4a;
		6'd54: pm_k = 32'h5b9cca4f; 6'd55: pm_k = 32'h682e6ff3;
		6'd56: pm_k = 32'h748f82ee; 6'd57: pm_k = 32'h78a5636f;
		6'd58: pm_k = 32'h84c87814; 6'd59: pm_k = 32'h8cc70208;
		6'd60: pm_k = 32'h90befffa; 6'd61: pm_k = 32'ha4506ceb;
		6'd62: pm_k = 32'hbef9a3f7; default: pm_k = 32'hc67178f2;
		endcase
	end
endfunction

function [31:0] pm_iv;
	input [2:0] i;
	begin
		case (i)
		3'd0: pm_iv = 32'h6a09e667; 3'd1: pm_iv = 32'hbb67ae85;
		3'd2: pm_iv = 32'h3c6ef372; 3'd3: pm_iv = 32'ha54ff53a;
		3'd4: pm_iv = 32'h510e527f; 3'd5: pm_iv = 32'h9b05688c;
		3'd6: pm_iv = 32'h1f83d9ab; default: pm_iv = 32'h5be0cd19;
		endcase
	end
endfunction
