/* pooljobs: templates and jobs for `pipeminer pool`; see pooljobs.h for the layouts. */
#include "pooljobs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "hex.h"
#include "sha256.h"
#include "target.h"

/* ---- randomness (not for security: prevhashes and txids of synthetic blocks) */

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static void rng_fill(uint64_t *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(rng_next(s) >> 56);
}

/* ---- coinbase ------------------------------------------------------------- */

size_t pooljobs_height_script(uint64_t height, uint8_t out[9])
{
	size_t n = 0;

	if (height == 0) {
		out[0] = 0x00;             /* OP_0 */
		return 1;
	}
	if (height <= 16) {
		out[0] = (uint8_t)(0x50 + height);   /* OP_1 .. OP_16 */
		return 1;
	}
	for (uint64_t h = height; h; h >>= 8)
		out[1 + n++] = (uint8_t)h;
	if (out[n] & 0x80)                  /* keep the number positive */
		out[1 + n++] = 0x00;
	out[0] = (uint8_t)n;
	return n + 1;
}

/* Bitcoin's CompactSize; returns bytes written (at most 9). */
static size_t put_varint(uint8_t *p, uint64_t v)
{
	if (v < 0xfd) {
		p[0] = (uint8_t)v;
		return 1;
	}
	if (v <= 0xffff) {
		p[0] = 0xfd;
		p[1] = (uint8_t)v;
		p[2] = (uint8_t)(v >> 8);
		return 3;
	}
	p[0] = 0xfe;
	store_le32(p + 1, (uint32_t)v);
	return 5;
}

static size_t put_u64le(uint8_t *p, uint64_t v)
{
	store_le32(p, (uint32_t)v);
	store_le32(p + 4, (uint32_t)(v >> 32));
	return 8;
}

/* Bytes of one copy of data, malloc'd; NULL when out of memory. */
static uint8_t *dup_bytes(const uint8_t *data, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (p)
		memcpy(p, data, len);
	return p;
}

int pooljobs_coinbase(const struct pool_template *t, size_t slot, uint8_t **coinb1,
		      size_t *len1, uint8_t **coinb2, size_t *len2)
{
	static const uint8_t tag[] = POOLJOBS_TAG;
	uint8_t height[9], *b = malloc(128 + t->witness_len);
	size_t n = 0, hlen = pooljobs_height_script(t->height, height), split;

	if (!b)
		return -1;
	store_le32(b, 2);                                 /* version */
	b[4] = 1;                                         /* one input */
	memset(b + 5, 0, 32);                             /* null prevout */
	store_le32(b + 37, 0xffffffffu);
	n = 41;
	b[n++] = (uint8_t)(hlen + 1 + slot + 1 + sizeof(tag) - 1);   /* scriptSig length */
	memcpy(b + n, height, hlen);
	n += hlen;
	b[n++] = (uint8_t)slot;                           /* the slot's push */
	split = n;
	b[n++] = (uint8_t)(sizeof(tag) - 1);
	memcpy(b + n, tag, sizeof(tag) - 1);
	n += sizeof(tag) - 1;
	store_le32(b + n, 0xffffffffu);                   /* sequence */
	n += 4;
	b[n++] = t->witness ? 2 : 1;                      /* outputs */
	n += put_u64le(b + n, (uint64_t)t->coinbasevalue);
	b[n++] = 1;
	b[n++] = 0x51;                                    /* OP_TRUE */
	if (t->witness) {
		n += put_u64le(b + n, 0);
		n += put_varint(b + n, t->witness_len);
		memcpy(b + n, t->witness, t->witness_len);
		n += t->witness_len;
	}
	store_le32(b + n, 0);                             /* lock time */
	n += 4;
	*coinb1 = dup_bytes(b, split);
	*coinb2 = dup_bytes(b + split, n - split);
	free(b);
	if (!*coinb1 || !*coinb2) {
		free(*coinb1);
		free(*coinb2);
		return -1;
	}
	*len1 = split;
	*len2 = n - split;
	return 0;
}

/* ---- merkle branch ---------------------------------------------------------- */

