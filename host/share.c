/* share: see share.h. */
#include "share.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hex.h"
#include "target.h"

static const char *get_str(const cJSON *obj, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* A required or optional (`*present` given) field of 8 hex digits. */
static int get_word(const cJSON *obj, const char *name, uint32_t *out, bool *present,
		    char *err, size_t errlen)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	char why[ERR_LEN];

	if (!it && present) {
		*present = false;
		return 0;
	}
	if (!it)
		return errf(err, errlen, "missing field \"%s\" (8 hex digits)", name);
	if (!cJSON_IsString(it))
		return errf(err, errlen, "field \"%s\": expected a string of 8 hex digits", name);
	if (hex_to_u32be(it->valuestring, out, why, sizeof(why)))
		return errf(err, errlen, "field \"%s\": %s", name, why);
	if (present)
		*present = true;
	return 0;
}

static int get_extranonce(const cJSON *obj, const char *name, uint8_t *out, size_t *len,
			  char *err, size_t errlen)
{
	const char *s = get_str(obj, name);
	char why[ERR_LEN];

	if (!s)
		return errf(err, errlen, "%s field \"%s\" (a hex string)",
			    cJSON_GetObjectItemCaseSensitive(obj, name) ? "wrong type for" : "missing",
			    name);
	if (hex_decode(s, out, WORK_MAX_EXTRANONCE, len, why, sizeof(why)))
		return errf(err, errlen, "field \"%s\": %s", name, why);
	return 0;
}

int share_input_parse(const cJSON *obj, struct share_input *in, char *err, size_t errlen)
{
	struct share_input s;
	const cJSON *params, *diff;
	bool has_mask = false;

	memset(&s, 0, sizeof(s));
	if (!cJSON_IsObject(obj))
		return errf(err, errlen, "input must be a JSON object");
	if (get_extranonce(obj, "extranonce1", s.notify.tpl.extranonce1,
			   &s.notify.tpl.extranonce1_len, err, errlen) ||
	    get_extranonce(obj, "extranonce2", s.extranonce2,
			   &s.notify.tpl.extranonce2_len, err, errlen) ||
	    get_word(obj, "ntime", &s.ntime, NULL, err, errlen) ||
	    get_word(obj, "nonce", &s.nonce, NULL, err, errlen) ||
	    get_word(obj, "version_bits", &s.version_bits, &s.has_version_bits, err, errlen) ||
	    get_word(obj, "version_mask", &s.version_mask, &has_mask, err, errlen))
		return -1;
	if (!has_mask)
		s.version_mask = SHARE_DEFAULT_VERSION_MASK;
	if (has_mask && !s.has_version_bits)
		return errf(err, errlen, "\"version_mask\" given without \"version_bits\"");
	if (s.has_version_bits && (s.version_bits & ~s.version_mask))
		return errf(err, errlen, "\"version_bits\" %08x has bits outside the "
			    "version mask %08x", s.version_bits, s.version_mask);

	s.difficulty = 1.0;
	diff = cJSON_GetObjectItemCaseSensitive(obj, "difficulty");
	if (diff) {
		if (!cJSON_IsNumber(diff) || !isfinite(diff->valuedouble) || diff->valuedouble <= 0)
			return errf(err, errlen, "field \"difficulty\": expected a number above 0");
		s.difficulty = diff->valuedouble;
	}

	params = cJSON_GetObjectItemCaseSensitive(obj, "notify");
	if (!params)
		return errf(err, errlen, "missing field \"notify\" (the 9 mining.notify params)");
	{
		/* notify_parse fills a fresh template; keep the extranonce fields. */
		struct notify n;

		if (notify_parse(params, &n, err, errlen))
			return -1;
		memcpy(n.tpl.extranonce1, s.notify.tpl.extranonce1, sizeof(n.tpl.extranonce1));
		n.tpl.extranonce1_len = s.notify.tpl.extranonce1_len;
		n.tpl.extranonce2_len = s.notify.tpl.extranonce2_len;
		s.notify = n;
	}
	work_template_prepare(&s.notify.tpl);
	*in = s;
	return 0;
}

void share_input_release(struct share_input *in)
{
	work_template_release(&in->notify.tpl);
}

int share_explain(const struct share_input *in, struct share_result *out,
		  char *err, size_t errlen)
{
	const struct work_template *t = &in->notify.tpl;
	uint8_t txid[32], target[32];
	uint32_t version = t->version;

	memset(out, 0, sizeof(*out));
	if (in->has_version_bits)
		version = work_version_roll(t->version, in->version_mask, in->version_bits);
	out->coinbase_len = work_coinbase_len(t);
	out->coinbase = malloc(out->coinbase_len ? out->coinbase_len : 1);
	if (!out->coinbase)
		return errf(err, errlen, "out of memory");
	work_coinbase(t, in->extranonce2, out->coinbase);
	work_coinbase_hash(t, in->extranonce2, txid);
	work_merkle_root(txid, (const uint8_t (*)[32])t->branch, t->nbranch, out->merkle_root);
	work_header(t, out->merkle_root, version, in->ntime, in->nonce, out->header);
	sha256d(out->header, 80, out->hash);
	out->share_difficulty = target_difficulty(out->hash);
	if (target_from_difficulty(in->difficulty, target, err, errlen))
		goto out_free;
	out->meets_difficulty = target_met(out->hash, target);
	if (target_from_nbits(t->nbits, target, err, errlen))
		goto out_free;
	out->meets_nbits = target_met(out->hash, target);
	return 0;

out_free:
	share_result_release(out);
	return -1;
}

void share_result_release(struct share_result *out)
{
	free(out->coinbase);
	out->coinbase = NULL;
}
