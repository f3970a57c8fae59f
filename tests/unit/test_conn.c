/*
 * Unit tests: host/conn.c (with conn_url.c and tls_session.c). URL parsing
 * from a table; then real connections to a server thread in this process
 * on 127.0.0.1 (port 0: any free port), plain TCP or TLS (an mbedTLS
 * server) with certificates made at test time by
 * tests/unit/make_test_certs.sh in a mkdtemp directory (the group setup;
 * the teardown removes it).
 *
 * The server thread never asserts: it records what it received and the
 * main thread checks after joining it. Servers live on the heap, so a
 * failed assertion leaves a thread that finishes on its own 5 s socket
 * timeouts without touching a dead stack.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "conn.h"
#include "loopserver.h"

#define DEFAULT_CA "/etc/ssl/certs/ca-certificates.crt"

/* ---- the client side ---------------------------------------------------------- */

#define MAX_LINES 4096

struct lines {
	char *v[MAX_LINES];
	size_t len[MAX_LINES];
	size_t n;
};

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One round of a strictly event-driven network loop: poll up to 20 ms,
 * process only when poll reported something (so bytes that no poll would
 * announce stall the test), take the lines. 0, or -1 with err.
 */
static int pump_once(struct conn *c, struct lines *l, char *err)
{
	struct pollfd p = { .fd = conn_fd(c), .events = conn_poll_events(c) };
	char *line;
	size_t len;
	int r = 0, k;

	if (poll(&p, 1, 20) > 0)
		r = conn_process(c, p.revents, err, ERR_LEN);
	/* Lines that arrived before a failure can still be taken. */
	while ((k = conn_next_line(c, &line, &len, err, ERR_LEN)) == 1) {
		assert_true(l->n < MAX_LINES);
		assert_int_equal(strlen(line), len);
		l->v[l->n] = strdup(line);
		l->len[l->n++] = len;
	}
	return r < 0 || k < 0 ? -1 : 0;
}

/*
 * Runs the loop until l holds want lines (0), c fails (-1, err set) or
 * 5 s pass (-2).
 */
static int pump(struct conn *c, struct lines *l, size_t want, char *err)
{
	double end = now() + 5;

	while (now() < end) {
		int r = pump_once(c, l, err);

		if (l->n >= want)
			return 0;
		if (r < 0)
			return -1;
	}
	snprintf(err, ERR_LEN, "timed out");
	return -2;
}

/* Runs the loop until c is open with all output sent: 0, -1 with err, or -2. */
static int pump_output(struct conn *c, char *err)
{
	struct lines l = { .n = 0 };
	double end = now() + 5;
	int r = -2;

	while (now() < end && r == -2) {
		if (pump_once(c, &l, err) < 0)
			r = -1;
		else if (conn_state(c) == CONN_OPEN && !conn_pending_output(c))
			r = 0;
	}
	lines_free(&l);
	return r;
}

/* Parses url (which must be good) and opens it. */
static struct conn *open_url(const char *url, const struct conn_tls *tls, char *err)
{
	struct conn_url u;

	assert_int_equal(conn_parse_url(url, &u, err, ERR_LEN), 0);
	return conn_open(&u, tls, err, ERR_LEN);
}

/* Opens scheme://host:port, asserting success. */
static struct conn *open_ok(const char *scheme, const char *host, unsigned port,
			    const struct conn_tls *tls)
{
	char url[128], err[ERR_LEN] = "";
	struct conn *c;

	snprintf(url, sizeof(url), "%s://%s:%u", scheme, host, port);
	c = open_url(url, tls, err);
	if (!c)
		fail_msg("conn_open(%s): %s", url, err);
	assert_int_equal(conn_state(c), CONN_CONNECTING);
	return c;
}

/* ---- URL parsing ------------------------------------------------------------ */

struct url_case {
	const char *url;
	bool tls;
	const char *host;
	unsigned port;
};

