/* work: see work.h for the byte layout. */
#include "work.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"

void work_template_prepare(struct work_template *t)
{
	sha256_init(&t->prefix);
	sha256_update(&t->prefix, t->coinb1, t->coinb1_len);
	sha256_update(&t->prefix, t->extranonce1, t->extranonce1_len);
}

void work_template_release(struct work_template *t)
{
	free(t->coinb1);
	free(t->coinb2);
	t->coinb1 = t->coinb2 = NULL;
	t->coinb1_len = t->coinb2_len = 0;
}

size_t work_coinbase_len(const struct work_template *t)
{
	return t->coinb1_len + t->extranonce1_len + t->extranonce2_len + t->coinb2_len;
}

void work_coinbase(const struct work_template *t, const uint8_t *en2, uint8_t *out)
{
	memcpy(out, t->coinb1, t->coinb1_len);
	out += t->coinb1_len;
	memcpy(out, t->extranonce1, t->extranonce1_len);
	out += t->extranonce1_len;
	memcpy(out, en2, t->extranonce2_len);
	out += t->extranonce2_len;
	memcpy(out, t->coinb2, t->coinb2_len);
}

void work_coinbase_hash(const struct work_template *t, const uint8_t *en2,
			uint8_t out[32])
{
	struct sha256_ctx c = t->prefix;
	uint8_t first[32];

	sha256_update(&c, en2, t->extranonce2_len);
	sha256_update(&c, t->coinb2, t->coinb2_len);
	sha256_final(&c, first);
	sha256(first, 32, out);
}

void work_merkle_root(const uint8_t txid[32], const uint8_t (*branch)[32],
		      size_t nbranch, uint8_t root[32])
{
	uint8_t node[64];

	memcpy(node, txid, 32);
	for (size_t i = 0; i < nbranch; i++) {
		memcpy(node + 32, branch[i], 32);
		sha256d_64(node, node);
	}
	memcpy(root, node, 32);
}

void work_header(const struct work_template *t, const uint8_t root[32],
		 uint32_t version, uint32_t ntime, uint32_t nonce, uint8_t out[80])
{
	store_le32(out, version);
	memcpy(out + 4, t->prevhash, 32);
	memcpy(out + 36, root, 32);
	store_le32(out + 68, ntime);
	store_le32(out + 72, t->nbits);
	store_le32(out + 76, nonce);
}

void work_prevhash_swap(const uint8_t in[32], uint8_t out[32])
{
	uint8_t tmp[32];

	for (int i = 0; i < 32; i += 4)
		store_le32(tmp + i, load_be32(in + i));
	memcpy(out, tmp, 32);
}

uint32_t work_version_bits(uint32_t mask, uint32_t counter)
{
	uint32_t bits = 0;

	for (uint32_t m = mask; m && counter; m &= m - 1, counter >>= 1)
		if (counter & 1)
			bits |= m & -m;
	return bits;
}

void work_extranonce2(uint64_t counter, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = i < 8 ? (uint8_t)(counter >> (8 * i)) : 0;
}

void work_from_header(struct work *w, const uint8_t header[80])
{
	memcpy(w->header, header, 76);
	memset(w->header + 76, 0, 4);
	sha256_midstate(header, w->midstate);
	for (int i = 0; i < 3; i++)
		w->tail[i] = load_be32(header + 64 + 4 * i);
}

void work_set_ntime(struct work *w, uint32_t ntime)
{
	store_le32(w->header + 68, ntime);
	w->tail[1] = load_be32(w->header + 68);
}

void work_hash(const struct work *w, uint32_t nonce, uint8_t hash[32])
{
	uint8_t h[80];

	memcpy(h, w->header, 76);
	store_le32(h + 76, nonce);
	sha256d(h, 80, hash);
}
