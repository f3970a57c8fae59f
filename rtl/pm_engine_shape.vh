// pm_engine_shape.vh: the pipeline contract of each engine shape as
// constant functions, included by the engines (which name their LATENCY and
// CYCLES with them) and by pm_core (which sizes the result FIFO and exposes
// them to the link's IDENTITY frame). One place for the numbers; the engine
// benches check them against the simulated timing.
//
//   CYCLES   clock cycles per nonce per engine in steady state
//   LATENCY  clock edges from the edge that accepts a nonce (i_valid &&
//            o_ready) to the edge that registers its o_done/o_found
//
// kind: 0 ROLLED, 1 UNROLLED (a ring of `stages` round stages), 2 FULL.
//
// ROLLED: two nonces share the round, a step of two clocks each: accept
//   (load state3) + rounds 3..63 + feed-forward + rounds 0..60 of the
//   second hash + the H7 test = 1 + 61 + 1 + 61 = 124 steps, 248 edges; the
//   next nonce is accepted in the step of the H7 test, so two nonces per
//   248 cycles: 124 cycles a nonce.
// UNROLLED: each hash takes P1 = ceil(61/S) passes of the S stages; the
//   ring has S + 1 registers (the S stage inputs and the exit register
//   where the ring's entry mux and the feed-forward sit), so a pass is S + 1
//   cycles and the ring holds S + 1 nonces: one per 2 * P1 cycles. H7 is
//   known after round 60 of the second hash, in its last pass at stage
//   60 mod S.
// FULL: the entry register, 61 stages (rounds 3..63), one stage for the
//   feed-forward and round 0 of the second hash, 60 stages (rounds
//   1..60), the H7 test: 123 edges, one nonce per cycle.
// kind 3: the UNROLLED ring with its message window in delay lines
//   (rtl/lines/pm_engine_lines.v): UNROLLED's CYCLES, and one more edge of
//   LATENCY (its H7 test takes two cycles).

function [15:0] pm_p1;
	input [7:0] stages;
	begin
		pm_p1 = (16'd60 + {8'd0, stages}) / {8'd0, stages};
	end
endfunction

function [15:0] pm_cycles;
	input [1:0] kind;
	input [7:0] stages;
	begin
		if (kind == 2'd0)
			pm_cycles = 16'd124;
		else if (kind[0])   // 1, and 3 (the ring in lines)
			pm_cycles = 16'd2 * pm_p1(stages);
		else
			pm_cycles = 16'd1;
	end
endfunction

function [15:0] pm_latency;
	input [1:0] kind;
	input [7:0] stages;
	reg [15:0] s;
	begin
		s = {8'd0, stages};
		if (kind == 2'd0)
			pm_latency = 16'd248;
		else if (kind[0])   // 1, and 3 (the ring in lines)
			// the last pass (P1 + 60 / S), stage 60 % S, the register after
			// that stage, and the H7 test register
			pm_latency = (pm_p1(stages) + 16'd60 / s) * (s + 16'd1) + 16'd60 % s + 16'd2 + {15'd0, kind[1]};
		else
			pm_latency = 16'd123;
	end
endfunction
