/*
 * Unit tests: host/transport_serial.c on a pseudo-terminal (the test holds
 * the master side, as `pipeminer sim --pty` does): bytes both ways, the
 * read timeout, a non-standard baud rate, exclusive opening, the "device
 * is gone" error when the other end vanishes, reopening, and bad specs.
 */
#include "testutil.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "transport.h"

struct ptypair {
	int master;
	char path[64];
};

static void pty_open(struct ptypair *p)
{
	int slave;

	assert_int_equal(openpty(&p->master, &slave, p->path, NULL, NULL), 0);
	close(slave);      /* the transport opens it by name */
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Reads exactly n bytes from fd within a second. */
static void read_all(int fd, uint8_t *out, size_t n)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t r;

		assert_int_equal(poll(&pfd, 1, 1000), 1);
		r = read(fd, out + got, n - got);
		assert_true(r > 0);
		got += (size_t)r;
	}
}

static void test_bytes_both_ways(void **state)
{
	struct ptypair p;
	struct transport t;
	char err[ERR_LEN], spec[96];
	uint8_t out[256], in[256];
	int got = 0;

	pty_open(&p);
	snprintf(spec, sizeof(spec), "%s@3000000", p.path);
	assert_int_equal(transport_serial_open(&t, spec, err, sizeof(err)), 0);
	assert_int_equal(t.baud, 3000000);
	assert_non_null(strstr(t.desc, "3000000 baud"));
	for (int i = 0; i < 256; i++)
		out[i] = (uint8_t)i;    /* every byte value: raw mode, no translation */
	assert_int_equal(t.ops->write(&t, out, sizeof(out), err, sizeof(err)), 0);
	read_all(p.master, in, sizeof(in));
	assert_memory_equal(in, out, sizeof(out));

	assert_int_equal(write(p.master, out, sizeof(out)), (ssize_t)sizeof(out));
	while (got < (int)sizeof(in)) {
		int n = t.ops->read(&t, in + got, sizeof(in) - (size_t)got, 1000, err, sizeof(err));

		assert_true(n > 0);
		got += n;
	}
	assert_memory_equal(in, out, sizeof(out));
	t.ops->close(&t);
	close(p.master);
}

static void test_read_times_out_with_nothing(void **state)
{
	struct ptypair p;
	struct transport t;
	char err[ERR_LEN];
	uint8_t b[8];
	double t0;

	pty_open(&p);
	assert_int_equal(transport_serial_open(&t, p.path, err, sizeof(err)), 0);
	assert_int_equal(t.baud, 115200);
	t0 = now_ms();
	assert_int_equal(t.ops->read(&t, b, sizeof(b), 50, err, sizeof(err)), 0);
	assert_true(now_ms() - t0 >= 45);
	t.ops->close(&t);
	close(p.master);
}

static void test_wake_ends_a_read(void **state)
{
	struct ptypair p;
	struct transport t;
	char err[ERR_LEN];
	uint8_t b[8];
	double t0;

	pty_open(&p);
	assert_int_equal(transport_serial_open(&t, p.path, err, sizeof(err)), 0);
	t.ops->wake(&t);          /* before the read: the read still returns at once */
	t0 = now_ms();
	assert_int_equal(t.ops->read(&t, b, sizeof(b), 5000, err, sizeof(err)), 0);
	assert_true(now_ms() - t0 < 1000);
	t.ops->close(&t);
	close(p.master);
}

static void test_second_open_is_refused(void **state)
{
	struct ptypair p;
	struct transport a, b;
	char err[ERR_LEN];

	pty_open(&p);
	assert_int_equal(transport_serial_open(&a, p.path, err, sizeof(err)), 0);
	assert_int_equal(transport_serial_open(&b, p.path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "in use"));
	a.ops->close(&a);
	assert_int_equal(transport_serial_open(&b, p.path, err, sizeof(err)), 0);
	b.ops->close(&b);
	close(p.master);
}

static void test_vanished_device_then_reopen(void **state)
{
	struct ptypair p;
	struct transport t;
	char err[ERR_LEN];
	uint8_t b[8];
	int rc = 0;

	pty_open(&p);
	assert_int_equal(transport_serial_open(&t, p.path, err, sizeof(err)), 0);
	close(p.master);            /* the board is unplugged */
	for (int i = 0; i < 10 && rc == 0; i++)
		rc = t.ops->read(&t, b, sizeof(b), 100, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "gone"));
	assert_non_null(strstr(err, p.path));
	/* The pty's name is gone with it: reopening fails, naming the path. */
	assert_int_equal(t.ops->reopen(&t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, p.path));
	t.ops->close(&t);
}

static void test_bad_specs_are_named(void **state)
{
	struct transport t;
	char err[ERR_LEN];

	assert_int_equal(transport_serial_open(&t, "/dev/ttyUSB1@fast", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "baud rate"));
	assert_int_equal(transport_serial_open(&t, "/dev/ttyUSB1@100", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "below 300"));
	assert_int_equal(transport_serial_open(&t, "@115200", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "PATH[@BAUD]"));
	assert_int_equal(transport_serial_open(&t, "/nonexistent/ttyX", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/ttyX"));
	assert_non_null(strstr(err, "No such file"));
	assert_int_equal(transport_serial_open(&t, "/dev/null", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a serial port"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_both_ways),
		cmocka_unit_test(test_read_times_out_with_nothing),
		cmocka_unit_test(test_wake_ends_a_read),
		cmocka_unit_test(test_second_open_is_refused),
		cmocka_unit_test(test_vanished_device_then_reopen),
		cmocka_unit_test(test_bad_specs_are_named),
	};

	return TU_RUN(tests);
}
