/* sha256: portable compression, incremental hashing and helpers; see sha256.h. */
#include "sha256.h"

#include <string.h>

#include "hex.h"
#include "sha256_round.h"

const uint32_t sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

void sha256_compress_portable(uint32_t state[8], const uint8_t block[64])
{
	uint32_t w[64];
	uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
	uint32_t e = state[4], f = state[5], g = state[6], h = state[7];

	for (int i = 0; i < 16; i++)
		w[i] = load_be32(block + 4 * i);
	for (int i = 16; i < 64; i++)
		w[i] = SHA_s1(w[i - 2]) + w[i - 7] + SHA_s0(w[i - 15]) + w[i - 16];
	for (int i = 0; i < 64; i += 8) {
		SHA_ROUND(a, b, c, d, e, f, g, h, sha256_k[i + 0] + w[i + 0]);
		SHA_ROUND(h, a, b, c, d, e, f, g, sha256_k[i + 1] + w[i + 1]);
		SHA_ROUND(g, h, a, b, c, d, e, f, sha256_k[i + 2] + w[i + 2]);
		SHA_ROUND(f, g, h, a, b, c, d, e, sha256_k[i + 3] + w[i + 3]);
		SHA_ROUND(e, f, g, h, a, b, c, d, sha256_k[i + 4] + w[i + 4]);
		SHA_ROUND(d, e, f, g, h, a, b, c, sha256_k[i + 5] + w[i + 5]);
		SHA_ROUND(c, d, e, f, g, h, a, b, sha256_k[i + 6] + w[i + 6]);
		SHA_ROUND(b, c, d, e, f, g, h, a, sha256_k[i + 7] + w[i + 7]);
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}

/*
 * sha256_compress is bound once, at load time, by the dynamic linker calling
 * this resolver (a GNU ifunc): no global to set, no per-call test.
 */
typedef void compress_fn(uint32_t *, const uint8_t *);

static compress_fn *resolve_compress(void)
{
	return (cpu_features() & CPU_SHANI) ? sha256_compress_shani
					   : sha256_compress_portable;
}

void sha256_compress(uint32_t state[8], const uint8_t block[64])
	__attribute__((ifunc("resolve_compress")));

void sha256_init(struct sha256_ctx *c)
{
	memcpy(c->h, sha256_iv, sizeof(c->h));
	c->total = 0;
	c->buflen = 0;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->total += len;
	if (c->buflen) {
		size_t take = 64 - c->buflen < len ? 64 - c->buflen : len;

		memcpy(c->buf + c->buflen, p, take);
		c->buflen += take;
		p += take;
		len -= take;
		if (c->buflen < 64)
			return;
		sha256_compress(c->h, c->buf);
		c->buflen = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha256_compress(c->h, p);
	memcpy(c->buf, p, len);
	c->buflen = len;
}

void sha256_final(struct sha256_ctx *c, uint8_t out[32])
{
	uint64_t bits = c->total * 8;

	c->buf[c->buflen++] = 0x80;
	if (c->buflen > 56) {
		memset(c->buf + c->buflen, 0, 64 - c->buflen);
		sha256_compress(c->h, c->buf);
		c->buflen = 0;
	}
	memset(c->buf + c->buflen, 0, 56 - c->buflen);
	store_be32(c->buf + 56, (uint32_t)(bits >> 32));
	store_be32(c->buf + 60, (uint32_t)bits);
	sha256_compress(c->h, c->buf);
	sha256_state_to_bytes(c->h, out);
}

void sha256(const void *data, size_t len, uint8_t out[32])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, out);
}

/* The second SHA-256 of a double hash: one block, digest || padding. */
static void sha256_of_digest(const uint8_t digest[32], uint8_t out[32])
{
	uint8_t block[64] = {0};
	uint32_t h[8];

	memcpy(block, digest, 32);
	block[32] = 0x80;
	block[62] = 0x01;  /* length: 256 bits */
	memcpy(h, sha256_iv, sizeof(h));
	sha256_compress(h, block);
	sha256_state_to_bytes(h, out);
}

void sha256d(const void *data, size_t len, uint8_t out[32])
{
	uint8_t first[32];

	sha256(data, len, first);
	sha256_of_digest(first, out);
}

void sha256d_64(const uint8_t in[64], uint8_t out[32])
{
	/* The padding block of any 64-byte message: 0x80, zeros, length 512. */
	static const uint8_t pad[64] = {[0] = 0x80, [62] = 0x02};
	uint32_t h[8];
	uint8_t first[32];

	memcpy(h, sha256_iv, sizeof(h));
	sha256_compress(h, in);
	sha256_compress(h, pad);
	sha256_state_to_bytes(h, first);
	sha256_of_digest(first, out);
}

void sha256_midstate(const uint8_t header[64], uint32_t out[8])
{
	memcpy(out, sha256_iv, 8 * sizeof(uint32_t));
	sha256_compress(out, header);
}

void sha256_state_to_bytes(const uint32_t h[8], uint8_t out[32])
{
	for (int i = 0; i < 8; i++)
		store_be32(out + 4 * i, h[i]);
}
