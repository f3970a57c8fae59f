/*
 * device_board: a pipeminer board as a device (device.h), over any
 * transport (transport.h): the simulated board ("sim"), a serial port
 * ("serial") or an FTDI channel ("ftdi"). One implementation speaks the
 * link protocol (link.h, docs/link-protocol.md) for all three.
 *
 * What it does, all on the device thread:
 *  - open: IDENTIFY, and the board's shape from IDENTITY (logged, and in
 *    device_info);
 *  - send_work: WORK with an 8-bit board tag mapped to the host's tag (a
 *    ring of 255, so results of older units still map back), state3 from
 *    sha256d_job_init(); the STATUS that answers it is the acknowledgement.
 *    When it does not come, the host asks (STATUS_REQ) before it sends
 *    WORK again, and sends it again only when the board's STATUS names
 *    another unit: WORK restarts a unit, so a second copy of one the board
 *    has (its STATUS lost on the wire) would hash its nonces twice. A unit
 *    still unacknowledged after ACK_GIVE_UP_S reopens the board;
 *  - poll: NONCE and DONE frames become events under the host's tag;
 *    STATUS every second gives the hash count (the board's own counter)
 *    and the count of NONCE frames it sent: any the host did not receive
 *    intact are reported as lost (DEVICE_LOST, hardware errors), so no
 *    result vanishes without being counted;
 *  - a watchdog: a board silent for WATCHDOG_S despite STATUS requests
 *    (this and every timer here run on the transport's clock, so a
 *    simulated board starved of CPU is not taken for a hung one), or
 *    a transport that fails (unplugged), is reopened with back-off (1 s
 *    doubling to 30 s, never a busy loop); its unit is then reported DONE
 *    so the caller gives it fresh work, which waits until the board is
 *    back.
 */
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "device.h"
#include "link.h"
#include "log.h"
#include "sha256d.h"
#include "transport.h"

#define STATUS_EVERY_S 1.0
#define WATCHDOG_S 3.0
#define ACK_GIVE_UP_S 5.0    /* a unit the board has not acknowledged by then: reopen */
#define BACKOFF_MIN_S 1.0
#define BACKOFF_MAX_S 30.0
#define EVQ_CAP 1024

struct tagslot {
	bool used;
	uint32_t host_tag;
	uint64_t count;           /* nonces in the unit */
};

struct board {
	struct transport t;
	const char *kind;
	struct link_parser parser;
	struct link_identity id;
	double byte_s;            /* seconds per byte on the wire */

	struct tagslot tags[256];
	uint8_t last_tag;         /* board tags cycle 1..255 */
	bool have_unit;           /* a unit is on the board (not done, not aborted) */
	uint8_t unit_tag;

	/* the WORK frame awaiting its STATUS */
	uint8_t work_frame[LINK_MAX_FRAME];
	size_t work_len;
	bool awaiting_ack;
	bool ack_asked;           /* a STATUS_REQ went out because the ack was late */
	double ack_deadline;      /* ask (again) when no STATUS has come by then */
	double ack_give_up;       /* the board is reopened when still unacknowledged */

	/* what STATUS says */
	bool synced;              /* counters below match the board's */
	uint64_t board_hashes;    /* the last 48-bit value */
	uint64_t hashes;          /* since open, across reopenings */
	uint16_t results_seen;    /* NONCE frames received, mod 2^16 */
	uint16_t board_bad_last;  /* the board's bad_frames in the last STATUS */
	uint64_t parser_bad_last; /* our parser's bad_frames when last looked at */
	uint64_t bad_to, bad_from;        /* corrupt frames dropped, since open */
	uint64_t bad_to_logged, bad_from_logged;
	double next_link_log;
	bool busy, lost_logged;
	double next_status, last_heard;

	/* outage: the transport failed or the board went silent */
	bool down;
	double retry_at, backoff;

	atomic_bool woken;
	struct device_event q[EVQ_CAP];
	unsigned qhead, qn;
};

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The board's time (transport.h: the wall clock, or the simulated board's
   own), on which every timer below runs; only poll's timeout, the caller's,
   is wall time. */
static double board_now(struct board *b)
{
	return b->t.ops->now ? b->t.ops->now(&b->t) : wall_now();
}

