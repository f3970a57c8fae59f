/*
 * sha256d_shani_evex: the same SHA-NI kernel compiled for AVX-512, whose
 * EVEX encoding reaches 32 vector registers; about 10% faster on Zen 4.
 * Offered under the same name, "shani", where the CPU has both.
 */
#include "cpu.h"

#define KERNEL_SCAN scan_shani_evex
#include "sha256d_shani_body.h"

const struct sha256d_kernel sha256d_kernel_shani_evex = {
	.name = "shani",
	.needs = CPU_SHANI | CPU_AVX512,
	.lanes = SHANI_LANES,
	.scan = scan_shani_evex,
};
