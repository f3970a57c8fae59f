/*
 * share: one share seen from the pool's side: from the job a pool sent and
 * what a miner submitted, rebuild coinbase, merkle root and header, hash it,
 * and judge it against the share difficulty and the network target.
 *
 * The input is JSON (the `pipeminer share` format, README.md):
 *   {"notify": [9 mining.notify params], "extranonce1": hex,
 *    "extranonce2": hex, "ntime": 8 hex, "nonce": 8 hex,
 *    "version_bits": 8 hex (optional), "version_mask": 8 hex (optional),
 *    "difficulty": number (optional, default 1)}
 * With version_bits the header version is BIP 310's
 * (version & ~mask) | (bits & mask); the mask defaults to BIP 320's
 * 0x1fffe000, and bits outside it are an error, as a pool would say.
 */
#ifndef PIPEMINER_SHARE_H
#define PIPEMINER_SHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "notify.h"

#define SHARE_DEFAULT_VERSION_MASK 0x1fffe000u

struct share_input {
	struct notify notify;   /* tpl.extranonce1 and extranonce2_len filled too */
	uint8_t extranonce2[WORK_MAX_EXTRANONCE];
	uint32_t ntime, nonce;
	bool has_version_bits;
	uint32_t version_bits, version_mask;
	double difficulty;
};

struct share_result {
	uint8_t *coinbase;      /* malloc'd, coinbase_len bytes */
	size_t coinbase_len;
	uint8_t merkle_root[32];
	uint8_t header[80];
	uint8_t hash[32];       /* internal order */
	double share_difficulty;
	bool meets_difficulty;
	bool meets_nbits;
};

/* Validates obj; 0, or -1 with err naming the field. Release with share_input_release. */
int share_input_parse(const cJSON *obj, struct share_input *in, char *err, size_t errlen);
void share_input_release(struct share_input *in);

/* Computes the result; 0, or -1 with err (bad nbits, out of memory). */
int share_explain(const struct share_input *in, struct share_result *out,
		  char *err, size_t errlen);
void share_result_release(struct share_result *out);

#endif
