/*
 * tls_session: the TLS client side of one conn (private to conn.c): an
 * mbedTLS 2.28 context over a non-blocking socket, with its own send/recv
 * callbacks that turn EAGAIN into MBEDTLS_ERR_SSL_WANT_READ/WRITE.
 *
 * Verification: authmode REQUIRED against the CA file (the system bundle
 * when none is given) and the host name (mbedTLS 2.28 matches it against
 * the certificate's DNS names, subjectAltName or CN; it has no IP address
 * matching, so a pool reached by IP needs a name or --tls-insecure).
 * Insecure sessions use authmode NONE and load no CA file.
 *
 * Every call that can block returns "again later" and sets the poll(2)
 * events it waits for (tls_session_want); every failure is a sentence.
 */
#ifndef PIPEMINER_TLS_SESSION_H
#define PIPEMINER_TLS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "conn.h"

/* The CA bundle used when conn_tls.ca_file is NULL. */
#define TLS_DEFAULT_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

struct tls_session {
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt ca;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	int fd;                  /* the connected socket (not owned) */
	int io_errno;            /* errno of the last failed send/recv */
	short want;              /* POLLIN/POLLOUT the last blocked call waits for */
	size_t write_len;        /* length of a write mbedTLS still holds */
	bool open;               /* handshake done, close_notify may be sent */
	char ca_file[256];       /* the CA file in use, for messages ("" when insecure) */
	char host[256];          /* the name the certificate must carry */
	char peer[300];          /* "host:port", for messages */
	char cert_name[128];     /* first DNS name (or CN) of the server's certificate */
};

/*
 * A session for host (the name to verify) that will run over a socket
 * given later. NULL with err when the CA file cannot be read or mbedTLS
 * cannot be set up. peer ("host:port") is only used in messages.
 */
struct tls_session *tls_session_new(const char *host, const char *peer,
				    const struct conn_tls *opts, char *err, size_t errlen);

/* The socket to run over, once it is connected. */
void tls_session_set_fd(struct tls_session *t, int fd);

/*
 * Advances the handshake: 1 when done (verified unless insecure), 0 when it
 * waits for tls_session_want(), -1 with err ("TLS handshake with H:P failed:
 * certificate name does not match ...").
 */
int tls_session_handshake(struct tls_session *t, char *err, size_t errlen);

/*
 * Reads up to len bytes: the count, 0 when nothing is available now, -1
 * with err ("pool closed the connection" for close_notify or EOF).
 */
ssize_t tls_session_read(struct tls_session *t, char *buf, size_t len,
			 char *err, size_t errlen);

/*
 * Sends up to len bytes: the count taken (the caller drops that many), 0
 * when the socket takes nothing now (call again with the same bytes), -1
 * with err.
 */
ssize_t tls_session_write(struct tls_session *t, const char *buf, size_t len,
			  char *err, size_t errlen);

/* Decrypted bytes mbedTLS holds that no poll(2) would announce. */
size_t tls_session_buffered(const struct tls_session *t);

/* The poll(2) events the last blocked call waits for (0 if none blocked). */
short tls_session_want(const struct tls_session *t);

/* Sends close_notify when the session is open (best effort, never blocks). */
void tls_session_close_notify(struct tls_session *t);

/* Frees t (NULL is fine); does not close the socket. */
void tls_session_free(struct tls_session *t);

#endif