static void test_parse_url_good(void **state)
{
	static const struct url_case cases[] = {
		{ "stratum+tcp://pool.example:3333", false, "pool.example", 3333 },
		{ "STRATUM+TCP://Pool.Example:1", false, "Pool.Example", 1 },
		{ "stratum+ssl://pool.example:443", true, "pool.example", 443 },
		{ "stratum+tls://127.0.0.1:65535", true, "127.0.0.1", 65535 },
		{ "Stratum+Tcps://eu-1.pool_x.example:25", true, "eu-1.pool_x.example", 25 },
		{ "stratum+tcp://[::1]:3333", false, "::1", 3333 },
		{ "stratum+ssl://[fe80::1%eth0]:4000", true, "fe80::1%eth0", 4000 },
		{ "stratum+tcp://pool.example:3333/", false, "pool.example", 3333 },
		{ "pool.example:3334", false, "pool.example", 3334 },
		{ "[2001:db8::2]:3335", false, "2001:db8::2", 3335 },
		{ "10.0.0.2:00080", false, "10.0.0.2", 80 },
	};
	char err[ERR_LEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conn_url u;

		err[0] = '\0';
		if (conn_parse_url(cases[i].url, &u, err, sizeof(err)) < 0)
			fail_msg("%s: %s", cases[i].url, err);
		assert_int_equal(u.tls, cases[i].tls);
		assert_string_equal(u.host, cases[i].host);
		assert_int_equal(u.port, cases[i].port);
	}
}

struct url_bad {
	const char *url;
	const char *err;
};

static void test_parse_url_bad(void **state)
{
	static const struct url_bad cases[] = {
		{ "http://pool.example:3333",
		  "unknown scheme \"http\" (use stratum+tcp:// or stratum+ssl://)" },
		{ "stratum+udp://pool.example:3333",
		  "unknown scheme \"stratum+udp\" (use stratum+tcp:// or stratum+ssl://)" },
		{ "stratum+tcp://pool.example", "no port in \"stratum+tcp://pool.example\"" },
		{ "stratum+tcp://pool.example:", "no port in \"stratum+tcp://pool.example:\"" },
		{ "pool.example", "no port in \"pool.example\"" },
		{ "stratum+tcp://pool.example:99999", "bad port \"99999\"" },
		{ "stratum+tcp://pool.example:65536", "bad port \"65536\"" },
		{ "stratum+tcp://pool.example:0", "bad port \"0\"" },
		{ "stratum+tcp://pool.example:123456", "bad port \"123456\"" },
		{ "stratum+tcp://pool.example:33a", "bad port \"33a\"" },
		{ "stratum+tcp://pool.example:-1", "bad port \"-1\"" },
		{ "stratum+tcp://pool.example:3333/x", "bad port \"3333/x\"" },
		{ "stratum+tcp://:3333", "no host in \"stratum+tcp://:3333\"" },
		{ "", "no host in \"\"" },
		{ "stratum+tcp://[::1:3333",
		  "missing \"]\" after the IPv6 address in \"stratum+tcp://[::1:3333\"" },
		{ "stratum+tcp://::1:3333",
		  "IPv6 address without brackets in \"stratum+tcp://::1:3333\" (write [::1]:3333)" },
		{ "stratum+tcp://user@pool.example:3333",
		  "bad character '@' in the host of \"stratum+tcp://user@pool.example:3333\"" },
		{ "stratum+tcp://[::1]", "no port in \"stratum+tcp://[::1]\"" },
	};
	char err[ERR_LEN], longurl[400];
	struct conn_url u;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&u, 0x5a, sizeof(u));
		err[0] = '\0';
		if (conn_parse_url(cases[i].url, &u, err, sizeof(err)) != -1)
			fail_msg("\"%s\" was accepted", cases[i].url);
		assert_string_equal(err, cases[i].err);
		assert_int_equal(u.port, 0x5a5a5a5a);   /* untouched on error */
	}
	snprintf(longurl, sizeof(longurl), "stratum+tcp://%0300d:1", 0);
	assert_int_equal(conn_parse_url(longurl, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "host name too long"));
}

/* ---- plain TCP ---------------------------------------------------------------- */

