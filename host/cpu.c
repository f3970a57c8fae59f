/* cpu: CPUID and XGETBV feature detection; see cpu.h. x86 builds only. */
#include "cpu.h"

#include <cpuid.h>
#include <stdint.h>

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

unsigned cpu_features(void)
{
	unsigned a, b, c, d, f = 0;
	uint64_t xcr0 = 0;

	if (!__get_cpuid(0, &a, &b, &c, &d))
		return 0;
	/* Vendor string in EBX, EDX, ECX: "Auth" "enti" "cAMD" / "Hygo" "nGen" "uine". */
	if ((b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163) ||
	    (b == 0x6f677948 && d == 0x6e65476e && c == 0x656e6975))
		f |= CPU_AMD;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return f;
	if (c & bit_SSE4_1)
		f |= CPU_SSE41;
	if (c & bit_OSXSAVE)
		xcr0 = xgetbv0();
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return f;
	if ((b & bit_SHA) && (f & CPU_SSE41))
		f |= CPU_SHANI;
	/* XCR0 bits 1-2: XMM and YMM state; bits 5-7: opmask and ZMM state. */
	if ((b & bit_AVX2) && (xcr0 & 0x6) == 0x6)
		f |= CPU_AVX2;
	if ((b & bit_AVX512F) && (b & bit_AVX512VL) && (xcr0 & 0xe6) == 0xe6)
		f |= CPU_AVX512;
	return f;
}