static void push(struct board *b, enum device_event_kind kind, uint32_t tag, uint32_t nonce,
		 uint64_t hashes)
{
	if (b->qn == EVQ_CAP) {
		/* cannot happen: poll drains the queue before reading more */
		log_error("%s: event queue full", b->t.desc);
		return;
	}
	b->q[(b->qhead + b->qn) % EVQ_CAP] = (struct device_event){
		.kind = kind, .tag = tag, .nonce = nonce, .hashes = hashes};
	b->qn++;
}

/* Sends a frame; a failure starts an outage. */
static void send_frame(struct board *b, const uint8_t *f, size_t n)
{
	char err[ERR_LEN];

	if (b->down)
		return;
	if (b->t.ops->write(&b->t, f, n, err, sizeof(err))) {
		log_warn("%s: %s", b->t.desc, err);
		b->down = true;
		b->retry_at = board_now(b) + b->backoff;
	}
}

static void send_command(struct board *b, enum link_type type)
{
	uint8_t f[LINK_MAX_FRAME];

	send_frame(b, f, link_encode_command(type, f));
}

/* Sends the WORK frame (again) and waits for the STATUS that answers it. */
static void send_work_frame(struct board *b)
{
	b->awaiting_ack = true;
	b->ack_asked = false;
	b->ack_deadline = board_now(b) + 0.2 + 2 * LINK_MAX_FRAME * b->byte_s;
	send_frame(b, b->work_frame, b->work_len);
}

/* The unit on the board ends without its DONE (abort, reset): nothing is
   owed for it any more. */
static void forget_unit(struct board *b)
{
	b->have_unit = false;
	b->awaiting_ack = false;
}

/* The board failed: its unit ends (DONE, so the caller refills it). */
static void go_down(struct board *b, const char *why)
{
	log_warn("%s: %s; reopening it", b->t.desc, why);
	if (b->have_unit)
		push(b, DEVICE_DONE, b->tags[b->unit_tag].host_tag, 0, 0);
	forget_unit(b);
	b->down = true;
	b->retry_at = board_now(b);
}

/* One line when corrupt frames were dropped since the last one (at most
   every LINK_LOG_S): by the board (frames to it) and by us (from it). */
#define LINK_LOG_S 10.0
static void log_link_errors(struct board *b)
{
	if (b->bad_to == b->bad_to_logged && b->bad_from == b->bad_from_logged)
		return;
	log_warn("%s: link errors: dropped %" PRIu64 " corrupt frames from the board, the board "
		 "dropped %" PRIu64 " sent to it (since open)", b->t.desc, b->bad_from, b->bad_to);
	b->bad_to_logged = b->bad_to;
	b->bad_from_logged = b->bad_from;
	b->next_link_log = board_now(b) + LINK_LOG_S;
}

static void on_status(struct board *b, const struct link_status *st)
{
	uint16_t lost;

	if (!b->synced) {
		b->board_hashes = st->hashes;
		b->results_seen = st->results;
		b->board_bad_last = st->bad_frames;
		b->parser_bad_last = 0;
		b->synced = true;
	}
	b->bad_to += (uint16_t)(st->bad_frames - b->board_bad_last);
	b->board_bad_last = st->bad_frames;
	b->bad_from += b->parser.bad_frames - b->parser_bad_last;
	b->parser_bad_last = b->parser.bad_frames;
	if (board_now(b) >= b->next_link_log)
		log_link_errors(b);
	b->hashes += (st->hashes - b->board_hashes) & 0xffffffffffffull;
	b->board_hashes = st->hashes;
	/* Every NONCE frame the board counted went out before this STATUS. */
	lost = (uint16_t)(st->results - b->results_seen);
	if (lost) {
		log_warn("%s: %u result frames arrived corrupt: counted as hardware errors", b->t.desc,
			 lost);
		push(b, DEVICE_LOST, b->have_unit ? b->tags[b->unit_tag].host_tag : 0, 0, lost);
		b->results_seen = st->results;
	}
	if ((st->flags & LINK_LOST) && !b->lost_logged) {
		log_warn("%s: the board's result FIFO overflowed (a share filter too low for the link)",
			 b->t.desc);
		b->lost_logged = true;
	}
	b->busy = st->flags & LINK_BUSY;
	if (b->awaiting_ack && st->tag == b->unit_tag) {
		b->awaiting_ack = false;
	} else if (b->awaiting_ack && b->ack_asked) {
		/* asked after the ack was late, the board names another unit: the
		   WORK frame itself was lost */
		log_warn("%s: WORK lost on the way; sending it again", b->t.desc);
		send_work_frame(b);
	} else if (b->have_unit && !b->awaiting_ack && st->tag == b->unit_tag && !b->busy) {
		/* the board finished the unit and its DONE frame was lost (or is
		   still behind this STATUS: a late DONE is ignored, and results
		   still queued keep their tag) */
		push(b, DEVICE_DONE, b->tags[b->unit_tag].host_tag, 0, b->tags[b->unit_tag].count);
		b->have_unit = false;
	}
}

