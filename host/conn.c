/*
 * conn: see conn.h. The URL parser is in conn_url.c, the TLS layer in
 * tls_session.c; this file owns the socket, the connect (trying each
 * resolved address in turn), the line buffer and the output queue.
 */
#include "conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linebuf.h"
#include "stratum.h"
#include "tls_session.h"

/* Output waiting for the socket: buf[start .. start+len). */
struct conn_outq {
	char *buf;
	size_t start, len, cap;
};

struct conn {
	int fd;                         /* -1 when there is no socket */
	enum conn_state state;
	struct conn_url url;
	struct addrinfo *addrs;         /* getaddrinfo's answer */
	struct addrinfo *addr;          /* the address being tried */
	int connect_errno;              /* connect() failed at once with this */
	struct tls_session *tls;        /* NULL for plain TCP */
	struct linebuf in;
	struct conn_outq out;
	char peer[300];                 /* "host:port" or "[v6]:port" */
	char desc[360];                 /* conn_describe() */
	char err[ERR_LEN];              /* why it failed, once CONN_FAILED */
};

/* ---- names for messages ------------------------------------------------ */

/* Fills c->peer and c->desc from c->url and the TLS options. */
static void conn_name(struct conn *c, const struct conn_tls *opts)
{
	bool v6 = strchr(c->url.host, ':') != NULL;

	snprintf(c->peer, sizeof(c->peer), "%s%s%s:%u", v6 ? "[" : "", c->url.host,
		 v6 ? "]" : "", c->url.port);
	if (!c->url.tls)
		snprintf(c->desc, sizeof(c->desc), "tcp %s", c->peer);
	else
		snprintf(c->desc, sizeof(c->desc), "tls %s %s", c->peer,
			 opts->insecure ? "(NOT verified: --tls-insecure)" : "(verified)");
}

/*
 * Names the address being tried: "127.0.0.1:3333" when the URL gave that
 * address, "pool.example (192.0.2.1:3333)" when it gave a name.
 */
static void conn_addr_name(const struct conn *c, char *out, size_t outlen)
{
	char ip[INET6_ADDRSTRLEN + 16], port[8], addr[sizeof(ip) + sizeof(port) + 3];
	bool v6 = c->addr->ai_family == AF_INET6;

	if (getnameinfo(c->addr->ai_addr, c->addr->ai_addrlen, ip, sizeof(ip), port,
			sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV)) {
		snprintf(out, outlen, "%s", c->peer);
		return;
	}
	snprintf(addr, sizeof(addr), "%s%s%s:%s", v6 ? "[" : "", ip, v6 ? "]" : "", port);
	if (!strcmp(ip, c->url.host))
		snprintf(out, outlen, "%s", addr);
	else
		snprintf(out, outlen, "%s (%s)", c->url.host, addr);
}

/* Writes why connecting to c->addr failed with errno e into c->err. */
static void conn_connect_error(struct conn *c, int e)
{
	char who[sizeof(c->peer) + INET6_ADDRSTRLEN + 16];

	conn_addr_name(c, who, sizeof(who));
	if (e == ECONNREFUSED)
		errf(c->err, sizeof(c->err), "connection refused by %s", who);
	else if (e == ETIMEDOUT)
		errf(c->err, sizeof(c->err), "connection to %s timed out", who);
	else if (e == ENETUNREACH || e == EHOSTUNREACH)
		errf(c->err, sizeof(c->err), "%s is unreachable", who);
	else
		errf(c->err, sizeof(c->err), "cannot connect to %s: %s", who, strerror(e));
}

/* ---- connecting ---------------------------------------------------------- */

/* Resolves c->url into c->addrs (blocking); 0 or -1 with err. */
static int conn_resolve(struct conn *c, char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV,
	};
	char port[8];
	int ret;

	snprintf(port, sizeof(port), "%u", c->url.port);
	ret = getaddrinfo(c->url.host, port, &hints, &c->addrs);
	if (ret)
		return errf(err, errlen, "cannot resolve \"%s\": %s", c->url.host,
			    ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret));
	c->addr = c->addrs;
	return 0;
}

/* A non-blocking TCP socket for ai with TCP_NODELAY, or -1 with errno. */
static int conn_socket(const struct addrinfo *ai)
{
	int one = 1;
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			ai->ai_protocol);

	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/*
 * Starts connecting to c->addr or, when that fails at once, to the
 * addresses after it. 0 with c->fd connecting (or, for the last address,
 * failed: c->connect_errno, reported by conn_process), or -1 with err when
 * no socket could be made.
 */
static int conn_connect_from(struct conn *c, char *err, size_t errlen)
{
	int socket_errno = 0;

	for (; c->addr; c->addr = c->addr->ai_next) {
		c->fd = conn_socket(c->addr);
		if (c->fd < 0) {
			socket_errno = errno;
			continue;
		}
		c->connect_errno = 0;
		if (!connect(c->fd, c->addr->ai_addr, c->addr->ai_addrlen) || errno == EINPROGRESS)
			return 0;
		c->connect_errno = errno;
		if (!c->addr->ai_next)
			return 0;
		close(c->fd);
		c->fd = -1;
	}
	return errf(err, errlen, "cannot make a socket for %s: %s", c->peer,
		    strerror(socket_errno));
}