static void test_tcp_lines_both_ways(void **state)
{
	struct server *s = server_start(AF_INET, script_echo, NULL, NULL, NULL, 0);
	struct conn *c = open_ok("stratum+tcp", "127.0.0.1", s->port, NULL);
	struct lines l = { .n = 0 };
	char err[ERR_LEN], desc[64];

	snprintf(desc, sizeof(desc), "tcp 127.0.0.1:%u", s->port);
	assert_string_equal(conn_describe(c), desc);
	/* Written before the connection is open: queued, sent once it is. */
	assert_int_equal(conn_write(c, "a\n", 2, err, sizeof(err)), 0);
	assert_int_equal(conn_write(c, "b\n", 2, err, sizeof(err)), 0);
	assert_int_equal(conn_pending_output(c), 4);
	if (pump(c, &l, 4, err))
		fail_msg("%s", err);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0], "hello 1");
	assert_string_equal(l.v[1], "hello 2");
	assert_string_equal(l.v[2], "echo: a");
	assert_string_equal(l.v[3], "echo: b");
	assert_int_equal(conn_state(c), CONN_OPEN);
	assert_int_equal(conn_pending_output(c), 0);
	assert_int_equal(conn_poll_events(c), POLLIN);
	/* "quit" makes the server hang up. */
	assert_int_equal(conn_write(c, "quit\n", 5, err, sizeof(err)), 0);
	assert_int_equal(pump(c, &l, 5, err), -1);
	assert_string_equal(err, "pool closed the connection");
	assert_int_equal(l.n, 4);
	conn_close(c);
	server_stop(s);
	assert_string_equal(s->got, "a\nb\nquit\n");
	free(s);
	lines_free(&l);
}

static void test_tcp_many_lines_in_one_segment(void **state)
{
	char *text = malloc(200 * 48), err[ERR_LEN], want[48];
	size_t n = 0;
	struct server *s;
	struct conn *c;
	struct lines l = { .n = 0 };

	assert_non_null(text);
	for (int i = 0; i < 200; i++)
		n += (size_t)sprintf(text + n, "{\"id\":%d,\"result\":true}\n", i);
	s = server_start(AF_INET, script_send, NULL, NULL, text, n);   /* one send() */
	c = open_ok("stratum+tcp", "127.0.0.1", s->port, NULL);
	if (pump(c, &l, 200, err))
		fail_msg("%s", err);
	assert_int_equal(l.n, 200);
	for (int i = 0; i < 200; i++) {
		snprintf(want, sizeof(want), "{\"id\":%d,\"result\":true}", i);
		assert_string_equal(l.v[i], want);
	}
	conn_close(c);
	server_stop(s);
	free(s);
	free(text);
	lines_free(&l);
}

static void test_tcp_line_split_over_many_writes(void **state)
{
	char *text = malloc(3100), err[ERR_LEN];
	struct server *s;
	struct conn *c;
	struct lines l = { .n = 0 };

	assert_non_null(text);
	for (int i = 0; i < 3000; i++)
		text[i] = (char)('a' + i % 26);
	memcpy(text + 3000, "\r\nafter\n", 8);    /* CRLF is a newline too */
	s = server_start(AF_INET, script_trickle, NULL, NULL, text, 3008);   /* 151 writes */
	c = open_ok("stratum+tcp", "127.0.0.1", s->port, NULL);
	if (pump(c, &l, 2, err))
		fail_msg("%s", err);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.len[0], 3000);
	assert_memory_equal(l.v[0], text, 3000);
	assert_string_equal(l.v[1], "after");
	conn_close(c);
	server_stop(s);
	free(s);
	free(text);
	lines_free(&l);
}

/* A line of len bytes of ch, then "\n", then tail. */
static char *long_line(size_t len, char ch, const char *tail, size_t *total)
{
	char *text = malloc(len + 1 + strlen(tail));

	assert_non_null(text);
	memset(text, ch, len);
	text[len] = '\n';
	memcpy(text + len + 1, tail, strlen(tail));
	*total = len + 1 + strlen(tail);
	return text;
}

static void test_tcp_line_too_long(void **state)
{
	size_t n;
	char *text = long_line(65536, 'x', "", &n), err[ERR_LEN];
	struct server *s = server_start(AF_INET, script_send, NULL, NULL, text, n);
	struct conn *c = open_ok("stratum+tcp", "127.0.0.1", s->port, NULL);
	struct lines l = { .n = 0 };

	assert_int_equal(pump(c, &l, 1, err), -1);
	assert_string_equal(err, "line longer than 65536 bytes");
	assert_int_equal(l.n, 0);
	assert_int_equal(conn_state(c), CONN_FAILED);
	/* The failure sticks. */
	assert_int_equal(conn_process(c, 0, err, sizeof(err)), -1);
	assert_string_equal(err, "line longer than 65536 bytes");
	assert_int_equal(conn_write(c, "x\n", 2, err, sizeof(err)), -1);
	conn_close(c);
	server_stop(s);
	free(s);
	free(text);
}

