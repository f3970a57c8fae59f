/* poolshare: judging a mining.submit; see poolshare.h for the order of the checks. */
#include "poolshare.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "target.h"

/* One submit's params, decoded. */
struct submit {
	const char *worker, *job_id;
	uint8_t extranonce2[WORK_MAX_EXTRANONCE];
	size_t extranonce2_len;             /* may exceed the buffer: then not decoded */
	uint32_t ntime, nonce, version_bits;
	bool has_version_bits;
};

void poolshare_session_init(struct poolshare_session *s)
{
	memset(s, 0, sizeof(*s));
}

void poolshare_session_release(struct poolshare_session *s)
{
	for (size_t i = 0; i < POOLSHARE_SENT; i++)
		pooljob_unref(s->sent[i].job);
	free(s->seen.keys);
	memset(s, 0, sizeof(*s));
}

bool poolshare_authorized(const struct poolshare_session *s, const char *worker)
{
	for (size_t i = 0; i < s->nworkers; i++)
		if (!strcmp(s->workers[i], worker))
			return true;
	return false;
}

int poolshare_add_worker(struct poolshare_session *s, const char *worker)
{
	if (poolshare_authorized(s, worker))
		return 0;
	if (strlen(worker) >= POOLSHARE_WORKER_LEN || s->nworkers == POOLSHARE_MAX_WORKERS)
		return -1;
	strcpy(s->workers[s->nworkers++], worker);
	return 0;
}

void poolshare_sent_add(struct poolshare_session *s, uint64_t id, struct pool_job *job,
			double difficulty, const uint8_t *extranonce1, size_t extranonce1_len)
{
	struct poolshare_sent *r = &s->sent[s->next_sent];

	pooljob_unref(r->job);
	r->id = id;
	r->job = pooljob_ref(job);
	r->difficulty = difficulty;
	memcpy(r->extranonce1, extranonce1, extranonce1_len);
	r->extranonce1_len = extranonce1_len;
	s->next_sent = (s->next_sent + 1) % POOLSHARE_SENT;
}

/* ---- the seen set ------------------------------------------------------------- */

static size_t key_hash(const struct poolshare_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ull;    /* FNV-1a */

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return (size_t)h;
}

/* The slot holding k, or the empty slot where it would go. */
static struct poolshare_key *seen_slot(const struct poolshare_seen *seen,
				       const struct poolshare_key *k)
{
	size_t i = key_hash(k) & (seen->cap - 1);

	while (seen->keys[i].job_seq && memcmp(&seen->keys[i], k, sizeof(*k)))
		i = (i + 1) & (seen->cap - 1);
	return &seen->keys[i];
}

static bool seen_has(const struct poolshare_seen *seen, const struct poolshare_key *k)
{
	return seen->cap && seen_slot(seen, k)->job_seq;
}

static int seen_grow(struct poolshare_seen *seen)
{
	struct poolshare_seen bigger = *seen;

	bigger.cap = seen->cap ? 2 * seen->cap : 64;
	if (bigger.cap > 2 * POOLSHARE_MAX_SEEN)
		return -1;
	bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
	if (!bigger.keys)
		return -1;
	for (size_t i = 0; i < seen->cap; i++)
		if (seen->keys[i].job_seq)
			*seen_slot(&bigger, &seen->keys[i]) = seen->keys[i];
	free(seen->keys);
	*seen = bigger;
	return 0;
}

/* Remembers k; -1 when the set is full or cannot grow. */
static int seen_add(struct poolshare_seen *seen, const struct poolshare_key *k)
{
	if (2 * (seen->count + 1) > seen->cap && seen_grow(seen))
		return -1;
	*seen_slot(seen, k) = *k;
	seen->count++;
	return 0;
}

