/*
 * sha256d: scanning the nonces of one header for double hashes that pass a
 * share filter, on the fastest path this CPU offers.
 *
 * A job is what a board gets too: the midstate (state after header bytes
 * 0..63) and the tail, the three big-endian words of header bytes 64..75
 * (merkle_root[28:32], ntime, nbits as they sit in the header). The nonce
 * value n (as mining.submit carries it) sits little-endian in header bytes
 * 76..79, so the message word the hash sees is W3 = bswap32(n).
 *
 * Share filter: `zero_bits` B in 0..32 keeps a nonce iff the hash, read as a
 * little-endian 256-bit number (the way targets compare it), has at least B
 * leading zero bits. Those bits are all in H7, the last word of the second
 * hash, so the kernels stop the second hash after round 60: H7 = IV7 + e
 * after round 60 (hence e == 0xA41F32E7 for B = 32). Finer tests (B > 32, a
 * share target) are the caller's, on the candidates: see target.h.
 *
 * SHA-256d savings every kernel applies: rounds 0-2 of block 2 depend only
 * on the job and are done once in sha256d_job_init(); the constant padding
 * words of both blocks are folded into K+W constants; W16 and W17 of block 2
 * are job constants; the second hash stops at round 60 with the H7 test.
 */
#ifndef PIPEMINER_SHA256D_H
#define PIPEMINER_SHA256D_H

#include <stdbool.h>
#include <stdint.h>

struct sha256d_job {
	uint32_t midstate[8];
	uint32_t tail[3];       /* W0..W2 of block 2 */
	uint32_t h7_mask;       /* bits of H7 that must be zero to pass */
	unsigned zero_bits;
	/* Derived by sha256d_job_init(); kernels read only these and h7_mask. */
	uint32_t r2[8];         /* state after rounds 0..1 of block 2 */
	uint32_t r3[8];         /* state after rounds 0..2 of block 2 */
	uint32_t a3_base;       /* a after round 3 = a3_base + W3 */
	uint32_t e3_base;       /* e after round 3 = e3_base + W3 */
	uint32_t w16, w17;      /* block 2 schedule words that are job constants */
	uint32_t w18_base;      /* W18 = w18_base + s0(W3) */
	uint32_t w19_base;      /* W19 = w19_base + W3 */
	uint32_t w31_base;      /* W31 = w31_base + s1(W29) + W24 */
	uint32_t w32_base;      /* W32 = w32_base + s1(W30) + W25 */
};

/*
 * Fills the derived fields. zero_bits above 32 is clamped to 32 (the kernel
 * filter is a prefilter then). Never fails.
 */
void sha256d_job_init(struct sha256d_job *job, const uint32_t midstate[8],
		      const uint32_t tail[3], unsigned zero_bits);

/* The H7 mask for B leading zero bits of the little-endian hash, B <= 32. */
uint32_t sha256d_h7_mask(unsigned zero_bits);

/*
 * A scanning kernel. scan() hashes nonces first, first+1, ... (mod 2^32),
 * `count` of them (1 <= count), and appends each nonce that passes the filter
 * to found[], in scan order, counting them in *nfound (which the caller
 * zeroes). It returns how many nonces it hashed: `count`, or fewer when
 * found[] could not take another full vector of lanes (max_found must be at
 * least `lanes`), in which case the caller drains found[] and calls again at
 * first + the returned number. It cannot fail.
 */
struct sha256d_kernel {
	const char *name;       /* "avx512", "avx2", "shani", "portable" */
	unsigned needs;         /* cpu.h features it requires */
	unsigned lanes;         /* nonces hashed together */
	uint32_t (*scan)(const struct sha256d_job *job, uint32_t first,
			 uint32_t count, uint32_t *found, uint32_t max_found,
			 uint32_t *nfound);
};

/* Every kernel built into this binary, NULL-terminated, supported or not. */
extern const struct sha256d_kernel *const sha256d_kernels[];

/* True when this CPU can run k. */
bool sha256d_kernel_supported(const struct sha256d_kernel *k);

/*
 * The fastest kernel this CPU supports (the portable one at worst); the
 * ranking depends on the CPU's vendor, since SHA-NI is twice as fast as
 * AVX-512 per clock on AMD Zen 4 and the reverse holds on Intel Xeons.
 */
const struct sha256d_kernel *sha256d_kernel_best(void);

/* The kernel named `name` if built in and supported here, else NULL. */
const struct sha256d_kernel *sha256d_kernel_find(const char *name);

/* Reference: H7 of the double hash of (job, nonce), computed in full. */
uint32_t sha256d_job_h7(const struct sha256d_job *job, uint32_t nonce);

#endif
