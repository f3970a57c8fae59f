/*
 * cpu: which SIMD and SHA instructions this CPU and OS let us use.
 *
 * Read from CPUID (leaf 1 and leaf 7) and XGETBV, so an AVX-512 path is only
 * offered when the OS also saves the ZMM state. On non-x86 builds every
 * feature reads as absent and only the portable paths exist.
 *
 * cpu_features() executes CPUID, which traps to the hypervisor in a VM:
 * call it when choosing a path, never per hash.
 */
#ifndef PIPEMINER_CPU_H
#define PIPEMINER_CPU_H

enum cpu_feature {
	CPU_SSE41 = 1u << 0,
	CPU_SHANI = 1u << 1,   /* SHA extensions (SHA256RNDS2 and friends) */
	CPU_AVX2 = 1u << 2,
	CPU_AVX512 = 1u << 3,  /* AVX-512 F + VL, OS saves ZMM state */
	CPU_AMD = 1u << 4,     /* vendor AuthenticAMD or HygonGenuine */
};

#if defined(__x86_64__) || defined(__i386__)
#define PIPEMINER_X86 1
unsigned cpu_features(void);
#else
#define PIPEMINER_X86 0
static inline unsigned cpu_features(void)
{
	return 0;
}
#endif

#endif
