/*
 * transport_sim: the simulated board's UART (sim/pmsim.h): the bytes the
 * driver writes become levels on the model's RX pin, bit by bit at the
 * link's baud rate (8N1, BAUD_DIV clocks a bit), and the model's TX pin is
 * decoded back into bytes, so the daemon, the link protocol and the RTL run
 * together. The model runs only while the driver reads, in chunks, as fast
 * as the CPU allows. See transport.h.
 *
 * The board's clock (transport.h's now) is the wall clock less the time the
 * model's thread, while running the model, waited for a CPU: on a loaded
 * machine the model falls behind, and the driver's watchdog must not take
 * that for a hung board. A hung board's wait (below) is board time.
 *
 * Faults for tests and demonstrations, in the spec after the shape:
 *   flip=P    each bit on the wire, either way, is inverted with probability P
 *   hang=S    after S seconds the board stops: it neither reads nor answers
 *             until the driver reopens it (a new power-on)
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hex.h"
#include "pmsim.h"
#include "transport.h"

#define CHUNK 4096               /* clocks per pmsim_run */
#define PENDING_MAX 65536        /* bytes queued toward the board */
#define RECEIVED_MAX 65536       /* bytes decoded from the board, not yet read */

struct simport {
	const struct pmsim_shape *shape;
	struct pmsim *sim;
	/* toward the board: queued bytes, the one being sent and its clock */
	uint8_t pending[PENDING_MAX];
	size_t head, count;
	int bit_clock;           /* clocks into the current byte's 10 bits, -1 idle */
	uint8_t cur;
	bool cur_flip;           /* this bit is inverted (flip=) */
	/* from the board: the decoder's state */
	int rx_count, rx_bit;
	uint8_t rx_byte;
	uint8_t received[RECEIVED_MAX];
	size_t rhead, rcount;
	/* faults */
	double flip;             /* probability of a flipped bit */
	double hang_after;       /* seconds after opening; 0 = never */
	double opened;
	uint64_t rng;
	uint64_t overruns;       /* bytes the decoder had no room for */
	atomic_bool wake;
	double starved;          /* seconds the model waited for a CPU (now) */
	uint8_t rxl[CHUNK], txl[CHUNK];
};

/* Seconds on a clock: CLOCK_MONOTONIC (wall) or CLOCK_THREAD_CPUTIME_ID
   (the calling thread's CPU time). */
