/* scheduler: see scheduler.h. */
#include "scheduler.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "log.h"
#include "sha256.h"
#include "target.h"

int sched_init(struct scheduler *s, struct stats *stats)
{
	memset(s, 0, sizeof(*s));
	s->stats = stats;
	s->next_serial = 1;
	s->next_tag = 1;
	s->next_share_id = 1;
	s->units = calloc(SCHED_MAX_UNITS, sizeof(*s->units));
	s->shares = calloc(SCHED_MAX_SHARES, sizeof(*s->shares));
	s->seen = calloc(SCHED_SEEN, sizeof(*s->seen));
	if (!s->units || !s->shares || !s->seen) {
		sched_release(s);
		return -1;
	}
	return 0;
}

void sched_release(struct scheduler *s)
{
	for (unsigned p = 0; p < SCHED_MAX_POOLS; p++)
		for (size_t i = 0; i < s->pools[p].n; i++)
			job_free(s->pools[p].job[i]);
	free(s->units);
	free(s->shares);
	free(s->seen);
	memset(s, 0, sizeof(*s));
}

/* ---- jobs ------------------------------------------------------------ */

static const struct job *find_job(const struct scheduler *s, unsigned pool, uint64_t serial)
{
	const struct sched_pool_jobs *pj = &s->pools[pool];

	for (size_t i = 0; i < pj->n; i++)
		if (pj->serial[i] == serial)
			return pj->job[i];
	return NULL;
}

/*
 * Queued shares whose job is gone become stale. (A submitted share waits for
 * the pool's answer: the pool says whether it was still in time.)
 */
static void stale_orphans(struct scheduler *s)
{
	for (size_t i = 0; i < SCHED_MAX_SHARES; i++) {
		struct sched_share *sh = &s->shares[i];

		if (sh->state != SHARE_QUEUED || find_job(s, sh->pool, sh->job_serial))
			continue;
		log_info("share %08x for job %s of pool %u is stale: its job is gone",
			 sh->nonce, sh->job_id, sh->pool);
		stats_stale(s->stats, sh->difficulty);
		sh->state = SHARE_FREE;
	}
}

static void drop_jobs(struct sched_pool_jobs *pj, size_t keep_from)
{
	for (size_t i = 0; i < keep_from; i++)
		job_free(pj->job[i]);
	memmove(pj->job, pj->job + keep_from, (pj->n - keep_from) * sizeof(pj->job[0]));
	memmove(pj->serial, pj->serial + keep_from, (pj->n - keep_from) * sizeof(pj->serial[0]));
	pj->n -= keep_from;
}

void sched_add_job(struct scheduler *s, struct job *job, double now)
{
	struct sched_pool_jobs *pj;

	if (job->pool >= SCHED_MAX_POOLS) {
		job_free(job);
		return;
	}
	pj = &s->pools[job->pool];
	job->received = now;
	if (job->clean || job->session != pj->session)
		drop_jobs(pj, pj->n);
	else if (pj->n == SCHED_JOBS_PER_POOL)
		drop_jobs(pj, 1);
	pj->session = job->session;
	pj->job[pj->n] = job;
	pj->serial[pj->n] = s->next_serial++;
	pj->n++;
	stale_orphans(s);
}

void sched_pool_session(struct scheduler *s, unsigned pool, uint64_t session, bool resumed)
{
	struct sched_pool_jobs *pj;

	if (pool >= SCHED_MAX_POOLS)
		return;
	pj = &s->pools[pool];
	if (resumed) {
		for (size_t i = 0; i < pj->n; i++)
			pj->job[i]->session = session;
	} else {
		drop_jobs(pj, pj->n);
	}
	pj->session = session;
	stale_orphans(s);
}

const struct job *sched_newest(const struct scheduler *s, unsigned pool)
{
	const struct sched_pool_jobs *pj = &s->pools[pool];

	return pool < SCHED_MAX_POOLS && pj->n ? pj->job[pj->n - 1] : NULL;
}

/* ---- work units ------------------------------------------------------ */

/* Zero bits every hash at or below target has: the device's filter. */
static unsigned filter_bits(const uint8_t target[32])
{
	unsigned z = target_zero_bits(target);

	return z > 32 ? 32 : z;
}

