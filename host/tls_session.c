/* tls_session: see tls_session.h. */
#include "tls_session.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <mbedtls/asn1.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>

/* Verification failures in our words; the rest come from mbedTLS's table. */
struct tls_flag_words {
	uint32_t flag;
	const char *words;
};

static const struct tls_flag_words tls_flag_words[] = {
	{ MBEDTLS_X509_BADCERT_EXPIRED, "certificate has expired" },
	{ MBEDTLS_X509_BADCERT_FUTURE, "certificate is not valid yet" },
	{ MBEDTLS_X509_BADCERT_REVOKED, "certificate was revoked" },
};

/* BIO send callback: the socket, non-blocking; EAGAIN is WANT_WRITE. */
static int tls_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_session *t = ctx;
	ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);

	if (n >= 0)
		return (int)n;
	t->io_errno = errno;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	if (errno == EPIPE || errno == ECONNRESET)
		return MBEDTLS_ERR_NET_CONN_RESET;
	return MBEDTLS_ERR_NET_SEND_FAILED;
}

/* BIO recv callback: 0 is EOF; EAGAIN is WANT_READ. */
static int tls_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_session *t = ctx;
	ssize_t n = recv(t->fd, buf, len, 0);

	if (n >= 0)
		return (int)n;
	t->io_errno = errno;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (errno == ECONNRESET)
		return MBEDTLS_ERR_NET_CONN_RESET;
	return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* Copies the first DNS name of crt (or its CN) into out, for messages. */
static void tls_cert_name(const mbedtls_x509_crt *crt, char *out, size_t outlen)
{
	const mbedtls_x509_sequence *san;
	const mbedtls_x509_name *dn;

	for (san = &crt->subject_alt_names; san && san->buf.p; san = san->next) {
		if (san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_DNS_NAME)) {
			snprintf(out, outlen, "%.*s", (int)san->buf.len, (const char *)san->buf.p);
			return;
		}
	}
	for (dn = &crt->subject; dn; dn = dn->next) {
		if (dn->oid.p && !MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &dn->oid)) {
			snprintf(out, outlen, "%.*s", (int)dn->val.len, (const char *)dn->val.p);
			return;
		}
	}
}

/* Verify callback: only records the server certificate's name (depth 0). */
static int tls_verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	struct tls_session *t = ctx;

	(void)flags;
	if (depth == 0)
		tls_cert_name(crt, t->cert_name, sizeof(t->cert_name));
	return 0;
}

/* Appends "; " (unless out is empty) and text to out. */
static void tls_append(char *out, size_t outlen, const char *text)
{
	size_t n = strlen(out);

	snprintf(out + n, outlen - n, "%s%s", n ? "; " : "", text);
}

/* Words for the verification flags; out gets one clause per problem. */
static void tls_verify_words(const struct tls_session *t, uint32_t flags, char *out,
			     size_t outlen)
{
	char text[512];

	out[0] = '\0';
	if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
		snprintf(text, sizeof(text), "certificate name does not match: it is for \"%s\", "
			 "not \"%s\"", t->cert_name[0] ? t->cert_name : "?", t->host);
		tls_append(out, outlen, text);
	}
	if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
		snprintf(text, sizeof(text), "certificate not trusted (not signed by a CA in \"%s\")",
			 t->ca_file);
		tls_append(out, outlen, text);
	}
	flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_CN_MISMATCH | MBEDTLS_X509_BADCERT_NOT_TRUSTED);
	for (size_t i = 0; i < sizeof(tls_flag_words) / sizeof(tls_flag_words[0]); i++) {
		if (flags & tls_flag_words[i].flag) {
			tls_append(out, outlen, tls_flag_words[i].words);
			flags &= ~tls_flag_words[i].flag;
		}
	}
	if (flags && mbedtls_x509_crt_verify_info(text, sizeof(text), "", flags) > 0) {
		text[strcspn(text, "\n")] = '\0';   /* the first of mbedTLS's lines */
		tls_append(out, outlen, text);
	}
}

/* Words for an mbedTLS error code ret that ended the session. */
static void tls_error_words(const struct tls_session *t, int ret, char *out, size_t outlen)
{
	switch (ret) {
	case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
		tls_verify_words(t, mbedtls_ssl_get_verify_result(&t->ssl), out, outlen);
		return;
	case 0:
	case MBEDTLS_ERR_SSL_CONN_EOF:
	case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
		snprintf(out, outlen, "pool closed the connection");
		return;
	case MBEDTLS_ERR_SSL_INVALID_RECORD:
		snprintf(out, outlen, "the pool did not answer in TLS (is it a stratum+tcp port?)");
		return;
	case MBEDTLS_ERR_NET_CONN_RESET:
		snprintf(out, outlen, "pool reset the connection");
		return;
	case MBEDTLS_ERR_NET_SEND_FAILED:
	case MBEDTLS_ERR_NET_RECV_FAILED:
		snprintf(out, outlen, "%s", strerror(t->io_errno));
		return;
	}
	mbedtls_strerror(ret, out, outlen);
}

/* Sets t->want from a WANT_READ/WANT_WRITE ret; true if ret was one. */
static bool tls_blocked(struct tls_session *t, int ret)
{
	t->want = ret == MBEDTLS_ERR_SSL_WANT_READ ? POLLIN :
		  ret == MBEDTLS_ERR_SSL_WANT_WRITE ? POLLOUT : 0;
	return t->want != 0;
}

