/*
 * sha256_shani: helpers for code on the SHA extensions, included by the
 * files compiled with -msha (sha256_shani.c, sha256d_shani*.c).
 *
 * SHA256RNDS2 does two rounds on the state split as ABEF = {F, E, B, A} and
 * CDGH = {H, G, D, C} (dword 0 first), taking W+K of its two rounds from the
 * low half of xmm0; SHA256MSG1/MSG2 extend the message schedule four words
 * at a time. (Intel, "SHA Extensions", 2013; shared/reference/host.md 4.3.)
 */
#ifndef PIPEMINER_SHA256_SHANI_H
#define PIPEMINER_SHA256_SHANI_H

#include <immintrin.h>
#include <stdint.h>

#include "sha256.h"

/* K[t..t+3] as a vector. */
#define KV(t) _mm_set_epi32((int)sha256_k[(t) + 3], (int)sha256_k[(t) + 2], \
			    (int)sha256_k[(t) + 1], (int)sha256_k[(t)])

/* A state as ABEF and CDGH. */
static inline void shani_split(const uint32_t s[8], __m128i *abef, __m128i *cdgh)
{
	__m128i abcd = _mm_loadu_si128((const __m128i *)s);      /* {A,B,C,D} */
	__m128i efgh = _mm_loadu_si128((const __m128i *)(s + 4)); /* {E,F,G,H} */

	abcd = _mm_shuffle_epi32(abcd, 0xb1);                     /* {B,A,D,C} */
	efgh = _mm_shuffle_epi32(efgh, 0x1b);                     /* {H,G,F,E} */
	*abef = _mm_alignr_epi8(abcd, efgh, 8);                   /* {F,E,B,A} */
	*cdgh = _mm_blend_epi16(efgh, abcd, 0xf0);                /* {H,G,D,C} */
}

/* ABEF, CDGH back to {A,B,C,D} and {E,F,G,H}. */
static inline void shani_join(__m128i abef, __m128i cdgh, __m128i *abcd, __m128i *efgh)
{
	*abcd = _mm_shuffle_epi32(_mm_unpackhi_epi64(cdgh, abef), 0x1b);
	*efgh = _mm_shuffle_epi32(_mm_unpacklo_epi64(cdgh, abef), 0x1b);
}

/* Four rounds with kw = W[t..t+3] + K[t..t+3]; abef and cdgh keep their roles. */
#define SHANI_QROUND(abef, cdgh, kw)                                            \
	do {                                                                    \
		__m128i kw_ = (kw);                                             \
		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, kw_);                  \
		abef = _mm_sha256rnds2_epu32(abef, cdgh,                        \
					     _mm_shuffle_epi32(kw_, 0x0e));     \
	} while (0)

/* W[t..t+3] from the four previous message vectors, m0 the oldest. */
#define SHANI_SCHED(m0, m1, m2, m3)                                             \
	_mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(m0, m1),        \
					   _mm_alignr_epi8(m3, m2, 4)), m3)

#endif
