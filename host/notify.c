/* notify: mining.notify params to a work template; see notify.h. */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hex.h"

static const char *const field_names[] = {
	[0] = "job_id", [1] = "prevhash", [2] = "coinb1", [3] = "coinb2",
	[4] = "merkle_branch", [5] = "version", [6] = "nbits", [7] = "ntime",
	[8] = "clean_jobs",
};

/* err = "notify[i] name: what"; returns -1. */
static int field_err(char *err, size_t errlen, int i, const char *what)
{
	return errf(err, errlen, "notify[%d] %s: %s", i, field_names[i], what);
}

static const char *str_at(const cJSON *params, int i)
{
	const cJSON *it = cJSON_GetArrayItem(params, i);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static int parse_hexfield(const cJSON *params, int i, uint8_t **out, size_t *len,
			  char *err, size_t errlen)
{
	const char *s = str_at(params, i);
	char why[ERR_LEN];
	uint8_t *buf;

	if (!s)
		return field_err(err, errlen, i, "expected a hex string");
	buf = malloc(strlen(s) / 2 + 1);
	if (!buf)
		return field_err(err, errlen, i, "out of memory");
	if (hex_decode(s, buf, WORK_MAX_COINBASE, len, why, sizeof(why))) {
		free(buf);
		return field_err(err, errlen, i, why);
	}
	*out = buf;
	return 0;
}

static int parse_word(const cJSON *params, int i, uint32_t *out, char *err, size_t errlen)
{
	const char *s = str_at(params, i);
	char why[ERR_LEN];

	if (!s)
		return field_err(err, errlen, i, "expected 8 hex digits");
	if (hex_to_u32be(s, out, why, sizeof(why)))
		return field_err(err, errlen, i, why);
	return 0;
}

static int parse_branch(const cJSON *arr, struct work_template *t, char *err, size_t errlen)
{
	const cJSON *it;
	char why[ERR_LEN], msg[ERR_LEN + 32];
	size_t n = 0;

	if (!cJSON_IsArray(arr))
		return field_err(err, errlen, 4, "expected an array of 64-digit hex strings");
	cJSON_ArrayForEach(it, arr) {
		if (n == WORK_MAX_BRANCHES)
			return field_err(err, errlen, 4, "more than 32 branches");
		if (!cJSON_IsString(it)) {
			snprintf(msg, sizeof(msg), "entry %zu: expected a hex string", n);
			return field_err(err, errlen, 4, msg);
		}
		if (hex_decode_exact(it->valuestring, t->branch[n], 32, why, sizeof(why))) {
			snprintf(msg, sizeof(msg), "entry %zu: %s", n, why);
			return field_err(err, errlen, 4, msg);
		}
		n++;
	}
	t->nbranch = n;
	return 0;
}

int notify_parse(const cJSON *params, struct notify *out, char *err, size_t errlen)
{
	struct notify n;
	const cJSON *clean;
	const char *s;
	char why[ERR_LEN];
	uint8_t prev[32];
	int size;

	if (!cJSON_IsArray(params))
		return errf(err, errlen, "notify: params must be an array");
	size = cJSON_GetArraySize(params);
	if (size < 9 || size > 10)
		return errf(err, errlen, "notify: expected 9 params, got %d", size);
	memset(&n, 0, sizeof(n));
	s = str_at(params, 0);
	if (!s || !*s || strlen(s) > NOTIFY_MAX_JOB_ID)
		return field_err(err, errlen, 0, "expected a string of 1 to 64 characters");
	strcpy(n.job_id, s);

	s = str_at(params, 1);
	if (!s)
		return field_err(err, errlen, 1, "expected 64 hex digits");
	if (hex_decode_exact(s, prev, 32, why, sizeof(why)))
		return field_err(err, errlen, 1, why);
	work_prevhash_swap(prev, n.tpl.prevhash);

	if (parse_branch(cJSON_GetArrayItem(params, 4), &n.tpl, err, errlen) ||
	    parse_word(params, 5, &n.tpl.version, err, errlen) ||
	    parse_word(params, 6, &n.tpl.nbits, err, errlen) ||
	    parse_word(params, 7, &n.tpl.ntime, err, errlen))
		return -1;

	clean = cJSON_GetArrayItem(params, size - 1);
	if (!cJSON_IsBool(clean) && !cJSON_IsNull(clean))
		return field_err(err, errlen, 8, "expected true, false or null");
	n.clean = cJSON_IsTrue(clean);

	if (parse_hexfield(params, 2, &n.tpl.coinb1, &n.tpl.coinb1_len, err, errlen))
		return -1;
	if (parse_hexfield(params, 3, &n.tpl.coinb2, &n.tpl.coinb2_len, err, errlen)) {
		work_template_release(&n.tpl);
		return -1;
	}
	*out = n;
	return 0;
}
