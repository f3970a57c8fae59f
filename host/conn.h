/*
 * conn: one client connection to a pool, plain TCP or TLS (mbedTLS) over
 * it, non-blocking, driven by the network loop's poll(2), with Stratum's
 * line framing (linebuf, 64 KiB lines).
 *
 * URLs: stratum+tcp://HOST:PORT is plain TCP; stratum+ssl://, stratum+tls://
 * and stratum+tcps:// are TLS. The port is required; HOST may be a name, an
 * IPv4 address or a bracketed IPv6 address ([::1]). HOST:PORT without a
 * scheme is stratum+tcp, as in cgminer. TLS is never dropped silently: a
 * TLS URL either completes a verified handshake or fails.
 *
 * TLS verifies the server's certificate chain against the system CA bundle
 * (/etc/ssl/certs/ca-certificates.crt) or, when given, tls.ca_file, and the
 * certificate's name against HOST. tls.insecure skips both checks (and says
 * so in conn_describe); it is only ever set by an explicit --tls-insecure.
 *
 * Lifecycle, all from the one network thread:
 *   c = conn_open(url, tls)     resolve (blocking getaddrinfo), socket, start
 *                               a non-blocking connect
 *   loop: poll(conn_fd(c), conn_poll_events(c));
 *         conn_process(c, revents)      connect / handshake / read / flush
 *         while (conn_next_line(c, &line, &len) == 1) ...
 *         conn_write(c, data, len)      queue and flush what the socket takes
 *   conn_close(c)
 * Every failure comes back as -1 with a sentence: "connection refused by
 * 127.0.0.1:3333", "TLS handshake with pool.example:443 failed: certificate
 * name does not match", "line longer than 65536 bytes", "pool closed the
 * connection". After a failure the only valid calls are conn_next_line(),
 * which still gives the complete lines that arrived before it (a pool's
 * last words before hanging up), and conn_close().
 */
#ifndef PIPEMINER_CONN_H
#define PIPEMINER_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct conn_url {
	bool tls;
	char host[256];          /* without brackets */
	unsigned port;
};

struct conn_tls {
	const char *ca_file;     /* NULL: the system bundle */
	bool insecure;           /* skip verification (explicit request only) */
};

enum conn_state {
	CONN_CONNECTING,         /* TCP connect in progress */
	CONN_HANDSHAKE,          /* TLS handshake in progress */
	CONN_OPEN,               /* lines flow */
	CONN_FAILED,             /* see the error returned; close it */
};

struct conn;

/* Parses a pool URL; 0, or -1 with err ("unknown scheme \"http\"", "no port"...). */
int conn_parse_url(const char *url, struct conn_url *u, char *err, size_t errlen);

/*
 * Starts connecting. Returns the connection (state CONNECTING), or NULL with
 * err when the name does not resolve, the CA file cannot be read, or no
 * socket can be made. tls NULL means { NULL, false }.
 */
struct conn *conn_open(const struct conn_url *u, const struct conn_tls *tls,
		       char *err, size_t errlen);

int conn_fd(const struct conn *c);
enum conn_state conn_state(const struct conn *c);

/* The poll(2) events c waits for now (POLLIN, POLLOUT or both). */
short conn_poll_events(const struct conn *c);

/*
 * Advances c after poll reported revents (0 is allowed: just try). Reads
 * what has arrived into the line buffer and sends queued output. Returns 0,
 * or -1 with err when the connection failed or closed.
 */
int conn_process(struct conn *c, short revents, char *err, size_t errlen);

/*
 * The next complete line received: 1 with *line (NUL-terminated, without the
 * newline, valid until the next call on c) and *len; 0 when none is
 * complete; -1 with err when a line exceeds 64 KiB.
 */
int conn_next_line(struct conn *c, char **line, size_t *len, char *err, size_t errlen);

/* The most output that may wait in a conn's queue: 1 MiB. */
#define CONN_MAX_OUTPUT ((size_t)1 << 20)

/*
 * Queues len bytes and sends what the socket takes now (output queued
 * before the connection is open goes out once it is). 0, or -1 with err,
 * also when the queue would pass CONN_MAX_OUTPUT (the pool is not reading).
 */
int conn_write(struct conn *c, const char *data, size_t len, char *err, size_t errlen);

/* Bytes queued but not yet sent. */
size_t conn_pending_output(const struct conn *c);

/* "tcp 127.0.0.1:3333" or "tls pool.example:443 (verified)", for logs. */
const char *conn_describe(const struct conn *c);

/* Closes and frees c (NULL is fine). Sends a TLS close_notify when it can. */
void conn_close(struct conn *c);

#endif
