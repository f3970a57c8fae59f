/*
 * device_cpu: the CPU as a device. Worker threads take chunks of the unit's
 * nonce range from a shared cursor and scan them with the fastest kernel
 * (sha256d.h); candidates go into a bounded event queue that poll() drains.
 * When the queue is full the workers wait: a candidate is never dropped.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "device.h"
#include "err.h"
#include "sha256d.h"

#define CHUNK 65536u         /* nonces per grab: about 2 ms on one core */
#define QUEUE_CAP 4096u      /* events waiting for poll() */
#define FOUND_CAP 256u       /* candidates one scan call may return */

struct cpu_dev {
	const struct sha256d_kernel *kernel;
	unsigned nthreads, started;
	pthread_t *threads;

	pthread_mutex_t lock;    /* guards every field below */
	pthread_cond_t work_cv;  /* workers: a unit arrived, or stop */
	pthread_cond_t event_cv; /* poll(): an event arrived */
	pthread_cond_t space_cv; /* workers: the queue has room again */
	bool stopping;
	bool woken;              /* wake(): poll returns now */
	bool busy;
	struct work_unit unit;
	struct sha256d_job job;
	uint64_t next;           /* offset of the next chunk to hand out */
	uint64_t finished;       /* nonces of the current unit hashed */
	uint64_t hashes;         /* nonces hashed since open */
	struct device_event queue[QUEUE_CAP];
	unsigned head, count;    /* ring buffer */
};

/* Appends an event, waiting for room. Called with the lock held. */
static void push_event(struct cpu_dev *c, const struct device_event *ev)
{
	while (c->count == QUEUE_CAP && !c->stopping)
		pthread_cond_wait(&c->space_cv, &c->lock);
	if (c->count == QUEUE_CAP)
		return; /* closing: nobody will poll again */
	c->queue[(c->head + c->count) % QUEUE_CAP] = *ev;
	c->count++;
	pthread_cond_signal(&c->event_cv);
}

/* Takes the next chunk of the current unit. Called with the lock held. */
static bool take_chunk(struct cpu_dev *c, struct sha256d_job *job, uint32_t *tag,
		       uint32_t *first, uint32_t *len)
{
	uint64_t left;

	while (!c->stopping && (!c->busy || c->next >= c->unit.nonce_count))
		pthread_cond_wait(&c->work_cv, &c->lock);
	if (c->stopping)
		return false;
	left = c->unit.nonce_count - c->next;
	*len = left < CHUNK ? (uint32_t)left : CHUNK;
	*first = c->unit.nonce_start + (uint32_t)c->next;
	*tag = c->unit.tag;
	*job = c->job;
	c->next += *len;
	return true;
}