static double clock_s(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static bool flip_now(struct simport *s)
{
	if (s->flip <= 0)
		return false;
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (double)((s->rng * 0x2545f4914f6cdd1dull) >> 11) * 0x1.0p-53 < s->flip;
}

/* The level on the board's RX pin for the next clock. */
static uint8_t next_rx_level(struct simport *s, unsigned div)
{
	unsigned bit;

	if (s->bit_clock < 0) {
		if (!s->count)
			return 1;
		s->cur = s->pending[s->head];
		s->head = (s->head + 1) % PENDING_MAX;
		s->count--;
		s->bit_clock = 0;
	}
	bit = (unsigned)s->bit_clock / div;
	if ((unsigned)s->bit_clock % div == 0)
		s->cur_flip = flip_now(s);
	if (++s->bit_clock == (int)(10 * div))
		s->bit_clock = -1;
	return (uint8_t)((bit == 0 ? 0 : bit <= 8 ? (s->cur >> (bit - 1)) & 1 : 1) ^ s->cur_flip);
}

/* One clock of the board's TX pin into the decoder. */
static void decode_tx(struct simport *s, uint8_t level, unsigned div)
{
	if (s->rx_count < 0) {
		if (!level) {
			s->rx_count = (int)div / 2;
			s->rx_bit = -1;
		}
		return;
	}
	if (--s->rx_count)
		return;
	if (s->rx_bit < 0) {
		s->rx_bit = 0;
		s->rx_byte = 0;
	} else if (s->rx_bit < 8) {
		s->rx_byte |= (uint8_t)((level ^ flip_now(s)) << s->rx_bit);
		s->rx_bit++;
	} else {
		/* the stop bit's middle: the byte is complete (a missing stop bit
		   is the link's business: its CRC will fail) */
		if (s->rcount < RECEIVED_MAX) {
			s->received[(s->rhead + s->rcount) % RECEIVED_MAX] = s->rx_byte;
			s->rcount++;
		} else {
			s->overruns++;
		}
		s->rx_count = -1;
		return;
	}
	s->rx_count = (int)div;
}

static int sim_write(struct transport *t, const uint8_t *p, size_t n, char *err, size_t errlen)
{
	struct simport *s = t->priv;

	if (n > PENDING_MAX - s->count)
		return errf(err, errlen, "%s: %zu bytes already queued toward the board", t->desc,
			    s->count);
	for (size_t i = 0; i < n; i++)
		s->pending[(s->head + s->count + i) % PENDING_MAX] = p[i];
	s->count += n;
	return 0;
}

static bool hung(struct simport *s)
{
	return s->hang_after > 0 && now_s() - s->opened >= s->hang_after;
}

static int sim_read(struct transport *t, uint8_t *p, size_t cap, int timeout_ms, char *err,
		    size_t errlen)
{
	struct simport *s = t->priv;
	unsigned div = s->shape->baud_div;
	double wall = now_s(), cpu = clock_s(CLOCK_THREAD_CPUTIME_ID), hung_for = 0, waited;
	double until = wall + timeout_ms / 1e3;
	size_t n;

	(void)err;
	(void)errlen;
	/* at least one chunk, so a read with no timeout still moves time on */
	while (!s->rcount) {
		if (hung(s)) {
			/* a hung board: the line is dead until the driver reopens it */
			double from = now_s();

			s->count = 0;
			s->bit_clock = -1;
			nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
			hung_for += now_s() - from;
		} else {
			for (size_t i = 0; i < CHUNK; i++)
				s->rxl[i] = next_rx_level(s, div);
			pmsim_run(s->sim, s->rxl, s->txl, CHUNK);
			for (size_t i = 0; i < CHUNK; i++)
				decode_tx(s, s->txl[i], div);
		}
		if (!s->rcount && (atomic_exchange(&s->wake, false) || now_s() >= until))
			break;
	}
	n = s->rcount < cap ? s->rcount : cap;
	for (size_t i = 0; i < n; i++)
		p[i] = s->received[(s->rhead + i) % RECEIVED_MAX];
	s->rhead = (s->rhead + n) % RECEIVED_MAX;
	s->rcount -= n;
	/* the board's clock: what this call took, less the model's waits for a
	   CPU (the wall time it neither ran nor, hung, slept) */
	waited = (now_s() - wall) - (clock_s(CLOCK_THREAD_CPUTIME_ID) - cpu) - hung_for;
	if (waited > 0)
		s->starved += waited;
	return (int)n;
}

static double sim_now(struct transport *t)
{
	struct simport *s = t->priv;

	return now_s() - s->starved;
}

static void sim_wake(struct transport *t)
{
	struct simport *s = t->priv;

	atomic_store(&s->wake, true);
}

static int sim_reopen(struct transport *t, char *err, size_t errlen)
{
	struct simport *s = t->priv;

	pmsim_destroy(s->sim);
	s->sim = pmsim_create(s->shape->name);
	if (!s->sim)
		return errf(err, errlen, "%s: out of memory", t->desc);
	s->count = 0;
	s->bit_clock = -1;
	s->rx_count = -1;
	s->rcount = 0;
	s->hang_after = 0;        /* a hang is a one-off fault */
	s->opened = now_s();
	return 0;
}

static void sim_close(struct transport *t)
{
	struct simport *s = t->priv;

	if (s) {
		pmsim_destroy(s->sim);
		free(s);
	}
	t->priv = NULL;
}

static const struct transport_ops sim_ops = {
	.write = sim_write,
	.read = sim_read,
	.wake = sim_wake,
	.reopen = sim_reopen,
	.close = sim_close,
	.now = sim_now,
};

static int sim_fail(const char *spec, const char *what, char *err, size_t errlen)
{
	char shapes[160] = "";

	for (int i = 0; pmsim_shapes[i]; i++)
		snprintf(shapes + strlen(shapes), sizeof(shapes) - strlen(shapes), "%s%s", i ? ", " : "",
			 pmsim_shapes[i]->name);
	return errf(err, errlen, "simulated board \"%s\": %s (expected [SHAPE][,flip=P][,hang=S]; "
		    "shapes: %s)", spec, what, shapes);
}

/* A probability or a duration: a decimal number in [lo, hi]. */
static int parse_real(const char *s, double lo, double hi, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return *s && !*end && *out >= lo && *out <= hi ? 0 : -1;
}

int transport_sim_open(struct transport *t, const char *spec, char *err, size_t errlen)
{
	struct simport *s = calloc(1, sizeof(*s));
	char buf[128], *save = NULL;
	const char *shape = pmsim_shapes[0]->name;

	if (!s)
		return errf(err, errlen, "out of memory");
	if (strlen(spec) >= sizeof(buf)) {
		free(s);
		return sim_fail(spec, "too long", err, errlen);
	}
	strcpy(buf, spec);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const char *eq = strchr(tok, '=');

		if (!eq && tok == buf) {
			shape = tok;
			continue;
		}
		if (eq && !strncmp(tok, "flip=", 5) && !parse_real(eq + 1, 0, 0.5, &s->flip))
			continue;
		if (eq && !strncmp(tok, "hang=", 5) && !parse_real(eq + 1, 0.001, 1e6, &s->hang_after))
			continue;
		free(s);
		return sim_fail(spec, eq ? "flip is 0..0.5, hang is seconds" : "a setting is NAME=VALUE",
				err, errlen);
	}
	for (int i = 0; pmsim_shapes[i]; i++)
		if (!strcmp(pmsim_shapes[i]->name, shape))
			s->shape = pmsim_shapes[i];
	if (!s->shape) {
		char what[160];

		snprintf(what, sizeof(what), "no shape \"%s\"", shape);
		free(s);
		return sim_fail(spec, what, err, errlen);
	}
	s->sim = pmsim_create(s->shape->name);
	if (!s->sim) {
		free(s);
		return errf(err, errlen, "simulated board: out of memory");
	}
	s->bit_clock = -1;
	s->rx_count = -1;
	s->rng = 0x9e3779b97f4a7c15ull;   /* the same faults every run */
	s->opened = now_s();
	atomic_init(&s->wake, false);
	t->ops = &sim_ops;
	t->priv = s;
	t->baud = s->shape->clock_hz / s->shape->baud_div;
	snprintf(t->desc, sizeof(t->desc), "sim %s (Verilator model of pm_miner_top)", s->shape->name);
	return 0;
}