int sched_make_unit(struct scheduler *s, unsigned pool, double now, struct work_unit *wu)
{
	const struct sched_pool_jobs *pj = &s->pools[pool];
	const struct job *job;
	struct sched_unit *u;
	uint64_t k = s->unit_counter++, versions = 1;
	uint8_t txid[32], root[32], header[80];
	double age;

	if (pool >= SCHED_MAX_POOLS || !pj->n)
		return -1;
	job = pj->job[pj->n - 1];
	u = &s->units[s->next_tag % SCHED_MAX_UNITS];
	memset(u, 0, sizeof(*u));
	u->tag = s->next_tag++;
	if (!s->next_tag)
		s->next_tag = 1;
	u->used = true;
	u->pool = pool;
	u->job_serial = pj->serial[pj->n - 1];
	strcpy(u->job_id, job->id);
	/* Roll the version bits first (up to 16 values), then extranonce2. */
	if (job->version_mask) {
		unsigned bits = (unsigned)__builtin_popcount(job->version_mask);

		versions = bits >= 4 ? 16 : 1ull << bits;
		u->version_bits = work_version_bits(job->version_mask, (uint32_t)(k % versions));
	}
	u->version = work_version_roll(job->tpl.version, job->version_mask, u->version_bits);
	u->extranonce2_len = job->tpl.extranonce2_len;
	work_extranonce2(k / versions, u->extranonce2, u->extranonce2_len);
	age = now - job->received;
	u->ntime = job->tpl.ntime + (uint32_t)(age < 0 ? 0 : age > SCHED_MAX_NTIME_ROLL ?
					       SCHED_MAX_NTIME_ROLL : age);
	u->difficulty = job->difficulty;
	memcpy(u->share_target, job->share_target, 32);
	if (target_from_nbits(job->tpl.nbits, u->nbits_target, NULL, 0))
		memset(u->nbits_target, 0, 32);
	u->zero_bits = filter_bits(job->share_target);

	work_coinbase_hash(&job->tpl, u->extranonce2, txid);
	work_merkle_root(txid, (const uint8_t (*)[32])job->tpl.branch, job->tpl.nbranch, root);
	work_header(&job->tpl, root, u->version, u->ntime, 0, header);
	work_from_header(&u->work, header);

	memset(wu, 0, sizeof(*wu));
	wu->tag = u->tag;
	memcpy(wu->midstate, u->work.midstate, sizeof(wu->midstate));
	memcpy(wu->tail, u->work.tail, sizeof(wu->tail));
	wu->nonce_start = 0;
	wu->nonce_count = 1ull << 32;
	wu->zero_bits = u->zero_bits;
	return 0;
}

/* ---- nonces and shares ----------------------------------------------- */

/* A fingerprint of (job, extranonce2, ntime, version, nonce), 64 bits of SHA-256. */
static uint64_t fingerprint(const struct sched_unit *u, uint32_t nonce)
{
	uint8_t buf[8 + WORK_MAX_EXTRANONCE + 12], h[32];
	uint64_t f;
	size_t n = 0;

	memcpy(buf, &u->job_serial, 8);
	n += 8;
	memcpy(buf + n, u->extranonce2, u->extranonce2_len);
	n += u->extranonce2_len;
	store_le32(buf + n, u->ntime);
	store_le32(buf + n + 4, u->version);
	store_le32(buf + n + 8, nonce);
	n += 12;
	sha256(buf, n, h);
	memcpy(&f, h, 8);
	return f ? f : 1;
}

static bool seen_before(struct scheduler *s, uint64_t f)
{
	for (size_t i = 0; i < SCHED_SEEN; i++)
		if (s->seen[i] == f)
			return true;
	s->seen[s->seen_next] = f;
	s->seen_next = (s->seen_next + 1) % SCHED_SEEN;
	return false;
}

static struct sched_share *free_share(struct scheduler *s)
{
	for (size_t i = 0; i < SCHED_MAX_SHARES; i++)
		if (s->shares[i].state == SHARE_FREE)
			return &s->shares[i];
	return NULL;
}

static enum sched_verdict queue_share(struct scheduler *s, const struct sched_unit *u,
				      uint32_t nonce, double now)
{
	struct sched_share *sh = free_share(s);

	if (!sh) {
		log_warn("%d shares already waiting: share %08x counted stale",
			 SCHED_MAX_SHARES, nonce);
		stats_stale(s->stats, u->difficulty);
		return SCHED_STALE;
	}
	memset(sh, 0, sizeof(*sh));
	sh->state = SHARE_QUEUED;
	sh->id = s->next_share_id++;
	sh->pool = u->pool;
	sh->job_serial = u->job_serial;
	strcpy(sh->job_id, u->job_id);
	memcpy(sh->extranonce2, u->extranonce2, u->extranonce2_len);
	sh->extranonce2_len = u->extranonce2_len;
	sh->ntime = u->ntime;
	sh->nonce = nonce;
	sh->version_bits = u->version_bits;
	sh->difficulty = u->difficulty;
	sh->found_at = now;
	log_info("share %08x found for job %s of pool %u (difficulty %g)", nonce, u->job_id,
		 u->pool, u->difficulty);
	return SCHED_SHARE;
}

enum sched_verdict sched_on_nonce(struct scheduler *s, uint32_t tag, uint32_t nonce, double now)
{
	const struct sched_unit *u = &s->units[tag % SCHED_MAX_UNITS];
	uint8_t hash[32];
	char disp[65];
	unsigned zeros;

