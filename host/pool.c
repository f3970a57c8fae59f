/* pool: connections, sessions, failover and back-off; see pool.h. */
#include "pool.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define MAX_EVENTS 16
#define MAX_LOST 1024
#define SUBMIT_BATCH 64

int pool_init(struct pool *p, unsigned index, const struct pool_config *cfg,
	      const struct pool_options *opt, char *err, size_t errlen)
{
	struct stratum_config sc;
	char why[ERR_LEN];

	memset(p, 0, sizeof(*p));
	if (conn_parse_url(cfg->url, &p->url, why, sizeof(why)))
		return errf(err, errlen, "pool %u (%s): %s", index, cfg->url, why);
	p->index = index;
	p->cfg = cfg;
	p->opt = opt;
	p->state = POOL_WAITING;
	p->rng = ((uint64_t)time(NULL) << 16) ^ (0x9e3779b97f4a7c15ull * (index + 1));
	memset(&sc, 0, sizeof(sc));
	sc.agent = opt->agent;
	sc.host = p->url.host;
	sc.user = cfg->user;
	sc.pass = cfg->pass;
	sc.pool = index;
	sc.version_rolling = opt->version_rolling;
	sc.version_mask = STRATUM_DEFAULT_VERSION_MASK;
	sc.extranonce_subscribe = opt->extranonce_subscribe;
	sc.suggest_diff = opt->suggest_diff;
	sc.min_diff = opt->min_diff;
	stratum_init(&p->st, &sc);
	return 0;
}

void pool_release(struct pool *p)
{
	conn_close(p->conn);
	p->conn = NULL;
	stratum_release(&p->st);
}

void pool_pollfd(const struct pool *p, struct pollfd *pfd)
{
	pfd->fd = p->conn ? conn_fd(p->conn) : -1;
	pfd->events = p->conn ? conn_poll_events(p->conn) : 0;
	pfd->revents = 0;
}

/* A uniform number in [0, 1) from p's xorshift state. */
static double jitter(struct pool *p)
{
	p->rng ^= p->rng << 13;
	p->rng ^= p->rng >> 7;
	p->rng ^= p->rng << 17;
	return (double)(p->rng >> 11) / 9007199254740992.0;
}

/* Drops the connection and schedules a reconnect `delay` seconds from now (< 0: back off). */
static int drop(struct pool *p, struct scheduler *sched, double now, double delay,
		const char *why)
{
	uint64_t lost[MAX_LOST];
	size_t nlost;
	bool was_ready = p->state == POOL_READY;

	snprintf(p->last_error, sizeof(p->last_error), "%s", why);
	conn_close(p->conn);
	p->conn = NULL;
	nlost = stratum_reset(&p->st, lost, MAX_LOST);
	sched_requeue(sched, lost, nlost);
	if (delay < 0) {
		double base = p->opt->backoff_min * pow(2, p->failures);

		if (base > p->opt->backoff_max)
			base = p->opt->backoff_max;
		delay = base * (0.5 + 0.5 * jitter(p));
		p->failures++;
	}
	p->state = POOL_WAITING;
	p->next_attempt = now + delay;
	p->healthy_since = 0;
	log_warn("pool %u %s: %s; %zu share%s to resend; reconnecting in %.1f s", p->index,
		 p->cfg->url, why, nlost, nlost == 1 ? "" : "s", delay);
	return was_ready ? POOL_CHANGED : 0;
}

static void connect_now(struct pool *p, double now)
{
	struct conn_url u = p->url;
	char err[ERR_LEN];

	if (p->port_override)
		u.port = p->port_override;
	p->conn = conn_open(&u, &p->opt->tls, err, sizeof(err));
	if (!p->conn) {
		double delay = p->opt->backoff_min * pow(2, p->failures);

		if (delay > p->opt->backoff_max)
			delay = p->opt->backoff_max;
		delay *= 0.5 + 0.5 * jitter(p);
		p->failures++;
		p->next_attempt = now + delay;
		snprintf(p->last_error, sizeof(p->last_error), "%s", err);
		log_warn("pool %u %s: %s; retrying in %.1f s", p->index, p->cfg->url, err, delay);
		return;
	}
	p->state = POOL_CONNECTING;
	p->connected_at = now;
	stratum_start(&p->st);
	log_info("pool %u %s: connecting (%s)", p->index, p->cfg->url, conn_describe(p->conn));
}

/* Hands one Stratum event to the scheduler or the log; returns POOL_* flags. */
static int on_event(struct pool *p, struct stratum_event *ev, struct scheduler *sched,
		    double now)
{
	switch (ev->kind) {
	case STRATUM_EV_SUBSCRIBED:
		sched_pool_session(sched, p->index, p->st.session, ev->resumed);
		log_info("pool %u: subscribed%s", p->index, ev->resumed ? " (session resumed)" : "");
		return 0;
	case STRATUM_EV_READY:
		p->state = POOL_READY;
		p->ready_at = now;
		p->failures = 0;
		log_info("pool %u %s: authorized as %s", p->index, p->cfg->url, p->cfg->user);
		return POOL_CHANGED;
	case STRATUM_EV_AUTH_FAILED:
		p->failures += 3;   /* back off harder: retrying will not help soon */
		return drop(p, sched, now, -1, "the pool refused the worker's authorization");
	case STRATUM_EV_JOB:
		if (ev->job->clean && p->last_job >= p->connected_at && p->last_job > 0)
			log_info("pool %u: job %s is clean (a new block): earlier work flushed",
				 p->index, ev->job->id);
		p->last_job = now;
		if (!p->healthy_since && p->state == POOL_READY)
			p->healthy_since = now;
		log_debug("pool %u: job %s (difficulty %g%s)", p->index, ev->job->id,
			  ev->job->difficulty, ev->job->clean ? ", clean" : "");
		sched_add_job(sched, ev->job, now);
		ev->job = NULL;
		return POOL_NEW_JOB;
	case STRATUM_EV_EXTRANONCE:
		log_info("pool %u: new extranonce1 (%zu bytes, extranonce2 %zu bytes)", p->index,
			 p->st.extranonce1_len, p->st.extranonce2_len);
		return 0;
	case STRATUM_EV_VERSION_MASK:
		log_info("pool %u: version rolling mask %08x", p->index, ev->mask);
		return 0;
	case STRATUM_EV_DIFFICULTY:
		log_info("pool %u: difficulty %g from the next job", p->index, ev->difficulty);
		return 0;
	case STRATUM_EV_SHARE:
		if (ev->accepted)
			p->accepted++;
		else
			p->rejected++;
		sched_on_result(sched, ev->share_id, ev->accepted, ev->reason);
		return 0;
	case STRATUM_EV_RECONNECT:
		p->port_override = ev->port;
		return drop(p, sched, now, ev->wait, "the pool asked to reconnect (client.reconnect)");
	case STRATUM_EV_MESSAGE:
		log_info("pool %u says: %s", p->index, ev->reason);
		return 0;
	}
	return 0;
}