/* Forgets the shares of earlier blocks: they can only be stale now. */
static void seen_set_height(struct poolshare_seen *seen, uint64_t height)
{
	if (seen->height == height)
		return;
	if (seen->keys)
		memset(seen->keys, 0, seen->cap * sizeof(*seen->keys));
	seen->count = 0;
	seen->height = height;
}

/* ---- params ------------------------------------------------------------------- */

static const char *str_param(const cJSON *params, int i)
{
	const cJSON *it = cJSON_IsArray(params) ? cJSON_GetArrayItem(params, i) : NULL;

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static bool is_hex(const char *s)
{
	size_t n = strlen(s);

	return n % 2 == 0 && strspn(s, "0123456789abcdefABCDEF") == n;
}

/* params[2..5] into sub; false when they are not of the right shape. */
static bool parse_params(const cJSON *params, struct submit *sub)
{
	int n = cJSON_GetArraySize(params);
	const char *en2 = str_param(params, 2), *bits = str_param(params, 5);
	const char *ntime = str_param(params, 3), *nonce = str_param(params, 4);

	if (n == 6 && cJSON_IsNull(cJSON_GetArrayItem(params, 5)))
		n = 5;
	if ((n != 5 && n != 6) || !sub->job_id || !en2 || !ntime || !nonce || (n == 6 && !bits))
		return false;
	if (!is_hex(en2) || hex_to_u32be(ntime, &sub->ntime, NULL, 0) ||
	    hex_to_u32be(nonce, &sub->nonce, NULL, 0))
		return false;
	sub->has_version_bits = n == 6;
	if (n == 6 && hex_to_u32be(bits, &sub->version_bits, NULL, 0))
		return false;
	sub->extranonce2_len = strlen(en2) / 2;
	if (sub->extranonce2_len <= WORK_MAX_EXTRANONCE)
		hex_decode_exact(en2, sub->extranonce2, sub->extranonce2_len, NULL, 0);
	return true;
}

/* The record of the job id the client sent, or NULL. */
static const struct poolshare_sent *find_sent(const struct poolshare_session *s, const char *id)
{
	uint64_t v;

	if (!*id || strlen(id) > 16 || strspn(id, "0123456789abcdefABCDEF") != strlen(id))
		return NULL;
	v = strtoull(id, NULL, 16);
	for (size_t i = 0; i < POOLSHARE_SENT; i++)
		if (s->sent[i].job && s->sent[i].id == v)
			return &s->sent[i];
	return NULL;
}

static void set_verdict(struct poolshare_verdict *v, enum poolshare_kind kind, int code,
			const char *reason)
{
	v->kind = kind;
	v->code = code;
	v->reason = reason;
}

/* ---- the rebuild --------------------------------------------------------------- */

/* Rebuilds and hashes the header into v->header, v->hash; judges it. */
static void rebuild(const struct poolshare_session *s, const struct poolshare_sent *r,
		    const struct submit *sub, uint32_t version, struct poolshare_verdict *v)
{
	struct work_template t = r->job->tpl;   /* shallow: coinb1/coinb2 stay the job's */
	uint8_t txid[32], root[32], target[32];
	struct work w;

	memcpy(t.extranonce1, r->extranonce1, r->extranonce1_len);
	t.extranonce1_len = r->extranonce1_len;
	t.extranonce2_len = s->extranonce2_len;
	work_template_prepare(&t);
	work_coinbase_hash(&t, sub->extranonce2, txid);
	work_merkle_root(txid, (const uint8_t (*)[32])t.branch, t.nbranch, root);
	work_header(&t, root, version, sub->ntime, sub->nonce, v->header);
	work_from_header(&w, v->header);
	work_hash(&w, sub->nonce, v->hash);
	v->hashed = true;
	v->hash_difficulty = target_difficulty(v->hash);
	v->block = !target_from_nbits(t.nbits, target, NULL, 0) && target_met(v->hash, target);
	if (target_from_difficulty(r->difficulty, target, NULL, 0) || !target_met(v->hash, target))
		set_verdict(v, POOLSHARE_REJECTED, 23, "Low difficulty share");
	else
		set_verdict(v, POOLSHARE_ACCEPTED, 0, NULL);
}

static void make_key(const struct poolshare_sent *r, const struct submit *sub,
		     uint32_t version, struct poolshare_key *k)
{
	memset(k, 0, sizeof(*k));
	k->job_seq = r->job->seq;
	k->ntime = sub->ntime;
	k->nonce = sub->nonce;
	k->version = version;
	k->extranonce1_len = (uint8_t)r->extranonce1_len;
	memcpy(k->extranonce1, r->extranonce1, r->extranonce1_len);
	k->extranonce2_len = (uint8_t)sub->extranonce2_len;
	memcpy(k->extranonce2, sub->extranonce2, sub->extranonce2_len);
}

/* The checks from the job's extranonce2 size on; sub is well formed, r found. */
static void check_job(struct poolshare_session *s, const struct poolshare_sent *r,
		      const struct submit *sub, struct poolshare_verdict *v)
{
	uint32_t version = r->job->tpl.version, job_ntime = r->job->tpl.ntime;
	struct poolshare_key key;

	if (sub->extranonce2_len != s->extranonce2_len) {
		set_verdict(v, POOLSHARE_REJECTED, 20, "Invalid extranonce2 size");
		return;
	}
	if (sub->ntime < job_ntime ||
	    (uint64_t)sub->ntime > (uint64_t)job_ntime + POOLSHARE_NTIME_WINDOW) {
		set_verdict(v, POOLSHARE_REJECTED, 20, "Ntime out of range");
		return;
	}
	if (sub->has_version_bits &&
	    (!s->version_rolling || (sub->version_bits & ~s->version_mask))) {
		set_verdict(v, POOLSHARE_REJECTED, 20, "Invalid version bits");
		return;
	}
	if (sub->has_version_bits)
		version = work_version_roll(version, s->version_mask, sub->version_bits);
	make_key(r, sub, version, &key);
	if (seen_has(&s->seen, &key)) {
		set_verdict(v, POOLSHARE_DUPLICATE, 22, "Duplicate share");
		return;
	}
	rebuild(s, r, sub, version, v);
	if (v->kind == POOLSHARE_ACCEPTED && seen_add(&s->seen, &key))
		set_verdict(v, POOLSHARE_REJECTED, 20, "Too many shares");
}

void poolshare_check(struct poolshare_session *s, uint64_t height, const cJSON *params,
		     struct poolshare_verdict *v)
{
	const struct poolshare_sent *r;
	struct submit sub;

	memset(v, 0, sizeof(*v));
	memset(&sub, 0, sizeof(sub));
	seen_set_height(&s->seen, height);
	sub.worker = v->worker = str_param(params, 0);
	sub.job_id = v->job_id = str_param(params, 1);
	if (!s->subscribed) {
		set_verdict(v, POOLSHARE_REJECTED, 25, "Not subscribed");
		return;
	}
	if (!cJSON_IsArray(params)) {
		set_verdict(v, POOLSHARE_REJECTED, 20, "Invalid params");
		return;
	}
	if (!sub.worker || !poolshare_authorized(s, sub.worker)) {
		set_verdict(v, POOLSHARE_REJECTED, 24, "Unauthorized worker");
		return;
	}
	if (!parse_params(params, &sub)) {
		set_verdict(v, POOLSHARE_REJECTED, 20, "Invalid params");
		return;
	}
	r = find_sent(s, sub.job_id);
	if (!r) {
		set_verdict(v, POOLSHARE_REJECTED, 21, "Job not found");
		return;
	}
	v->difficulty = r->difficulty;
	v->height = r->job->height;
	if (r->job->height < height) {
		set_verdict(v, POOLSHARE_STALE, 21, "Job not found");
		return;
	}
	check_job(s, r, &sub, v);
}
