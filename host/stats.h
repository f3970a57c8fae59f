/*
 * stats: what the daemon counts, for the status line, the summary and
 * (later) the API. Single-threaded: the network loop owns it.
 *
 *  - Share verdicts: accepted, rejected (with the last reasons), stale, each
 *    with the sum of share difficulties; hardware errors (a nonce a device
 *    reported that failed the host's re-hash); the best share difficulty.
 *  - Hash rate from diff-1 work, as cgminer does: every verified candidate at
 *    a device's share filter of B zero bits stands for 2^B hashes on average,
 *    so its "diff-1 work" is 2^(B-32). Rates are exponentially decayed
 *    averages over 5 s, 1 min, 5 min and 15 min, updated by stats_tick().
 *  - hashes: the nonces the devices say they hashed (their own counters).
 */
#ifndef PIPEMINER_STATS_H
#define PIPEMINER_STATS_H

#include <stdint.h>

enum stats_window { STATS_5S, STATS_1M, STATS_5M, STATS_15M, STATS_WINDOWS };

#define STATS_REASONS 8
#define STATS_REASON_LEN 128

struct stats {
	uint64_t accepted, rejected, stale, hw_errors;
	double accepted_diff, rejected_diff, stale_diff;
	double best_share;                   /* difficulty of the best hash seen */
	uint64_t hashes;                     /* nonces hashed, by device counters */
	double diff1_work;                   /* total, in units of 2^32 hashes */
	/* Distinct reject reasons seen, with counts (the first STATS_REASONS). */
	struct {
		char text[STATS_REASON_LEN];
		uint64_t count;
	} reasons[STATS_REASONS];
	/* Hash rate averages. */
	double rate[STATS_WINDOWS];          /* hashes per second */
	double pending_work;                 /* diff-1 work since the last tick */
	double last_tick, started;
};

void stats_init(struct stats *s, double now);

/* A verified candidate worth diff1 units of 2^32 hashes. */
void stats_add_work(struct stats *s, double diff1);

/* Share verdicts. */
void stats_accepted(struct stats *s, double difficulty);
void stats_rejected(struct stats *s, double difficulty, const char *reason);
void stats_stale(struct stats *s, double difficulty);
void stats_hw_error(struct stats *s);
void stats_best(struct stats *s, double difficulty);

/* Advances the averages to `now`, folding in the work since the last tick. */
void stats_tick(struct stats *s, double now);

/* The average over window w, in hashes per second. */
double stats_rate(const struct stats *s, enum stats_window w);

/* "34.2 MH/s"-style text for a rate (buffer of 16). */
void stats_format_rate(char out[16], double hashes_per_s);

#endif
