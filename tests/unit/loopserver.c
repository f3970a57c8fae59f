/* loopserver: a loopback server thread for tests; see loopserver.h. */
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

#include "loopserver.h"

/* FNV-1a 64 over n bytes, continuing from h. */
uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}


/* Sends all len bytes; false on failure. */
bool srv_send(struct server *s, const char *p, size_t len)
{
	while (len) {
		long n = s->ssl ? mbedtls_ssl_write(s->ssl, (const unsigned char *)p, len)
				: (long)send(s->fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Receives some bytes and records them: the count, 0 at the end, -1 on error. */
long srv_recv(struct server *s, char *buf, size_t len)
{
	long n = s->ssl ? mbedtls_ssl_read(s->ssl, (unsigned char *)buf, len)
			: (long)recv(s->fd, buf, len, 0);

	if (n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
		return 0;
	if (n <= 0)
		return n < 0 ? -1 : 0;
	for (long i = 0; i < n && s->got_total + (size_t)i + 1 < sizeof(s->got); i++)
		s->got[s->got_total + (size_t)i] = buf[i];
	s->got_total += (size_t)n;
	s->got_hash = fnv(s->got_hash, buf, (size_t)n);
	return n;
}

/* Reads one line (without "\n") into line; false at the end or on error. */
bool srv_recv_line(struct server *s, char *line, size_t cap)
{
	size_t n = 0;
	char ch;

	while (srv_recv(s, &ch, 1) == 1) {
		if (ch == '\n') {
			line[n] = '\0';
			return true;
		}
		if (n + 1 < cap)
			line[n++] = ch;
	}
	return false;
}

/* Reads until the client closes (or 5 s of silence). */
void srv_wait_close(struct server *s)
{
	char buf[16384];

	while (srv_recv(s, buf, sizeof(buf)) > 0)
		;
}

/* Greets with two lines, echoes each line back until "quit". */
void script_echo(struct server *s)
{
	char line[256], out[300];

	if (!srv_send(s, "hello 1\nhello 2\n", 16))
		return;
	while (srv_recv_line(s, line, sizeof(line)) && strcmp(line, "quit")) {
		snprintf(out, sizeof(out), "echo: %s\n", line);
		if (!srv_send(s, out, strlen(out)))
			return;
	}
}

/* Sends the payload in one call, then reads until the client closes. */
void script_send(struct server *s)
{
	if (srv_send(s, s->payload, s->payload_len))
		srv_wait_close(s);
}

/* Sends the payload 20 bytes at a time, 200 us apart, then waits for the close. */
void script_trickle(struct server *s)
{
	for (size_t off = 0; off < s->payload_len; off += 20) {
		size_t n = s->payload_len - off < 20 ? s->payload_len - off : 20;

		if (!srv_send(s, s->payload + off, n))
			return;
		usleep(200);
	}
	srv_wait_close(s);
}

/* Sends the payload and closes at once. */
void script_send_close(struct server *s)
{
	srv_send(s, s->payload, s->payload_len);
}

/* Sends the payload as two writes, 1000 bytes and the rest, then waits for the close. */
void script_send_two(struct server *s)
{
	if (srv_send(s, s->payload, 1000) &&
	    srv_send(s, s->payload + 1000, s->payload_len - 1000))
		srv_wait_close(s);
}

/* Only reads, until the client closes. */
void script_drain(struct server *s)
{
	srv_wait_close(s);
}

/* BIO callbacks of the server's TLS: a blocking socket with timeouts. */
static int srv_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	long n = (long)send(*(int *)ctx, buf, len, MSG_NOSIGNAL);

	return n < 0 ? MBEDTLS_ERR_NET_SEND_FAILED : (int)n;
}

static int srv_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	long n = (long)recv(*(int *)ctx, buf, len, 0);

	return n < 0 ? MBEDTLS_ERR_NET_RECV_FAILED : (int)n;
}

/* TLS contexts of the server side. */
struct srv_tls {
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt crt;
	mbedtls_pk_context key;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
};

/* Loads s->cert/s->key and configures a server; 0 or an mbedTLS error. */
static int srv_tls_setup(struct server *s, struct srv_tls *t)
{
	int ret;

	if ((ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy, NULL, 0)) ||
	    (ret = mbedtls_x509_crt_parse_file(&t->crt, s->cert)) ||
	    (ret = mbedtls_pk_parse_keyfile(&t->key, s->key, NULL)) ||
	    (ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_SERVER,
					       MBEDTLS_SSL_TRANSPORT_STREAM,
					       MBEDTLS_SSL_PRESET_DEFAULT)))
		return ret;
	mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
	if ((ret = mbedtls_ssl_conf_own_cert(&t->conf, &t->crt, &t->key)) ||
	    (ret = mbedtls_ssl_setup(&t->ssl, &t->conf)))
		return ret;
	mbedtls_ssl_set_bio(&t->ssl, &s->fd, srv_bio_send, srv_bio_recv, NULL);
	return 0;
}