static void test_tcp_longest_line_passes(void **state)
{
	size_t n;
	char *text = long_line(65535, 'y', "next\n", &n), err[ERR_LEN];
	struct server *s = server_start(AF_INET, script_send, NULL, NULL, text, n);
	struct conn *c = open_ok("stratum+tcp", "127.0.0.1", s->port, NULL);
	struct lines l = { .n = 0 };

	if (pump(c, &l, 2, err))
		fail_msg("%s", err);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.len[0], 65535);
	assert_memory_equal(l.v[0], text, 65535);
	assert_string_equal(l.v[1], "next");
	conn_close(c);
	server_stop(s);
	free(s);
	free(text);
	lines_free(&l);
}

static void test_tcp_peer_close(void **state)
{
	static const char text[] = "last\npartial";
	struct server *s = server_start(AF_INET, script_send_close, NULL, NULL, text, strlen(text));
	struct conn *c = open_ok("stratum+tcp", "127.0.0.1", s->port, NULL);
	struct lines l = { .n = 0 };
	char err[ERR_LEN], *line;
	size_t len;

	assert_int_equal(pump(c, &l, 2, err), -1);
	assert_string_equal(err, "pool closed the connection");
	assert_int_equal(conn_state(c), CONN_FAILED);
	/* The complete line came out; the partial one never does. */
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "last");
	assert_int_equal(conn_next_line(c, &line, &len, err, sizeof(err)), 0);
	conn_close(c);
	server_stop(s);
	free(s);
	lines_free(&l);
}

/* A loopback port nobody listens on (bound, then closed). */
static unsigned free_port(void)
{
	unsigned port;
	int fd = listen_loopback(AF_INET, &port);

	assert_true(fd >= 0);
	close(fd);
	return port;
}

static void test_tcp_connection_refused(void **state)
{
	unsigned port = free_port();
	struct conn *c = open_ok("stratum+tcp", "127.0.0.1", port, NULL);
	struct lines l = { .n = 0 };
	char err[ERR_LEN], want[64];

	assert_int_equal(pump(c, &l, 1, err), -1);
	snprintf(want, sizeof(want), "connection refused by 127.0.0.1:%u", port);
	assert_string_equal(err, want);
	assert_int_equal(conn_state(c), CONN_FAILED);
	conn_close(c);
}

static void test_tcp_name_does_not_resolve(void **state)
{
	static const char prefix[] = "cannot resolve \"no-such-host.invalid\": ";
	char err[ERR_LEN] = "";
	struct conn *c = open_url("stratum+tcp://no-such-host.invalid:3333", NULL, err);

	assert_null(c);
	assert_memory_equal(err, prefix, strlen(prefix));
	assert_true(strlen(err) > strlen(prefix));    /* gai_strerror's words follow */
}

static void test_tcp_ipv6_loopback(void **state)
{
	unsigned port;
	int fd = listen_loopback(AF_INET6, &port);
	struct conn *c;
	struct lines l = { .n = 0 };
	char err[ERR_LEN], desc[64];
	struct server *s;

	if (fd < 0)
		skip();                    /* no IPv6 on this machine's loopback */
	close(fd);
	s = server_start(AF_INET6, script_echo, NULL, NULL, NULL, 0);
	c = open_ok("stratum+tcp", "[::1]", s->port, NULL);
	snprintf(desc, sizeof(desc), "tcp [::1]:%u", s->port);
	assert_string_equal(conn_describe(c), desc);
	assert_int_equal(conn_write(c, "v6\nquit\n", 8, err, sizeof(err)), 0);
	if (pump(c, &l, 3, err))
		fail_msg("%s", err);
	assert_string_equal(l.v[2], "echo: v6");
	conn_close(c);
	server_stop(s);
	free(s);
	lines_free(&l);
}

