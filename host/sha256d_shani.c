/* sha256d_shani: the SHA-NI scanning kernel in SSE encoding (any SHA CPU). */
#include "cpu.h"

#define KERNEL_SCAN scan_shani
#include "sha256d_shani_body.h"

const struct sha256d_kernel sha256d_kernel_shani = {
	.name = "shani",
	.needs = CPU_SHANI,
	.lanes = SHANI_LANES,
	.scan = scan_shani,
};