/* Serves the script over TLS; records the handshake result in s->tls_ret. */
static void srv_tls(struct server *s)
{
	struct srv_tls t;

	mbedtls_ssl_init(&t.ssl);
	mbedtls_ssl_config_init(&t.conf);
	mbedtls_x509_crt_init(&t.crt);
	mbedtls_pk_init(&t.key);
	mbedtls_entropy_init(&t.entropy);
	mbedtls_ctr_drbg_init(&t.drbg);
	s->tls_ret = srv_tls_setup(s, &t);
	if (!s->tls_ret)
		s->tls_ret = mbedtls_ssl_handshake(&t.ssl);
	if (!s->tls_ret) {
		s->ssl = &t.ssl;
		s->script(s);
		mbedtls_ssl_close_notify(&t.ssl);
		s->ssl = NULL;
	}
	mbedtls_ssl_free(&t.ssl);
	mbedtls_ssl_config_free(&t.conf);
	mbedtls_x509_crt_free(&t.crt);
	mbedtls_pk_free(&t.key);
	mbedtls_ctr_drbg_free(&t.drbg);
	mbedtls_entropy_free(&t.entropy);
}

/* The thread: accepts one client within 5 s and runs the script on it. */
static void *server_main(void *arg)
{
	struct server *s = arg;
	struct pollfd p = { .fd = s->lfd, .events = POLLIN };
	struct timeval tv = { .tv_sec = 5 };

	if (poll(&p, 1, 5000) <= 0)
		return NULL;
	s->fd = accept(s->lfd, NULL, NULL);
	if (s->fd < 0)
		return NULL;
	s->accepted = true;
	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (s->cert[0])
		srv_tls(s);
	else
		s->script(s);
	close(s->fd);
	return NULL;
}

/* A listening socket on the loopback of family (AF_INET or AF_INET6), any port; -1 if none. */
int listen_loopback(int family, unsigned *port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_storage got;
	socklen_t len = sizeof(got);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if ((family == AF_INET6 ? bind(fd, (struct sockaddr *)&a6, sizeof(a6))
				: bind(fd, (struct sockaddr *)&a4, sizeof(a4))) < 0 ||
	    listen(fd, 4) < 0 || getsockname(fd, (struct sockaddr *)&got, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
					 : ((struct sockaddr_in *)&got)->sin_port);
	return fd;
}

/*
 * Starts a server thread on the loopback of family (127.0.0.1 or ::1)
 * running script, over TLS when cert is set.
 */
struct server *server_start(int family, server_script *script, const char *cert,
				   const char *key, const char *payload, size_t payload_len)
{
	struct server *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->script = script;
	snprintf(s->cert, sizeof(s->cert), "%s", cert ? cert : "");
	snprintf(s->key, sizeof(s->key), "%s", key ? key : "");
	s->payload = payload;
	s->payload_len = payload_len;
	s->got_hash = FNV_START;
	s->lfd = listen_loopback(family, &s->port);
	assert_true(s->lfd >= 0);
	assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
	return s;
}

/* Waits for the thread (the client must have closed by now); free(s) after. */
void server_stop(struct server *s)
{
	pthread_join(s->thread, NULL);
	close(s->lfd);
}