static void test_output_queue_is_bounded(void **state)
{
	struct server *s = server_start(AF_INET, script_drain, NULL, NULL, NULL, 0);
	struct conn *c = open_ok("stratum+tcp", "127.0.0.1", s->port, NULL);
	char *chunk = calloc(1, 16384), err[ERR_LEN] = "";

	assert_non_null(chunk);
	/* Not processed yet, so nothing is sent: exactly 1 MiB fits. */
	for (int i = 0; i < 64; i++)
		assert_int_equal(conn_write(c, chunk, 16384, err, sizeof(err)), 0);
	assert_int_equal(conn_pending_output(c), 1 << 20);
	assert_int_equal(conn_write(c, "x", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "1048576 bytes queued and 1 more would pass the "
				    "1048576-byte limit"));
	assert_int_equal(conn_state(c), CONN_FAILED);
	assert_int_equal(conn_pending_output(c), 1 << 20);
	conn_close(c);
	server_stop(s);
	free(s);
	free(chunk);
}

/*
 * Sends 768 KiB of lines through c (connecting to s, which drains) and
 * checks that the server got every byte in order. A small send buffer
 * makes the socket take only part of most writes, so the queue (and, for
 * TLS, mbedTLS's retry of a blocked record) is exercised.
 */
static void check_bulk_output(struct server *s, struct conn *c)
{
	char line[64], err[ERR_LEN];
	uint64_t hash = FNV_START;
	size_t total = 0;
	int sndbuf = 4096;

	assert_int_equal(setsockopt(conn_fd(c), SOL_SOCKET, SO_SNDBUF, &sndbuf,
				    sizeof(sndbuf)), 0);
	if (pump_output(c, err))           /* open first: writes then go out at once */
		fail_msg("%s", err);
	for (int i = 0; total < 768 * 1024; i++) {
		int n = snprintf(line, sizeof(line), "{\"id\":%d,\"method\":\"mining.submit\"}\n", i);

		assert_int_equal(conn_write(c, line, (size_t)n, err, sizeof(err)), 0);
		hash = fnv(hash, line, (size_t)n);
		total += (size_t)n;
	}
	if (pump_output(c, err))
		fail_msg("%s", err);
	conn_close(c);
	server_stop(s);
	assert_int_equal(s->got_total, total);
	assert_true(s->got_hash == hash);
	free(s);
}

static void test_tcp_bulk_output(void **state)
{
	struct server *s = server_start(AF_INET, script_drain, NULL, NULL, NULL, 0);

	check_bulk_output(s, open_ok("stratum+tcp", "127.0.0.1", s->port, NULL));
}

/* ---- TLS ---------------------------------------------------------------------- */

/* The certificate directory made by the group setup. */
struct certs {
	char dir[64];
};

/* dir/name of the certificate directory, in buf. */
static const char *cert_path(void **state, const char *name, char *buf, size_t len)
{
	const struct certs *k = *state;

	snprintf(buf, len, "%s/%s", k->dir, name);
	return buf;
}

/* Removes the certificate directory and everything in it. */
static int certs_teardown(void **state)
{
	struct certs *k = *state;
	char path[sizeof(k->dir) + 260];
	struct dirent *e;
	DIR *d;

	if (!k)
		return 0;
	d = opendir(k->dir);
	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", k->dir, e->d_name);
			unlink(path);
		}
	}
	if (d)
		closedir(d);
	rmdir(k->dir);
	free(k);
	*state = NULL;
	return 0;
}

/*
 * Makes the certificates with tests/unit/make_test_certs.sh (run from the
 * repository root, as tests/run.sh does); on failure shows its stderr and
 * leaves nothing behind.
 */
static int certs_setup(void **state)
{
	struct certs *k = calloc(1, sizeof(*k));
	char cmd[256];

	if (!k)
		return -1;
	snprintf(k->dir, sizeof(k->dir), "/tmp/pipeminer-test-conn.XXXXXX");
	if (!mkdtemp(k->dir)) {
		free(k);
		return -1;
	}
	*state = k;
	snprintf(cmd, sizeof(cmd), "sh tests/unit/make_test_certs.sh %s 2>%s/log", k->dir,
		 k->dir);
	if (!system(cmd))
		return 0;
	snprintf(cmd, sizeof(cmd), "cat %s/log >&2", k->dir);
	if (system(cmd))
		fprintf(stderr, "make_test_certs.sh failed\n");
	certs_teardown(state);
	return -1;
}

/*
 * A TLS server on 127.0.0.1 with dir/NAME.crt and dir/NAME.key, running
 * script (with payload, for the scripts that send one).
 */
