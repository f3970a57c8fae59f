/*
 * pooltls: the TLS server side of `pipeminer pool` (mbedTLS 2.28), over
 * non-blocking sockets the pool's event loop owns.
 *
 * One struct pooltls holds what all sessions share: the certificate chain
 * and key (PEM or DER files, the key checked against the certificate), the
 * RNG and the ssl config (TLS 1.2, the library's default suites). Each
 * client gets its own session, whose I/O goes straight to its socket with
 * send(MSG_NOSIGNAL)/recv. Every call can ask to be called again when the
 * socket is readable or writable: *want is then POLLIN or POLLOUT.
 * A failure concerns that session only; the caller closes it.
 */
#ifndef PIPEMINER_POOLTLS_H
#define PIPEMINER_POOLTLS_H

#include <stddef.h>
#include <sys/types.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "err.h"

#define POOLTLS_AGAIN (-2)        /* not now: wait for *want, call again */

struct pooltls {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt cert;
	mbedtls_pk_context key;
	mbedtls_ssl_config conf;
};

/*
 * Loads the certificate chain and key. 0, or -1 with err naming the file
 * and the problem ("--tls-key k.pem: ..."). Release with pooltls_release
 * in both cases.
 */
int pooltls_init(struct pooltls *t, const char *cert_file, const char *key_file,
		 char *err, size_t errlen);
void pooltls_release(struct pooltls *t);

/*
 * A server session on the socket *fd (the int must stay where it is for the
 * session's life). NULL when out of memory.
 */
mbedtls_ssl_context *pooltls_session(struct pooltls *t, int *fd);
void pooltls_session_free(mbedtls_ssl_context *ssl);

/* One handshake step: 1 done, POOLTLS_AGAIN (with *want), or -1 with err. */
int pooltls_handshake(mbedtls_ssl_context *ssl, short *want, char *err, size_t errlen);

/*
 * Decrypted bytes: > 0 read, 0 the client closed, POOLTLS_AGAIN (with
 * *want), or -1 with err.
 */
ssize_t pooltls_read(mbedtls_ssl_context *ssl, void *buf, size_t n, short *want,
		     char *err, size_t errlen);

/*
 * Sends up to n bytes: > 0 sent, POOLTLS_AGAIN (with *want; the next call
 * must pass the same bytes and n), or -1 with err.
 */
ssize_t pooltls_write(mbedtls_ssl_context *ssl, const void *buf, size_t n, short *want,
		      char *err, size_t errlen);

/* Decrypted bytes buffered in the session that poll() cannot see. */
size_t pooltls_pending(const mbedtls_ssl_context *ssl);

#endif