/* Submits what the scheduler has queued for this pool's session. */
static void submit_queued(struct pool *p, struct scheduler *sched, double now)
{
	struct stratum_share out[SUBMIT_BATCH];
	char err[ERR_LEN];
	size_t n;

	if (p->state != POOL_READY)
		return;
	n = sched_take_shares(sched, p->index, p->st.session, out, SUBMIT_BATCH, now);
	for (size_t i = 0; i < n; i++) {
		if (stratum_submit(&p->st, &out[i], err, sizeof(err))) {
			log_warn("pool %u: cannot submit share %08x: %s", p->index, out[i].nonce, err);
			sched_requeue(sched, &out[i].id, 1);
		}
	}
}

/* Sends the Stratum session's pending output. */
static int flush(struct pool *p, char *err, size_t errlen)
{
	const char *data;
	size_t n = stratum_output(&p->st, &data);

	if (!n)
		return 0;
	if (log_get_level() >= LOG_DEBUG)
		log_debug("pool %u > %.*s", p->index, (int)(n && data[n - 1] == '\n' ? n - 1 : n),
			  data);
	if (conn_write(p->conn, data, n, err, errlen))
		return -1;
	stratum_output_consumed(&p->st, n);
	return 0;
}

int pool_service(struct pool *p, short revents, struct scheduler *sched, double now)
{
	struct stratum_event ev[MAX_EVENTS];
	char err[ERR_LEN], *line;
	size_t len, nev;
	int flags = 0, rc;

	if (!p->conn)
		return 0;
	if (conn_process(p->conn, revents, err, sizeof(err)))
		return drop(p, sched, now, -1, err);
	while ((rc = conn_next_line(p->conn, &line, &len, err, sizeof(err))) == 1) {
		log_debug("pool %u < %s", p->index, line);
		rc = stratum_on_line(&p->st, line, len, ev, MAX_EVENTS, &nev, err, sizeof(err));
		for (size_t i = 0; i < nev && p->conn; i++)
			flags |= on_event(p, &ev[i], sched, now);
		for (size_t i = 0; i < nev; i++)
			job_free(ev[i].job);
		if (!p->conn)
			return flags;
		if (rc)
			return flags | drop(p, sched, now, -1, err);
	}
	if (rc < 0)
		return flags | drop(p, sched, now, -1, err);
	submit_queued(p, sched, now);
	if (flush(p, err, sizeof(err)))
		return flags | drop(p, sched, now, -1, err);
	return flags;
}

int pool_timers(struct pool *p, struct scheduler *sched, double now)
{
	size_t late;
	char why[ERR_LEN];

	if (p->state == POOL_WAITING && !p->conn && now >= p->next_attempt)
		connect_now(p, now);
	late = sched_expire(sched, p->index, now, p->opt->share_max_age, p->opt->answer_timeout);
	if (p->state == POOL_READY && late) {
		snprintf(why, sizeof(why), "%zu submit%s unanswered for %.0f s", late,
			 late == 1 ? "" : "s", p->opt->answer_timeout);
		return drop(p, sched, now, -1, why);
	}
	if (p->state == POOL_READY && now - (p->last_job > p->ready_at ? p->last_job : p->ready_at)
	    > p->opt->job_timeout) {
		snprintf(why, sizeof(why), "no job for %.0f s", p->opt->job_timeout);
		return drop(p, sched, now, -1, why);
	}
	if (p->state == POOL_CONNECTING && now - p->connected_at > p->opt->job_timeout)
		return drop(p, sched, now, -1, "no answer to subscribe/authorize");
	return 0;
}

bool pool_healthy(const struct pool *p, double now)
{
	return p->state == POOL_READY && p->last_job >= p->ready_at &&
	       now - p->last_job <= p->opt->job_timeout;
}

int pools_choose(const struct pool *pools, unsigned n, int current, double now)
{
	for (unsigned i = 0; i < n; i++) {
		const struct pool *p = &pools[i];

		if (!pool_healthy(p, now))
			continue;
		if (current >= 0 && (int)i < current && pool_healthy(&pools[current], now) &&
		    now - p->healthy_since < p->opt->failback_delay)
			continue;  /* better, but not healthy long enough to fail back */
		return (int)i;
	}
	return -1;
}

double pool_next_timer(const struct pool *p, double now, double cap)
{
	double t = cap;

	if (p->state == POOL_WAITING && !p->conn && p->next_attempt - now < t)
		t = p->next_attempt - now;
	return t < 0 ? 0 : t;
}
