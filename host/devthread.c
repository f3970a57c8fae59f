/* devthread: device threads and the result queue; see devthread.h. */
#include "devthread.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int resultq_init(struct resultq *q, char *err, size_t errlen)
{
	memset(q, 0, sizeof(*q));
	if (pipe(q->wake))
		return errf(err, errlen, "cannot make a pipe: %s", strerror(errno));
	fcntl(q->wake[0], F_SETFL, O_NONBLOCK);
	fcntl(q->wake[1], F_SETFL, O_NONBLOCK);
	fcntl(q->wake[0], F_SETFD, FD_CLOEXEC);
	fcntl(q->wake[1], F_SETFD, FD_CLOEXEC);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->room, NULL);
	return 0;
}

void resultq_release(struct resultq *q)
{
	close(q->wake[0]);
	close(q->wake[1]);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->room);
}

/* Appends r, waiting while the queue is full. */
static void resultq_put(struct resultq *q, const struct devresult *r)
{
	bool was_empty;

	pthread_mutex_lock(&q->lock);
	while (q->count == RESULTQ_CAP)
		pthread_cond_wait(&q->room, &q->lock);
	q->items[(q->head + q->count) % RESULTQ_CAP] = *r;
	was_empty = q->count++ == 0;
	pthread_mutex_unlock(&q->lock);
	if (was_empty && write(q->wake[1], "r", 1) < 0 && errno != EAGAIN)
		log_warn("result queue: cannot wake the network loop: %s", strerror(errno));
}

size_t resultq_take(struct resultq *q, struct devresult *out, size_t max)
{
	char drain[64];
	size_t n = 0;

	while (read(q->wake[0], drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&q->lock);
	while (q->count && n < max) {
		out[n++] = q->items[q->head];
		q->head = (q->head + 1) % RESULTQ_CAP;
		q->count--;
	}
	if (n)
		pthread_cond_broadcast(&q->room);
	/* More left: make sure poll wakes again. */
	if (q->count && write(q->wake[1], "r", 1) < 0 && errno != EAGAIN)
		log_warn("result queue: cannot wake the network loop: %s", strerror(errno));
	pthread_mutex_unlock(&q->lock);
	return n;
}

static double monotonic(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Forwards device events; returns false when the device failed. */
static bool forward_events(struct devthread *t)
{
	struct device_event ev[64];
	int n = t->dev.ops->poll(&t->dev, ev, 64, 100);

	if (n < 0)
		return false;
	for (int i = 0; i < n; i++) {
		struct devresult r = {
			.kind = ev[i].kind == DEVICE_DONE   ? DEVRESULT_DONE
				: ev[i].kind == DEVICE_LOST ? DEVRESULT_LOST
							    : DEVRESULT_NONCE,
			.device = t->index, .tag = ev[i].tag, .nonce = ev[i].nonce,
			.hashes = ev[i].hashes,
		};

		resultq_put(t->results, &r);
	}
	return true;
}

static void *devthread_main(void *arg)
{
	struct devthread *t = arg;
	uint64_t reported = 0;
	double next_status = monotonic() + 0.5;

	for (;;) {
		struct work_unit wu;
		bool give = false, abort_now = false;

		pthread_mutex_lock(&t->lock);
		if (t->stopping) {
			pthread_mutex_unlock(&t->lock);
			break;
		}
		if (t->have_next) {
			wu = t->next;
			t->have_next = false;
			give = true;
		}
		abort_now = t->abort_now;
		t->abort_now = false;
		pthread_mutex_unlock(&t->lock);

		if (abort_now)
			t->dev.ops->abort(&t->dev);
		if (give && t->dev.ops->send_work(&t->dev, &wu))
			log_error("device %u (%s): refused a work unit", t->index, t->dev.info.kind);
		if (!forward_events(t)) {
			log_error("device %u (%s): failed", t->index, t->dev.info.kind);
			break;
		}
		if (monotonic() >= next_status) {
			struct device_status st;

			if (t->dev.ops->status(&t->dev, &st) == 0 && st.hashes > reported) {
				struct devresult r = {
					.kind = DEVRESULT_HASHES, .device = t->index,
					.hashes = st.hashes - reported,
				};

				reported = st.hashes;
				resultq_put(t->results, &r);
			}
			next_status = monotonic() + 0.5;
		}
	}
	pthread_mutex_lock(&t->lock);
	t->exited = true;
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int devthread_start(struct devthread *t, unsigned index, const char *spec,
		    const struct device_config *cfg, struct resultq *results,
		    char *err, size_t errlen)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->index = index;
	t->results = results;
	if (device_open(&t->dev, spec, cfg, err, errlen))
		return -1;
	pthread_mutex_init(&t->lock, NULL);
	rc = pthread_create(&t->thread, NULL, devthread_main, t);
	if (rc) {
		device_close(&t->dev);
		pthread_mutex_destroy(&t->lock);
		return errf(err, errlen, "cannot start the thread of device %u: %s", index,
			    strerror(rc));
	}
	t->started = true;
	return 0;
}

void devthread_give(struct devthread *t, const struct work_unit *wu)
{
	if (!t->started)
		return;    /* joined at shutdown: nothing hashes any more */
	pthread_mutex_lock(&t->lock);
	t->next = *wu;
	t->have_next = true;
	pthread_mutex_unlock(&t->lock);
	if (t->dev.ops->wake)
		t->dev.ops->wake(&t->dev);
	t->has_unit = true;
	t->unit_tag = wu->tag;
}

void devthread_abort(struct devthread *t)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->lock);
	t->have_next = false;
	t->abort_now = true;
	pthread_mutex_unlock(&t->lock);
	if (t->dev.ops->wake)
		t->dev.ops->wake(&t->dev);
	t->has_unit = false;
}

void devthread_request_stop(struct devthread *t)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->lock);
	t->stopping = true;
	pthread_mutex_unlock(&t->lock);
	if (t->dev.ops->wake)
		t->dev.ops->wake(&t->dev);
}

bool devthread_exited(struct devthread *t)
{
	bool exited;

	if (!t->started)
		return true;
	pthread_mutex_lock(&t->lock);
	exited = t->exited;
	pthread_mutex_unlock(&t->lock);
	return exited;
}

void devthread_join(struct devthread *t)
{
	if (!t->started)
		return;
	pthread_join(t->thread, NULL);
	device_close(&t->dev);
	pthread_mutex_destroy(&t->lock);
	t->started = false;
}