static void on_frame(struct board *b, const struct link_frame *f)
{
	b->last_heard = board_now(b);
	switch (f->type) {
	case LINK_NONCE: {
		struct tagslot *s = &b->tags[f->u.nonce.tag];

		b->results_seen++;
		if (!s->used) {
			/* a tag we never sent: the board is confused; the nonce cannot
			   be placed, so it counts as a hardware error */
			push(b, DEVICE_LOST, 0, 0, 1);
			break;
		}
		push(b, DEVICE_NONCE, s->host_tag, f->u.nonce.nonce, 0);
		break;
	}
	case LINK_DONE: {
		struct tagslot *s = &b->tags[f->u.done.tag];

		if (s->used && b->have_unit && f->u.done.tag == b->unit_tag) {
			push(b, DEVICE_DONE, s->host_tag, 0, s->count);
			b->have_unit = false;
		}
		break;
	}
	case LINK_STATUS:
		on_status(b, &f->u.status);
		break;
	case LINK_IDENTITY:
		b->id = f->u.identity;
		break;
	default:
		break;
	}
}

/* Reads what arrives within timeout_ms and handles it; -1 when the transport failed. */
static int pump(struct board *b, int timeout_ms)
{
	uint8_t buf[512];
	char err[ERR_LEN];
	int n = b->t.ops->read(&b->t, buf, sizeof(buf), timeout_ms, err, sizeof(err));
	size_t used = 0;

	if (n < 0) {
		log_warn("%s: %s", b->t.desc, err);
		return -1;
	}
	while (used < (size_t)n) {
		struct link_frame f[16];
		size_t nf = 0;

		used += link_parse(&b->parser, buf + used, (size_t)n - used, f, 16, &nf);
		for (size_t i = 0; i < nf; i++)
			on_frame(b, &f[i]);
	}
	return n;
}

/* IDENTIFY until IDENTITY comes (3 tries). 0, or -1 + err. */
static int identify(struct board *b, char *err, size_t errlen)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		double until = board_now(b) + 0.3 + 64 * b->byte_s;

		b->id.protocol = 0;
		send_command(b, LINK_IDENTIFY);
		if (b->down)
			return errf(err, errlen, "%s: cannot send IDENTIFY", b->t.desc);
		while (!b->id.protocol && board_now(b) < until)
			if (pump(b, 50) < 0)
				return errf(err, errlen, "%s failed while identifying", b->t.desc);
		if (b->id.protocol)
			break;
	}
	if (!b->id.protocol)
		return errf(err, errlen, "no answer to IDENTIFY from %s (is the pipeminer bitstream "
			    "loaded, at this baud rate?)", b->t.desc);
	if (b->id.protocol != 1)
		return errf(err, errlen, "%s speaks link protocol %u; this pipeminer speaks 1",
			    b->t.desc, b->id.protocol);
	if (!b->id.engines || !b->id.cycles || b->id.engine > LINK_FULL)
		return errf(err, errlen, "%s: IDENTITY makes no sense (engine %u, %u engines, %u "
			    "cycles per nonce)", b->t.desc, b->id.engine, b->id.engines, b->id.cycles);
	return 0;
}

/* The board's shape as device_info's path: "rolled", "unrolled8", "full". */
static void shape_name(const struct link_identity *id, char *out, size_t n)
{
	if (id->engine == LINK_ROLLED)
		snprintf(out, n, "rolled");
	else if (id->engine == LINK_UNROLLED)
		snprintf(out, n, "unrolled%u", id->stages);
	else
		snprintf(out, n, "full");
}

