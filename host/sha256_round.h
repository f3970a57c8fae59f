/*
 * sha256_round: the scalar SHA-256 round and schedule functions as macros,
 * shared by the portable compression and the portable scanning kernel.
 * (FIPS 180-4 section 4.1.2 names: Sigma0/1 on the state, sigma0/1 on W.)
 */
#ifndef PIPEMINER_SHA256_ROUND_H
#define PIPEMINER_SHA256_ROUND_H

#include <stdint.h>

static inline uint32_t sha_ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

#define SHA_S0(x) (sha_ror((x), 2) ^ sha_ror((x), 13) ^ sha_ror((x), 22))
#define SHA_S1(x) (sha_ror((x), 6) ^ sha_ror((x), 11) ^ sha_ror((x), 25))
#define SHA_s0(x) (sha_ror((x), 7) ^ sha_ror((x), 18) ^ ((x) >> 3))
#define SHA_s1(x) (sha_ror((x), 17) ^ sha_ror((x), 19) ^ ((x) >> 10))
#define SHA_CH(e, f, g) ((g) ^ ((e) & ((f) ^ (g))))
#define SHA_MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))

/*
 * One round, with kw = K[t] + W[t] already summed. The caller rotates the
 * names instead of moving the eight words: after the round, the new `a` is
 * in h and the new `e` is in d.
 */
#define SHA_ROUND(a, b, c, d, e, f, g, h, kw)                                   \
	do {                                                                    \
		uint32_t t1_ = (h) + SHA_S1(e) + SHA_CH(e, f, g) + (kw);        \
		(d) += t1_;                                                     \
		(h) = t1_ + SHA_S0(a) + SHA_MAJ(a, b, c);                       \
	} while (0)

#endif
