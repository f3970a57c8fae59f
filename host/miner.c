/* miner: the network loop of the mining daemon; see miner.h. */
#include "miner.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define RESULT_BATCH 256
#define DRAIN_SECONDS 3.0
#define DEVICE_LINES_SECONDS 30.0

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Gives device d a fresh unit from the active pool's newest job. */
static void feed_device(struct miner *m, struct devthread *d, double now)
{
	struct work_unit wu;

	if (m->active < 0 || sched_make_unit(&m->sched, (unsigned)m->active, now, &wu))
		return;
	devthread_give(d, &wu);
}

static void feed_all(struct miner *m, double now)
{
	for (unsigned i = 0; i < m->ndevs; i++)
		feed_device(m, &m->devs[i], now);
}

/* Device results: verify nonces, refill devices that finished a unit. */
static void take_results(struct miner *m, double now)
{
	struct devresult r[RESULT_BATCH];
	size_t n;

	while ((n = resultq_take(&m->results, r, RESULT_BATCH)) > 0) {
		for (size_t i = 0; i < n; i++) {
			struct devthread *d = &m->devs[r[i].device];

			switch (r[i].kind) {
			case DEVRESULT_NONCE:
				switch (sched_on_nonce(&m->sched, r[i].tag, r[i].nonce, now)) {
				case SCHED_HW_ERROR:
				case SCHED_DUPLICATE:
					d->hw_errors++;
					break;
				case SCHED_SHARE:
					d->shares++;
					d->last_share = now;
					break;
				default:
					break;
				}
				break;
			case DEVRESULT_LOST:
				for (uint64_t k = 0; k < r[i].hashes; k++)
					stats_hw_error(&m->stats);
				d->hw_errors += r[i].hashes;
				break;
			case DEVRESULT_DONE:
				if (d->has_unit && d->unit_tag == r[i].tag) {
					d->has_unit = false;
					feed_device(m, d, now);
				}
				break;
			case DEVRESULT_HASHES:
				m->stats.hashes += r[i].hashes;
				d->hashes += r[i].hashes;
				break;
			}
		}
	}
}

/* Re-chooses the active pool; a change, or a new job from it, means new work. */
static void choose_pool(struct miner *m, int flags_active, double now)
{
	int best = pools_choose(m->pools, m->npools, m->active, now);

	if (best != m->active) {
		if (best >= 0)
			log_info("mining for pool %d %s", best, m->pools[best].cfg->url);
		else
			log_warn("no pool is healthy: devices keep their work, shares wait");
		m->active = best;
		if (best >= 0)
			feed_all(m, now);
	} else if (flags_active & POOL_NEW_JOB) {
		feed_all(m, now);
	}
}

static void status_line(struct miner *m)
{
	char r5[16], r60[16], r300[16];
	const struct pool *p = m->active >= 0 ? &m->pools[m->active] : NULL;
	const struct job *j = p ? sched_newest(&m->sched, p->index) : NULL;

	stats_format_rate(r5, stats_rate(&m->stats, STATS_5S));
	stats_format_rate(r60, stats_rate(&m->stats, STATS_1M));
	stats_format_rate(r300, stats_rate(&m->stats, STATS_5M));
	if (p)
		log_info("%s (5s) %s (1m) %s (5m) | A:%llu R:%llu S:%llu HW:%llu | best %.3g | "
			 "pool %u %s:%u diff %g", r5, r60, r300, (unsigned long long)m->stats.accepted,
			 (unsigned long long)m->stats.rejected, (unsigned long long)m->stats.stale,
			 (unsigned long long)m->stats.hw_errors, m->stats.best_share, p->index,
			 p->url.host, p->url.port, j ? j->difficulty : 0);
	else
		log_info("%s (5s) | A:%llu R:%llu S:%llu HW:%llu | no pool", r5,
			 (unsigned long long)m->stats.accepted,
			 (unsigned long long)m->stats.rejected, (unsigned long long)m->stats.stale,
			 (unsigned long long)m->stats.hw_errors);
}

/* One line per device: its own counter's rate, errors and last share. */
static void device_lines(struct miner *m, double now)
{
	double span = now - m->started;

	for (unsigned i = 0; i < m->ndevs; i++) {
		const struct devthread *d = &m->devs[i];
		char rate[16], last[32] = "no share yet";

		stats_format_rate(rate, span > 0 ? (double)d->hashes / span : 0);
		if (d->last_share > 0)
			snprintf(last, sizeof(last), "last share %.0f s ago", now - d->last_share);
		log_info("device %u (%s %s): %s average, %llu shares, HW %llu, %s", i,
			 d->dev.info.kind, d->dev.info.path, rate, (unsigned long long)d->shares,
			 (unsigned long long)d->hw_errors, last);
	}
}

