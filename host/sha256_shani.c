/* sha256_shani: one SHA-256 compression on the SHA extensions; see sha256.h. */
#include "sha256_shani.h"

void sha256_compress_shani(uint32_t state[8], const uint8_t block[64])
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i abef, cdgh, abef0, cdgh0, m[16], abcd, efgh;

	shani_split(state, &abef, &cdgh);
	abef0 = abef;
	cdgh0 = cdgh;
	for (int i = 0; i < 4; i++)
		m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16 * i)), bswap);
	for (int i = 4; i < 16; i++)
		m[i] = SHANI_SCHED(m[i - 4], m[i - 3], m[i - 2], m[i - 1]);
	for (int i = 0; i < 16; i++)
		SHANI_QROUND(abef, cdgh, _mm_add_epi32(m[i], KV(4 * i)));
	shani_join(_mm_add_epi32(abef, abef0), _mm_add_epi32(cdgh, cdgh0), &abcd, &efgh);
	_mm_storeu_si128((__m128i *)state, abcd);
	_mm_storeu_si128((__m128i *)(state + 4), efgh);
}
