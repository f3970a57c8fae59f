/*
 * notify: validates the params of a mining.notify and turns them into a
 * work template (work.h), or says which field was wrong.
 *
 * params = [job_id, prevhash, coinb1, coinb2, [branch...], version, nbits,
 *           ntime, clean_jobs]. A 10-element variant with one extra field
 * before clean_jobs (seen from some pools) is accepted; clean_jobs may be
 * null (read as false). The whole array is checked before anything is
 * written, so on failure *n is untouched.
 */
#ifndef PIPEMINER_NOTIFY_H
#define PIPEMINER_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "work.h"

#define NOTIFY_MAX_JOB_ID 64

struct notify {
	char job_id[NOTIFY_MAX_JOB_ID + 1];
	bool clean;
	/* Everything but extranonce1 and extranonce2_len, which are the session's. */
	struct work_template tpl;
};

/*
 * Fills n from params. On success n->tpl owns coinb1/coinb2 (release with
 * work_template_release). Returns 0, or -1 with err naming the field, e.g.
 * "notify[1] prevhash: expected 64 hex digits (32 bytes), got 62".
 */
int notify_parse(const cJSON *params, struct notify *n, char *err, size_t errlen);

#endif
