/*
 * sha256d_shani_body: the SHA-NI scanning kernel, included by
 * sha256d_shani.c (legacy SSE encoding: any CPU with SHA) and
 * sha256d_shani_evex.c (EVEX encoding: 32 vector registers on AVX-512 CPUs,
 * which spares most spills). The includer defines KERNEL_SCAN.
 *
 * SHA256RNDS2 has a latency of 4 clocks and, on AMD Zen 4, a throughput of
 * one per clock: one message is latency-bound, so SHANI_LANES independent
 * nonces are interleaved step by step. Per nonce the first hash runs 31
 * RNDS2 from the job's state after round 1 (rounds 2-3 first); the second
 * hash runs 31 (rounds 0..61), after which dword 0 of ABEF is F = e after
 * round 60, and H7 = IV7 + that. Message words that are padding are folded
 * into K+W constants; schedule steps whose inputs are all job constants are
 * done once per job.
 *
 * Measured on Zen 4 (docs/architecture.md, "CPU paths"): RNDS2 issues on one
 * pipe, MSG1/MSG2 and the shuffles on another, which this kernel keeps at
 * about 100 clocks per nonce. Things that did not help: more lanes (spills),
 * pipelining the second hash of one group with the first of the next (the
 * MSG pipe stays the limit), and K+W tables in memory (store forwarding).
 * On x86-64 CPUs with AVX2 the kernel used is sha256d_shani_x86.c, whose
 * hand-scheduled assembly runs this arithmetic about 7% faster; these C
 * builds remain for SHA CPUs without AVX2 and as the readable reference.
 */
#include "sha256d.h"
#include "sha256_round.h"
#include "sha256_shani.h"

#define SHANI_LANES 4
/* Over the lanes, unrolled: lane state must stay in registers. */
#define EACH _Pragma("GCC unroll 8") for (int l = 0; l < SHANI_LANES; l++)