/* One turn of the loop: wait, then serve results, pools and timers. */
static void turn(struct miner *m, double deadline)
{
	struct pollfd pfd[1 + POOL_MAX];
	double now = now_s(), wait = deadline - now;
	int flags_active = 0, n;

	pfd[0].fd = resultq_fd(&m->results);
	pfd[0].events = POLLIN;
	for (unsigned i = 0; i < m->npools; i++) {
		pool_pollfd(&m->pools[i], &pfd[1 + i]);
		wait = pool_next_timer(&m->pools[i], now, wait);
	}
	if (m->next_status - now < wait)
		wait = m->next_status - now;
	if (wait > 0.25)
		wait = 0.25;   /* timers (silence, expiry, averages) run at least 4 times a second */
	n = poll(pfd, 1 + m->npools, wait > 0 ? (int)ceil(wait * 1000) : 0);
	if (n < 0 && errno != EINTR)
		log_error("poll: %s", strerror(errno));
	now = now_s();
	take_results(m, now);
	for (unsigned i = 0; i < m->npools; i++) {
		int f = pool_service(&m->pools[i], n > 0 ? pfd[1 + i].revents : 0, &m->sched, now);

		f |= pool_timers(&m->pools[i], &m->sched, now);
		if ((int)i == m->active || (f & POOL_CHANGED))
			flags_active |= f;
	}
	choose_pool(m, flags_active, now);
	stats_tick(&m->stats, now);
	if (now >= m->next_status) {
		if (!m->opt->quiet)
			status_line(m);
		m->next_status = now + m->opt->status_interval;
	}
	if (now >= m->next_devices) {
		if (!m->opt->quiet)
			device_lines(m, now);
		m->next_devices = now + DEVICE_LINES_SECONDS;
	}
}

/* Stops devices, verifies every result, lets pools answer, prints the summary. */
static void shut_down(struct miner *m)
{
	double until;
	bool all_exited;

	for (unsigned i = 0; i < m->ndevs; i++)
		devthread_request_stop(&m->devs[i]);
	do {
		all_exited = true;
		take_results(m, now_s());
		for (unsigned i = 0; i < m->ndevs; i++)
			all_exited = all_exited && devthread_exited(&m->devs[i]);
		if (!all_exited)
			poll(NULL, 0, 10);
	} while (!all_exited);
	for (unsigned i = 0; i < m->ndevs; i++)
		devthread_join(&m->devs[i]);
	take_results(m, now_s());
	/* Queued shares get a last chance to go out and be answered. */
	until = now_s() + DRAIN_SECONDS;
	while (sched_in_flight(&m->sched) && now_s() < until)
		turn(m, until);
	sched_expire(&m->sched, 0, now_s(), -1, 1e9);   /* what is still queued is stale */
	stats_tick(&m->stats, now_s());
	if (sched_in_flight(&m->sched))
		log_warn("%zu share%s submitted without an answer before exit",
			 sched_in_flight(&m->sched), sched_in_flight(&m->sched) == 1 ? "" : "s");
	printf("summary: accepted=%llu rejected=%llu stale=%llu hw_errors=%llu hashes=%llu\n",
	       (unsigned long long)m->stats.accepted, (unsigned long long)m->stats.rejected,
	       (unsigned long long)m->stats.stale, (unsigned long long)m->stats.hw_errors,
	       (unsigned long long)m->stats.hashes);
	for (unsigned i = 0; i < m->ndevs; i++) {
		const struct devthread *d = &m->devs[i];
		double span = now_s() - m->started;

		printf("device %u: %s %s hashes=%llu mhs=%.4f shares=%llu hw_errors=%llu\n", i,
		       d->dev.info.kind, d->dev.info.path, (unsigned long long)d->hashes,
		       span > 0 ? (double)d->hashes / span / 1e6 : 0, (unsigned long long)d->shares,
		       (unsigned long long)d->hw_errors);
	}
	fflush(stdout);
}

static int start(struct miner *m, const struct miner_options *opt, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	m->opt = opt;
	m->active = -1;
	stats_init(&m->stats, now_s());
	if (sched_init(&m->sched, &m->stats))
		return errf(err, errlen, "out of memory");
	if (resultq_init(&m->results, err, errlen))
		return -1;
	for (unsigned i = 0; i < opt->npools; i++, m->npools++)
		if (pool_init(&m->pools[i], i, &opt->pools[i], &opt->pool, err, errlen))
			return -1;
	for (unsigned i = 0; i < opt->ndevices; i++, m->ndevs++) {
		char why[ERR_LEN];

		if (devthread_start(&m->devs[i], i, opt->devices[i], &opt->device, &m->results,
				    why, sizeof(why)))
			return errf(err, errlen, "--device %s: %s", opt->devices[i], why);
		log_info("device %u: %s, path %s, %u-way", i, m->devs[i].dev.info.kind,
			 m->devs[i].dev.info.path, m->devs[i].dev.info.parallel);
	}
	m->started = now_s();
	m->next_status = m->started + opt->status_interval;
	m->next_devices = m->started + DEVICE_LINES_SECONDS;
	return 0;
}

static void release(struct miner *m)
{
	for (unsigned i = 0; i < m->ndevs; i++) {
		devthread_request_stop(&m->devs[i]);
		while (!devthread_exited(&m->devs[i])) {
			struct devresult r[RESULT_BATCH];

			resultq_take(&m->results, r, RESULT_BATCH);
			poll(NULL, 0, 10);
		}
		devthread_join(&m->devs[i]);
	}
	for (unsigned i = 0; i < m->npools; i++)
		pool_release(&m->pools[i]);
	if (m->results.wake[0] || m->results.wake[1])
		resultq_release(&m->results);
	sched_release(&m->sched);
}

int miner_run(struct miner *m, const struct miner_options *opt,
	      volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	double end;

	log_set_level(opt->debug ? LOG_DEBUG : LOG_INFO);
	if (start(m, opt, err, errlen)) {
		release(m);
		return -1;
	}
	end = opt->run_for > 0 ? now_s() + opt->run_for : INFINITY;
	while (!*stop && now_s() < end)
		turn(m, end);
	log_info("stopping%s", *stop ? " (signal)" : " (--run-for)");
	shut_down(m);
	m->ndevs = 0;   /* already joined */
	release(m);
	return 0;
}