/* After a reopen: a fresh parser, counters resynced, the unit given up. */
static int reconnect(struct board *b)
{
	char err[ERR_LEN];
	double now = board_now(b);

	if (b->t.ops->reopen(&b->t, err, sizeof(err)) == 0) {
		b->down = false;
		b->bad_from += b->parser.bad_frames - b->parser_bad_last;
		link_parser_init(&b->parser);
		b->synced = false;
		if (identify(b, err, sizeof(err)) == 0) {
			log_info("%s: back", b->t.desc);
			b->backoff = BACKOFF_MIN_S;
			b->last_heard = b->next_status = board_now(b);
			if (b->have_unit) {
				/* work given while the board was away */
				b->ack_give_up = board_now(b) + ACK_GIVE_UP_S;
				send_work_frame(b);
			}
			return 0;
		}
	}
	log_warn("%s: %s; retrying in %.0f s", b->t.desc, err, b->backoff);
	b->down = true;
	b->retry_at = now + b->backoff;
	b->backoff = fmin(b->backoff * 2, BACKOFF_MAX_S);
	return -1;
}

/* Timers: STATUS requests, WORK acknowledgement, the watchdog. */
static void tick(struct board *b, double now)
{
	if (b->down)
		return;
	if (b->awaiting_ack && now >= b->ack_give_up) {
		go_down(b, "WORK never acknowledged");
		return;
	}
	if (b->awaiting_ack && now >= b->ack_deadline) {
		/* the WORK or the STATUS answering it was lost: ask which (asks
		   and resends go on until ack_give_up; a lossy link needs a few) */
		send_command(b, LINK_STATUS_REQ);
		b->ack_asked = true;
		b->ack_deadline = now + 0.2 + 2 * LINK_MAX_FRAME * b->byte_s;
	}
	if (now - b->last_heard > WATCHDOG_S) {
		go_down(b, "the board stopped answering");
		return;
	}
	if (now >= b->next_status) {
		send_command(b, LINK_STATUS_REQ);
		b->next_status = now + STATUS_EVERY_S;
	}
}

static int board_send_work(struct device *dev, const struct work_unit *wu)
{
	struct board *b = dev->priv;
	struct sha256d_job job;
	struct link_work w;
	uint8_t tag = (uint8_t)(b->last_tag % 255 + 1);

	sha256d_job_init(&job, wu->midstate, wu->tail, wu->zero_bits);
	w.tag = tag;
	/* the board's filter is 1..32 bits: 0 would report every nonce */
	w.zero_bits = (uint8_t)(wu->zero_bits < 1 ? 1 : wu->zero_bits > 32 ? 32 : wu->zero_bits);
	memcpy(w.midstate, wu->midstate, sizeof(w.midstate));
	memcpy(w.state3, job.r3, sizeof(w.state3));
	memcpy(w.tail, wu->tail, sizeof(w.tail));
	w.nonce_start = wu->nonce_start;
	w.nonce_end = (uint32_t)(wu->nonce_start + wu->nonce_count - 1);
	b->last_tag = tag;
	b->tags[tag] = (struct tagslot){.used = true, .host_tag = wu->tag, .count = wu->nonce_count};
	b->unit_tag = tag;
	b->have_unit = true;
	b->work_len = link_encode_work(&w, b->work_frame);
	b->ack_give_up = board_now(b) + ACK_GIVE_UP_S;
	/* with the board down, the unit waits for it to come back (reconnect) */
	send_work_frame(b);
	return 0;
}

static int board_abort(struct device *dev)
{
	struct board *b = dev->priv;

	forget_unit(b);
	send_command(b, LINK_ABORT);
	return 0;
}