static void *worker(void *arg)
{
	struct cpu_dev *c = arg;
	struct sha256d_job job;
	uint32_t found[FOUND_CAP];

	pthread_mutex_lock(&c->lock);
	for (;;) {
		uint32_t tag, first, len, done = 0;

		if (!take_chunk(c, &job, &tag, &first, &len))
			break;
		pthread_mutex_unlock(&c->lock);
		while (done < len) {
			uint32_t nfound = 0, n;

			n = c->kernel->scan(&job, first + done, len - done, found,
					    FOUND_CAP, &nfound);
			done += n;
			pthread_mutex_lock(&c->lock);
			for (uint32_t i = 0; i < nfound; i++) {
				struct device_event ev = {
					.kind = DEVICE_NONCE, .tag = tag, .nonce = found[i],
				};
				push_event(c, &ev);
			}
			c->hashes += n;
			if (c->busy && c->unit.tag == tag) {
				c->finished += n;
				if (c->finished == c->unit.nonce_count) {
					struct device_event ev = {
						.kind = DEVICE_DONE, .tag = tag,
						.hashes = c->finished,
					};
					c->busy = false;
					push_event(c, &ev);
				}
			}
			pthread_mutex_unlock(&c->lock);
		}
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

static int cpu_open(struct device *dev, const char *arg,
		    const struct device_config *cfg, char *err, size_t errlen)
{
	struct cpu_dev *c;
	pthread_condattr_t ca;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (*arg)
		return errf(err, errlen, "device cpu takes no argument (got \"cpu:%s\"); "
			    "use --threads N", arg);
	c = calloc(1, sizeof(*c));
	if (!c)
		return errf(err, errlen, "out of memory");
	c->kernel = cfg && cfg->path ? sha256d_kernel_find(cfg->path) : sha256d_kernel_best();
	if (!c->kernel) {
		free(c);
		return errf(err, errlen, "hashing path \"%s\" is not built in or not "
			    "supported by this CPU", cfg->path);
	}
	c->nthreads = cfg && cfg->threads ? cfg->threads : (cores > 0 ? (unsigned)cores : 1);
	c->threads = calloc(c->nthreads, sizeof(*c->threads));
	if (!c->threads) {
		free(c);
		return errf(err, errlen, "out of memory");
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->work_cv, NULL);
	pthread_cond_init(&c->event_cv, &ca);
	pthread_cond_init(&c->space_cv, NULL);
	pthread_condattr_destroy(&ca);
	dev->priv = c;
	snprintf(dev->info.kind, sizeof(dev->info.kind), "cpu");
	snprintf(dev->info.path, sizeof(dev->info.path), "%s", c->kernel->name);
	dev->info.parallel = c->nthreads;
	for (; c->started < c->nthreads; c->started++) {
		int rc = pthread_create(&c->threads[c->started], NULL, worker, c);

		if (rc) {
			errf(err, errlen, "cannot start hashing thread: %s", strerror(rc));
			dev->ops->close(dev);
			return -1;
		}
	}
	return 0;
}

static int cpu_send_work(struct device *dev, const struct work_unit *wu)
{
	struct cpu_dev *c = dev->priv;

	if (wu->nonce_count == 0 || wu->nonce_count > (1ull << 32) || wu->zero_bits > 32)
		return -1;
	pthread_mutex_lock(&c->lock);
	c->unit = *wu;
	sha256d_job_init(&c->job, wu->midstate, wu->tail, wu->zero_bits);
	c->next = 0;
	c->finished = 0;
	c->busy = true;
	pthread_cond_broadcast(&c->work_cv);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static int cpu_abort(struct device *dev)
{
	struct cpu_dev *c = dev->priv;

	pthread_mutex_lock(&c->lock);
	c->busy = false;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static int cpu_poll(struct device *dev, struct device_event *ev, int max, int timeout_ms)
{
	struct cpu_dev *c = dev->priv;
	struct timespec until;
	int n = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->lock);
	while (c->count == 0 && timeout_ms > 0 && !c->woken) {
		if (pthread_cond_timedwait(&c->event_cv, &c->lock, &until) == ETIMEDOUT)
			break;
	}
	c->woken = false;
	while (c->count > 0 && n < max) {
		ev[n++] = c->queue[c->head];
		c->head = (c->head + 1) % QUEUE_CAP;
		c->count--;
	}
	if (n)
		pthread_cond_broadcast(&c->space_cv);
	pthread_mutex_unlock(&c->lock);
	return n;
}

static void cpu_wake(struct device *dev)
{
	struct cpu_dev *c = dev->priv;

	pthread_mutex_lock(&c->lock);
	c->woken = true;
	pthread_cond_broadcast(&c->event_cv);
	pthread_mutex_unlock(&c->lock);
}

static int cpu_status(struct device *dev, struct device_status *st)
{
	struct cpu_dev *c = dev->priv;

	pthread_mutex_lock(&c->lock);
	st->hashes = c->hashes;
	st->busy = c->busy;
	st->tag = c->unit.tag;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static void cpu_close(struct device *dev)
{
	struct cpu_dev *c = dev->priv;

	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->stopping = true;
	pthread_cond_broadcast(&c->work_cv);
	pthread_cond_broadcast(&c->space_cv);
	pthread_mutex_unlock(&c->lock);
	for (unsigned i = 0; i < c->started; i++)
		pthread_join(c->threads[i], NULL);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->work_cv);
	pthread_cond_destroy(&c->event_cv);
	pthread_cond_destroy(&c->space_cv);
	free(c->threads);
	free(c);
	dev->priv = NULL;
}

const struct device_ops device_cpu_ops = {
	.name = "cpu",
	.open = cpu_open,
	.send_work = cpu_send_work,
	.abort = cpu_abort,
	.poll = cpu_poll,
	.status = cpu_status,
	.wake = cpu_wake,
	.close = cpu_close,
};