/* Loads the CA chain from path into t->ca; 0 or -1 with err. */
static int tls_load_ca(struct tls_session *t, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f)
		return errf(err, errlen, "cannot read CA file \"%s\": %s", path, strerror(errno));
	fclose(f);
	/* > 0 means some certificates did not parse; the others are loaded. */
	ret = mbedtls_x509_crt_parse_file(&t->ca, path);
	if (ret < 0 || !t->ca.version)
		return errf(err, errlen, "no usable CA certificate in \"%s\"", path);
	snprintf(t->ca_file, sizeof(t->ca_file), "%s", path);
	return 0;
}

/* Client configuration: TLS 1.2+, the verification mode, the RNG. */
static int tls_configure(struct tls_session *t, bool insecure, char *err, size_t errlen)
{
	int ret;

	ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT,
					  MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret)
		return errf(err, errlen, "cannot configure TLS (mbedTLS error -0x%04x)", -ret);
	mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_authmode(&t->conf, insecure ? MBEDTLS_SSL_VERIFY_NONE :
				  MBEDTLS_SSL_VERIFY_REQUIRED);
	if (!insecure) {
		mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
		mbedtls_ssl_conf_verify(&t->conf, tls_verify_cb, t);
	}
	mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
	return 0;
}

/* Seeds the RNG and sets up the context for host; 0 or -1 with err. */
static int tls_setup(struct tls_session *t, char *err, size_t errlen)
{
	static const char pers[] = "pipeminer conn";
	int ret;

	ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
				    (const unsigned char *)pers, sizeof(pers) - 1);
	if (ret)
		return errf(err, errlen, "cannot seed the TLS random generator (-0x%04x)", -ret);
	ret = mbedtls_ssl_setup(&t->ssl, &t->conf);
	if (!ret)
		ret = mbedtls_ssl_set_hostname(&t->ssl, t->host);
	if (ret)
		return errf(err, errlen, "cannot set up TLS for \"%s\" (-0x%04x)", t->host, -ret);
	mbedtls_ssl_set_bio(&t->ssl, t, tls_bio_send, tls_bio_recv, NULL);
	return 0;
}

struct tls_session *tls_session_new(const char *host, const char *peer,
				    const struct conn_tls *opts, char *err, size_t errlen)
{
	struct tls_session *t = calloc(1, sizeof(*t));

	if (!t) {
		errf(err, errlen, "out of memory for a TLS session");
		return NULL;
	}
	mbedtls_ssl_init(&t->ssl);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_x509_crt_init(&t->ca);
	mbedtls_entropy_init(&t->entropy);
	mbedtls_ctr_drbg_init(&t->drbg);
	t->fd = -1;
	snprintf(t->host, sizeof(t->host), "%s", host);
	snprintf(t->peer, sizeof(t->peer), "%s", peer);
	if (!opts->insecure &&
	    tls_load_ca(t, opts->ca_file ? opts->ca_file : TLS_DEFAULT_CA_FILE, err, errlen) < 0)
		goto out_free;
	if (tls_configure(t, opts->insecure, err, errlen) < 0 || tls_setup(t, err, errlen) < 0)
		goto out_free;
	return t;

out_free:
	tls_session_free(t);
	return NULL;
}

void tls_session_set_fd(struct tls_session *t, int fd)
{
	t->fd = fd;
}

int tls_session_handshake(struct tls_session *t, char *err, size_t errlen)
{
	char words[ERR_LEN];
	int ret = mbedtls_ssl_handshake(&t->ssl);

	if (!ret) {
		t->want = 0;
		t->open = true;
		return 1;
	}
	if (tls_blocked(t, ret))
		return 0;
	tls_error_words(t, ret, words, sizeof(words));
	return errf(err, errlen, "TLS handshake with %s failed: %s", t->peer, words);
}

ssize_t tls_session_read(struct tls_session *t, char *buf, size_t len, char *err,
			 size_t errlen)
{
	char words[ERR_LEN];
	int ret = mbedtls_ssl_read(&t->ssl, (unsigned char *)buf, len);

	if (ret > 0) {
		t->want = 0;
		return ret;
	}
	if (tls_blocked(t, ret))
		return 0;
	t->open = false;
	tls_error_words(t, ret, words, sizeof(words));
	if (ret == 0 || ret == MBEDTLS_ERR_SSL_CONN_EOF || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
		return errf(err, errlen, "%s", words);
	return errf(err, errlen, "TLS connection to %s failed: %s", t->peer, words);
}

ssize_t tls_session_write(struct tls_session *t, const char *buf, size_t len, char *err,
			  size_t errlen)
{
	char words[ERR_LEN];
	int ret;

	/* mbedTLS holds the record of a blocked write; it must be retried as it was. */
	if (t->write_len)
		len = t->write_len;
	ret = mbedtls_ssl_write(&t->ssl, (const unsigned char *)buf, len);
	if (ret >= 0) {
		t->want = 0;
		t->write_len = 0;
		return ret;
	}
	if (tls_blocked(t, ret)) {
		t->write_len = len;
		return 0;
	}
	t->open = false;
	tls_error_words(t, ret, words, sizeof(words));
	return errf(err, errlen, "TLS connection to %s failed: %s", t->peer, words);
}

size_t tls_session_buffered(const struct tls_session *t)
{
	return mbedtls_ssl_get_bytes_avail(&t->ssl);
}

short tls_session_want(const struct tls_session *t)
{
	return t->want;
}

void tls_session_close_notify(struct tls_session *t)
{
	if (t->open)
		mbedtls_ssl_close_notify(&t->ssl);
	t->open = false;
}

void tls_session_free(struct tls_session *t)
{
	if (!t)
		return;
	mbedtls_ssl_free(&t->ssl);
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_x509_crt_free(&t->ca);
	mbedtls_ctr_drbg_free(&t->drbg);
	mbedtls_entropy_free(&t->entropy);
	free(t);
}
