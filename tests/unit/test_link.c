/* Unit tests: host/link.c, frames of the board link (docs/link-protocol.md). */
#include "testutil.h"

#include <string.h>

#include "hex.h"
#include "link.h"

static void test_crc_check_value(void **state)
{
	assert_int_equal(link_crc16(0xffff, (const uint8_t *)"123456789", 9), 0x29b1);
}

static void test_work_frame_layout(void **state)
{
	struct link_work w = {.tag = 0x42, .zero_bits = 32, .nonce_start = 0x7c2ba000,
			      .nonce_end = 0x7c2bc000};
	uint8_t f[LINK_MAX_FRAME];
	size_t n;

	for (int i = 0; i < 8; i++) {
		w.midstate[i] = 0x11111111u * (uint32_t)(i + 1);
		w.state3[i] = 0xa0000000u + (uint32_t)i;
	}
	w.tail[0] = 0x4b1e5e4a;
	w.tail[1] = 0x29ab5f49;
	w.tail[2] = 0xffff001d;
	n = link_encode_work(&w, f);
	assert_int_equal(n, 91);
	assert_int_equal(f[0], 0xa5);
	assert_int_equal(f[1], 0x02);
	assert_int_equal(f[2], 86);
	assert_int_equal(f[3], 0x42);                       /* tag */
	assert_int_equal(f[4], 32);                         /* zero_bits */
	assert_int_equal(load_be32(f + 5), 0x11111111);     /* H0 */
	assert_int_equal(load_be32(f + 5 + 28), 0x88888888);/* H7 */
	assert_int_equal(load_be32(f + 37), 0xa0000000);    /* state3 a */
	assert_int_equal(load_be32(f + 69), 0x4b1e5e4a);    /* W0 */
	assert_int_equal(load_be32(f + 81), 0x7c2ba000);    /* start */
	assert_int_equal(load_be32(f + 85), 0x7c2bc000);    /* end */
	assert_int_equal(f[89] << 8 | f[90], link_crc16(0xffff, f + 1, 88));
	n = link_encode_command(LINK_STATUS_REQ, f);
	assert_int_equal(n, 5);
	assert_int_equal(f[1], 0x04);
	assert_int_equal(f[2], 0);
}

/* A board frame: STATUS with known fields, NONCE, DONE, IDENTITY. */
static size_t board_frames(uint8_t *out)
{
	uint8_t st[16] = {0x07, 0x03, 0x7c, 0x2b, 0xac, 0x1d, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
			  0x00, 0x05, 0x01, 0x00};
	uint8_t nonce[5] = {0x07, 0x7c, 0x2b, 0xac, 0x1d};
	uint8_t done[1] = {0x07};
	uint8_t id[16] = {1, 2, 1, 128, 0x05, 0xf5, 0xe1, 0x00, 0x00, 0x01, 0x00, 0x00, 0, 1, 0, 125};
	size_t n = 0;

	n += link_frame_encode(LINK_STATUS, st, 16, out + n);
	n += link_frame_encode(LINK_NONCE, nonce, 5, out + n);
	n += link_frame_encode(LINK_DONE, done, 1, out + n);
	n += link_frame_encode(LINK_IDENTITY, id, 16, out + n);
	return n;
}

static void check_four(const struct link_frame *f)
{
	assert_int_equal(f[0].type, LINK_STATUS);
	assert_int_equal(f[0].u.status.tag, 7);
	assert_int_equal(f[0].u.status.flags, LINK_BUSY | LINK_UNIT_DONE);
	assert_int_equal(f[0].u.status.next, 0x7c2bac1d);
	assert_int_equal(f[0].u.status.hashes, 0x123456789abcull);
	assert_int_equal(f[0].u.status.bad_frames, 5);
	assert_int_equal(f[0].u.status.results, 256);
	assert_int_equal(f[1].type, LINK_NONCE);
	assert_int_equal(f[1].u.nonce.tag, 7);
	assert_int_equal(f[1].u.nonce.nonce, 0x7c2bac1d);
	assert_int_equal(f[2].type, LINK_DONE);
	assert_int_equal(f[2].u.done.tag, 7);
	assert_int_equal(f[3].type, LINK_IDENTITY);
	assert_int_equal(f[3].u.identity.engine, LINK_FULL);
	assert_int_equal(f[3].u.identity.stages, 128);
	assert_int_equal(f[3].u.identity.clock_hz, 100000000);
	assert_int_equal(f[3].u.identity.per_clock, 0x10000);
	assert_true(link_identity_rate(&f[3].u.identity) == 100e6);
	assert_int_equal(f[3].u.identity.latency, 125);
}

