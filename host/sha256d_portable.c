/* sha256d_portable: the scanning kernel in plain C, one nonce at a time. */
#include "sha256d.h"

#include "sha256.h"
#include "sha256_round.h"

#define LANES 1
#define VT uint32_t
#define V1(x) ((uint32_t)(x))
#define VADD(a, b) ((uint32_t)((a) + (b)))
#define VS0(x) SHA_S0(x)
#define VS1(x) SHA_S1(x)
#define Vs0(x) SHA_s0(x)
#define Vs1(x) SHA_s1(x)
#define VCH(e, f, g) SHA_CH(e, f, g)
#define VMAJ(a, b, c) SHA_MAJ(a, b, c)
#define VNONCES(n) (n)
#define VBSWAP(x) __builtin_bswap32(x)
#define VPASS(h7, mask) ((((h7) & (mask)) == 0) ? 1u : 0u)
#define KERNEL_SCAN scan_portable
#include "sha256d_lanes.h"

const struct sha256d_kernel sha256d_kernel_portable = {
	.name = "portable",
	.needs = 0,
	.lanes = LANES,
	.scan = scan_portable,
};