static struct server *tls_server_payload(void **state, const char *name, server_script *script,
					 const char *payload, size_t payload_len)
{
	const struct certs *k = *state;
	char crt[128], key[128];

	snprintf(crt, sizeof(crt), "%s/%s.crt", k->dir, name);
	snprintf(key, sizeof(key), "%s/%s.key", k->dir, name);
	return server_start(AF_INET, script, crt, key, payload, payload_len);
}

static struct server *tls_server(void **state, const char *name, server_script *script)
{
	return tls_server_payload(state, name, script, NULL, 0);
}

/* Runs the loop on c until it fails; the error, with no line delivered. */
static void expect_failure(struct conn *c, char *err)
{
	struct lines l = { .n = 0 };

	assert_int_equal(pump(c, &l, 1, err), -1);
	assert_int_equal(l.n, 0);
	assert_int_equal(conn_state(c), CONN_FAILED);
}

static void test_tls_verified_lines_flow(void **state)
{
	char ca[128], err[ERR_LEN], desc[96];
	struct conn_tls tls = { .ca_file = cert_path(state, "ca.crt", ca, sizeof(ca)) };
	struct server *s = tls_server(state, "localhost", script_echo);
	struct conn *c = open_ok("stratum+ssl", "localhost", s->port, &tls);
	struct lines l = { .n = 0 };

	snprintf(desc, sizeof(desc), "tls localhost:%u (verified)", s->port);
	assert_string_equal(conn_describe(c), desc);
	assert_int_equal(conn_write(c, "{\"id\":1}\n", 9, err, sizeof(err)), 0);
	if (pump(c, &l, 3, err))
		fail_msg("%s", err);
	assert_string_equal(l.v[0], "hello 1");
	assert_string_equal(l.v[1], "hello 2");
	assert_string_equal(l.v[2], "echo: {\"id\":1}");
	assert_int_equal(conn_state(c), CONN_OPEN);
	assert_int_equal(conn_pending_output(c), 0);
	/* "quit": the server sends close_notify and hangs up. */
	assert_int_equal(conn_write(c, "quit\n", 5, err, sizeof(err)), 0);
	assert_int_equal(pump(c, &l, 4, err), -1);
	assert_string_equal(err, "pool closed the connection");
	assert_int_equal(l.n, 3);
	conn_close(c);
	server_stop(s);
	assert_int_equal(s->tls_ret, 0);
	assert_string_equal(s->got, "{\"id\":1}\nquit\n");
	free(s);
	lines_free(&l);
}

static void test_tls_name_mismatch_refused(void **state)
{
	char ca[128], err[ERR_LEN], want[ERR_LEN];
	struct conn_tls tls = { .ca_file = cert_path(state, "ca.crt", ca, sizeof(ca)) };
	struct server *s = tls_server(state, "wrong", script_echo);
	struct conn *c = open_ok("stratum+tls", "localhost", s->port, &tls);

	expect_failure(c, err);
	snprintf(want, sizeof(want), "TLS handshake with localhost:%u failed: certificate name "
		 "does not match: it is for \"wrong.example\", not \"localhost\"", s->port);
	assert_string_equal(err, want);
	conn_close(c);
	server_stop(s);
	assert_true(s->tls_ret != 0);      /* the server saw the handshake fail too */
	assert_int_equal(s->got_total, 0);
	free(s);
}

static void test_tls_self_signed_refused(void **state)
{
	char ca[128], err[ERR_LEN], want[ERR_LEN];
	struct conn_tls tls = { .ca_file = cert_path(state, "ca.crt", ca, sizeof(ca)) };
	struct server *s = tls_server(state, "self", script_echo);
	struct conn *c = open_ok("stratum+tcps", "localhost", s->port, &tls);

	expect_failure(c, err);
	snprintf(want, sizeof(want), "TLS handshake with localhost:%u failed: certificate not "
		 "trusted (not signed by a CA in \"%s\")", s->port, ca);
	assert_string_equal(err, want);
	conn_close(c);
	server_stop(s);
	assert_true(s->tls_ret != 0);
	free(s);
}