int pooljobs_merkle_branch(const uint8_t (*txids)[32], size_t n,
			   uint8_t (*branch)[32], size_t *nbranch)
{
	uint8_t (*level)[32] = malloc((n + 2) * 32);
	size_t len = n + 1;

	*nbranch = 0;
	if (!level)
		return -1;
	memcpy(level + 1, txids, n * 32);   /* level[0], the coinbase, is never read */
	while (len > 1) {
		if (*nbranch == WORK_MAX_BRANCHES) {
			free(level);
			return -1;
		}
		memcpy(branch[(*nbranch)++], level[1], 32);
		if (len % 2) {
			memcpy(level[len], level[len - 1], 32);
			len++;
		}
		for (size_t i = 2; i < len; i += 2)
			sha256d_64(level[i], level[i / 2]);
		len /= 2;
	}
	free(level);
	return 0;
}

/* ---- getblocktemplate --------------------------------------------------------- */

static const cJSON *gbt_field(const cJSON *gbt, const char *name, char *err, size_t errlen)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(gbt, name);

	if (!it)
		errf(err, errlen, "template: missing field \"%s\"", name);
	return it;
}

/* An integer field within [0, max]. */
static int gbt_integer(const cJSON *gbt, const char *name, double max, double *out,
		       char *err, size_t errlen)
{
	const cJSON *it = gbt_field(gbt, name, err, errlen);

	if (!it)
		return -1;
	if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble) ||
	    it->valuedouble < 0 || it->valuedouble > max)
		return errf(err, errlen, "template \"%s\": expected an integer from 0 to %.0f",
			    name, max);
	*out = it->valuedouble;
	return 0;
}

/* A hash in display order (64 hex digits) to internal order. */
static int gbt_hash(const cJSON *it, const char *what, uint8_t out[32], char *err, size_t errlen)
{
	uint8_t display[32];
	char why[ERR_LEN];

	if (!cJSON_IsString(it))
		return errf(err, errlen, "template %s: expected 64 hex digits", what);
	if (hex_decode_exact(it->valuestring, display, 32, why, sizeof(why)))
		return errf(err, errlen, "template %s: %s", what, why);
	for (int i = 0; i < 32; i++)
		out[i] = display[31 - i];
	return 0;
}

static int gbt_scalars(const cJSON *gbt, struct pool_template *t, char *err, size_t errlen)
{
	const cJSON *bits;
	uint8_t target[32];
	char why[ERR_LEN];
	double v;

	if (gbt_integer(gbt, "version", 4294967295.0, &v, err, errlen))
		return -1;
	t->version = (uint32_t)v;
	if (gbt_integer(gbt, "curtime", 4294967295.0, &v, err, errlen))
		return -1;
	t->curtime = (uint32_t)v;
	if (gbt_integer(gbt, "height", 4294967295.0, &v, err, errlen))
		return -1;
	t->height = (uint64_t)v;
	if (gbt_integer(gbt, "coinbasevalue", 2.1e15, &v, err, errlen))
		return -1;
	t->coinbasevalue = (int64_t)v;
	bits = gbt_field(gbt, "bits", err, errlen);
	if (!bits)
		return -1;
	if (!cJSON_IsString(bits) || hex_to_u32be(bits->valuestring, &t->nbits, why, sizeof(why)))
		return errf(err, errlen, "template \"bits\": expected 8 hex digits");
	if (target_from_nbits(t->nbits, target, why, sizeof(why)))
		return errf(err, errlen, "template \"bits\": %s", why);
	if (!gbt_field(gbt, "previousblockhash", err, errlen))
		return -1;
	return gbt_hash(cJSON_GetObjectItemCaseSensitive(gbt, "previousblockhash"),
			"\"previousblockhash\"", t->prevhash, err, errlen);
}

static int gbt_witness(const cJSON *gbt, struct pool_template *t, char *err, size_t errlen)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(gbt, "default_witness_commitment");
	size_t n;
	char why[ERR_LEN];

	if (!it)
		return 0;
	if (!cJSON_IsString(it) || !*it->valuestring || strlen(it->valuestring) > 2 * 252)
		return errf(err, errlen, "template \"default_witness_commitment\": expected "
			    "a hex script of 1 to 252 bytes");
	t->witness = malloc(252);
	if (!t->witness)
		return errf(err, errlen, "out of memory");
	if (hex_decode(it->valuestring, t->witness, 252, &n, why, sizeof(why)))
		return errf(err, errlen, "template \"default_witness_commitment\": %s", why);
	t->witness_len = n;
	return 0;
}

