/*
 * sha256d_lanes: the body of a SIMD scanning kernel, written once over a
 * vector type and included by each kernel file after it defines:
 *
 *   LANES               nonces per vector (a power of two)
 *   VT                  the vector type
 *   V1(x)               broadcast a uint32_t
 *   VADD(a, b)          lane-wise addition mod 2^32
 *   VS0, VS1, Vs0, Vs1  SHA-256's Sigma0/1 and sigma0/1
 *   VCH(e, f, g), VMAJ(a, b, c)
 *   VNONCES(n)          lanes n, n+1, ..., n+LANES-1
 *   VBSWAP(x)           byte swap of each lane
 *   VPASS(h7, mask)     bitmask of lanes where (h7 & mask) == 0
 *   KERNEL_SCAN         the name of the scan function to define
 *
 * The round order and the shortcuts are explained in sha256d.h. Here "state
 * after round r" means after r+1 rounds, rounds numbered from 0.
 */

/* One round; the caller rotates names. New a lands in h, new e in d. */
#define LROUND(a, b, c, d, e, f, g, h, kw)                                      \
	do {                                                                    \
		VT t1_ = VADD(VADD(VADD(h, (kw)), VS1(e)), VCH(e, f, g));       \
		d = VADD(d, t1_);                                               \
		h = VADD(VADD(t1_, VS0(a)), VMAJ(a, b, c));                     \
	} while (0)

/* A round whose new a is never used: only e is computed. */
#define LROUND_E(a, b, c, d, e, f, g, h, kw)                                    \
	do {                                                                    \
		VT t1_ = VADD(VADD(VADD(h, (kw)), VS1(e)), VCH(e, f, g));       \
		d = VADD(d, t1_);                                               \
	} while (0)

/* Round r of eight, names rotated so no words move. */
#define LROUND8(r, kw)                                                          \
	do {                                                                    \
		switch ((r) & 7) {                                              \
		case 0: LROUND(a, b, c, d, e, f, g, h, kw); break;              \
		case 1: LROUND(h, a, b, c, d, e, f, g, kw); break;              \
		case 2: LROUND(g, h, a, b, c, d, e, f, kw); break;              \
		case 3: LROUND(f, g, h, a, b, c, d, e, kw); break;              \
		case 4: LROUND(e, f, g, h, a, b, c, d, kw); break;              \
		case 5: LROUND(d, e, f, g, h, a, b, c, kw); break;              \
		case 6: LROUND(c, d, e, f, g, h, a, b, kw); break;              \
		default: LROUND(b, c, d, e, f, g, h, a, kw); break;             \
		}                                                               \
	} while (0)

#define LSCHED(w, t) VADD(VADD(Vs1(w[(t) - 2]), w[(t) - 7]), VADD(Vs0(w[(t) - 15]), w[(t) - 16]))

