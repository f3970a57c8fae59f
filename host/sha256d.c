/* sha256d: job precomputation, kernel table and selection; see sha256d.h. */
#include "sha256d.h"

#include <string.h>

#include "cpu.h"
#include "hex.h"
#include "sha256.h"
#include "sha256_round.h"

/* Block 2 message words that are padding: W4 = 0x80000000, W15 = 640 bits. */
#define PAD1_W4 0x80000000u
#define PAD1_W15 0x00000280u

uint32_t sha256d_h7_mask(unsigned zero_bits)
{
	uint32_t top;

	if (zero_bits == 0)
		return 0;
	if (zero_bits >= 32)
		return 0xffffffffu;
	/* The top bits of the little-endian 256-bit hash are H7's bytes reversed. */
	top = ~0u << (32 - zero_bits);
	return __builtin_bswap32(top);
}

void sha256d_job_init(struct sha256d_job *job, const uint32_t midstate[8],
		      const uint32_t tail[3], unsigned zero_bits)
{
	uint32_t s[8], p, t2;

	if (zero_bits > 32)
		zero_bits = 32;
	memcpy(job->midstate, midstate, sizeof(job->midstate));
	memcpy(job->tail, tail, sizeof(job->tail));
	job->zero_bits = zero_bits;
	job->h7_mask = sha256d_h7_mask(zero_bits);

	memcpy(s, midstate, sizeof(s));
	SHA_ROUND(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], sha256_k[0] + tail[0]);
	SHA_ROUND(s[7], s[0], s[1], s[2], s[3], s[4], s[5], s[6], sha256_k[1] + tail[1]);
	/* After two rounds the roles have rotated by two: a is s[6], e is s[2]. */
	for (int i = 0; i < 8; i++)
		job->r2[i] = s[(i + 6) & 7];
	SHA_ROUND(s[6], s[7], s[0], s[1], s[2], s[3], s[4], s[5], sha256_k[2] + tail[2]);
	for (int i = 0; i < 8; i++)
		job->r3[i] = s[(i + 5) & 7];

	/* Round 3 = per-job part + W3. */
	{
		const uint32_t *r = job->r3;

		p = r[7] + SHA_S1(r[4]) + SHA_CH(r[4], r[5], r[6]) + sha256_k[3];
		t2 = SHA_S0(r[0]) + SHA_MAJ(r[0], r[1], r[2]);
		job->a3_base = p + t2;
		job->e3_base = r[3] + p;
	}

	job->w16 = SHA_s0(tail[1]) + tail[0];
	job->w17 = SHA_s1(PAD1_W15) + SHA_s0(tail[2]) + tail[1];
	job->w18_base = SHA_s1(job->w16) + tail[2];
	job->w19_base = SHA_s1(job->w17) + SHA_s0(PAD1_W4);
	job->w31_base = SHA_s0(job->w16) + PAD1_W15;
	job->w32_base = SHA_s0(job->w17) + job->w16;
}

uint32_t sha256d_job_h7(const struct sha256d_job *job, uint32_t nonce)
{
	uint8_t block[64] = {0}, digest[32];
	uint32_t h[8];

	for (int i = 0; i < 3; i++)
		store_be32(block + 4 * i, job->tail[i]);
	store_le32(block + 12, nonce);
	block[16] = 0x80;
	block[62] = 0x02;
	block[63] = 0x80;   /* 640 bits */
	memcpy(h, job->midstate, sizeof(h));
	sha256_compress_portable(h, block);
	sha256_state_to_bytes(h, digest);
	memset(block, 0, sizeof(block));
	memcpy(block, digest, 32);
	block[32] = 0x80;
	block[62] = 0x01;   /* 256 bits */
	memcpy(h, sha256_iv, sizeof(h));
	sha256_compress_portable(h, block);
	return h[7];
}

extern const struct sha256d_kernel sha256d_kernel_portable;
#if PIPEMINER_X86
extern const struct sha256d_kernel sha256d_kernel_shani_x86;
extern const struct sha256d_kernel sha256d_kernel_shani;
extern const struct sha256d_kernel sha256d_kernel_shani_evex;
extern const struct sha256d_kernel sha256d_kernel_avx2;
extern const struct sha256d_kernel sha256d_kernel_avx512;
#endif

const struct sha256d_kernel *const sha256d_kernels[] = {
#if PIPEMINER_X86
	&sha256d_kernel_avx512,
	&sha256d_kernel_shani_x86,
	&sha256d_kernel_shani_evex,
	&sha256d_kernel_shani,
	&sha256d_kernel_avx2,
#endif
	&sha256d_kernel_portable,
	NULL,
};

bool sha256d_kernel_supported(const struct sha256d_kernel *k)
{
	return (cpu_features() & k->needs) == k->needs;
}

const struct sha256d_kernel *sha256d_kernel_find(const char *name)
{
	/* Variants of one path share its name, the fastest listed first. */
	for (int i = 0; sha256d_kernels[i]; i++)
		if (!strcmp(sha256d_kernels[i]->name, name) &&
		    sha256d_kernel_supported(sha256d_kernels[i]))
			return sha256d_kernels[i];
	return NULL;
}

const struct sha256d_kernel *sha256d_kernel_best(void)
{
	/*
	 * Measured (docs/architecture.md, "CPU paths"): on AMD Zen 4
	 * SHA256RNDS2 issues once per clock, so 4 interleaved SHA-NI nonces
	 * beat 16 AVX-512 lanes; on Intel Xeons the reverse holds.
	 */
	static const char *const amd[] = {"shani", "avx512", "avx2", "portable", NULL};
	static const char *const other[] = {"avx512", "shani", "avx2", "portable", NULL};
	const char *const *order = (cpu_features() & CPU_AMD) ? amd : other;

	for (int i = 0; order[i]; i++) {
		const struct sha256d_kernel *k = sha256d_kernel_find(order[i]);

		if (k)
			return k;
	}
	return &sha256d_kernel_portable;
}