/* True when fd polls writable now (a connect has completed or failed). */
static bool conn_fd_writable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	return poll(&p, 1, 0) > 0;
}

/*
 * CONNECTING: the connect's outcome: 0 while pending, 1 once connected,
 * -errno when it failed.
 */
static int conn_connect_result(struct conn *c, short revents)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (c->connect_errno)
		return -c->connect_errno;
	if (!(revents & (POLLOUT | POLLERR | POLLHUP)) && !conn_fd_writable(c->fd))
		return 0;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		return -errno;
	return soerr ? -soerr : 1;
}

/*
 * CONNECTING: moves to HANDSHAKE (TLS) or OPEN once connected; when the
 * address refuses, goes on to the next one. 0, or -1 with c->err when the
 * last address failed.
 */
static int conn_step_connect(struct conn *c, short revents)
{
	int r;

	while ((r = conn_connect_result(c, revents)) < 0) {
		conn_connect_error(c, -r);
		close(c->fd);
		c->fd = -1;
		if (!c->addr->ai_next)
			return -1;
		c->addr = c->addr->ai_next;
		if (conn_connect_from(c, c->err, sizeof(c->err)) < 0)
			return -1;
		revents = 0;     /* a new socket: ask it afresh */
	}
	if (r == 1) {
		c->state = c->tls ? CONN_HANDSHAKE : CONN_OPEN;
		if (c->tls)
			tls_session_set_fd(c->tls, c->fd);
	}
	return 0;
}

/* HANDSHAKE: moves to OPEN when the handshake is done; 0, or -1 with c->err. */
static int conn_step_handshake(struct conn *c)
{
	int r = tls_session_handshake(c->tls, c->err, sizeof(c->err));

	if (r == 1)
		c->state = CONN_OPEN;
	return r < 0 ? -1 : 0;
}

/* ---- reading and writing --------------------------------------------------- */

/* Reads up to len bytes: the count, 0 when nothing is there now, -1 with c->err. */
static ssize_t conn_recv(struct conn *c, char *buf, size_t len)
{
	ssize_t n;

	if (c->tls)
		return tls_session_read(c->tls, buf, len, c->err, sizeof(c->err));
	n = recv(c->fd, buf, len, 0);
	if (n > 0)
		return n;
	if (!n)
		return errf(c->err, sizeof(c->err), "pool closed the connection");
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	if (errno == ECONNRESET)
		return errf(c->err, sizeof(c->err), "pool reset the connection");
	return errf(c->err, sizeof(c->err), "connection to %s failed: %s", c->peer,
		    strerror(errno));
}

/* Sends up to len bytes: the count taken, 0 when none now, -1 with c->err. */
static ssize_t conn_send(struct conn *c, const char *buf, size_t len)
{
	ssize_t n;

	if (c->tls)
		return tls_session_write(c->tls, buf, len, c->err, sizeof(c->err));
	n = send(c->fd, buf, len, MSG_NOSIGNAL);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	if (errno == ECONNRESET || errno == EPIPE)
		return errf(c->err, sizeof(c->err), "pool reset the connection");
	return errf(c->err, sizeof(c->err), "connection to %s failed: %s", c->peer,
		    strerror(errno));
}

/*
 * OPEN: reads into the line buffer until the transport has nothing more or
 * the buffer is full (the owner then takes lines, or conn_next_line reports
 * the overlong one). 0, or -1 with c->err.
 */
static int conn_fill(struct conn *c)
{
	for (;;) {
		char *dst;
		size_t room = linebuf_space(&c->in, &dst);
		ssize_t n;

		if (room == (size_t)-1)
			return errf(c->err, sizeof(c->err), "out of memory for received lines");
		if (!room)
			return 0;
		n = conn_recv(c, dst, room);
		if (n <= 0)
			return (int)n;
		linebuf_commit(&c->in, (size_t)n);
	}
}

/*
 * Moves bytes mbedTLS has already decrypted into the line buffer: a record
 * can hold more than the buffer had room for, and no poll(2) announces
 * them. Never touches the socket, so it cannot fail.
 */
static void conn_fill_buffered(struct conn *c)
{
	size_t avail = tls_session_buffered(c->tls);
	char *dst;
	size_t room = linebuf_space(&c->in, &dst);
	ssize_t n;

	if (!avail || !room || room == (size_t)-1)
		return;
	n = tls_session_read(c->tls, dst, room < avail ? room : avail, NULL, 0);
	if (n > 0)
		linebuf_commit(&c->in, (size_t)n);
}

/* OPEN: sends queued output until the socket takes no more; 0, or -1 with c->err. */
static int conn_flush(struct conn *c)
{
	while (c->out.len) {
		ssize_t n = conn_send(c, c->out.buf + c->out.start, c->out.len);

		if (n <= 0)
			return (int)n;
		c->out.start += (size_t)n;
		c->out.len -= (size_t)n;
	}
	c->out.start = 0;
	return 0;
}

