/* poolserver: the listener and event loop of `pipeminer pool`; see poolserver.h. */
#include "poolserver.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "hex.h"
#include "stratum.h"

/* ---- listening ------------------------------------------------------------------ */

/* "host:port" of an address, IPv6 in brackets. */
static void addr_name(const struct sockaddr *sa, socklen_t len, char *out, size_t cap)
{
	char host[NI_MAXHOST], port[NI_MAXSERV];

	if (getnameinfo(sa, len, host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV)) {
		snprintf(out, cap, "?");
		return;
	}
	snprintf(out, cap, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
}

static int listen_on(struct poolserver *s, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV}, *res, *ai;
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	char port[16];
	int one = 1, rc, fd = -1, saved = 0;

	snprintf(port, sizeof(port), "%u", s->cfg->listen_port);
	rc = getaddrinfo(s->cfg->listen_host, port, &hints, &res);
	if (rc) {
		errf(err, errlen, "--listen %s:%s: %s", s->cfg->listen_host, port, gai_strerror(rc));
		return POOLSERVER_EINPUT;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, SOMAXCONN)) {
			saved = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		return errf(err, errlen, "cannot listen on %s:%s: %s", s->cfg->listen_host, port,
			    strerror(saved ? saved : EADDRNOTAVAIL));
	s->listen_fd = fd;
	getsockname(fd, (struct sockaddr *)&bound, &blen);
	addr_name((struct sockaddr *)&bound, blen, s->listen_name, sizeof(s->listen_name));
	snprintf(s->ctx.reconnect_host, sizeof(s->ctx.reconnect_host), "%s", s->cfg->listen_host);
	s->ctx.reconnect_port = ntohs(bound.ss_family == AF_INET6
				      ? ((struct sockaddr_in6 *)&bound)->sin6_port
				      : ((struct sockaddr_in *)&bound)->sin_port);
	return 0;
}

/* Room for max_clients descriptors, when the hard limit allows. */
static void raise_fd_limit(size_t max_clients)
{
	struct rlimit r;
	rlim_t want = (rlim_t)max_clients + 64;

	if (getrlimit(RLIMIT_NOFILE, &r) || r.rlim_cur >= want)
		return;
	r.rlim_cur = r.rlim_max == RLIM_INFINITY || r.rlim_max > want ? want : r.rlim_max;
	setrlimit(RLIMIT_NOFILE, &r);
}

int poolserver_init(struct poolserver *s, const struct pool_config *cfg, char *err,
		    size_t errlen)
{
	struct pool_jobs_config jc = {
		.extranonce1_len = cfg->extranonce1_len, .extranonce2_len = cfg->extranonce2_len,
		.nbits = cfg->nbits, .branches = cfg->branches, .gbt = cfg->gbt,
	};
	uint32_t seed;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->listen_fd = -1;
	if (pooljobs_init(&s->jobs, &jc, (uint32_t)time(NULL), err, errlen))
		return POOLSERVER_EINPUT;
	seed = (uint32_t)s->jobs.rng;
	poolsessions_init(&s->sessions, cfg->extranonce1_len, seed);
	s->ctx = (struct pool_ctx){.cfg = cfg, .jobs = &s->jobs, .sessions = &s->sessions,
				   .next_job_id = 1};
	s->conns = calloc(cfg->max_clients, sizeof(*s->conns));
	s->pfds = calloc(cfg->max_clients + 1, sizeof(*s->pfds));
	s->pfd_slot = calloc(cfg->max_clients, sizeof(*s->pfd_slot));
	if (!s->conns || !s->pfds || !s->pfd_slot)
		return errf(err, errlen, "out of memory");
	if (cfg->tls_cert) {
		s->tls = calloc(1, sizeof(*s->tls));
		if (!s->tls)
			return errf(err, errlen, "out of memory");
		if (pooltls_init(s->tls, cfg->tls_cert, cfg->tls_key, err, errlen))
			return POOLSERVER_EINPUT;
	}
	raise_fd_limit(cfg->max_clients);
	return listen_on(s, err, errlen);
}

