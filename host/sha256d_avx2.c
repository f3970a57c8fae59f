/* sha256d_avx2: the scanning kernel on AVX2, 8 nonces per vector. */
#include <immintrin.h>

#include "sha256d.h"

#include "cpu.h"
#include "sha256.h"
#include "sha256_round.h"

#define LANES 8
#define VT __m256i
#define V1(x) _mm256_set1_epi32((int)(x))
#define VADD(a, b) _mm256_add_epi32(a, b)
#define VXOR(a, b) _mm256_xor_si256(a, b)
#define VROR(x, n) _mm256_or_si256(_mm256_srli_epi32(x, n), _mm256_slli_epi32(x, 32 - (n)))
#define VS0(x) VXOR(VXOR(VROR(x, 2), VROR(x, 13)), VROR(x, 22))
#define VS1(x) VXOR(VXOR(VROR(x, 6), VROR(x, 11)), VROR(x, 25))
#define Vs0(x) VXOR(VXOR(VROR(x, 7), VROR(x, 18)), _mm256_srli_epi32(x, 3))
#define Vs1(x) VXOR(VXOR(VROR(x, 17), VROR(x, 19)), _mm256_srli_epi32(x, 10))
#define VCH(e, f, g) VXOR(g, _mm256_and_si256(e, VXOR(f, g)))
#define VMAJ(a, b, c) _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)))
#define VNONCES(n) _mm256_add_epi32(V1(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define VBSWAP(x) _mm256_shuffle_epi8(x, _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, \
							   3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12))
#define VPASS(h7, mask) ((unsigned)_mm256_movemask_ps(_mm256_castsi256_ps( \
	_mm256_cmpeq_epi32(_mm256_and_si256(h7, mask), _mm256_setzero_si256()))))
#define KERNEL_SCAN scan_avx2
#include "sha256d_lanes.h"

const struct sha256d_kernel sha256d_kernel_avx2 = {
	.name = "avx2",
	.needs = CPU_AVX2,
	.lanes = LANES,
	.scan = scan_avx2,
};
