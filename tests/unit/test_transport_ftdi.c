/*
 * Unit tests: host/transport_ftdi.c, the real driver code, against the
 * libftdi1 stand-in (ftdi_standin.c) and the simulated board behind it:
 * selectors and their errors, the channel set up as a board needs it
 * (interface B of an FT2232H, baud, 8N1, no flow control, 2 ms latency), a
 * frame round trip to the board, selection by serial, index and bus/addr,
 * permissions, an unplug mid-work (USB errors, reopen refused, then back),
 * and the device list `pipeminer devices` prints.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libftdi1/ftdi.h>

#include "ftdi_standin.h"
#include "link.h"
#include "transport.h"

static void plug(const char *setup)
{
	setenv("PM_FTDI_STANDIN", setup, 1);
	ftdi_standin_reset();
}

/* IDENTIFY and wait (up to 2 s) for a well-formed IDENTITY; true if it came. */
static bool identifies(struct transport *t)
{
	uint8_t f[LINK_MAX_FRAME], in[256];
	char err[ERR_LEN];
	struct link_parser p;
	struct timespec t0, t1;

	link_parser_init(&p);
	if (t->ops->write(t, f, link_encode_command(LINK_IDENTIFY, f), err, sizeof(err)))
		return false;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		int n = t->ops->read(t, in, sizeof(in), 50, err, sizeof(err));
		struct link_frame fr[4];
		size_t nf = 0;

		if (n < 0)
			return false;
		link_parse(&p, in, (size_t)n, fr, 4, &nf);
		for (size_t i = 0; i < nf; i++)
			if (fr[i].type == LINK_IDENTITY && fr[i].u.identity.protocol == 1)
				return true;
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while (t1.tv_sec - t0.tv_sec < 2);
	return false;
}

static void test_default_channel_is_set_up_for_the_board(void **state)
{
	struct transport t;
	char err[ERR_LEN];
	int iface, baud, latency, flow, opens;

	plug("devices=1");
	assert_int_equal(transport_ftdi_open(&t, "", err, sizeof(err)), 0);
	ftdi_standin_last(&iface, &baud, &latency, &flow, &opens);
	assert_int_equal(iface, INTERFACE_B);     /* FT2232H: the UART is on B */
	assert_int_equal(baud, 115200);
	assert_int_equal(latency, 2);
	assert_int_equal(flow, SIO_DISABLE_FLOW_CTRL);
	assert_non_null(strstr(t.desc, "0403:6010"));
	assert_non_null(strstr(t.desc, "interface B"));
	assert_true(identifies(&t));
	t.ops->close(&t);
}

static void test_interface_a_is_not_the_uart(void **state)
{
	struct transport t;
	char err[ERR_LEN];

	plug("devices=1");
	assert_int_equal(transport_ftdi_open(&t, "interface=A,baud=3000000", err, sizeof(err)), 0);
	assert_false(identifies(&t));             /* the flash's SPI says nothing */
	t.ops->close(&t);
}

static void test_selection(void **state)
{
	struct transport t;
	char err[ERR_LEN];

	plug("devices=3");
	assert_int_equal(transport_ftdi_open(&t, "serial=PMSIM2", err, sizeof(err)), 0);
	assert_non_null(strstr(t.desc, "addr 12"));
	t.ops->close(&t);
	assert_int_equal(transport_ftdi_open(&t, "0403:6010,index=1,baud=3000000", err, sizeof(err)),
			 0);
	assert_non_null(strstr(t.desc, "addr 11"));
	assert_non_null(strstr(t.desc, "3000000 baud"));
	t.ops->close(&t);
	assert_int_equal(transport_ftdi_open(&t, "bus=1,addr=10", err, sizeof(err)), 0);
	assert_true(identifies(&t));
	t.ops->close(&t);
	assert_int_equal(transport_ftdi_open(&t, "serial=NOPE", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no FTDI device matches"));
	assert_non_null(strstr(err, "3 present"));
	assert_int_equal(transport_ftdi_open(&t, "index=3", err, sizeof(err)), -1);
	assert_int_equal(transport_ftdi_open(&t, "0403:6001", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "0 present"));
}

static void test_bad_selectors_are_named(void **state)
{
	static const char *const bad[][2] = {
		{"0403", "VID:PID"},
		{"0403:zz", "VID:PID"},
		{"index=x", "index"},
		{"interface=E", "interface is A, B, C or D"},
		{"baud=100", "below 300"},
		{"bus=1", "go together"},
		{"colour=red", "unknown setting \"colour\""},
		{"0403:6010,serial", "NAME=VALUE"},
	};
	struct transport t;
	char err[ERR_LEN];

	plug("devices=1");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(transport_ftdi_open(&t, bad[i][0], err, sizeof(err)), -1);
		if (!strstr(err, bad[i][1]))
			fail_msg("\"%s\": \"%s\" does not say \"%s\"", bad[i][0], err, bad[i][1]);
		assert_non_null(strstr(err, bad[i][0]));
	}
}

static void test_no_permission_says_what_to_do(void **state)
{
	struct transport t;
	char err[ERR_LEN], list[2048];

	plug("devices=1,noperm=1");
	assert_int_equal(transport_ftdi_open(&t, "", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "99-pipeminer.rules"));
	assert_int_equal(transport_ftdi_list(list, sizeof(list), err, sizeof(err)), 1);
	assert_non_null(strstr(list, "no permission"));
	assert_non_null(strstr(list, "99-pipeminer.rules"));
}

static void test_unplugged_mid_work_then_back(void **state)
{
	struct transport t;
	char err[ERR_LEN];
	uint8_t b[64];
	int rc = 0;
	struct timespec t0, t1;

	plug("devices=1,unplug_after=0.2,unplug_for=0.6");
	assert_int_equal(transport_ftdi_open(&t, "", err, sizeof(err)), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (rc >= 0) {
		rc = t.ops->read(&t, b, sizeof(b), 20, err, sizeof(err));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		assert_true(t1.tv_sec - t0.tv_sec < 3);
	}
	assert_non_null(strstr(err, "USB error"));
	assert_non_null(strstr(err, "unplugged?"));
	assert_int_equal(t.ops->reopen(&t, err, sizeof(err)), -1);   /* not back yet */
	assert_non_null(strstr(err, "no FTDI device matches"));
	nanosleep(&(struct timespec){.tv_nsec = 700000000}, NULL);
	assert_int_equal(t.ops->reopen(&t, err, sizeof(err)), 0);
	assert_true(identifies(&t));
	t.ops->close(&t);
}

static void test_list(void **state)
{
	char err[ERR_LEN], list[2048];

	plug("devices=2");
	assert_int_equal(transport_ftdi_list(list, sizeof(list), err, sizeof(err)), 2);
	assert_non_null(strstr(list, "0403:6010 bus 1 addr 10: pipeminer stand-in FT2232H, serial "
				     "PMSIM0, UART on interface B"));
	assert_non_null(strstr(list, "--device ftdi:serial=PMSIM1"));
	plug("devices=0");
	assert_int_equal(transport_ftdi_list(list, sizeof(list), err, sizeof(err)), 0);
	assert_string_equal(list, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_channel_is_set_up_for_the_board),
		cmocka_unit_test(test_interface_a_is_not_the_uart),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_bad_selectors_are_named),
		cmocka_unit_test(test_no_permission_says_what_to_do),
		cmocka_unit_test(test_unplugged_mid_work_then_back),
		cmocka_unit_test(test_list),
	};

	return TU_RUN(tests);
}