/* Validates transactions[i]: an object with hex "data" and a 64-hex "txid". */
static int gbt_tx(const cJSON *tx, size_t i, uint8_t txid[32], char *err, size_t errlen)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(tx, "data");
	const cJSON *hash = cJSON_GetObjectItemCaseSensitive(tx, "hash");
	char what[64];
	uint8_t scratch[32];
	size_t dlen;

	if (!cJSON_IsObject(tx))
		return errf(err, errlen, "template \"transactions\"[%zu]: expected an object", i);
	dlen = cJSON_IsString(data) ? strlen(data->valuestring) : 0;
	if (!dlen || dlen % 2 || strspn(data->valuestring, "0123456789abcdefABCDEF") != dlen)
		return errf(err, errlen, "template \"transactions\"[%zu].data: expected hex", i);
	snprintf(what, sizeof(what), "\"transactions\"[%zu].txid", i);
	if (gbt_hash(cJSON_GetObjectItemCaseSensitive(tx, "txid"), what, txid, err, errlen))
		return -1;
	snprintf(what, sizeof(what), "\"transactions\"[%zu].hash", i);
	if (hash && gbt_hash(hash, what, scratch, err, errlen))
		return -1;
	return 0;
}

static int gbt_branch(const cJSON *gbt, struct pool_template *t, char *err, size_t errlen)
{
	const cJSON *txs = gbt_field(gbt, "transactions", err, errlen), *tx;
	uint8_t (*txids)[32];
	size_t n, i = 0;
	int rc = -1;

	if (!txs)
		return -1;
	if (!cJSON_IsArray(txs))
		return errf(err, errlen, "template \"transactions\": expected an array");
	n = (size_t)cJSON_GetArraySize(txs);
	if (n > POOLJOBS_MAX_TXS)
		return errf(err, errlen, "template \"transactions\": more than %d",
			    POOLJOBS_MAX_TXS);
	txids = malloc((n ? n : 1) * 32);
	if (!txids)
		return errf(err, errlen, "out of memory");
	cJSON_ArrayForEach(tx, txs) {
		if (gbt_tx(tx, i, txids[i], err, errlen))
			goto out_free;
		i++;
	}
	if (pooljobs_merkle_branch((const uint8_t (*)[32])txids, n, t->branch, &t->nbranch)) {
		errf(err, errlen, "out of memory");
		goto out_free;
	}
	rc = 0;
out_free:
	free(txids);
	return rc;
}

int pooljobs_parse_gbt(const cJSON *gbt, struct pool_template *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	if (!cJSON_IsObject(gbt))
		return errf(err, errlen, "template: expected a JSON object");
	if (gbt_scalars(gbt, t, err, errlen) || gbt_branch(gbt, t, err, errlen) ||
	    gbt_witness(gbt, t, err, errlen)) {
		pool_template_release(t);
		return -1;
	}
	return 0;
}

void pool_template_release(struct pool_template *t)
{
	free(t->witness);
	t->witness = NULL;
	t->witness_len = 0;
}

/* ---- jobs --------------------------------------------------------------------- */

struct pool_job *pooljob_ref(struct pool_job *job)
{
	job->refs++;
	return job;
}

void pooljob_unref(struct pool_job *job)
{
	if (!job || --job->refs)
		return;
	work_template_release(&job->tpl);
	free(job->notify_tail);
	free(job);
}

/* Appends "hex", for n bytes; returns the new end. */
static char *put_hex_string(char *p, const uint8_t *b, size_t n)
{
	*p++ = '"';
	hex_encode(p, b, n);
	p += 2 * n;
	*p++ = '"';
	*p++ = ',';
	return p;
}

static char *put_word(char *p, uint32_t v)
{
	uint8_t be[4];

	store_be32(be, v);
	return put_hex_string(p, be, 4);
}

static int job_notify_tail(struct pool_job *job)
{
	const struct work_template *t = &job->tpl;
	uint8_t swapped[32];
	size_t cap = 2 * (t->coinb1_len + t->coinb2_len) + 67 * (t->nbranch + 1) + 64;
	char *p = malloc(cap);

	if (!p)
		return -1;
	job->notify_tail = p;
	work_prevhash_swap(t->prevhash, swapped);
	p = put_hex_string(p, swapped, 32);
	p = put_hex_string(p, t->coinb1, t->coinb1_len);
	p = put_hex_string(p, t->coinb2, t->coinb2_len);
	*p++ = '[';
	for (size_t i = 0; i < t->nbranch; i++)
		p = put_hex_string(p, t->branch[i], 32);
	if (t->nbranch)
		p--;                        /* the last comma */
	*p++ = ']';
	*p++ = ',';
	p = put_word(p, t->version);
	p = put_word(p, t->nbits);
	p = put_word(p, t->ntime);
	*p = '\0';
	job->notify_tail_len = (size_t)(p - job->notify_tail);
	return 0;
}

