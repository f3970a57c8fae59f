/*
 * pooljobs: the pool's side of work (`pipeminer pool`): block templates,
 * synthetic or replayed from a bitcoind getblocktemplate file, the jobs made
 * from them, and block changes. No sockets, no clock: callers pass the time.
 *
 * The coinbase, legacy (non-witness) serialization, as coinb1 | slot | coinb2:
 *   02000000                   version, LE
 *   01                         one input
 *   00 * 32, ffffffff          null prevout
 *   LL                         scriptSig length
 *     HH..                     BIP 34: the height as Bitcoin Core's
 *                              `CScript() << height` (OP_1..OP_16 for 1..16,
 *                              else a minimal little-endian number push)
 *     SS                       push of the extranonce slot (SS = slot bytes)
 *   ---- coinb1 ends here; the slot is extranonce1 || extranonce2 ----
 *     0b "/pipeminer/"         the tag, a push
 *   ffffffff                   sequence
 *   NN                         outputs: 1, or 2 with a witness commitment
 *     value (8 LE) 01 51       coinbasevalue to OP_TRUE
 *     00 * 8, LL, script       default_witness_commitment, when given
 *   00000000                   lock time
 *
 * Merkle branch: the siblings of the coinbase leaf, bottom-up, internal byte
 * order; the root is work_merkle_root(coinbase txid, branch). From a list of
 * txids (internal order, coinbase excluded) it is computed as pools do:
 *   level = [coinbase] + txids; while len > 1: branch += level[1];
 *   duplicate the last of an odd level; pair up the rest (from index 2).
 *
 * Jobs are reference counted (single-threaded: the pool's event loop alone
 * touches them): the table holds the current job, and every client holds the
 * jobs it was sent, so a share can be judged against the exact template it
 * was mined on while the pool moves on.
 */
#ifndef PIPEMINER_POOLJOBS_H
#define PIPEMINER_POOLJOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "work.h"

#define POOLJOBS_TAG "/pipeminer/"
#define POOLJOBS_SYNTHETIC_VALUE 5000000000ll   /* 50 BTC, in satoshis */
#define POOLJOBS_SYNTHETIC_VERSION 0x20000000u
#define POOLJOBS_MAX_SLOT 32                    /* extranonce1 + extranonce2 bytes */
#define POOLJOBS_MAX_TXS 100000                 /* transactions in a template */

/* What changes per block: one getblocktemplate, or its synthetic stand-in. */
struct pool_template {
	uint32_t version, nbits, curtime;
	uint64_t height;                  /* BIP 34 height of the block being mined */
	uint8_t prevhash[32];             /* internal (header) order */
	int64_t coinbasevalue;            /* satoshis */
	uint8_t *witness;                 /* default_witness_commitment script, or NULL */
	size_t witness_len;
	uint8_t branch[WORK_MAX_BRANCHES][32];
	size_t nbranch;
};

/* One job: a template at one ntime, with its notify text prepared. */
struct pool_job {
	unsigned refs;                    /* the table's and the clients' */
	uint64_t seq;                     /* pool-wide job number, from 1 */
	uint64_t height;                  /* the template's height: block changes raise it */
	struct work_template tpl;         /* extranonce1 empty, extranonce2_len the pool's */
	/*
	 * mining.notify params 1..7 and the comma before clean_jobs:
	 * "prevhash","coinb1","coinb2",["b0",...],"version","nbits","ntime",
	 * (prevhash word-swapped as Stratum sends it). NUL-terminated.
	 */
	char *notify_tail;
	size_t notify_tail_len;
};

struct pool_jobs_config {
	size_t extranonce1_len, extranonce2_len;   /* slot = their sum, <= POOLJOBS_MAX_SLOT */
	uint32_t nbits;                            /* synthetic templates */
	size_t branches;                           /* synthetic: branch entries, <= 32 */
	const cJSON *gbt;                          /* NULL: synthetic; else a getblocktemplate */
	uint64_t seed;                             /* 0: seed from getrandom() */
};

struct pool_jobs {
	struct pool_jobs_config cfg;
	struct pool_template tpl;         /* the current block's */
	bool replayed;                    /* from a getblocktemplate, not synthetic */
	struct pool_job *current;         /* the latest job (a reference) */
	uint64_t next_seq;
	int64_t time_offset;              /* template curtime - the clock at start */
	uint32_t last_ntime;
	uint64_t rng;                     /* xorshift64* state: prevhashes, txids */
};

/*
 * Makes the first block's template and first job, at unix time `now`.
 * cfg->gbt is read here and not kept. Fails (-1, err) on a bad template,
 * naming the field ("template \"height\": expected an integer"), or out of
 * memory. Release with pooljobs_release even after a failure.
 */
int pooljobs_init(struct pool_jobs *j, const struct pool_jobs_config *cfg, uint32_t now,
		  char *err, size_t errlen);
void pooljobs_release(struct pool_jobs *j);

/*
 * A new job on the same block with ntime advanced (to the template clock, and
 * at least one second past the last job). 0, or -1 when out of memory (the
 * current job is kept).
 */
int pooljobs_new_job(struct pool_jobs *j, uint32_t now, char *err, size_t errlen);

/*
 * A new block: height + 1, a new previous-block hash (`prev`, internal order,
 * e.g. the block a client just found; NULL: a synthetic one) and, for
 * synthetic templates, new transactions; then its first job. A replayed
 * template keeps its transactions. 0, or -1 when out of memory.
 */
int pooljobs_new_block(struct pool_jobs *j, const uint8_t *prev, uint32_t now,
		       char *err, size_t errlen);

/* The latest job (borrowed; take a reference to keep it). */
static inline struct pool_job *pooljobs_current(const struct pool_jobs *j)
{
	return j->current;
}

/* Reference counting; unref frees the job when the last reference goes. */
struct pool_job *pooljob_ref(struct pool_job *job);
void pooljob_unref(struct pool_job *job);

/* ---- the pieces, exposed for tests ---------------------------------------- */

/* `CScript() << height` into out (at most 9 bytes); returns its length. */
size_t pooljobs_height_script(uint64_t height, uint8_t out[9]);

/*
 * Reads a getblocktemplate object into t (t->witness malloc'd: release with
 * pool_template_release). 0, or -1 with err naming the field.
 */
int pooljobs_parse_gbt(const cJSON *gbt, struct pool_template *t, char *err, size_t errlen);
void pool_template_release(struct pool_template *t);

/*
 * The coinbase halves around a slot of `slot` bytes (layout above), malloc'd.
 * 0, or -1 when out of memory.
 */
int pooljobs_coinbase(const struct pool_template *t, size_t slot, uint8_t **coinb1,
		      size_t *len1, uint8_t **coinb2, size_t *len2);

/*
 * The merkle branch of the coinbase among n txids (internal order, coinbase
 * excluded). Fails (-1) when it would have more than WORK_MAX_BRANCHES
 * entries (more than 2^32 transactions cannot happen; n is bounded anyway).
 */
int pooljobs_merkle_branch(const uint8_t (*txids)[32], size_t n,
			   uint8_t (*branch)[32], size_t *nbranch);

#endif
