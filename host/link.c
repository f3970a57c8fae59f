/* link: frames of the board link; see link.h and docs/link-protocol.md. */
#include "link.h"

#include <string.h>

#include "hex.h"

uint16_t link_crc16(uint16_t crc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (int k = 0; k < 8; k++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	}
	return crc;
}

size_t link_frame_encode(uint8_t type, const uint8_t *payload, uint8_t len,
			 uint8_t out[LINK_MAX_FRAME])
{
	uint16_t crc;

	out[0] = LINK_SYNC;
	out[1] = type;
	out[2] = len;
	if (len)
		memcpy(out + 3, payload, len);
	crc = link_crc16(0xffff, out + 1, 2u + len);
	out[3 + len] = (uint8_t)(crc >> 8);
	out[4 + len] = (uint8_t)crc;
	return 5u + len;
}

size_t link_encode_work(const struct link_work *w, uint8_t out[LINK_MAX_FRAME])
{
	uint8_t p[LINK_MAX_PAYLOAD];

	p[0] = w->tag;
	p[1] = w->zero_bits;
	for (int i = 0; i < 8; i++) {
		store_be32(p + 2 + 4 * i, w->midstate[i]);
		store_be32(p + 34 + 4 * i, w->state3[i]);
	}
	for (int i = 0; i < 3; i++)
		store_be32(p + 66 + 4 * i, w->tail[i]);
	store_be32(p + 78, w->nonce_start);
	store_be32(p + 82, w->nonce_end);
	return link_frame_encode(LINK_WORK, p, LINK_MAX_PAYLOAD, out);
}

size_t link_encode_command(enum link_type type, uint8_t out[LINK_MAX_FRAME])
{
	return link_frame_encode((uint8_t)type, NULL, 0, out);
}

/* The payload length each board frame requires; -1: not a board frame. */
static int required_len(uint8_t type)
{
	switch (type) {
	case LINK_IDENTITY: return 16;
	case LINK_NONCE: return 5;
	case LINK_STATUS: return 16;
	case LINK_DONE: return 1;
	default: return -1;
	}
}

static uint64_t load_be48(const uint8_t *p)
{
	return (uint64_t)load_be32(p) << 16 | (uint64_t)p[4] << 8 | p[5];
}

/* Decodes a checked payload of a board frame. */
static void decode(uint8_t type, const uint8_t *p, struct link_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->type = type;
	switch (type) {
	case LINK_IDENTITY:
		f->u.identity.protocol = p[0];
		f->u.identity.engine = p[1];
		f->u.identity.engines = p[2];
		f->u.identity.stages = p[3];
		f->u.identity.clock_hz = load_be32(p + 4);
		f->u.identity.per_clock = load_be32(p + 8);
		f->u.identity.cycles = (uint16_t)(p[12] << 8 | p[13]);
		f->u.identity.latency = (uint16_t)(p[14] << 8 | p[15]);
		break;
	case LINK_NONCE:
		f->u.nonce.tag = p[0];
		f->u.nonce.nonce = load_be32(p + 1);
		break;
	case LINK_STATUS:
		f->u.status.tag = p[0];
		f->u.status.flags = p[1];
		f->u.status.next = load_be32(p + 2);
		f->u.status.hashes = load_be48(p + 6);
		f->u.status.bad_frames = (uint16_t)(p[12] << 8 | p[13]);
		f->u.status.results = (uint16_t)(p[14] << 8 | p[15]);
		break;
	default:
		f->u.done.tag = p[0];
		break;
	}
}

void link_parser_init(struct link_parser *p)
{
	memset(p, 0, sizeof(*p));
}

static void drop(struct link_parser *p, size_t n)
{
	memmove(p->buf, p->buf + n, p->len - n);
	p->len -= n;
}

/*
 * One step over the buffer: 1 with *f set when a frame was taken, 0 when
 * more bytes are needed, -1 when something was dropped (call again).
 */
static int step(struct link_parser *p, struct link_frame *f)
{
	uint8_t *sync = memchr(p->buf, LINK_SYNC, p->len);
	int need;

	if (!sync) {
		p->garbage += p->len;
		p->len = 0;
		return 0;
	}
	if (sync != p->buf) {
		p->garbage += (size_t)(sync - p->buf);
		drop(p, (size_t)(sync - p->buf));
	}
	if (p->len < 3)
		return 0;
	need = required_len(p->buf[1]);
	if (need < 0 || p->buf[2] != need) {
		p->bad_frames++;
		drop(p, 1);        /* look again from the byte after this SYNC */
		return -1;
	}
	if (p->len < 5u + (size_t)need)
		return 0;
	if (link_crc16(0xffff, p->buf + 1, 2u + (size_t)need) !=
	    (uint16_t)(p->buf[3 + need] << 8 | p->buf[4 + need])) {
		p->bad_frames++;
		drop(p, 1);
		return -1;
	}
	decode(p->buf[1], p->buf + 3, f);
	drop(p, 5u + (size_t)need);
	return 1;
}

size_t link_parse(struct link_parser *p, const uint8_t *data, size_t n,
		  struct link_frame *out, size_t max, size_t *nframes)
{
	size_t used = 0;

	*nframes = 0;
	for (;;) {
		int rc;

		while ((rc = step(p, &out[*nframes < max ? *nframes : 0])) != 0) {
			if (rc == 1 && ++*nframes == max)
				return used;
		}
		if (used == n)
			return used;
		/* Room for more: the buffer holds less than a frame when step() waits. */
		{
			size_t take = sizeof(p->buf) - p->len;

			if (take > n - used)
				take = n - used;
			memcpy(p->buf + p->len, data + used, take);
			p->len += take;
			used += take;
		}
	}
}

void link_parser_timeout(struct link_parser *p)
{
	if (p->len && p->buf[0] == LINK_SYNC)
		p->bad_frames++;
	else
		p->garbage += p->len;
	p->len = 0;
}

const char *link_type_name(uint8_t type)
{
	switch (type) {
	case LINK_IDENTIFY: return "IDENTIFY";
	case LINK_WORK: return "WORK";
	case LINK_ABORT: return "ABORT";
	case LINK_STATUS_REQ: return "STATUS_REQ";
	case LINK_IDENTITY: return "IDENTITY";
	case LINK_NONCE: return "NONCE";
	case LINK_STATUS: return "STATUS";
	case LINK_DONE: return "DONE";
	default: return "unknown";
	}
}

double link_identity_rate(const struct link_identity *id)
{
	return (double)id->clock_hz * (double)id->per_clock / 65536.0;
}