static int board_poll(struct device *dev, struct device_event *ev, int max, int timeout_ms)
{
	struct board *b = dev->priv;
	double deadline = wall_now() + timeout_ms / 1e3;
	int n = 0;

	for (;;) {
		double now = board_now(b), left = deadline - wall_now();

		tick(b, now);
		if (b->qn || left <= 0 || atomic_exchange(&b->woken, false))
			break;
		if (b->down) {
			if (now >= b->retry_at && reconnect(b) == 0)
				continue;
			/* wait for the retry, the deadline or a wake, in short naps */
			nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL);
			continue;
		}
		double wait = fmin(left, b->next_status - now);

		if (b->awaiting_ack)
			wait = fmin(wait, b->ack_deadline - now);
		if (pump(b, (int)ceil(fmax(wait, 0.001) * 1e3)) < 0)
			go_down(b, "the transport failed");
	}
	while (b->qn && n < max) {
		ev[n++] = b->q[b->qhead];
		b->qhead = (b->qhead + 1) % EVQ_CAP;
		b->qn--;
	}
	return n;
}

static int board_status(struct device *dev, struct device_status *st)
{
	struct board *b = dev->priv;

	st->hashes = b->hashes;
	st->busy = b->have_unit;
	st->tag = b->have_unit ? b->tags[b->unit_tag].host_tag : 0;
	return 0;
}

static void board_wake(struct device *dev)
{
	struct board *b = dev->priv;

	atomic_store(&b->woken, true);
	b->t.ops->wake(&b->t);
}

static void board_close(struct device *dev)
{
	struct board *b = dev->priv;

	if (!b)
		return;
	if (!b->down)
		send_command(b, LINK_ABORT);   /* a real board stops hashing */
	log_link_errors(b);
	b->t.ops->close(&b->t);
	free(b);
	dev->priv = NULL;
}

static int board_open(struct device *dev, const char *kind,
		      int (*open_transport)(struct transport *, const char *, char *, size_t),
		      const char *arg, char *err, size_t errlen)
{
	struct board *b = calloc(1, sizeof(*b));
	char shape[16];

	if (!b)
		return errf(err, errlen, "out of memory");
	if (open_transport(&b->t, arg, err, errlen)) {
		free(b);
		return -1;
	}
	b->kind = kind;
	b->byte_s = 10.0 / (b->t.baud ? b->t.baud : 115200);
	b->backoff = BACKOFF_MIN_S;
	atomic_init(&b->woken, false);
	link_parser_init(&b->parser);
	if (identify(b, err, errlen)) {
		b->t.ops->close(&b->t);
		free(b);
		return -1;
	}
	b->last_heard = b->next_status = board_now(b);
	shape_name(&b->id, shape, sizeof(shape));
	dev->priv = b;
	snprintf(dev->info.kind, sizeof(dev->info.kind), "%s", kind);
	snprintf(dev->info.path, sizeof(dev->info.path), "%s", shape);
	dev->info.parallel = b->id.engines;
	log_info("%s: %s x%u, %u clock%s per nonce, %.3g MHz: %.4g MH/s expected at that clock",
		 b->t.desc, shape, b->id.engines, b->id.cycles, b->id.cycles == 1 ? "" : "s",
		 b->id.clock_hz / 1e6, link_identity_rate(&b->id) / 1e6);
	return 0;
}

static int sim_open(struct device *dev, const char *arg, const struct device_config *cfg,
		    char *err, size_t errlen)
{
	(void)cfg;
	return board_open(dev, "sim", transport_sim_open, arg, err, errlen);
}

static int serial_open(struct device *dev, const char *arg, const struct device_config *cfg,
		       char *err, size_t errlen)
{
	(void)cfg;
	if (!*arg)
		return errf(err, errlen, "serial needs a port: --device serial:/dev/ttyUSB1[@BAUD]");
	return board_open(dev, "serial", transport_serial_open, arg, err, errlen);
}

static int ftdi_open(struct device *dev, const char *arg, const struct device_config *cfg,
		     char *err, size_t errlen)
{
	(void)cfg;
	return board_open(dev, "ftdi", transport_ftdi_open, arg, err, errlen);
}

#define BOARD_OPS(var, name_, open_)                                                          \
	const struct device_ops var = {                                                      \
		.name = name_, .open = open_, .send_work = board_send_work,                  \
		.abort = board_abort, .poll = board_poll, .status = board_status,            \
		.wake = board_wake, .close = board_close,                                    \
	}

BOARD_OPS(device_sim_ops, "sim", sim_open);
BOARD_OPS(device_serial_ops, "serial", serial_open);
BOARD_OPS(device_ftdi_ops, "ftdi", ftdi_open);
