/* pooltls: TLS sessions for `pipeminer pool`; see pooltls.h. */
#include "pooltls.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>

static const char pers[] = "pipeminer pool";

/* err = "what: mbedTLS's words"; returns -1. */
static int tls_err(char *err, size_t errlen, const char *what, int ret)
{
	char why[160];

	mbedtls_strerror(ret, why, sizeof(why));
	return errf(err, errlen, "%s: %s", what, why);
}

int pooltls_init(struct pooltls *t, const char *cert_file, const char *key_file,
		 char *err, size_t errlen)
{
	char what[300];
	int ret;

	mbedtls_entropy_init(&t->entropy);
	mbedtls_ctr_drbg_init(&t->drbg);
	mbedtls_x509_crt_init(&t->cert);
	mbedtls_pk_init(&t->key);
	mbedtls_ssl_config_init(&t->conf);
	ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
				    (const unsigned char *)pers, sizeof(pers) - 1);
	if (ret)
		return tls_err(err, errlen, "cannot seed the TLS random generator", ret);
	snprintf(what, sizeof(what), "--tls-cert %s", cert_file);
	ret = mbedtls_x509_crt_parse_file(&t->cert, cert_file);
	if (ret)
		return tls_err(err, errlen, what, ret);
	snprintf(what, sizeof(what), "--tls-key %s", key_file);
	ret = mbedtls_pk_parse_keyfile(&t->key, key_file, NULL);
	if (ret)
		return tls_err(err, errlen, what, ret);
	ret = mbedtls_pk_check_pair(&t->cert.pk, &t->key);
	if (ret)
		return errf(err, errlen, "--tls-key %s: does not match the certificate in %s",
			    key_file, cert_file);
	ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_SERVER,
					  MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	if (!ret)
		ret = mbedtls_ssl_conf_own_cert(&t->conf, &t->cert, &t->key);
	if (ret)
		return tls_err(err, errlen, "TLS configuration", ret);
	mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
	return 0;
}

void pooltls_release(struct pooltls *t)
{
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_pk_free(&t->key);
	mbedtls_x509_crt_free(&t->cert);
	mbedtls_ctr_drbg_free(&t->drbg);
	mbedtls_entropy_free(&t->entropy);
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	ssize_t n = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);

	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	return errno == EPIPE || errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET
						      : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	ssize_t n = recv(*(int *)ctx, buf, len, 0);

	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_READ;
	return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
}

mbedtls_ssl_context *pooltls_session(struct pooltls *t, int *fd)
{
	mbedtls_ssl_context *ssl = malloc(sizeof(*ssl));

	if (!ssl)
		return NULL;
	mbedtls_ssl_init(ssl);
	if (mbedtls_ssl_setup(ssl, &t->conf)) {
		pooltls_session_free(ssl);
		return NULL;
	}
	mbedtls_ssl_set_bio(ssl, fd, bio_send, bio_recv, NULL);
	return ssl;
}

void pooltls_session_free(mbedtls_ssl_context *ssl)
{
	if (!ssl)
		return;
	mbedtls_ssl_free(ssl);
	free(ssl);
}

/* Maps mbedTLS's want codes to POOLTLS_AGAIN and *want; other codes to -1 + err. */
static int outcome(int ret, const char *what, short *want, char *err, size_t errlen)
{
	if (ret == MBEDTLS_ERR_SSL_WANT_READ) {
		*want = POLLIN;
		return POOLTLS_AGAIN;
	}
	if (ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
		*want = POLLOUT;
		return POOLTLS_AGAIN;
	}
	return tls_err(err, errlen, what, ret);
}

int pooltls_handshake(mbedtls_ssl_context *ssl, short *want, char *err, size_t errlen)
{
	int ret = mbedtls_ssl_handshake(ssl);

	if (!ret)
		return 1;
	return outcome(ret, "TLS handshake failed", want, err, errlen);
}

ssize_t pooltls_read(mbedtls_ssl_context *ssl, void *buf, size_t n, short *want,
		     char *err, size_t errlen)
{
	int ret = mbedtls_ssl_read(ssl, buf, n);

	if (ret >= 0)
		return ret;
	if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF)
		return 0;
	return outcome(ret, "TLS read failed", want, err, errlen);
}

ssize_t pooltls_write(mbedtls_ssl_context *ssl, const void *buf, size_t n, short *want,
		      char *err, size_t errlen)
{
	int ret = mbedtls_ssl_write(ssl, buf, n);

	if (ret >= 0)
		return ret;
	return outcome(ret, "TLS write failed", want, err, errlen);
}

size_t pooltls_pending(const mbedtls_ssl_context *ssl)
{
	return mbedtls_ssl_get_bytes_avail(ssl);
}