static void test_parse_whole_and_byte_by_byte(void **state)
{
	uint8_t bytes[256];
	size_t n = board_frames(bytes), got, used;
	struct link_parser p;
	struct link_frame f[8], one;

	link_parser_init(&p);
	used = link_parse(&p, bytes, n, f, 8, &got);
	assert_int_equal(used, n);
	assert_int_equal(got, 4);
	check_four(f);
	link_parser_init(&p);
	got = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k;

		assert_int_equal(link_parse(&p, bytes + i, 1, &one, 1, &k), 1);
		if (k)
			f[got++] = one;
	}
	assert_int_equal(got, 4);
	check_four(f);
	assert_int_equal(p.bad_frames, 0);
	assert_int_equal(p.garbage, 0);
}

static void test_parse_stops_when_out_is_full(void **state)
{
	uint8_t bytes[256];
	size_t n = board_frames(bytes), got, used, total = 0;
	struct link_parser p;
	struct link_frame f[4], one;

	link_parser_init(&p);
	used = 0;
	while (used < n || total < 4) {
		used += link_parse(&p, bytes + used, n - used, &one, 1, &got);
		if (got)
			f[total++] = one;
		if (!got && used == n)
			break;
	}
	assert_int_equal(total, 4);
	check_four(f);
}

static void test_corruption_is_dropped_and_counted(void **state)
{
	uint8_t good[256], buf[1024];
	size_t n = board_frames(good), got, len = 0;
	struct link_parser p;
	struct link_frame f[16];

	/* garbage, a frame with a flipped CRC bit, a frame with a wrong LEN, an
	 * unknown TYPE, a host frame, a truncated frame, then the four good ones */
	memcpy(buf + len, "\x00\x13\x37", 3);
	len += 3;
	memcpy(buf + len, good, 21);              /* the STATUS frame ... */
	buf[len + 20] ^= 0x01;                    /* ... with its CRC wrong */
	len += 21;
	memcpy(buf + len, "\xa5\x82\x04\x00\x00\x00\x00\x00\x00", 9);   /* NONCE with LEN 4 */
	len += 9;
	memcpy(buf + len, "\xa5\x7f\x00\x12\x34", 5);                    /* unknown TYPE */
	len += 5;
	len += link_encode_command(LINK_IDENTIFY, buf + len);             /* a host frame */
	memcpy(buf + len, good, 12);                                      /* STATUS cut off */
	len += 12;
	memcpy(buf + len, good, n);
	len += n;
	link_parser_init(&p);
	assert_int_equal(link_parse(&p, buf, len, f, 16, &got), len);
	assert_int_equal(got, 4);
	check_four(f);
	/* CRC, LEN, TYPE, host frame, the cut-off frame (found by rescanning). */
	assert_int_equal(p.bad_frames, 5);
	assert_true(p.garbage > 0);
}

static void test_timeout_drops_a_partial_frame(void **state)
{
	uint8_t good[256];
	struct link_parser p;
	struct link_frame f[4];
	size_t got;

	board_frames(good);
	link_parser_init(&p);
	link_parse(&p, good, 10, f, 4, &got);
	assert_int_equal(got, 0);
	link_parser_timeout(&p);
	assert_int_equal(p.bad_frames, 1);
	link_parse(&p, good, 21, f, 4, &got);
	assert_int_equal(got, 1);
	assert_int_equal(f[0].type, LINK_STATUS);
}

static void test_random_bytes_never_crash(void **state)
{
	uint8_t buf[4096];
	struct link_parser p;
	struct link_frame f[8];
	size_t used = 0, got;

	tu_seed(99);
	tu_fill(buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i += 7)
		buf[i] = 0xa5;                    /* plenty of false SYNCs */
	link_parser_init(&p);
	while (used < sizeof(buf))
		used += link_parse(&p, buf + used, sizeof(buf) - used, f, 8, &got);
	assert_true(p.bad_frames > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_check_value),
		cmocka_unit_test(test_work_frame_layout),
		cmocka_unit_test(test_parse_whole_and_byte_by_byte),
		cmocka_unit_test(test_parse_stops_when_out_is_full),
		cmocka_unit_test(test_corruption_is_dropped_and_counted),
		cmocka_unit_test(test_timeout_drops_a_partial_frame),
		cmocka_unit_test(test_random_bytes_never_crash),
	};

	return TU_RUN(tests);
}