static uint32_t KERNEL_SCAN(const struct sha256d_job *job, uint32_t first,
			    uint32_t count, uint32_t *found, uint32_t max_found,
			    uint32_t *nfound)
{
	const VT mask = V1(job->h7_mask);
	const VT iv7 = V1(sha256_iv[7]);
	/* Round 0 of the second hash starts from the IV: only W0 varies. */
	const uint32_t h2_t1 = sha256_iv[7] + SHA_S1(sha256_iv[4]) +
		SHA_CH(sha256_iv[4], sha256_iv[5], sha256_iv[6]) + sha256_k[0];
	const VT h2_a1 = V1(h2_t1 + SHA_S0(sha256_iv[0]) +
			    SHA_MAJ(sha256_iv[0], sha256_iv[1], sha256_iv[2]));
	const VT h2_e1 = V1(h2_t1 + sha256_iv[3]);
	uint64_t done = 0;

	while (done < count) {
		VT w[64], hw[8];
		VT a, b, c, d, e, f, g, h;
		uint32_t n0 = first + (uint32_t)done;
		uint64_t left = count - done;
		unsigned pass;

		if (*nfound + LANES > max_found)
			break;

		/* ---- first hash, block 2, from the state after round 2 ---- */
		/*
		 * Round 3 is job constant + W3. At the start of round r the role
		 * of a is held by variable (0 - r) mod 8 (see LROUND8), so for
		 * round 4 a..d sit in e..h and e..h in a..d.
		 */
		w[3] = VBSWAP(VNONCES(n0));
		e = VADD(V1(job->a3_base), w[3]);
		f = V1(job->r3[0]);
		g = V1(job->r3[1]);
		h = V1(job->r3[2]);
		a = VADD(V1(job->e3_base), w[3]);
		b = V1(job->r3[4]);
		c = V1(job->r3[5]);
		d = V1(job->r3[6]);
		/* Rounds 4..15: W4 = 0x80000000, W5..W14 = 0, W15 = 640. */
		LROUND8(4, V1(sha256_k[4] + 0x80000000u));
		LROUND8(5, V1(sha256_k[5]));
		LROUND8(6, V1(sha256_k[6]));
		LROUND8(7, V1(sha256_k[7]));
		LROUND8(8, V1(sha256_k[8]));
		LROUND8(9, V1(sha256_k[9]));
		LROUND8(10, V1(sha256_k[10]));
		LROUND8(11, V1(sha256_k[11]));
		LROUND8(12, V1(sha256_k[12]));
		LROUND8(13, V1(sha256_k[13]));
		LROUND8(14, V1(sha256_k[14]));
		LROUND8(15, V1(sha256_k[15] + 0x280u));

		w[16] = V1(job->w16);
		w[17] = V1(job->w17);
		w[18] = VADD(V1(job->w18_base), Vs0(w[3]));
		w[19] = VADD(V1(job->w19_base), w[3]);
		w[20] = VADD(Vs1(w[18]), V1(0x80000000u));
		w[21] = Vs1(w[19]);
		w[22] = VADD(Vs1(w[20]), V1(0x280u));
		w[23] = VADD(Vs1(w[21]), w[16]);
		w[24] = VADD(Vs1(w[22]), w[17]);
		w[25] = VADD(Vs1(w[23]), w[18]);
		w[26] = VADD(Vs1(w[24]), w[19]);
		w[27] = VADD(Vs1(w[25]), w[20]);
		w[28] = VADD(Vs1(w[26]), w[21]);
		w[29] = VADD(Vs1(w[27]), w[22]);
		w[30] = VADD(VADD(Vs1(w[28]), w[23]), V1(SHA_s0(0x280u)));
		w[31] = VADD(VADD(Vs1(w[29]), w[24]), V1(job->w31_base));
		w[32] = VADD(VADD(Vs1(w[30]), w[25]), V1(job->w32_base));
		LROUND8(16, VADD(V1(sha256_k[16]), w[16]));
		LROUND8(17, VADD(V1(sha256_k[17]), w[17]));
#pragma GCC unroll 64
		for (int t = 18; t < 33; t++)
			LROUND8(t, VADD(V1(sha256_k[t]), w[t]));
#pragma GCC unroll 64
		for (int t = 33; t < 64; t++) {
			w[t] = LSCHED(w, t);
			LROUND8(t, VADD(V1(sha256_k[t]), w[t]));
		}
		hw[0] = VADD(a, V1(job->midstate[0]));
		hw[1] = VADD(b, V1(job->midstate[1]));
		hw[2] = VADD(c, V1(job->midstate[2]));
		hw[3] = VADD(d, V1(job->midstate[3]));
		hw[4] = VADD(e, V1(job->midstate[4]));
		hw[5] = VADD(f, V1(job->midstate[5]));
		hw[6] = VADD(g, V1(job->midstate[6]));
		hw[7] = VADD(h, V1(job->midstate[7]));

		/* ---- second hash: digest || 0x80 || zeros || 256, from the IV ---- */
#pragma GCC unroll 8
		for (int t = 0; t < 8; t++)
			w[t] = hw[t];
		/* Round 0 done here; for round 1 the role of a is in h. */
		h = VADD(h2_a1, w[0]);
		a = V1(sha256_iv[0]);
		b = V1(sha256_iv[1]);
		c = V1(sha256_iv[2]);
		d = VADD(h2_e1, w[0]);
		e = V1(sha256_iv[4]);
		f = V1(sha256_iv[5]);
		g = V1(sha256_iv[6]);
#pragma GCC unroll 8
		for (int t = 1; t < 8; t++)
			LROUND8(t, VADD(V1(sha256_k[t]), w[t]));
		LROUND8(8, V1(sha256_k[8] + 0x80000000u));
		LROUND8(9, V1(sha256_k[9]));
		LROUND8(10, V1(sha256_k[10]));
		LROUND8(11, V1(sha256_k[11]));
		LROUND8(12, V1(sha256_k[12]));
		LROUND8(13, V1(sha256_k[13]));
		LROUND8(14, V1(sha256_k[14]));
		LROUND8(15, V1(sha256_k[15] + 0x100u));

		w[16] = VADD(Vs0(w[1]), w[0]);
		w[17] = VADD(VADD(Vs0(w[2]), w[1]), V1(SHA_s1(0x100u)));
		w[18] = VADD(VADD(Vs1(w[16]), Vs0(w[3])), w[2]);
		w[19] = VADD(VADD(Vs1(w[17]), Vs0(w[4])), w[3]);
		w[20] = VADD(VADD(Vs1(w[18]), Vs0(w[5])), w[4]);
		w[21] = VADD(VADD(Vs1(w[19]), Vs0(w[6])), w[5]);
		w[22] = VADD(VADD(Vs1(w[20]), Vs0(w[7])), VADD(w[6], V1(0x100u)));
		w[23] = VADD(VADD(Vs1(w[21]), w[16]), VADD(w[7], V1(SHA_s0(0x80000000u))));
		w[24] = VADD(VADD(Vs1(w[22]), w[17]), V1(0x80000000u));
		w[25] = VADD(Vs1(w[23]), w[18]);
		w[26] = VADD(Vs1(w[24]), w[19]);
		w[27] = VADD(Vs1(w[25]), w[20]);
		w[28] = VADD(Vs1(w[26]), w[21]);
		w[29] = VADD(Vs1(w[27]), w[22]);
		w[30] = VADD(VADD(Vs1(w[28]), w[23]), V1(SHA_s0(0x100u)));
		w[31] = VADD(VADD(Vs1(w[29]), w[24]), VADD(Vs0(w[16]), V1(0x100u)));
#pragma GCC unroll 64
		for (int t = 16; t < 32; t++)
			LROUND8(t, VADD(V1(sha256_k[t]), w[t]));
#pragma GCC unroll 64
		for (int t = 32; t < 57; t++) {
			w[t] = LSCHED(w, t);
			LROUND8(t, VADD(V1(sha256_k[t]), w[t]));
		}
		/* Rounds 57..60 feed only e after round 60, i.e. H7 - IV7. */
		w[57] = LSCHED(w, 57);
		LROUND_E(h, a, b, c, d, e, f, g, VADD(V1(sha256_k[57]), w[57]));
		w[58] = LSCHED(w, 58);
		LROUND_E(g, h, a, b, c, d, e, f, VADD(V1(sha256_k[58]), w[58]));
		w[59] = LSCHED(w, 59);
		LROUND_E(f, g, h, a, b, c, d, e, VADD(V1(sha256_k[59]), w[59]));
		w[60] = LSCHED(w, 60);
		LROUND_E(e, f, g, h, a, b, c, d, VADD(V1(sha256_k[60]), w[60]));
		/* Round 60's d role was variable h: e after round 60 is there. */
		pass = VPASS(VADD(h, iv7), mask);

		if (left < LANES)
			pass &= (1u << left) - 1;
		while (pass) {
			found[(*nfound)++] = n0 + (uint32_t)__builtin_ctz(pass);
			pass &= pass - 1;
		}
		done += left < LANES ? left : LANES;
	}
	return (uint32_t)done;
}

#undef LROUND
#undef LROUND_E
#undef LROUND8
#undef LSCHED