static void test_tls_insecure_accepts_wrong_name(void **state)
{
	struct conn_tls tls = { .ca_file = NULL, .insecure = true };
	struct server *s = tls_server(state, "wrong", script_echo);
	struct conn *c = open_ok("stratum+ssl", "localhost", s->port, &tls);
	struct lines l = { .n = 0 };
	char err[ERR_LEN], desc[96];

	snprintf(desc, sizeof(desc), "tls localhost:%u (NOT verified: --tls-insecure)", s->port);
	assert_string_equal(conn_describe(c), desc);
	assert_int_equal(conn_write(c, "x\nquit\n", 7, err, sizeof(err)), 0);
	if (pump(c, &l, 3, err))
		fail_msg("%s", err);
	assert_string_equal(l.v[2], "echo: x");
	conn_close(c);
	server_stop(s);
	assert_int_equal(s->tls_ret, 0);
	free(s);
	lines_free(&l);
}

/* Hangs up at once. */
static void script_hang_up(struct server *s)
{
}

static void test_tls_url_to_plain_server_fails(void **state)
{
	static const char text[] = "{\"id\":null,\"method\":\"mining.set_difficulty\","
				   "\"params\":[1]}\n";
	static const struct {
		server_script *script;
		const char *err, *or_err;   /* after "TLS handshake with 127.0.0.1:PORT failed: " */
	} cases[] = {
		/* A plain pool that talks first, one that talks and hangs up, one that hangs up. */
		{ script_send, "the pool did not answer in TLS (is it a stratum+tcp port?)", NULL },
		{ script_send_close, "the pool did not answer in TLS (is it a stratum+tcp port?)",
		  NULL },
		/* FIN or, when the ClientHello arrived first, RST. */
		{ script_hang_up, "pool closed the connection", "pool reset the connection" },
		/* One that waits in silence: the handshake waits too, sending nothing in clear. */
		{ script_drain, NULL, NULL },
	};
	char ca[128], err[ERR_LEN], want[ERR_LEN], or_want[ERR_LEN];
	struct conn_tls tls = { .ca_file = cert_path(state, "ca.crt", ca, sizeof(ca)) };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct server *s = server_start(AF_INET, cases[i].script, NULL, NULL, text,
						strlen(text));
		struct conn *c = open_ok("stratum+ssl", "127.0.0.1", s->port, &tls);
		struct lines l = { .n = 0 };

		assert_int_equal(conn_write(c, "secret\n", 7, err, sizeof(err)), 0);
		if (cases[i].err) {
			expect_failure(c, err);
			snprintf(want, sizeof(want), "TLS handshake with 127.0.0.1:%u failed: %s",
				 s->port, cases[i].err);
			snprintf(or_want, sizeof(or_want), "TLS handshake with 127.0.0.1:%u failed: %s",
				 s->port, cases[i].or_err ? cases[i].or_err : cases[i].err);
			if (strcmp(err, or_want))
				assert_string_equal(err, want);
		} else {
			for (int k = 0; k < 5; k++)
				assert_int_equal(pump_once(c, &l, err), 0);
			assert_int_equal(conn_state(c), CONN_HANDSHAKE);
			assert_int_equal(conn_pending_output(c), 7);
			assert_int_equal(l.n, 0);
		}
		conn_close(c);
		server_stop(s);
		assert_true(s->accepted);
		assert_null(strstr(s->got, "secret"));   /* never sent in clear */
		free(s);
	}
}

static void test_tls_default_ca_bundle(void **state)
{
	struct conn_tls tls = { .ca_file = NULL };
	struct server *s = tls_server(state, "localhost", script_echo);
	char url[64], err[ERR_LEN] = "", want[ERR_LEN];
	struct conn *c;

	snprintf(url, sizeof(url), "stratum+ssl://localhost:%u", s->port);
	c = open_url(url, &tls, err);
	if (access(DEFAULT_CA, R_OK)) {
		/* No system bundle here: the error names the default path. */
		assert_null(c);
		assert_non_null(strstr(err, "\"" DEFAULT_CA "\""));
	} else {
		assert_non_null(c);
		expect_failure(c, err);
		snprintf(want, sizeof(want), "TLS handshake with localhost:%u failed: certificate "
			 "not trusted (not signed by a CA in \"%s\")", s->port, DEFAULT_CA);
		assert_string_equal(err, want);
	}
	conn_close(c);
	/* The server may never have been reached: connect once so it ends. */
	if (!c) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(s->port),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
		close(fd);
	}
	server_stop(s);
	free(s);
}

