/*
 * testutil: what the unit tests share: the real Bitcoin vectors
 * (tests/vectors/bitcoin.json, read relative to the repository root, where
 * tests/run.sh runs the tests), hex helpers that abort the test on bad
 * input, mbedTLS's SHA-256 as the independent reference, and a seeded RNG.
 */
#ifndef PIPEMINER_TESTUTIL_H
#define PIPEMINER_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "err.h"

/* The parsed vector file (loaded once per process; never freed). */
const cJSON *tu_vectors(void);

/* vectors[section] entry whose "id" is id; fails the test if absent. */
const cJSON *tu_vector(const char *section, const char *id);

/* String field at a '.'-separated path, e.g. "fields.nbits"; fails if absent. */
const char *tu_str(const cJSON *obj, const char *path);

/* Number field at a path; fails if absent. */
double tu_num(const cJSON *obj, const char *path);

/* Decodes exactly n bytes of hex; fails the test otherwise. */
void tu_hex(const char *hex, uint8_t *out, size_t n);

/* Decodes 8 hex digits as a big-endian word. */
uint32_t tu_word(const char *hex);

/* SHA-256 and SHA-256d by mbedTLS (the reference, independent of host/). */
void tu_ref_sha256(const void *data, size_t len, uint8_t out[32]);
void tu_ref_sha256d(const void *data, size_t len, uint8_t out[32]);

/* mbedTLS's state after compressing one block from state `in`. */
void tu_ref_compress(const uint32_t in[8], const uint8_t block[64], uint32_t out[8]);

/* A work unit over the genesis header (whose nonce is 0x7c2bac1d): nonces
   start .. start+count-1 with the share filter zero_bits. */
struct work_unit;
void tu_genesis_unit(struct work_unit *wu, uint32_t tag, uint32_t start, uint64_t count,
		     unsigned zero_bits);

/* Deterministic pseudo-random bytes and words (xorshift64*, per-test seed). */
void tu_seed(uint64_t seed);
uint64_t tu_rand(void);
void tu_fill(void *p, size_t n);

/* Runs a cmocka group with TAP output (for tests/run.sh). */
#define TU_RUN(tests) cmocka_run_group_tests(tests, NULL, NULL)

#endif
