/*
 * sha256d_avx512: the scanning kernel on AVX-512F, 16 nonces per vector,
 * with native rotates and VPTERNLOGD for the three-input functions.
 */
#include <immintrin.h>

#include "sha256d.h"

#include "cpu.h"
#include "sha256.h"
#include "sha256_round.h"

#define LANES 16
#define VT __m512i
#define V1(x) _mm512_set1_epi32((int)(x))
#define VADD(a, b) _mm512_add_epi32(a, b)
#define VROR(x, n) _mm512_ror_epi32(x, n)
#define VXOR3(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)
#define VS0(x) VXOR3(VROR(x, 2), VROR(x, 13), VROR(x, 22))
#define VS1(x) VXOR3(VROR(x, 6), VROR(x, 11), VROR(x, 25))
#define Vs0(x) VXOR3(VROR(x, 7), VROR(x, 18), _mm512_srli_epi32(x, 3))
#define Vs1(x) VXOR3(VROR(x, 17), VROR(x, 19), _mm512_srli_epi32(x, 10))
#define VCH(e, f, g) _mm512_ternarylogic_epi32(e, f, g, 0xca)
#define VMAJ(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0xe8)
#define VNONCES(n) _mm512_add_epi32(V1(n), _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, \
							      8, 9, 10, 11, 12, 13, 14, 15))
/* Byte swap without AVX-512BW: swap the 16-bit halves, then the bytes in each. */
#define VBSWAP(x) _mm512_or_si512( \
	_mm512_and_si512(_mm512_ror_epi32(x, 8), V1(0xff00ff00u)), \
	_mm512_and_si512(_mm512_rol_epi32(x, 8), V1(0x00ff00ffu)))
#define VPASS(h7, mask) ((unsigned)_mm512_testn_epi32_mask(h7, mask))
#define KERNEL_SCAN scan_avx512
#include "sha256d_lanes.h"

const struct sha256d_kernel sha256d_kernel_avx512 = {
	.name = "avx512",
	.needs = CPU_AVX512,
	.lanes = LANES,
	.scan = scan_avx512,
};
