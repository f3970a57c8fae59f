/* testutil: see testutil.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "device.h"
#include "hex.h"
#include "work.h"

static cJSON *vectors;     /* the parsed file, loaded on first use */
static uint64_t rng_state = 0x853c49e6748fea9bull;

const cJSON *tu_vectors(void)
{
	FILE *f;
	long n;
	char *buf;

	if (vectors)
		return vectors;
	f = fopen("tests/vectors/bitcoin.json", "rb");
	if (!f)
		fail_msg("cannot open tests/vectors/bitcoin.json (run from the repository root)");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	vectors = cJSON_Parse(buf);
	free(buf);
	if (!vectors)
		fail_msg("tests/vectors/bitcoin.json is not valid JSON");
	return vectors;
}

const cJSON *tu_vector(const char *section, const char *id)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(tu_vectors(), section), *it;

	cJSON_ArrayForEach(it, arr) {
		const cJSON *vid = cJSON_GetObjectItemCaseSensitive(it, "id");

		if (cJSON_IsString(vid) && !strcmp(vid->valuestring, id))
			return it;
	}
	fail_msg("vector %s/%s not found", section, id);
	return NULL;
}

static const cJSON *at_path(const cJSON *obj, const char *path)
{
	char part[128];
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, ".");

		snprintf(part, sizeof(part), "%.*s", (int)n, p);
		obj = cJSON_GetObjectItemCaseSensitive(obj, part);
		if (!obj)
			fail_msg("vector field %s missing", path);
		p += n + (p[n] == '.');
	}
	return obj;
}

const char *tu_str(const cJSON *obj, const char *path)
{
	const cJSON *it = at_path(obj, path);

	if (!cJSON_IsString(it))
		fail_msg("vector field %s is not a string", path);
	return it->valuestring;
}

double tu_num(const cJSON *obj, const char *path)
{
	const cJSON *it = at_path(obj, path);

	if (!cJSON_IsNumber(it))
		fail_msg("vector field %s is not a number", path);
	return it->valuedouble;
}

void tu_hex(const char *hex, uint8_t *out, size_t n)
{
	char err[ERR_LEN];

	if (hex_decode_exact(hex, out, n, err, sizeof(err)))
		fail_msg("bad hex in test data: %s", err);
}

uint32_t tu_word(const char *hex)
{
	uint8_t b[4];

	tu_hex(hex, b, 4);
	return load_be32(b);
}

void tu_ref_sha256(const void *data, size_t len, uint8_t out[32])
{
	assert_int_equal(mbedtls_sha256_ret(data, len, out, 0), 0);
}

void tu_ref_sha256d(const void *data, size_t len, uint8_t out[32])
{
	uint8_t first[32];

	tu_ref_sha256(data, len, first);
	tu_ref_sha256(first, 32, out);
}

void tu_ref_compress(const uint32_t in[8], const uint8_t block[64], uint32_t out[8])
{
	mbedtls_sha256_context c;

	mbedtls_sha256_init(&c);
	assert_int_equal(mbedtls_sha256_starts_ret(&c, 0), 0);
	memcpy(c.state, in, sizeof(c.state));
	assert_int_equal(mbedtls_internal_sha256_process(&c, block), 0);
	memcpy(out, c.state, sizeof(c.state));
	mbedtls_sha256_free(&c);
}

void tu_seed(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

uint64_t tu_rand(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

void tu_fill(void *p, size_t n)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(tu_rand() >> 56);
}

void tu_genesis_unit(struct work_unit *wu, uint32_t tag, uint32_t start, uint64_t count,
		     unsigned zero_bits)
{
	const cJSON *v = tu_vector("headers", "H0_genesis");
	uint8_t header[80];
	struct work w;

	tu_hex(tu_str(v, "header_hex"), header, 80);
	work_from_header(&w, header);
	memset(wu, 0, sizeof(*wu));
	wu->tag = tag;
	memcpy(wu->midstate, w.midstate, sizeof(wu->midstate));
	memcpy(wu->tail, w.tail, sizeof(wu->tail));
	wu->nonce_start = start;
	wu->nonce_count = count;
	wu->zero_bits = zero_bits;
}