/* Replaces the current job with one from the current template at ntime. */
static int make_job(struct pool_jobs *j, uint32_t ntime, char *err, size_t errlen)
{
	struct pool_job *job = calloc(1, sizeof(*job));
	struct work_template *t;
	size_t slot = j->cfg.extranonce1_len + j->cfg.extranonce2_len;

	if (!job)
		return errf(err, errlen, "out of memory");
	job->refs = 1;
	job->height = j->tpl.height;
	t = &job->tpl;
	t->version = j->tpl.version;
	t->nbits = j->tpl.nbits;
	t->ntime = ntime;
	memcpy(t->prevhash, j->tpl.prevhash, 32);
	memcpy(t->branch, j->tpl.branch, sizeof(t->branch));
	t->nbranch = j->tpl.nbranch;
	t->extranonce2_len = j->cfg.extranonce2_len;
	if (pooljobs_coinbase(&j->tpl, slot, &t->coinb1, &t->coinb1_len,
			      &t->coinb2, &t->coinb2_len) || job_notify_tail(job)) {
		pooljob_unref(job);
		return errf(err, errlen, "out of memory");
	}
	work_template_prepare(t);
	job->seq = j->next_seq++;
	j->last_ntime = ntime;
	pooljob_unref(j->current);
	j->current = job;
	return 0;
}

static void synthetic_block(struct pool_jobs *j)
{
	j->tpl.version = POOLJOBS_SYNTHETIC_VERSION;
	j->tpl.nbits = j->cfg.nbits;
	j->tpl.coinbasevalue = POOLJOBS_SYNTHETIC_VALUE;
	j->tpl.nbranch = j->cfg.branches;
	rng_fill(&j->rng, (uint8_t *)j->tpl.branch, 32 * j->tpl.nbranch);
}

int pooljobs_init(struct pool_jobs *j, const struct pool_jobs_config *cfg, uint32_t now,
		  char *err, size_t errlen)
{
	memset(j, 0, sizeof(*j));
	j->cfg = *cfg;
	j->cfg.gbt = NULL;
	j->next_seq = 1;
	j->rng = cfg->seed;
	if (!j->rng && getrandom(&j->rng, sizeof(j->rng), 0) != sizeof(j->rng))
		j->rng = (uint64_t)now * 0x9e3779b97f4a7c15ull;
	j->rng |= 1;
	if (cfg->extranonce1_len + cfg->extranonce2_len > POOLJOBS_MAX_SLOT ||
	    cfg->extranonce2_len < 1 || cfg->branches > WORK_MAX_BRANCHES)
		return errf(err, errlen, "extranonce or branch sizes out of range");
	if (cfg->gbt) {
		if (pooljobs_parse_gbt(cfg->gbt, &j->tpl, err, errlen))
			return -1;
		j->time_offset = (int64_t)j->tpl.curtime - now;
		j->replayed = true;
	} else {
		j->tpl.height = 1;
		j->tpl.curtime = now;
		rng_fill(&j->rng, j->tpl.prevhash, 32);
		synthetic_block(j);
	}
	return make_job(j, j->tpl.curtime, err, errlen);
}

void pooljobs_release(struct pool_jobs *j)
{
	pooljob_unref(j->current);
	j->current = NULL;
	pool_template_release(&j->tpl);
}

/* The template clock, never behind the last job's ntime + 1. */
static uint32_t next_ntime(const struct pool_jobs *j, uint32_t now)
{
	int64_t t = (int64_t)now + j->time_offset;

	if (t <= (int64_t)j->last_ntime)
		t = (int64_t)j->last_ntime + 1;
	return t > 0xffffffffll ? 0xffffffffu : (uint32_t)t;
}

int pooljobs_new_job(struct pool_jobs *j, uint32_t now, char *err, size_t errlen)
{
	return make_job(j, next_ntime(j, now), err, errlen);
}

int pooljobs_new_block(struct pool_jobs *j, const uint8_t *prev, uint32_t now,
		       char *err, size_t errlen)
{
	struct pool_template saved = j->tpl;

	j->tpl.height++;
	if (prev)
		memcpy(j->tpl.prevhash, prev, 32);
	else
		rng_fill(&j->rng, j->tpl.prevhash, 32);
	if (!j->replayed)
		synthetic_block(j);
	if (make_job(j, next_ntime(j, now), err, errlen)) {
		j->tpl = saved;
		return -1;
	}
	return 0;
}
