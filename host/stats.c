/* stats: see stats.h. */
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const double window_seconds[STATS_WINDOWS] = {
	[STATS_5S] = 5, [STATS_1M] = 60, [STATS_5M] = 300, [STATS_15M] = 900,
};

void stats_init(struct stats *s, double now)
{
	memset(s, 0, sizeof(*s));
	s->started = s->last_tick = now;
}

void stats_add_work(struct stats *s, double diff1)
{
	s->diff1_work += diff1;
	s->pending_work += diff1;
}

void stats_accepted(struct stats *s, double difficulty)
{
	s->accepted++;
	s->accepted_diff += difficulty;
}

void stats_rejected(struct stats *s, double difficulty, const char *reason)
{
	s->rejected++;
	s->rejected_diff += difficulty;
	for (int i = 0; i < STATS_REASONS; i++) {
		if (!s->reasons[i].count) {
			snprintf(s->reasons[i].text, STATS_REASON_LEN, "%s", reason);
			s->reasons[i].count = 1;
			return;
		}
		if (!strcmp(s->reasons[i].text, reason)) {
			s->reasons[i].count++;
			return;
		}
	}
}

void stats_stale(struct stats *s, double difficulty)
{
	s->stale++;
	s->stale_diff += difficulty;
}

void stats_hw_error(struct stats *s)
{
	s->hw_errors++;
}

void stats_best(struct stats *s, double difficulty)
{
	if (difficulty > s->best_share)
		s->best_share = difficulty;
}

void stats_tick(struct stats *s, double now)
{
	double dt = now - s->last_tick;
	double inst;

	if (dt <= 0)
		return;
	inst = s->pending_work * 4294967296.0 / dt;
	for (int w = 0; w < STATS_WINDOWS; w++) {
		/*
		 * An exponentially decayed average with time constant T; during
		 * the first T seconds the plain mean so far, so a young average
		 * does not start from zero.
		 */
		double age = now - s->started;

		if (age <= window_seconds[w])
			s->rate[w] = s->diff1_work * 4294967296.0 / age;
		else
			s->rate[w] += (1 - exp(-dt / window_seconds[w])) * (inst - s->rate[w]);
	}
	s->pending_work = 0;
	s->last_tick = now;
}

double stats_rate(const struct stats *s, enum stats_window w)
{
	return s->rate[w];
}

void stats_format_rate(char out[16], double h)
{
	static const char *const unit[] = {"H/s", "kH/s", "MH/s", "GH/s", "TH/s"};
	int u = 0;

	while (h >= 1000 && u < 4) {
		h /= 1000;
		u++;
	}
	snprintf(out, 16, "%.*f %s", h < 10 ? 2 : 1, h, unit[u]);
}