/* Appends len bytes to the output queue, within CONN_MAX_OUTPUT; 0, or -1 with c->err. */
static int conn_queue(struct conn *c, const char *data, size_t len)
{
	struct conn_outq *q = &c->out;

	if (len > CONN_MAX_OUTPUT - q->len)
		return errf(c->err, sizeof(c->err), "output for %s is not being sent: %zu bytes "
			    "queued and %zu more would pass the %zu-byte limit", c->peer, q->len,
			    len, CONN_MAX_OUTPUT);
	if (q->start) {
		memmove(q->buf, q->buf + q->start, q->len);
		q->start = 0;
	}
	if (q->len + len > q->cap) {
		size_t cap = q->cap ? q->cap : 4096;
		char *p;

		while (cap < q->len + len)
			cap *= 2;
		p = realloc(q->buf, cap);
		if (!p)
			return errf(c->err, sizeof(c->err), "out of memory for %zu bytes of output",
				    q->len + len);
		q->buf = p;
		q->cap = cap;
	}
	memcpy(q->buf + q->len, data, len);
	q->len += len;
	return 0;
}

/* Marks c failed and copies its error into err; returns -1. */
static int conn_failed(struct conn *c, char *err, size_t errlen)
{
	c->state = CONN_FAILED;
	return errf(err, errlen, "%s", c->err);
}

/* ---- the interface ------------------------------------------------------- */

struct conn *conn_open(const struct conn_url *u, const struct conn_tls *tls,
		       char *err, size_t errlen)
{
	static const struct conn_tls defaults;   /* NULL tls: verify with the system bundle */
	struct conn *c = calloc(1, sizeof(*c));

	if (!c) {
		errf(err, errlen, "out of memory for a connection");
		return NULL;
	}
	if (!tls)
		tls = &defaults;
	c->fd = -1;
	c->state = CONN_CONNECTING;
	c->url = *u;
	linebuf_init(&c->in, STRATUM_MAX_LINE);
	conn_name(c, tls);
	if (conn_resolve(c, err, errlen) < 0)
		goto out_close;
	if (u->tls && !(c->tls = tls_session_new(u->host, c->peer, tls, err, errlen)))
		goto out_close;
	if (conn_connect_from(c, err, errlen) < 0)
		goto out_close;
	return c;

out_close:
	conn_close(c);
	return NULL;
}

int conn_fd(const struct conn *c)
{
	return c->fd;
}

enum conn_state conn_state(const struct conn *c)
{
	return c->state;
}

short conn_poll_events(const struct conn *c)
{
	switch (c->state) {
	case CONN_CONNECTING:
		return POLLOUT;
	case CONN_HANDSHAKE:
		return tls_session_want(c->tls) ? tls_session_want(c->tls) : POLLIN | POLLOUT;
	case CONN_OPEN:
		return POLLIN | (c->out.len ? POLLOUT : 0) | (c->tls ? tls_session_want(c->tls) : 0);
	case CONN_FAILED:
		break;
	}
	return 0;
}

int conn_process(struct conn *c, short revents, char *err, size_t errlen)
{
	if (c->state == CONN_CONNECTING && conn_step_connect(c, revents) < 0)
		return conn_failed(c, err, errlen);
	if (c->state == CONN_HANDSHAKE && conn_step_handshake(c) < 0)
		return conn_failed(c, err, errlen);
	if (c->state == CONN_OPEN && (conn_fill(c) < 0 || conn_flush(c) < 0))
		return conn_failed(c, err, errlen);
	if (c->state == CONN_FAILED)
		return errf(err, errlen, "%s", c->err);
	return 0;
}

int conn_next_line(struct conn *c, char **line, size_t *len, char *err, size_t errlen)
{
	int r = linebuf_take(&c->in, line, len);

	while (!r && c->tls && c->state == CONN_OPEN && tls_session_buffered(c->tls)) {
		conn_fill_buffered(c);
		r = linebuf_take(&c->in, line, len);
	}
	if (r < 0) {
		errf(c->err, sizeof(c->err), "line longer than %d bytes", STRATUM_MAX_LINE);
		return conn_failed(c, err, errlen);
	}
	return r;
}

int conn_write(struct conn *c, const char *data, size_t len, char *err, size_t errlen)
{
	if (c->state == CONN_FAILED)
		return errf(err, errlen, "%s", c->err);
	if (conn_queue(c, data, len) < 0 || (c->state == CONN_OPEN && conn_flush(c) < 0))
		return conn_failed(c, err, errlen);
	return 0;
}

size_t conn_pending_output(const struct conn *c)
{
	return c->out.len;
}

const char *conn_describe(const struct conn *c)
{
	return c->desc;
}

void conn_close(struct conn *c)
{
	if (!c)
		return;
	if (c->tls && c->state == CONN_OPEN)
		tls_session_close_notify(c->tls);
	tls_session_free(c->tls);
	if (c->fd >= 0)
		close(c->fd);
	if (c->addrs)
		freeaddrinfo(c->addrs);
	linebuf_release(&c->in);
	free(c->out.buf);
	free(c);
}