static void test_tls_bad_ca_file(void **state)
{
	char path[128], err[ERR_LEN], want[ERR_LEN];
	struct conn_tls tls = { .ca_file = cert_path(state, "missing.crt", path, sizeof(path)) };
	struct conn_url u = { .tls = true, .host = "localhost", .port = 1 };

	assert_null(conn_open(&u, &tls, err, sizeof(err)));
	snprintf(want, sizeof(want), "cannot read CA file \"%s\": No such file or directory", path);
	assert_string_equal(err, want);
	/* A readable file with no certificate in it. */
	tls.ca_file = cert_path(state, "ca.key", path, sizeof(path));
	assert_null(conn_open(&u, &tls, err, sizeof(err)));
	snprintf(want, sizeof(want), "no usable CA certificate in \"%s\"", path);
	assert_string_equal(err, want);
	/* Insecure reads no CA file at all. */
	tls.insecure = true;
	conn_close(conn_open(&u, &tls, err, sizeof(err)));
}

static void test_tls_bulk_output(void **state)
{
	char ca[128];
	struct conn_tls tls = { .ca_file = cert_path(state, "ca.crt", ca, sizeof(ca)) };
	struct server *s = tls_server(state, "localhost", script_drain);

	check_bulk_output(s, open_ok("stratum+ssl", "localhost", s->port, &tls));
}

/*
 * The line buffer fills in the middle of a TLS record: a 65530-byte line
 * and "hello\n" go out as records of 1000, 16384 x 3 and 15385 bytes, so
 * the buffer is full (64 KiB, no line to take before the long one ends)
 * with the final "\n" still decrypted inside mbedTLS and nothing left on
 * the socket for poll(2) to announce. "hello" must come out anyway.
 */
static void test_tls_line_buffer_full_mid_record(void **state)
{
	char ca[128], err[ERR_LEN], *text = malloc(65537);
	struct conn_tls tls = { .ca_file = cert_path(state, "ca.crt", ca, sizeof(ca)) };
	struct lines l = { .n = 0 };
	struct server *s;
	struct conn *c;

	assert_non_null(text);
	memset(text, 'a', 65530);
	memcpy(text + 65530, "\nhello\n", 7);
	s = tls_server_payload(state, "localhost", script_send_two, text, 65537);
	c = open_ok("stratum+ssl", "localhost", s->port, &tls);
	if (pump(c, &l, 2, err))
		fail_msg("%s after %zu lines", err, l.n);
	assert_int_equal(l.len[0], 65530);
	assert_memory_equal(l.v[0], text, 65530);
	assert_string_equal(l.v[1], "hello");
	conn_close(c);
	server_stop(s);
	free(s);
	free(text);
	lines_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_url_good),
		cmocka_unit_test(test_parse_url_bad),
		cmocka_unit_test(test_tcp_lines_both_ways),
		cmocka_unit_test(test_tcp_many_lines_in_one_segment),
		cmocka_unit_test(test_tcp_line_split_over_many_writes),
		cmocka_unit_test(test_tcp_line_too_long),
		cmocka_unit_test(test_tcp_longest_line_passes),
		cmocka_unit_test(test_tcp_peer_close),
		cmocka_unit_test(test_tcp_connection_refused),
		cmocka_unit_test(test_tcp_name_does_not_resolve),
		cmocka_unit_test(test_tcp_ipv6_loopback),
		cmocka_unit_test(test_output_queue_is_bounded),
		cmocka_unit_test(test_tcp_bulk_output),
		cmocka_unit_test(test_tls_verified_lines_flow),
		cmocka_unit_test(test_tls_name_mismatch_refused),
		cmocka_unit_test(test_tls_self_signed_refused),
		cmocka_unit_test(test_tls_insecure_accepts_wrong_name),
		cmocka_unit_test(test_tls_url_to_plain_server_fails),
		cmocka_unit_test(test_tls_default_ca_bundle),
		cmocka_unit_test(test_tls_bad_ca_file),
		cmocka_unit_test(test_tls_bulk_output),
		cmocka_unit_test(test_tls_line_buffer_full_mid_record),
	};

	/* The group setup makes the certificates; its state reaches every test. */
	return cmocka_run_group_tests(tests, certs_setup, certs_teardown);
}
