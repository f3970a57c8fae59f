/*
 * sha256: SHA-256 (FIPS 180-4) compression, whole-message hashing, the
 * double hash Bitcoin uses, and the midstate of an 80-byte header.
 *
 * State words are host integers H0..H7; digests are the standard 32 bytes
 * (H0..H7 each big-endian), i.e. Bitcoin's "internal" byte order.
 *
 * sha256_compress() runs on SHA-NI when the CPU has it and on portable C
 * otherwise, chosen once when the program is loaded. The nonce-scanning
 * kernels, which apply the SHA-256d shortcuts, are in sha256d.h.
 * Nothing here allocates or fails.
 */
#ifndef PIPEMINER_SHA256_H
#define PIPEMINER_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "cpu.h"

extern const uint32_t sha256_iv[8];
extern const uint32_t sha256_k[64];

/* One compression of a 64-byte block into state (the fastest path here). */
void sha256_compress(uint32_t state[8], const uint8_t block[64]);

/* The same, always in portable C (the reference the others are tested on). */
void sha256_compress_portable(uint32_t state[8], const uint8_t block[64]);

#if PIPEMINER_X86
/* The same with SHA-NI; only call when cpu_features() has CPU_SHANI. */
void sha256_compress_shani(uint32_t state[8], const uint8_t block[64]);
#else
static inline void sha256_compress_shani(uint32_t state[8], const uint8_t block[64])
{
	sha256_compress_portable(state, block);
}
#endif

/* Incremental hashing. */
struct sha256_ctx {
	uint32_t h[8];
	uint64_t total;      /* bytes absorbed so far */
	uint8_t buf[64];
	size_t buflen;
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t out[32]);

/* One-shot SHA-256 and SHA-256d (SHA-256 of the SHA-256 digest). */
void sha256(const void *data, size_t len, uint8_t out[32]);
void sha256d(const void *data, size_t len, uint8_t out[32]);

/*
 * SHA-256d of exactly 64 bytes (a merkle node: left || right). Uses the
 * constant padding block, so it is the fast path for merkle folding.
 */
void sha256d_64(const uint8_t in[64], uint8_t out[32]);

/* The state after compressing header bytes 0..63: the midstate. */
void sha256_midstate(const uint8_t header[64], uint32_t out[8]);

/* Serialize a state as a digest: H0..H7 each big-endian. */
void sha256_state_to_bytes(const uint32_t h[8], uint8_t out[32]);

#endif
