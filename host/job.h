/*
 * job: one mining.notify as received on one pool session, with everything
 * the scheduler needs to make work from it and to judge shares for it: the
 * template with the session's extranonce1, the share difficulty that was in
 * force when it arrived (set_difficulty applies to the next job, so every
 * job carries its own), and the version-rolling mask negotiated then.
 *
 * Jobs are made by the Stratum client (stratum.c) and owned by whoever takes
 * the STRATUM_EV_JOB event (the scheduler's job table). Single-threaded:
 * only the network loop touches jobs.
 */
#ifndef PIPEMINER_JOB_H
#define PIPEMINER_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "notify.h"
#include "work.h"

struct job {
	char id[NOTIFY_MAX_JOB_ID + 1];   /* echoed in mining.submit */
	unsigned pool;                    /* index of the pool it came from */
	uint64_t session;                 /* that pool's connection counter */
	struct work_template tpl;         /* with extranonce1 and extranonce2_len */
	double difficulty;                /* share difficulty for this job */
	uint8_t share_target[32];         /* floor(diff1 / difficulty) */
	uint32_t version_mask;            /* negotiated BIP 310 mask, 0 = none */
	bool clean;                       /* clean_jobs, or a new prevhash */
	double received;                  /* monotonic seconds */
};

/* Frees the job and what it owns; NULL is fine. */
void job_free(struct job *j);

#endif