static uint32_t KERNEL_SCAN(const struct sha256d_job *job, uint32_t first,
			    uint32_t count, uint32_t *found, uint32_t max_found,
			    uint32_t *nfound)
{
	__m128i r2_abef, r2_cdgh, mid_abef, mid_cdgh, iv_abef, iv_cdgh;
	/* Block 2 of the first hash: K+W of rounds 4-15 (W4 = 0x80000000, W15 = 640). */
	const __m128i kw4 = _mm_add_epi32(KV(4), _mm_set_epi32(0, 0, 0, (int)0x80000000u));
	const __m128i kw8 = KV(8);
	const __m128i kw12 = _mm_add_epi32(KV(12), _mm_set_epi32(0x280, 0, 0, 0));
	/* Its message vectors W4..W7 and W12..W15 (W8..W11 are zero). */
	const __m128i b2_m1 = _mm_set_epi32(0, 0, 0, (int)0x80000000u);
	const __m128i b2_m3 = _mm_set_epi32(0x280, 0, 0, 0);
	/* MSG1(W12..15, W16..19) = {0, 0, s0(640), 640 + s0(W16)}: a job constant. */
	const __m128i b2_msg1_m3m4 = _mm_set_epi32((int)job->w31_base,
						   (int)SHA_s0(0x280u), 0, 0);
	/* Second hash: W8 = 0x80000000, W9..W14 = 0, W15 = 256. */
	const __m128i h2_m2 = b2_m1;
	const __m128i h2_m3 = _mm_set_epi32(0x100, 0, 0, 0);
	const __m128i h2_kw8 = _mm_add_epi32(KV(8), h2_m2);
	const __m128i h2_kw12 = _mm_add_epi32(KV(12), h2_m3);
	const uint64_t kw2 = (uint64_t)(sha256_k[2] + job->tail[2]);
	const __m128i tail3 = _mm_set_epi32(0, (int)job->tail[2], (int)job->tail[1],
					    (int)job->tail[0]);
	uint64_t done = 0;

	shani_split(job->r2, &r2_abef, &r2_cdgh);
	shani_split(job->midstate, &mid_abef, &mid_cdgh);
	shani_split(sha256_iv, &iv_abef, &iv_cdgh);

	while (done < count) {
		/* Per lane: the state (x = ABEF, y = CDGH) and five schedule vectors. */
		__m128i x[SHANI_LANES], y[SHANI_LANES];
		__m128i m0[SHANI_LANES], m1[SHANI_LANES], m2[SHANI_LANES];
		__m128i m3[SHANI_LANES], m4[SHANI_LANES];
		uint32_t n0 = first + (uint32_t)done;
		uint64_t left = count - done;
		unsigned pass;

		if (*nfound + SHANI_LANES > max_found)
			break;

		/* First hash, rounds 2-3: W2 is the job's, W3 = bswap(nonce). */
		EACH {
			uint32_t w3 = __builtin_bswap32(n0 + (uint32_t)l);

			m0[l] = _mm_insert_epi32(tail3, (int)w3, 3);
			x[l] = _mm_sha256rnds2_epu32(r2_cdgh, r2_abef,
				_mm_cvtsi64_si128((long long)(kw2 | (uint64_t)(sha256_k[3] + w3) << 32)));
			y[l] = r2_abef;   /* now CDGH, and x is ABEF */
		}
		/* Rounds 4-15 on constants while W16..W31 are scheduled. */
		EACH SHANI_QROUND(x[l], y[l], kw4);
		EACH m4[l] = _mm_sha256msg2_epu32(_mm_sha256msg1_epu32(m0[l], b2_m1), b2_m3);
		EACH SHANI_QROUND(x[l], y[l], kw8);
		EACH m1[l] = _mm_sha256msg2_epu32(_mm_add_epi32(b2_m1,
				_mm_alignr_epi8(m4[l], b2_m3, 4)), m4[l]);      /* W20.. */
		EACH SHANI_QROUND(x[l], y[l], kw12);
		EACH m2[l] = _mm_sha256msg2_epu32(_mm_alignr_epi8(m1[l], m4[l], 4), m1[l]); /* W24.. */
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m4[l], KV(16)));
		EACH m3[l] = _mm_sha256msg2_epu32(_mm_add_epi32(b2_msg1_m3m4,
				_mm_alignr_epi8(m2[l], m1[l], 4)), m2[l]);      /* W28.. */
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m1[l], KV(20)));
		EACH { m0[l] = m4[l]; }   /* m0..m3 = W16.., W20.., W24.., W28.. */
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m2[l], KV(24)));
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m3[l], KV(28)));
#pragma GCC unroll 8
		for (int t = 32; t < 64; t += 16) {
			EACH m4[l] = SHANI_SCHED(m0[l], m1[l], m2[l], m3[l]);
			EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m4[l], KV(t)));
			EACH m0[l] = SHANI_SCHED(m1[l], m2[l], m3[l], m4[l]);
			EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m0[l], KV(t + 4)));
			EACH m1[l] = SHANI_SCHED(m2[l], m3[l], m4[l], m0[l]);
			EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m1[l], KV(t + 8)));
			EACH m2[l] = SHANI_SCHED(m3[l], m4[l], m0[l], m1[l]);
			EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m2[l], KV(t + 12)));
			EACH { m3[l] = m2[l]; m2[l] = m1[l]; m1[l] = m0[l]; m0[l] = m4[l]; }
		}
		/* Feed-forward: the digest words are the second hash's W0..W7. */
		EACH {
			shani_join(_mm_add_epi32(x[l], mid_abef), _mm_add_epi32(y[l], mid_cdgh),
				   &m0[l], &m1[l]);
			x[l] = iv_abef;
			y[l] = iv_cdgh;
		}
		/* Second hash from the IV; W8..W15 are padding. */
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m0[l], KV(0)));
		EACH m4[l] = _mm_sha256msg2_epu32(_mm_sha256msg1_epu32(m0[l], m1[l]), h2_m3); /* W16.. */
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m1[l], KV(4)));
		EACH m0[l] = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(m1[l], h2_m2),
				_mm_alignr_epi8(m4[l], h2_m3, 4)), m4[l]);      /* W20.. */
		EACH SHANI_QROUND(x[l], y[l], h2_kw8);
		EACH m1[l] = _mm_sha256msg2_epu32(_mm_add_epi32(h2_m2,
				_mm_alignr_epi8(m0[l], m4[l], 4)), m0[l]);      /* W24.. */
		EACH SHANI_QROUND(x[l], y[l], h2_kw12);
		EACH m2[l] = SHANI_SCHED(h2_m3, m4[l], m0[l], m1[l]);              /* W28.. */
		EACH { m3[l] = m2[l]; m2[l] = m1[l]; m1[l] = m0[l]; m0[l] = m4[l]; }
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m0[l], KV(16)));
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m1[l], KV(20)));
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m2[l], KV(24)));
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m3[l], KV(28)));
		EACH m4[l] = SHANI_SCHED(m0[l], m1[l], m2[l], m3[l]);
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m4[l], KV(32)));
		EACH m0[l] = SHANI_SCHED(m1[l], m2[l], m3[l], m4[l]);
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m0[l], KV(36)));
		EACH m1[l] = SHANI_SCHED(m2[l], m3[l], m4[l], m0[l]);
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m1[l], KV(40)));
		EACH m2[l] = SHANI_SCHED(m3[l], m4[l], m0[l], m1[l]);
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m2[l], KV(44)));
		EACH m3[l] = SHANI_SCHED(m4[l], m0[l], m1[l], m2[l]);
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m3[l], KV(48)));
		EACH m4[l] = SHANI_SCHED(m0[l], m1[l], m2[l], m3[l]);
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m4[l], KV(52)));
		EACH m0[l] = SHANI_SCHED(m1[l], m2[l], m3[l], m4[l]);
		EACH SHANI_QROUND(x[l], y[l], _mm_add_epi32(m0[l], KV(56)));
		EACH m1[l] = SHANI_SCHED(m2[l], m3[l], m4[l], m0[l]);              /* W60.. */
		/* Rounds 60-61 only: then dword 0 of ABEF is F = e after round 60. */
		EACH y[l] = _mm_sha256rnds2_epu32(y[l], x[l], _mm_add_epi32(m1[l], KV(60)));

		/* (A store to found[] inside the lane loop would halve the speed.) */
		pass = 0;
		EACH {
			uint32_t h7 = (uint32_t)_mm_cvtsi128_si32(y[l]) + sha256_iv[7];

			pass |= (unsigned)((h7 & job->h7_mask) == 0) << l;
		}
		if (left < SHANI_LANES)
			pass &= (1u << left) - 1;
		while (pass) {
			found[(*nfound)++] = n0 + (uint32_t)__builtin_ctz(pass);
			pass &= pass - 1;
		}
		done += left < SHANI_LANES ? left : SHANI_LANES;
	}
	return (uint32_t)done;
}

#undef EACH
