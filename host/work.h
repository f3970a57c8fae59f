/*
 * work: from what a pool's mining.notify carries to what a board hashes.
 * Pure functions: no I/O, no locks, no allocation except the template's
 * own coinbase halves.
 *
 * Byte order, the whole story (stratum.md section 6; tests/unit/test_work.c
 * shows the wrong hash each classic mistake gives):
 *   coinbase     = coinb1 || extranonce1 || extranonce2 || coinb2
 *   merkle root  = fold h = SHA256d(h || branch[i]) from h = SHA256d(coinbase),
 *                  raw digest bytes throughout, placed in the header as is
 *   header[0:4]  = version, little-endian (notify sends big-endian text)
 *   header[4:36] = prevhash: notify's 32 bytes with each 4-byte word reversed
 *   header[36:68]= merkle root
 *   header[68:72]= ntime LE, header[72:76] = nbits LE, header[76:80] = nonce LE
 *   midstate     = SHA-256 state after header[0:64]
 *   tail         = header[64:76] read as three big-endian words (W0..W2)
 */
#ifndef PIPEMINER_WORK_H
#define PIPEMINER_WORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

#define WORK_MAX_BRANCHES 32
#define WORK_MAX_EXTRANONCE 32    /* bytes, for extranonce1 and extranonce2 */
#define WORK_MAX_COINBASE 65536   /* bytes, for coinb1 and coinb2 each */

/* One job: a mining.notify plus the session's extranonce1 and size. */
struct work_template {
	uint32_t version, nbits, ntime;
	uint8_t prevhash[32];                 /* header order */
	uint8_t *coinb1, *coinb2;             /* owned (malloc) */
	size_t coinb1_len, coinb2_len;
	uint8_t branch[WORK_MAX_BRANCHES][32];
	size_t nbranch;
	uint8_t extranonce1[WORK_MAX_EXTRANONCE];
	size_t extranonce1_len;
	size_t extranonce2_len;
	/* Derived by work_template_prepare(): coinb1 || extranonce1 absorbed. */
	struct sha256_ctx prefix;
};

/*
 * Recomputes the derived fields; call after setting or changing any field
 * (a new extranonce1 from mining.set_extranonce, say). Never fails.
 */
void work_template_prepare(struct work_template *t);

/* Frees coinb1 and coinb2; the struct may be reused after. */
void work_template_release(struct work_template *t);

/* Bytes of the coinbase for extranonce2 `en2` (extranonce2_len bytes). */
size_t work_coinbase_len(const struct work_template *t);
void work_coinbase(const struct work_template *t, const uint8_t *en2, uint8_t *out);

/* SHA-256d of the coinbase (its txid, internal order), from the prefix state. */
void work_coinbase_hash(const struct work_template *t, const uint8_t *en2,
			uint8_t out[32]);

/* Folds a merkle branch into the root, starting from the coinbase txid. */
void work_merkle_root(const uint8_t txid[32], const uint8_t (*branch)[32],
		      size_t nbranch, uint8_t root[32]);

/* The 80-byte header. */
void work_header(const struct work_template *t, const uint8_t root[32],
		 uint32_t version, uint32_t ntime, uint32_t nonce, uint8_t out[80]);

/* Stratum's word-swapped prevhash <-> header order (the same swap both ways). */
void work_prevhash_swap(const uint8_t in[32], uint8_t out[32]);

/* BIP 310: the header version for rolled bits: (version & ~mask) | (bits & mask). */
static inline uint32_t work_version_roll(uint32_t version, uint32_t mask, uint32_t bits)
{
	return (version & ~mask) | (bits & mask);
}

/*
 * The counter-th value of the bits a mask allows: counter's low bits
 * deposited, in order, into the mask's set bits (counter 0 gives 0).
 */
uint32_t work_version_bits(uint32_t mask, uint32_t counter);

/* extranonce2 bytes for a counter: little-endian, zero-padded (cgminer's form). */
void work_extranonce2(uint64_t counter, uint8_t *out, size_t len);

/* What one header costs a hasher, and what the host keeps to verify it. */
struct work {
	uint8_t header[80];       /* nonce bytes as scanned: zero */
	uint32_t midstate[8];
	uint32_t tail[3];         /* header[64:76] as big-endian words */
};

/* Fills midstate and tail from a header (its nonce bytes are ignored). */
void work_from_header(struct work *w, const uint8_t header[80]);

/* Rolls ntime: only the tail and header change; the midstate stays valid. */
void work_set_ntime(struct work *w, uint32_t ntime);

/* The double hash of w's header with `nonce` in place (internal order). */
void work_hash(const struct work *w, uint32_t nonce, uint8_t hash[32]);

#endif
