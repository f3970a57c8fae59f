/*
 * link: the host side of the board link, byte for byte as
 * docs/link-protocol.md defines it. Pure: commands become frames (bytes
 * out), bytes from a board become decoded frames (a stream parser that
 * resyncs after garbage). The drivers (the simulated board, serial, FTDI)
 * own the transport and feed this; nothing here does I/O or allocates.
 *
 * Wire layout (big-endian integers):
 *   SYNC 0xA5 | TYPE | LEN | PAYLOAD[LEN] | CRC-16/CCITT-FALSE over TYPE..PAYLOAD
 * Host to board: IDENTIFY 0x01 (0), WORK 0x02 (86), ABORT 0x03 (0),
 * STATUS_REQ 0x04 (0). Board to host: IDENTITY 0x81 (16), NONCE 0x82 (5),
 * STATUS 0x83 (16), DONE 0x84 (1).
 */
#ifndef PIPEMINER_LINK_H
#define PIPEMINER_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define LINK_SYNC 0xA5u
#define LINK_MAX_PAYLOAD 86u
#define LINK_MAX_FRAME (3u + LINK_MAX_PAYLOAD + 2u)

enum link_type {
	LINK_IDENTIFY = 0x01,
	LINK_WORK = 0x02,
	LINK_ABORT = 0x03,
	LINK_STATUS_REQ = 0x04,
	LINK_IDENTITY = 0x81,
	LINK_NONCE = 0x82,
	LINK_STATUS = 0x83,
	LINK_DONE = 0x84,
};

enum link_engine { LINK_ROLLED = 0, LINK_UNROLLED = 1, LINK_FULL = 2 };

/* STATUS flags. */
enum {
	LINK_BUSY = 1 << 0,
	LINK_UNIT_DONE = 1 << 1,
	LINK_LOST = 1 << 2,       /* the board's result FIFO overflowed once */
};

struct link_work {
	uint8_t tag;
	uint8_t zero_bits;        /* 1..32 */
	uint32_t midstate[8];
	uint32_t state3[8];       /* a..h after rounds 0..2 of block 2 */
	uint32_t tail[3];
	uint32_t nonce_start, nonce_end;   /* inclusive, circular */
};

struct link_identity {
	uint8_t protocol, engine, engines, stages;
	uint32_t clock_hz;
	uint32_t per_clock;       /* nonces per clock, 16.16 */
	uint16_t cycles, latency;
};

struct link_status {
	uint8_t tag, flags;
	uint32_t next;
	uint64_t hashes;          /* 48 bits on the wire */
	uint16_t bad_frames, results;
};

/* A frame from a board, checked and decoded. */
struct link_frame {
	uint8_t type;
	union {
		struct link_identity identity;
		struct link_status status;
		struct { uint8_t tag; uint32_t nonce; } nonce;
		struct { uint8_t tag; } done;
	} u;
};

/* CRC-16/CCITT-FALSE of n bytes, continuing from crc (start with 0xFFFF). */
uint16_t link_crc16(uint16_t crc, const uint8_t *p, size_t n);

/* A whole frame with any payload; returns its length (<= LINK_MAX_FRAME). */
size_t link_frame_encode(uint8_t type, const uint8_t *payload, uint8_t len,
			 uint8_t out[LINK_MAX_FRAME]);

/* The host's commands as frames; return the frame length. */
size_t link_encode_work(const struct link_work *w, uint8_t out[LINK_MAX_FRAME]);
size_t link_encode_command(enum link_type type, uint8_t out[LINK_MAX_FRAME]);

/*
 * Receiving: bytes in, frames out. A frame is taken only when its TYPE is
 * a board frame, its LEN the one that TYPE requires and its CRC right;
 * anything else is counted in bad_frames and the parser looks for SYNC again
 * in the bytes after the dropped frame's SYNC (software keeps them, unlike
 * the board), so a frame right after garbage or a cut-off frame is found.
 */
struct link_parser {
	uint8_t buf[2 * LINK_MAX_FRAME];
	size_t len;
	uint64_t bad_frames;
	uint64_t garbage;          /* bytes skipped outside any frame */
};

void link_parser_init(struct link_parser *p);

/*
 * Feeds n bytes; decodes up to max frames into out (*nframes). Returns how
 * many of the n bytes were consumed: all of them unless out filled up, in
 * which case call again with the rest.
 */
size_t link_parse(struct link_parser *p, const uint8_t *data, size_t n,
		  struct link_frame *out, size_t max, size_t *nframes);

/*
 * A frame cut off mid-way by silence (the board stopped): drops what is
 * buffered as one bad frame, if any. The driver calls it after a pause.
 */
void link_parser_timeout(struct link_parser *p);

/* "IDENTITY", "NONCE"... for logs. */
const char *link_type_name(uint8_t type);

/* Expected nonces per second of a board. */
double link_identity_rate(const struct link_identity *id);

#endif