	if (!u->used || u->tag != tag) {
		/* Units are remembered for SCHED_MAX_UNITS tags: this one is long gone. */
		log_warn("nonce %08x for forgotten work unit %u counted stale", nonce, tag);
		stats_stale(s->stats, 1);
		return SCHED_STALE;
	}
	work_hash(&u->work, nonce, hash);
	zeros = target_zero_bits(hash);
	if (zeros < u->zero_bits) {
		log_warn("hardware error: nonce %08x of unit %u has %u zero bits, the device "
			 "filter promised %u", nonce, tag, zeros, u->zero_bits);
		stats_hw_error(s->stats);
		return SCHED_HW_ERROR;
	}
	if (seen_before(s, fingerprint(u, nonce))) {
		log_warn("hardware error: nonce %08x of unit %u reported twice", nonce, tag);
		stats_hw_error(s->stats);
		return SCHED_DUPLICATE;
	}
	stats_add_work(s->stats, 1.0 / (double)(1ull << (32 - u->zero_bits)));
	stats_best(s->stats, target_difficulty(hash));
	if (!target_met(hash, u->share_target))
		return SCHED_WORK;
	if (target_met(hash, u->nbits_target)) {
		hex_encode_reversed(disp, hash, 32);
		log_info("block found! hash %s (job %s)", disp, u->job_id);
		s->blocks_found++;
	}
	if (!find_job(s, u->pool, u->job_serial)) {
		log_info("share %08x for job %s is stale: the job was replaced", nonce, u->job_id);
		stats_stale(s->stats, u->difficulty);
		return SCHED_STALE;
	}
	return queue_share(s, u, nonce, now);
}

size_t sched_take_shares(struct scheduler *s, unsigned pool, uint64_t session,
			 struct stratum_share *out, size_t max, double now)
{
	size_t n = 0;

	if (pool >= SCHED_MAX_POOLS || s->pools[pool].session != session)
		return 0;
	for (size_t i = 0; i < SCHED_MAX_SHARES && n < max; i++) {
		struct sched_share *sh = &s->shares[i];

		if (sh->state != SHARE_QUEUED || sh->pool != pool)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].id = sh->id;
		out[n].job_id = sh->job_id;
		memcpy(out[n].extranonce2, sh->extranonce2, sh->extranonce2_len);
		out[n].extranonce2_len = sh->extranonce2_len;
		out[n].ntime = sh->ntime;
		out[n].nonce = sh->nonce;
		out[n].version_bits = sh->version_bits;
		sh->state = SHARE_SUBMITTED;
		sh->submitted_at = now;
		n++;
	}
	return n;
}

static struct sched_share *share_by_id(struct scheduler *s, uint64_t id)
{
	for (size_t i = 0; i < SCHED_MAX_SHARES; i++)
		if (s->shares[i].state != SHARE_FREE && s->shares[i].id == id)
			return &s->shares[i];
	return NULL;
}

void sched_on_result(struct scheduler *s, uint64_t id, bool accepted, const char *reason)
{
	struct sched_share *sh = share_by_id(s, id);

	if (!sh)
		return;
	if (accepted) {
		log_info("share %08x accepted (job %s, difficulty %g)", sh->nonce, sh->job_id,
			 sh->difficulty);
		stats_accepted(s->stats, sh->difficulty);
	} else {
		log_warn("share %08x rejected: %s (job %s, difficulty %g)", sh->nonce, reason,
			 sh->job_id, sh->difficulty);
		stats_rejected(s->stats, sh->difficulty, reason);
	}
	sh->state = SHARE_FREE;
}

void sched_requeue(struct scheduler *s, const uint64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct sched_share *sh = share_by_id(s, ids[i]);

		if (sh && sh->state == SHARE_SUBMITTED)
			sh->state = SHARE_QUEUED;
	}
	stale_orphans(s);
}

size_t sched_expire(struct scheduler *s, unsigned pool, double now, double max_age,
		    double answer_timeout)
{
	size_t late = 0;

	for (size_t i = 0; i < SCHED_MAX_SHARES; i++) {
		struct sched_share *sh = &s->shares[i];

		if (sh->state == SHARE_QUEUED && now - sh->found_at > max_age) {
			log_info("share %08x for job %s is stale: its pool was away %.0f s",
				 sh->nonce, sh->job_id, now - sh->found_at);
			stats_stale(s->stats, sh->difficulty);
			sh->state = SHARE_FREE;
		} else if (sh->state == SHARE_SUBMITTED && sh->pool == pool &&
			   now - sh->submitted_at > answer_timeout) {
			late++;
		}
	}
	return late;
}

size_t sched_in_flight(const struct scheduler *s)
{
	size_t n = 0;

	for (size_t i = 0; i < SCHED_MAX_SHARES; i++)
		n += s->shares[i].state != SHARE_FREE;
	return n;
}