/* ---- connections ----------------------------------------------------------------- */

static void conn_close(struct poolserver *s, size_t slot, const char *why)
{
	struct poolconn *c = s->conns[slot];

	s->conns[slot] = NULL;
	s->nconns--;
	if (why)
		pool_log("client %s disconnected: %s (%zu clients)", c->client.peer, why, s->nconns);
	poolclient_release(&c->client, cli_now());
	linebuf_release(&c->in);
	pooltls_session_free(c->ssl);
	close(c->fd);
	free(c);
}

/* Sends what the client has queued. 0, or -1 with err. */
static int conn_flush(struct poolconn *c, char *err, size_t errlen)
{
	const char *data;
	size_t len;
	ssize_t n;

	while ((len = poolclient_output(&c->client, &data)) > 0 && !c->handshaking) {
		if (c->ssl) {
			size_t chunk = c->tls_retry ? c->tls_retry : len < 16384 ? len : 16384;

			n = pooltls_write(c->ssl, data, chunk, &c->want, err, errlen);
			c->tls_retry = n == POOLTLS_AGAIN ? chunk : 0;
		} else {
			n = send(c->fd, data, len, MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				n = POOLTLS_AGAIN;
			else if (n < 0)
				return errf(err, errlen, "send failed: %s", strerror(errno));
		}
		if (n == POOLTLS_AGAIN)
			break;
		if (n < 0)
			return -1;
		poolclient_consumed(&c->client, (size_t)n);
	}
	if (poolclient_output(&c->client, &data) > POOLSERVER_MAX_OUTPUT)
		return errf(err, errlen, "not reading: more than %u bytes waiting to be sent",
			    POOLSERVER_MAX_OUTPUT);
	return 0;
}

/* Reads at most n bytes: > 0, 0 at EOF, POOLTLS_AGAIN, or -1 with err. */
static ssize_t conn_recv(struct poolconn *c, char *buf, size_t n, char *err, size_t errlen)
{
	short ignored;   /* a TLS 1.2 server's reads only ever wait for input */
	ssize_t got;

	if (c->ssl)
		return pooltls_read(c->ssl, buf, n, &ignored, err, errlen);
	got = recv(c->fd, buf, n, 0);
	if (got >= 0)
		return got;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return POOLTLS_AGAIN;
	return errf(err, errlen, "%s", errno == ECONNRESET ? "connection reset by the client"
				     : strerror(errno));
}

/* Hands every complete line to the session. 0, or -1 with err. */
static int conn_lines(struct poolconn *c, double now, char *err, size_t errlen)
{
	char *line;
	size_t len;
	int r;

	while ((r = linebuf_take(&c->in, &line, &len)) == 1)
		if (poolclient_on_line(&c->client, line, len, now, err, errlen))
			return -1;
	if (r < 0)
		return errf(err, errlen, "line longer than %d bytes", STRATUM_MAX_LINE);
	return 0;
}

/* Reads what is there (up to the budget). 0, or -1 with err (EOF included). */
static int conn_read(struct poolconn *c, double now, char *err, size_t errlen)
{
	size_t budget = POOLSERVER_READ_BUDGET, room;
	ssize_t n;
	char *dst;

	c->more = false;
	while (budget > 0) {
		room = linebuf_space(&c->in, &dst);
		if (room == (size_t)-1)
			return errf(err, errlen, "out of memory");
		if (room == 0)
			return errf(err, errlen, "line longer than %d bytes", STRATUM_MAX_LINE);
		n = conn_recv(c, dst, room < budget ? room : budget, err, errlen);
		if (n == POOLTLS_AGAIN)
			return 0;
		if (n < 0)
			return -1;
		if (n == 0)
			return errf(err, errlen, "closed by the client");
		linebuf_commit(&c->in, (size_t)n);
		budget -= (size_t)n;
		if (conn_lines(c, now, err, errlen))
			return -1;
	}
	c->more = c->ssl && pooltls_pending(c->ssl) > 0;
	return 0;
}

/* One turn for a client poll() woke (or that has TLS bytes left). 0, or -1 with err. */
static int conn_service(struct poolconn *c, short revents, double now, char *err, size_t errlen)
{
	if (c->handshaking) {
		int r = pooltls_handshake(c->ssl, &c->want, err, errlen);

		if (r < 0 && r != POOLTLS_AGAIN)
			return -1;
		if (r == POOLTLS_AGAIN)
			return 0;
		c->handshaking = false;
	}
	if ((revents & (POLLIN | POLLHUP | POLLERR)) || c->more || c->ssl) {
		if (conn_read(c, now, err, errlen))
			return -1;
	}
	return conn_flush(c, err, errlen);
}

static void conn_accept_one(struct poolserver *s, int fd, const struct sockaddr *sa,
			    socklen_t len, double now)
{
	struct poolconn *c;
	char peer[64];
	size_t slot = 0;
	int one = 1;

	addr_name(sa, len, peer, sizeof(peer));
	if (s->nconns == s->cfg->max_clients) {
		pool_log("client %s refused: %zu clients already", peer, s->nconns);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	linebuf_init(&c->in, STRATUM_MAX_LINE);
	if (s->tls) {
		c->ssl = pooltls_session(s->tls, &c->fd);
		c->handshaking = true;
		c->want = POLLIN;
		if (!c->ssl) {
			close(fd);
			free(c);
			return;
		}
	}
	poolclient_init(&c->client, &s->ctx, peer, now);
	while (s->conns[slot])
		slot++;
	s->conns[slot] = c;
	s->nconns++;
	pool_log("client %s connected (%zu clients)", peer, s->nconns);
}

static void accept_all(struct poolserver *s, double now)
{
	for (;;) {
		struct sockaddr_storage sa;
		socklen_t len = sizeof(sa);
		int fd = accept4(s->listen_fd, (struct sockaddr *)&sa, &len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd >= 0) {
			conn_accept_one(s, fd, (struct sockaddr *)&sa, len, now);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			pool_log("cannot accept connections: %s (pausing 1 s)", strerror(errno));
			s->accept_resume = now + 1;
		}
		return;
	}
}

/* ---- timers ------------------------------------------------------------------------ */

static void flush_or_close(struct poolserver *s, size_t slot)
{
	char err[ERR_LEN];

	if (s->conns[slot] && conn_flush(s->conns[slot], err, sizeof(err)))
		conn_close(s, slot, err);
}

static void broadcast(struct poolserver *s, bool clean)
{
	struct pool_job *job = pooljobs_current(&s->jobs);

	for (size_t i = 0; i < s->cfg->max_clients; i++) {
		if (!s->conns[i])
			continue;
		poolclient_send_job(&s->conns[i]->client, job, clean);
		flush_or_close(s, i);
	}
}

static void new_block(struct poolserver *s, const uint8_t *prev, double now)
{
	char err[ERR_LEN], hash[65];

	if (pooljobs_new_block(&s->jobs, prev, (uint32_t)time(NULL), err, sizeof(err))) {
		pool_log("cannot make a new block: %s", err);
		return;
	}
	hex_encode_reversed(hash, s->jobs.tpl.prevhash, 32);
	pool_log("new block at height %llu: previous block %s",
		 (unsigned long long)s->jobs.tpl.height, hash);
	s->next_block = now + s->cfg->block_interval;
	s->next_notify = now + s->cfg->notify_interval;
	broadcast(s, true);
}

static void timers(struct poolserver *s, double now)
{
	char err[ERR_LEN];

	if (s->ctx.block_found) {
		s->ctx.block_found = false;
		new_block(s, s->ctx.block_hash, now);
	}
	if (now >= s->next_block) {
		new_block(s, NULL, now);
	} else if (now >= s->next_notify) {
		s->next_notify = now + s->cfg->notify_interval;
		if (pooljobs_new_job(&s->jobs, (uint32_t)time(NULL), err, sizeof(err)))
			pool_log("cannot make a new job: %s", err);
		else
			broadcast(s, false);
	}
	if (now < s->next_tick)
		return;
	s->next_tick = now + POOLSERVER_TICK;
	for (size_t i = 0; i < s->cfg->max_clients; i++) {
		struct poolconn *c = s->conns[i];

		if (!c)
			continue;
		if (!c->client.share.subscribed &&
		    now - c->client.connected > POOLSERVER_SUBSCRIBE_TIMEOUT)
			conn_close(s, i, "not subscribed in time");
		else if (poolclient_tick(&c->client, now, err, sizeof(err)))
			conn_close(s, i, err);
		else
			flush_or_close(s, i);
	}
}

/* ---- the loop ------------------------------------------------------------------------ */

/* Fills pfds; returns how many. Sets *busy when a client must be served without waiting. */
static size_t poll_set(struct poolserver *s, double now, bool *busy)
{
	size_t n = 1;

	s->pfds[0] = (struct pollfd){.fd = now >= s->accept_resume ? s->listen_fd : -1,
				     .events = POLLIN};
	*busy = false;
	for (size_t i = 0; i < s->cfg->max_clients; i++) {
		struct poolconn *c = s->conns[i];
		const char *data;

		if (!c)
			continue;
		s->pfd_slot[n - 1] = i;
		s->pfds[n].fd = c->fd;
		s->pfds[n].revents = 0;
		if (c->ssl && (c->handshaking || c->tls_retry))
			s->pfds[n].events = c->want;
		else
			s->pfds[n].events = POLLIN |
				(poolclient_output(&c->client, &data) ? POLLOUT : 0);
		*busy |= c->more;
		n++;
	}
	return n;
}

static int poll_timeout(const struct poolserver *s, double now, double deadline, bool busy)
{
	double next = fmin(fmin(s->next_notify, s->next_block), fmin(s->next_tick, deadline));

	if (busy || next <= now)
		return 0;
	return (int)ceil((next - now) * 1000);
}

int poolserver_run(struct poolserver *s, volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	double now = cli_now();
	double deadline = s->cfg->run_for > 0 ? now + s->cfg->run_for : INFINITY;
	char why[ERR_LEN];
	bool busy;

	s->next_notify = now + s->cfg->notify_interval;
	s->next_block = now + s->cfg->block_interval;
	s->next_tick = now + POOLSERVER_TICK;
	pool_log("listening on %s (stratum+%s), difficulty %g, %s", s->listen_name,
		 s->tls ? "ssl" : "tcp", s->cfg->difficulty,
		 s->cfg->vardiff_rate > 0 ? "vardiff on" : "vardiff off");
	while (!*stop && now < deadline) {
		size_t n = poll_set(s, now, &busy);

		if (poll(s->pfds, n, poll_timeout(s, now, deadline, busy)) < 0 && errno != EINTR)
			return errf(err, errlen, "poll failed: %s", strerror(errno));
		now = cli_now();
		for (size_t i = 1; i < n; i++) {
			size_t slot = s->pfd_slot[i - 1];
			struct poolconn *c = s->conns[slot];

			if (c && (s->pfds[i].revents || c->more) &&
			    conn_service(c, s->pfds[i].revents, now, why, sizeof(why)))
				conn_close(s, slot, why);
		}
		if (s->pfds[0].revents & POLLIN)
			accept_all(s, now);
		timers(s, now);
	}
	return 0;
}

void poolserver_release(struct poolserver *s)
{
	if (s->conns)
		for (size_t i = 0; i < s->cfg->max_clients; i++)
			if (s->conns[i])
				conn_close(s, i, NULL);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->tls) {
		pooltls_release(s->tls);
		free(s->tls);
	}
	free(s->conns);
	free(s->pfds);
	free(s->pfd_slot);
	poolsessions_release(&s->sessions);
	pooljobs_release(&s->jobs);
}
